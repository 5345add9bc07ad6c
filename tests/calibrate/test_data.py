"""Loaders of the shared calibration data (skipped when ../shared is absent)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ferronet.calibrate import data

AUC_TOL = 1e-4  # the wide AUC file is rounded to 5 decimals


@pytest.fixture(autouse=True)
def _shared(shared, monkeypatch):
    monkeypatch.setenv("FERRONET_SHARED", str(shared))


def test_ctrp_curves_have_the_four_drugs_and_no_erastin():
    curves = data.ctrp_curves()
    assert set(curves["drug"]) == set(data.CTRP_DRUGS)
    assert not curves["drug"].str.upper().eq("ERASTIN").any()
    counts = curves["drug"].value_counts()
    # SOURCE.md: ML210 570, ML162 602, CIL56 290, CIL55 219 curves before the name join
    assert 500 <= counts["ML210"] <= 570 and 500 <= counts["ML162"] <= 602
    assert not curves.duplicated(["key", "drug"]).any()


def test_erastin_is_refused_as_withheld():
    with pytest.raises(data.SharedDataError, match="withheld"):
        data.ctrp_curves(["ML210", "erastin"])
    with pytest.raises(data.SharedDataError, match="known: ML210"):
        data.ctrp_curves(["ML21O"])


def test_viability_points_lie_in_the_measured_range():
    curves = data.ctrp_curves(["ML210"]).head(30)
    v = data.ctrp_viability(curves, n_doses=6)
    assert len(v) == 6 * len(curves)
    merged = v.merge(curves, on=["key", "drug"])
    assert (merged["dose_uM"] >= merged["dose_min"] * (1 - 1e-9)).all()
    assert (merged["dose_uM"] <= merged["dose_max"] * (1 + 1e-9)).all()
    assert v["viability"].between(0.0, 1.02).all()


def test_auc_reproduces_the_shared_wide_file():
    auc = data.ctrp_auc(["ML210", "ML162"])
    wide = pd.read_csv(data.external("ctrpv2_ferroptosis_depmap/ctrpv2_ferroptosis_auc_wide.csv"))
    wide = wide.dropna(subset=["CellLineKey"]).drop_duplicates("CellLineKey").set_index("CellLineKey")
    joined = auc.join(wide[["ML210_AUC", "ML162_AUC"]], how="inner").dropna()
    assert len(joined) > 300
    assert np.abs(joined["ML210"] - joined["ML210_AUC"]).max() < AUC_TOL
    assert np.abs(joined["ML162"] - joined["ML162_AUC"]).max() < AUC_TOL


def test_breast_panel_lines_drugs_and_replicates():
    b = data.breast_panel()
    assert b.groupby("drug")["key"].nunique().to_dict() == {"FIN56": 16, "RSL3": 14, "erastin": 16}
    assert set(b["replicate"]) == {1, 2, 3, 4}
    assert set(b["key"]) <= set(data.lines_by_key().index)  # every breast line maps to a DepMap id
    assert b["dose_uM"].max() < 100  # converted from M


def test_erastin_gsh_points():
    g = data.erastin_gsh()
    assert len(g) == 10 and set(g["key"]) == {"HT1080", "U2OS"}
    ctrl = g[g["erastin_uM"] == 0]
    assert np.allclose(ctrl["gsh"], 1.0)
    for _, grp in g.groupby("key"):
        assert grp.sort_values("erastin_uM")["gsh"].is_monotonic_decreasing
    assert np.allclose(g["time_h"], 5.0)


def test_cell_line_data_joins_expression_mutations_proteins():
    cl = data.cell_line_data(["A549", "NOT_A_LINE"])
    assert cl.info.loc["A549", "tissue"] == "lung"
    assert cl.info.loc["NOT_A_LINE", "tissue"] == "unknown"
    assert cl.expression.loc["A549"].notna().all() and cl.expression.loc["NOT_A_LINE"].isna().all()
    assert cl.mutations.loc["A549", "KEAP1"] == 1  # A549 is KEAP1-mutant
    assert cl.mutations.loc["A549", "KRAS"] == 1


def test_missing_shared_folder_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("FERRONET_SHARED", str(tmp_path))
    with pytest.raises(data.SharedDataError, match="FERRONET_SHARED"):
        data.shared_dir()


def test_curve_matrix_is_nan_outside_the_measured_range():
    m = data.ctrp_curve_matrix("ML210", doses=[1e-5, 0.01, 1.0])
    assert m[1e-5].isna().all()  # below every line's lowest dose
    assert m[1.0].notna().mean() > 0.9
    with pytest.raises(ValueError):
        data.ctrp_curve_matrix("ML210", doses=[0.0, 1.0])
