"""The mechanism-signed readout: shipped weights that keep the model's signs, rebuilt from ../shared."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from ferronet.errors import FerronetError
from ferronet.profile.personalise import effect_signs, predict
from ferronet.profile.readout import SignedReadout, readout_for, shipped_readouts
from ferronet.profile.reference import expression_reference, protein_reference

REPO = Path(__file__).resolve().parents[2]
SAMPLES = pd.DataFrame(
    {"AIFM2": [2.0, -2.0, 0.0], "SLC7A11": [1.0, 0.0, 0.0], "ACSL4": [0.0, 1.0, 0.0], "ZEB1": [0.0, 1.5, 0.0]},
    index=["FSP1-high", "mesenchymal", "median"],
)


def test_shipped_readouts_keep_the_signs_the_model_gives(model):
    readouts = shipped_readouts()
    assert {"ML210", "ML162"} <= set(readouts)
    for drug, r in readouts.items():
        assert r.n_lines > 300 and r.alpha > 0 and "CTRPv2" in r.source
        now = effect_signs(drug, r.inputs, model)
        stale = {n: (r.signs[n], now[n]) for n in r.inputs if r.signs[n] != now[n]}
        assert not stale, f"{drug}: signs changed with the model, rebuild with scripts/build_readouts.py: {stale}"
        assert r.weights["AIFM2"] > 0 and r.weights["ZEB1"] < 0  # FSP1 protects; the mesenchymal state sensitises


def test_a_weight_against_its_sign_is_rejected():
    with pytest.raises(FerronetError, match="breaks its sign"):
        SignedReadout("ML210", {"AIFM2": -0.1}, {"AIFM2": 1.0}, 0.5, 1.0, 10, "x")
    with pytest.raises(FerronetError, match="breaks its sign"):
        SignedReadout("ML210", {"GPX4": 0.1}, {"GPX4": 0.0}, 0.5, 1.0, 10, "x")


def test_signed_predict_is_per_sample_and_explained_by_axes():
    with pytest.warns(UserWarning):
        table = predict("ML210", SAMPLES, readout="signed").set_index("sample")
    r = readout_for("ML210")
    axes = table.filter(like="axis_").sum(axis=1)
    np.testing.assert_allclose(table["score"] - r.intercept, axes, atol=1e-12)  # every input sits on one axis
    assert table.loc["FSP1-high", "score"] > table.loc["median", "score"] > table.loc["mesenchymal", "score"]
    ref = expression_reference()
    centre = pd.DataFrame([{g: ref.centre[g] for g in r.inputs if g in ref.centre}], index=["reference median"])
    with pytest.warns(UserWarning):
        at_centre = predict("ML210", centre, readout="signed", axes=False)
    assert at_centre["score"].iloc[0] == pytest.approx(r.intercept, abs=0.02)  # z = 0 (footprints: about 0)
    with pytest.warns(UserWarning):
        alone = predict("ML210", SAMPLES.iloc[[1]], readout="signed", axes=False)
    assert alone["score"].iloc[0] == pytest.approx(table.loc["mesenchymal", "score"])


def test_measured_protein_adds_its_own_term_and_a_gap_leaves_the_mrna_alone():
    r = readout_for("ML210")
    assert r.weights["protein:AIFM2"] > 0  # FSP1 protein protects (seed 000 refs 30-31), as its mRNA does
    # rows in another order, one sample the expression lacks, one the proteins lack: matched by sample id
    prot = pd.DataFrame({"AIFM2": [np.nan, 1.0, 5.0]}, index=["mesenchymal", "FSP1-high", "not profiled"])
    with pytest.warns(UserWarning, match="protein values missing for 2 of 3 sample-gene pairs; mRNA used"):
        with_prot = predict("ML210", SAMPLES, proteins=prot, readout="signed").set_index("sample")
    with pytest.warns(UserWarning):
        without = predict("ML210", SAMPLES, readout="signed").set_index("sample")
    scale = protein_reference().scale["AIFM2"]
    centre = protein_reference().centre["AIFM2"]
    gained = with_prot.loc["FSP1-high", "score"] - without.loc["FSP1-high", "score"]
    assert gained == pytest.approx(r.weights["protein:AIFM2"] * (1.0 - centre) / scale)
    assert gained == pytest.approx(with_prot.loc["FSP1-high", "axis_FSP1"] - without.loc["FSP1-high", "axis_FSP1"])
    assert (
        with_prot.loc[["mesenchymal", "median"], "score"].tolist()
        == without.loc[["mesenchymal", "median"], "score"].tolist()
    )


def test_auto_reads_the_signed_weights_where_shipped_and_simulates_elsewhere():
    with pytest.warns(UserWarning):
        auto = predict("ML210", SAMPLES, axes=False, progress=False)
        signed = predict("ML210", SAMPLES, axes=False, readout="signed")
        erastin = predict("erastin", SAMPLES, axes=False, progress=False)
        with_sets = predict("ML210", SAMPLES, axes=False, progress=False, ensemble=[{"beta_expr": 0.2}])
    assert (auto["readout"] == "signed").all() and auto["score"].tolist() == signed["score"].tolist()
    assert (erastin["readout"] == "model").all()  # no measured responses: the prediction from mechanism alone
    assert (with_sets["readout"] == "model").all() and "score_lo" in with_sets  # intervals are the model's


def test_unread_inputs_are_named_and_auto_keeps_the_simulation_for_what_only_it_honours(model):
    prot = pd.DataFrame({"AIFM2": [1.0, 0.0, 0.0], "ACSL4": [2.0, 0.0, 0.0]}, index=SAMPLES.index)
    muts = pd.DataFrame({"TP53": [1, 0, 0], "KRAS": [0, 0, 0]}, index=SAMPLES.index)
    with pytest.warns(UserWarning) as caught:
        predict("ML210", SAMPLES, muts, prot, axes=False)
    text = " | ".join(str(w.message) for w in caught)
    assert "does not read mutations (TP53 ignored" in text and "KRAS" not in text
    assert "reads the proteins AIFM2, GPX4, SLC7A11 only; ACSL4 ignored" in text
    with pytest.warns(UserWarning):
        in_cell = predict("ML210", SAMPLES, axes=False, progress=False, cell="HT1080")
        with_model = predict("ML210", SAMPLES, axes=False, progress=False, model=model)
    assert (in_cell["readout"] == "model").all() and (with_model["readout"] == "model").all()


def test_bootstrap_draws_survive_the_file_round_trip_and_keep_every_sign():
    r = readout_for("ML210")
    again = SignedReadout.from_dict(yaml.safe_load(yaml.safe_dump(r.to_dict())))  # sort_keys: inputs re-ordered
    assert again.inputs != r.inputs
    for k, name in enumerate(again.inputs):  # each draw's weights follow their inputs, not the file's order
        np.testing.assert_allclose(
            [row[1 + k] for row in again.draws], [row[1 + r.inputs.index(name)] for row in r.draws], atol=1e-6
        )
    signs = np.array([r.signs[n] for n in r.inputs])
    d = np.asarray(r.draws)
    assert (d[:, 1:] * signs >= 0).all() and (d[:, 1:][:, signs == 0] == 0).all()
    assert d[:, 1 + r.inputs.index("protein:AIFM2")].min() > 0  # FSP1 protein protects in every refit
    for bad in [(0.5,), (0.5, 0.1, 0.2)]:  # wrong length
        with pytest.raises(FerronetError, match="bootstrap draw 1"):
            SignedReadout("ML210", {"AIFM2": 0.1}, {"AIFM2": 1.0}, 0.5, 1.0, 10, "x", draws=(bad,))
    with pytest.raises(FerronetError, match="bootstrap draw 1"):  # a weight where the model sees no effect
        SignedReadout("ML210", {"GPX4": 0.0}, {"GPX4": 0.0}, 0.5, 1.0, 10, "x", draws=((0.5, 0.1),))


def test_the_signed_score_has_an_interval_from_the_bootstrap_refits():
    r = readout_for("ML210")
    assert len(r.draws) == 50
    with pytest.warns(UserWarning):
        table = predict("ML210", SAMPLES, readout="signed", axes=False)
    assert (table["n_sets"] == 50).all()
    assert (table["score_lo"] < table["score_hi"]).all()
    assert (table["score_lo"] - 0.02 <= table["score"]).all() and (table["score"] <= table["score_hi"] + 0.02).all()
    wide = table["score_hi"] - table["score_lo"]
    assert wide.iloc[0] > wide.iloc[2]  # far from the reference centre (FSP1-high) the weights matter more
    bad = (0.5, -0.1)
    with pytest.raises(FerronetError, match="bootstrap draw 1"):
        SignedReadout("ML210", {"AIFM2": 0.1}, {"AIFM2": 1.0}, 0.5, 1.0, 10, "x", draws=(bad,))


def test_signed_readout_refuses_what_it_cannot_do():
    with pytest.raises(FerronetError, match="no signed readout is shipped for erastin"):
        predict("erastin", SAMPLES, readout="signed")
    with pytest.raises(FerronetError, match="use it with readout 'model'"):
        predict("ML210", SAMPLES, readout="signed", ensemble=[{"beta_expr": 0.2}])
    with pytest.raises(FerronetError, match="unknown readout"):
        predict("ML210", SAMPLES, readout="linear")


def test_the_shipped_readouts_rebuild_from_shared(shared, tmp_path):
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts/build_readouts.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "FERRONET_SHARED": str(shared)},
    )
    assert done.returncode == 0, done.stderr
    rebuilt = {
        d["drug"]: SignedReadout.from_dict(d)
        for d in yaml.safe_load((tmp_path / "readouts.yaml").read_text())["readouts"]
    }
    for drug, r in shipped_readouts().items():
        assert rebuilt[drug].inputs == r.inputs
        np.testing.assert_allclose(
            [rebuilt[drug].weights[n] for n in r.inputs], [r.weights[n] for n in r.inputs], atol=1e-9
        )
        assert rebuilt[drug].intercept == pytest.approx(r.intercept, abs=1e-9)
        np.testing.assert_allclose(rebuilt[drug].draws, r.draws, atol=1e-6)  # the bootstrap is seeded
