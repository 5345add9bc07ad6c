"""Ecosystem inputs: GMT gene sets, AnnData objects and .h5ad files with symbols in a var column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from ferronet.cli.main import cli
from ferronet.errors import FerronetError, ValidationError
from ferronet.profile.io import anndata_frame, as_expression_frame, ensembl_to_symbol, read_gmt, read_samples
from ferronet.profile.personalise import predict

anndata = pytest.importorskip("anndata")


def test_gmt_parsing_ignores_padding(tmp_path):
    path = tmp_path / "sets.gmt"
    path.write_text("A\tdesc\tGPX4\tAIFM2\t\t\t\nB\thttp://x\tACSL4\tACSL4\tLPCAT3\n", encoding="utf-8")
    assert read_gmt(path) == {"A": ["GPX4", "AIFM2"], "B": ["ACSL4", "LPCAT3"]}


def test_gmt_problems_reported_together_with_lines(tmp_path):
    path = tmp_path / "bad.gmt"
    path.write_text("A\tdesc\tGPX4\nA\tdesc\tACSL4\nonly-a-name\nC\tdesc\t\t\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        read_gmt(path)
    text = str(err.value)
    assert "bad.gmt:2" in text and "appears twice (also line 1)" in text
    assert "bad.gmt:3" in text and "bad.gmt:4" in text and "no genes" in text


def test_shared_gmt_file_reads(shared):
    sets = read_gmt(shared / "data/external/ferroptosis_gene_sets/simalevlab_genesets_used_in_paper.gmt")
    assert len(sets) == 10 and "WP_Ferroptosis" in sets
    assert len(sets["WP_Ferroptosis"]) == 40 and all(sets.values())


def _adata(var: pd.DataFrame) -> object:
    x = np.array([[2.0, 0.0, 1.0], [-2.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    return anndata.AnnData(X=x, obs=pd.DataFrame(index=["s1", "s2", "s3"]), var=var)


def test_anndata_symbols_from_var_column():
    ad = _adata(pd.DataFrame({"gene_symbols": ["AIFM2", "GPX4", "GPX4"]}, index=["e1", "e2", "e3"]))
    with pytest.warns(UserWarning, match="averaged"):
        frame = anndata_frame(ad, "gene_symbols")
    assert frame.columns.tolist() == ["AIFM2", "GPX4"]
    assert frame.loc["s3", "GPX4"] == pytest.approx(1.0) and frame.loc["s1", "GPX4"] == pytest.approx(0.5)
    with pytest.raises(FerronetError, match="did you mean gene_symbols"):
        anndata_frame(ad, "gene_symbol")


def test_anndata_ensembl_ids_mapped_with_shipped_table():
    table = ensembl_to_symbol()
    assert table["ENSG00000167468"] == "GPX4" and table["ENSG00000116044"] == "NFE2L2"
    ad = _adata(pd.DataFrame(index=["ENSG00000167468.18", "ENSG00000116044", "ENSG00000000000"]))
    with pytest.warns(UserWarning, match="1 gene"):
        frame = anndata_frame(ad)
    assert frame.columns.tolist() == ["GPX4", "NFE2L2"]


def test_predict_accepts_anndata_object():
    ad = _adata(pd.DataFrame(index=["AIFM2", "GPX4", "ACSL4"]))
    from_ad = predict("ML210", ad, progress=False, axes=False).set_index("sample")
    from_df = predict("ML210", as_expression_frame(ad), progress=False, axes=False).set_index("sample")
    assert np.allclose(from_ad["score"], from_df["score"])
    assert from_ad.loc["s1", "score"] > from_ad.loc["s2", "score"]
    with pytest.raises(FerronetError, match="DataFrame or an AnnData"):
        as_expression_frame([[1.0]])


def test_h5ad_with_var_symbols_and_gmt_on_the_cli(tmp_path):
    ad = _adata(pd.DataFrame({"symbol": ["AIFM2", "GPX4", "ACSL4"]}, index=["ENSGx1", "ENSGx2", "ENSGx3"]))
    h5ad, gmt, out = tmp_path / "e.h5ad", tmp_path / "s.gmt", tmp_path / "scores.tsv"
    ad.write_h5ad(h5ad)
    gmt.write_text("defence\tGPX4 and FSP1\tGPX4\tAIFM2\nnone\tx\tNOPE1\n", encoding="utf-8")
    args = ["profile", "score", "--expression", str(h5ad), "--var-symbols", "symbol", "--gene-sets", str(gmt)]
    r = CliRunner().invoke(cli, [*args, "--method", "mean", "--out", str(out)])
    assert r.exit_code == 0, r.output
    table = pd.read_csv(out, sep="\t")
    assert table.columns.tolist() == ["sample", "defence", "none"]
    assert table["none"].isna().all() and table["defence"].notna().all()
    assert read_samples(h5ad, var_symbols="symbol").columns.tolist() == ["AIFM2", "GPX4", "ACSL4"]
    bad = CliRunner().invoke(cli, ["profile", "score", "--expression", str(h5ad), "--var-symbols", "nope"])
    assert isinstance(bad.exception, FerronetError)  # main() prints it as "error: ..." with exit status 2
    assert "no var column 'nope' (columns: symbol)" in str(bad.exception)
