"""`ferronet predict`: personalisation, output format, and the bad inputs of the issue."""

from __future__ import annotations

import gzip
import subprocess
import sys

import pandas as pd
import pytest

from ferronet.errors import FerronetError
from ferronet.profile.io import read_samples
from ferronet.profile.personalise import effect_signs, personalise, predict


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "ferronet.cli.main", *args], capture_output=True, text=True, timeout=600
    )


@pytest.fixture
def expr_file(tmp_path):
    p = tmp_path / "expr.tsv.gz"
    rows = [
        "sample\tAIFM2\tGPX4\tACSL4\tSLC7A11\tNQO1",
        "hi FSP1\t3\t0\t0\t0\t0",
        "low FSP1\t-3\t0\t0\t0\t0",
        "007\t0\t0\t0\t0\t0",
        "ACSL4-high\t0\t0\t3\t0\t0",
    ]
    p.write_bytes(gzip.compress(("\n".join(rows) + "\n").encode()))
    return p


def test_predict_cli_output(expr_file, tmp_path):
    muts = tmp_path / "muts.csv"
    muts.write_text("sample,KEAP1,TP53\nhi FSP1,0,1\nlow FSP1,1,0\n007,0,0\nACSL4-high,0,0\n")
    out = tmp_path / "pred.tsv"
    proc = _cli(
        "predict", "--drug", "ML210", "--expression", str(expr_file), "--mutations", str(muts), "--out", str(out),
        "--readout", "model",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "warning:" in proc.stderr and "model genes are missing" in proc.stderr
    assert "does not read mutations" not in proc.stderr
    t = pd.read_csv(out, sep="\t", dtype={"sample": str})
    assert t["sample"].tolist() == ["hi FSP1", "low FSP1", "007", "ACSL4-high"]  # ids exactly as given
    assert {"score", "axis_GPX4_GSH", "axis_FSP1", "axis_iron", "axis_lipid", "axis_NRF2"} <= set(t.columns)
    s = t.set_index("sample")["score"]
    assert s["hi FSP1"] > s["007"] > s["ACSL4-high"]  # FSP1 protects, ACSL4 sensitises (GPX4 inhibitor)
    assert t.set_index("sample").loc["hi FSP1", "axis_FSP1"] > 0
    assert (t["readout"] == "model").all()
    default = tmp_path / "default.tsv"
    proc = _cli(
        "predict", "--drug", "ML210", "--expression", str(expr_file), "--mutations", str(muts), "--out", str(default)
    )
    assert proc.returncode == 0, proc.stderr
    assert "does not read mutations (KEAP1, TP53 ignored" in proc.stderr  # the default for ML210 says what it drops
    d = pd.read_csv(default, sep="\t", dtype={"sample": str}).set_index("sample")
    assert (d["readout"] == "signed").all() and d.loc["hi FSP1", "score"] > d.loc["007", "score"]


def test_keap1_mutation_raises_resistance():
    expr = pd.DataFrame({"AIFM2": [0.0, 0.0, 0.0], "GPX4": [0.0, 0.0, 0.0]}, index=["wt", "mut", "x"])
    muts = pd.DataFrame({"KEAP1": [0, 1, 0]}, index=["wt", "mut", "x"])
    t = predict("ML210", expr, muts, progress=False, axes=False, readout="model").set_index("sample")
    assert t.loc["mut", "score"] > t.loc["wt", "score"]
    with pytest.warns(UserWarning, match="the signed readout does not read mutations"):
        predict("ML210", expr, muts, axes=False)  # the default for ML210 says what it leaves out


def test_proteins_override_mrna():
    """Within-cohort normalisation (the earlier default): proteins as given, mRNA centred on the table."""
    expr = pd.DataFrame({"AIFM2": [0.0, 0.0, 0.0]}, index=["a", "b", "c"])
    prot = pd.DataFrame({"AIFM2": [2.0, -2.0, float("nan")]}, index=["a", "b", "c"])
    p = personalise(expr, proteins=prot, normalise="cohort")
    assert p.levels[0]["AIFM2"] == pytest.approx(4.0) and p.levels[1]["AIFM2"] == pytest.approx(0.25)
    assert p.levels[2]["AIFM2"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("sample,AIFM2,GPX4\na,1,x\nb,nan,2\n", "non-numeric or missing"),
        ("sample,AIFM2,AIFM2\na,1,2\n", "gene appears twice"),
        ("sample,AIFM2\na,1\na,2\n", "sample id appears twice"),
        ("gene,s1,s2,s3\nGPX4,1,2,3\nAIFM2,1,2,3\nACSL4,1,2,3\n", "samples appear to be columns"),
        ("sample,KEAP1\na,2\n", "must be 0 or 1"),
    ],
)
def test_bad_tables_are_reported(tmp_path, content, message):
    p = tmp_path / "t.csv"
    p.write_text(content)
    binary = "KEAP1" in content
    with pytest.raises(Exception, match=message):
        read_samples(p, "mutations" if binary else "expression", binary=binary)


def test_no_model_gene_is_an_error(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("sample,FOO,BAR\na,1,2\nb,2,3\n")
    proc = _cli("predict", "--drug", "ML210", "--expression", str(p))
    assert proc.returncode == 2 and "no model gene found" in proc.stderr and "Traceback" not in proc.stderr


def test_h5ad_expression(tmp_path):
    anndata = pytest.importorskip("anndata")
    import numpy as np

    ad = anndata.AnnData(
        X=np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 1.0]]),
        obs=pd.DataFrame(index=["s1", "s2", "s3"]),
        var=pd.DataFrame(index=["AIFM2", "GPX4"]),
    )
    path = tmp_path / "expr.h5ad"
    ad.write_h5ad(path)
    frame = read_samples(path)
    assert frame.index.tolist() == ["s1", "s2", "s3"] and frame.columns.tolist() == ["AIFM2", "GPX4"]
    t = predict("ML210", frame, progress=False, axes=False).set_index("sample")
    assert t.loc["s1", "score"] > t.loc["s2", "score"]


def test_nrf2_axis_mutations_are_read_by_the_footprint_when_it_exists():
    """With enough NRF2 targets measured, the footprint carries KEAP1 loss; it is not applied a second time."""
    from ferronet.profile.personalise import NRF2_FOOTPRINT

    genes = ["AIFM2", *NRF2_FOOTPRINT[:8]]
    expr = pd.DataFrame(0.0, index=["wt", "mut", "x"], columns=genes)
    muts = pd.DataFrame({"KEAP1": [0, 1, 0], "TP53": [0, 1, 0]}, index=["wt", "mut", "x"])
    p = personalise(expr, muts, normalise="cohort")
    assert "KEAP1" not in p.used_mutations and "TP53" in p.used_mutations
    assert p.levels[1].get("KEAP1", 1.0) == p.levels[0].get("KEAP1", 1.0)
    no_fp = personalise(expr[["AIFM2"]], muts, normalise="cohort")  # no footprint: the mutation sets KEAP1
    assert "KEAP1" in no_fp.used_mutations and no_fp.levels[1]["KEAP1"] < no_fp.levels[0].get("KEAP1", 1.0)


def test_mutation_levels_are_model_parameters():
    from ferronet.model import load_model

    expr = pd.DataFrame({"AIFM2": [0.0, 0.0, 0.0]}, index=["wt", "mut", "x"])
    muts = pd.DataFrame({"TP53": [0, 1, 0]}, index=["wt", "mut", "x"])
    m = load_model()
    default = personalise(expr, muts, model=m, normalise="cohort").levels[1]["TP53"]
    moved = m.with_parameters({"mutation_TP53": 0.5}, "test")
    assert default == pytest.approx(m.parameters["mutation_TP53"].value)
    assert personalise(expr, muts, model=moved, normalise="cohort").levels[1]["TP53"] == pytest.approx(0.5)


def test_effect_signs_follow_the_mechanism():
    """FSP1 (AIFM2) protects against GPX4 inhibition, ACSL4 (PUFA-PE supply) sensitises (seed 000 refs 30, 40)."""
    signs = effect_signs("ML210", ["AIFM2", "ACSL4", "SLC7A11"])
    assert signs["AIFM2"] == 1 and signs["ACSL4"] == -1
    assert set(signs.unique()) <= {-1.0, 0.0, 1.0}
    with pytest.raises(FerronetError, match="not a compound"):
        effect_signs("GPX4", ["AIFM2"])
