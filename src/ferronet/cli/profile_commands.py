"""``ferronet predict`` and ``ferronet profile score``: personalised predictions and gene-set scores."""

from __future__ import annotations

import warnings

import click
import numpy as np
import pandas as pd

from ferronet.cli.output import out_option, scheduler_checked
from ferronet.cli.screen_commands import _write_table
from ferronet.errors import FerronetError


def _echo_warnings(caught: list[warnings.WarningMessage]) -> None:
    for w in caught:
        click.echo(f"warning: {w.message}", err=True)


@click.command("predict")
@click.option("--drug", required=True, help="Compound (e.g. ML210, erastin, RSL3).")
@click.option("--expression", required=True, type=click.Path(), help="Samples x genes (CSV/TSV[.gz] or .h5ad).")
@click.option("--mutations", type=click.Path(), help="Samples x genes, 0/1 (KEAP1, NFE2L2, TP53, PTEN, KRAS, CUL3).")
@click.option("--proteins", type=click.Path(), help="Samples x proteins, log2 relative abundance (gaps: mRNA is used).")
@click.option("--cell", default=None, help="Base cell profile (default: the default cancer cell).")
@click.option("--no-axes", is_flag=True, help="Skip the per-axis explanation columns (6x faster).")
@click.option(
    "--normalise",
    type=click.Choice(["reference", "cohort", "none"]),
    default="reference",
    show_default=True,
    help="z-scores against the shipped GDSC reference, across this table's samples, or values already z-scores.",
)
@click.option(
    "--readout",
    type=click.Choice(["auto", "model", "signed"]),
    default="auto",
    show_default=True,
    help="model: simulate the personalised model; signed: the same inputs (and proteins) read with the shipped "
    "mechanism-signed weights (drugs fitted on measured responses only: ML210, ML162); auto: signed where the drug "
    "has weights and no --ensemble or --cell is given, else model. The 'readout' column says which one scored "
    "(docs/personalisation.md).",
)
@click.option(
    "--ensemble",
    type=click.Path(),
    help="YAML parameter ensemble {fit_id, parameter_sets}: adds score_lo/score_hi (5th-95th percentile), n_sets.",
)
@out_option("--out", help="Output table (.tsv default; .csv or .json by suffix); default stdout.")
@click.option("--scheduler", callback=scheduler_checked, help="Dask scheduler address (default: this process).")
@click.option(
    "--var-symbols",
    metavar="COLUMN",
    help=".h5ad only: the var column holding gene symbols (default: var_names; Ensembl ids are mapped).",
)
def predict_cmd(
    drug, expression, mutations, proteins, cell, no_axes, normalise, readout, ensemble, out, scheduler, var_symbols
) -> None:
    """Predict each sample's resistance to a drug from its profile (score: mean viability; higher = more resistant)."""
    from ferronet.profile.ensemble import load_ensemble
    from ferronet.profile.io import read_samples
    from ferronet.profile.personalise import predict

    expr = read_samples(expression, "expression", var_symbols=var_symbols)
    muts = read_samples(mutations, "mutations", binary=True) if mutations else None
    prot = read_samples(proteins, "proteins", allow_missing=True) if proteins else None
    if ensemble:
        load_ensemble(ensemble)  # a bad file fails here, before any simulation
    for name, frame in (("mutations", muts), ("proteins", prot)):
        if frame is not None:
            unknown = [s for s in frame.index if s not in expr.index]
            if unknown:
                click.echo(
                    f"warning: {len(unknown)} {name} sample(s) not in the expression table are ignored: "
                    f"{', '.join(unknown[:10])}",
                    err=True,
                )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = predict(
            drug, expr, muts, prot, cell=cell, axes=not no_axes, scheduler=scheduler, normalise=normalise,
            ensemble=ensemble, readout=readout,
        )  # fmt: skip
    _echo_warnings(caught)
    _write_table(table, out)


@click.group("profile")
def profile_group() -> None:
    """Gene-set scores of samples (gene sets from the knowledge base)."""


@profile_group.command("score")
@click.option("--expression", required=True, type=click.Path(), help="Samples x genes (CSV/TSV[.gz] or .h5ad).")
@click.option("--method", type=click.Choice(["mean", "zscore", "ulm", "ssgsea"]), default="ulm", show_default=True)
@out_option("--out", help="Output table (.tsv, .csv, .json); default stdout.")
@click.option(
    "--gene-sets",
    "gene_sets_file",
    type=click.Path(),
    help="GMT file of gene sets to score instead of the knowledge-base sets (name, description, genes).",
)
@click.option(
    "--var-symbols",
    metavar="COLUMN",
    help=".h5ad only: the var column holding gene symbols (default: var_names; Ensembl ids are mapped).",
)
def profile_score(expression, method, out, gene_sets_file, var_symbols) -> None:
    """Score gene sets per sample: drivers, suppressors, NRF2 targets and each axis, or the sets of a GMT file."""
    from ferronet.profile.genesets import gene_sets
    from ferronet.profile.io import read_gmt, read_samples
    from ferronet.profile.scoring import score_sets

    sets = read_gmt(gene_sets_file) if gene_sets_file else gene_sets()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        expr = read_samples(expression, "expression", var_symbols=var_symbols)
    _echo_warnings(caught)
    scores, missing = score_sets(expr.to_numpy(float), list(expr.columns), sets, method)
    if all(len(missing[k]) == len(set(v)) for k, v in sets.items()):
        raise FerronetError("no gene of any gene set is in the expression table (genes must be HGNC symbols)")
    for name, genes in missing.items():
        if genes:
            click.echo(f"warning: set {name}: {len(genes)} gene(s) not in the table", err=True)
    table = pd.DataFrame({"sample": list(expr.index), **{k: np.round(v, 6) for k, v in scores.items()}})
    _write_table(table, out)
