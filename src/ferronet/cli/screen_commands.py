"""``ferronet screen ...``, ``ferronet recommend`` and ``ferronet report``."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from ferronet.cli.output import echo_json, echo_table, out_option, parse_doses, scheduler_checked, text_file
from ferronet.errors import FerronetError
from ferronet.io.atomic import atomic_write


def _write_table(table: pd.DataFrame, out: str | None) -> None:
    if out is None:
        click.echo(table.to_csv(sep="\t", index=False), nl=False)
        return
    suffix = Path(out).suffix.lower()
    if suffix == ".json":
        text = table.to_json(orient="records", indent=1)
    elif suffix == ".csv":
        text = table.to_csv(index=False)
    else:
        text = table.to_csv(sep="\t", index=False)
    atomic_write(out, text or "", "--out")
    click.echo(f"wrote {len(table)} rows to {out}", err=True)


def _check_status(table: pd.DataFrame) -> None:
    """Failed rows are reported on stderr; a screen where every row failed is an error (exit 2)."""
    failed = table[table["status"] != "ok"] if "status" in table else table.iloc[:0]
    if len(failed) == len(table) and len(table):
        raise FerronetError(f"every one of the {len(table)} simulations failed: {failed['status'].iloc[0]}")
    if len(failed):
        click.echo(f"warning: {len(failed)} of {len(table)} rows failed (see the status column)", err=True)


def _dose_grid(specs: tuple[str, ...], drugs: tuple[str, ...]) -> dict[str, list[float]]:
    """``--doses DRUG=d1,d2`` options: each key must name one of the --drug compounds; at least one dose > 0."""
    from ferronet.model import load_model

    model = load_model()
    drug_ids = {model.resolve(d).target: d for d in drugs}
    grid: dict[str, list[float]] = {}
    for spec in specs:
        name, sep, values = spec.partition("=")
        if not sep or not name.strip():
            raise FerronetError(f"--doses must look like DRUG=0,0.1,1 (got '{spec[:80]}')")
        target = model.resolve(name.strip()).target
        if target not in drug_ids:
            raise FerronetError(
                f"--doses {name.strip()}: not one of the --drug compounds ({', '.join(drugs)}); "
                "give doses for a drug of the screen"
            )
        parsed = parse_doses(values, f"--doses {name.strip()}")
        if not any(d > 0 for d in parsed):
            raise FerronetError(f"--doses {name.strip()}: needs at least one dose > 0 (0 is always included)")
        grid[drug_ids[target]] = parsed
    return grid


@click.group("screen")
def screen_group() -> None:
    """Perturbation scans and drug-combination screens."""


@screen_group.command("genes")
@click.option("--gene", "genes", multiple=True, help="Genes to scan (default: every model gene).")
@click.option(
    "--action",
    "actions",
    multiple=True,
    type=click.Choice(["knockout", "knockdown", "overexpression", "inhibition", "activation"]),
    help="Actions (default: knockout, knockdown, overexpression).",
)
@click.option("--pairs", is_flag=True, help="Also all pairs of genes (with the first action).")
@click.option("--drug", "drugs", multiple=True, help="Run the scan under this drug (repeatable).")
@click.option("--cell", default=None, help="Cell profile.")
@click.option(
    "--readout", "readouts", multiple=True, help="Readouts (default ferroptosis, lipid_peroxidation, GSH, labile_iron)."
)
@out_option("--out", help="Table file: .tsv, .csv or .json (default: TSV on stdout).")
@out_option("--heatmap", type=click.Path(dir_okay=False), help="Write a heatmap PNG of the first readout's change.")
@click.option("--scheduler", callback=scheduler_checked, help="Dask scheduler address (default: run in this process).")
def screen_genes(genes, actions, pairs, drugs, cell, readouts, out, heatmap, scheduler) -> None:
    """Knock out / down / overexpress every model gene, alone or in pairs, optionally under drugs."""
    from ferronet.model import load_model
    from ferronet.screen import gene_scan
    from ferronet.screen.scan import DEFAULT_ACTIONS, DEFAULT_READOUTS

    model = load_model()
    for g in genes:
        kind, target = model.lookup(g)
        if kind != "gene":
            raise FerronetError(f"--gene {g}: '{target}' is a {kind}, not a gene (drugs go in --drug)")
    table = gene_scan(
        genes=genes or None,
        actions=actions or DEFAULT_ACTIONS,
        pairs=pairs,
        drugs=drugs,
        cell=cell,
        readouts=readouts or DEFAULT_READOUTS,
        scheduler=scheduler,
    )
    _check_status(table)
    _write_table(table, out)
    if heatmap:
        from ferronet.report.figures import scan_heatmap

        first = readouts[0] if readouts else DEFAULT_READOUTS[0]
        atomic_write(heatmap, scan_heatmap(table, f"delta_{first}"), "--heatmap")
        click.echo(f"wrote {heatmap}", err=True)


@screen_group.command("combo")
@click.option("--drug", "drugs", multiple=True, required=True, help="A drug (give two or more).")
@click.option("--doses", "doses", multiple=True, help="DRUG=d1,d2,... in uM (default: 0 + 5 log-spaced doses).")
@click.option("--with", "background", multiple=True, help="Perturbation applied to every well (e.g. a genotype).")
@click.option("--cell", default=None, help="Cell profile.")
@click.option(
    "--method",
    "methods",
    multiple=True,
    type=click.Choice(["HSA", "Bliss", "Loewe", "ZIP"]),
    help="Synergy methods (default: all four).",
)
@out_option("--out", help="Table file (.tsv, .csv, .json) with every well and its synergy scores.")
@out_option("--plot", type=click.Path(dir_okay=False), help="PNG of response and synergy surfaces (first pair).")
@click.option("--scheduler", callback=scheduler_checked, help="Dask scheduler address.")
@click.option("--json", "as_json", is_flag=True, help="Print summary scores as JSON.")
def screen_combo(drugs, doses, background, cell, methods, out, plot, scheduler, as_json) -> None:
    """Dose matrix of two or more drugs with HSA, Bliss, Loewe and ZIP synergy."""
    from ferronet.screen import METHODS, combo_screen

    grid = _dose_grid(doses, drugs)
    results = combo_screen(
        list(drugs), grid, cell=cell, background=background, methods=methods or tuple(METHODS), scheduler=scheduler
    )
    for r in results:
        if r.failed_wells():
            click.echo(
                f"warning: {r.drug_a} x {r.drug_b}: {r.failed_wells()} of {r.response.size} wells failed; "
                "they are not scored (see the status column of --out)",
                err=True,
            )
    if all(r.failed_wells() == r.response.size for r in results):
        raise FerronetError("every well of the screen failed to simulate; nothing to score")
    summary = [
        {"drug_a": r.drug_a, "drug_b": r.drug_b, **{k: round(v, 4) for k, v in r.scores().items()}} for r in results
    ]
    if as_json:
        echo_json(summary)
    else:
        keys = list(summary[0].keys())
        echo_table([[s[k] for k in keys] for s in summary], keys)
        click.echo("(synergy in fraction-of-cells units; > 0 synergy, < 0 antagonism)")
    if out:
        _write_table(pd.concat([r.tidy() for r in results]), out)
    if plot:
        from ferronet.report.figures import combo_figure

        atomic_write(plot, combo_figure(results[0]), "--plot")
        click.echo(f"wrote {plot}", err=True)


@click.command("recommend")
@click.option("--therapy", required=True, help="The therapy the tumour resists (drug, or e.g. radiotherapy).")
@click.option("--cancer", default=None, help="Cancer type.")
@click.option("--mutation", "mutations", multiple=True, help="Mutated gene (KEAP1, TP53, KRAS, ...) or GENE:action.")
@click.option(
    "--profile", type=click.Path(), callback=text_file, help="TSV of gene<TAB>relative level for this tumour."
)
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 500))
@click.option(
    "--rank-by",
    default="combined",
    show_default=True,
    type=click.Choice(["combined", "simulation", "literature"]),
    help="Score that orders the moves.",
)
@click.option(
    "--include-literature-only", is_flag=True, help="Also list documented moves the model has no mechanism for."
)
@click.option("--scheduler", callback=scheduler_checked, help="Dask scheduler address.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, best first.")
def recommend_cmd(
    therapy, cancer, mutations, profile, top, rank_by, include_literature_only, scheduler, as_json
) -> None:
    """Rank ferroptosis-targeting moves that would reverse resistance to a therapy (mechanism first)."""
    from ferronet.profile.simple import read_level_profile
    from ferronet.screen import recommend
    from ferronet.screen.recommend.format import describe_move

    levels = read_level_profile(profile) if profile else None
    rep = recommend(
        therapy,
        cancer,
        mutations,
        levels,
        top=top,
        scheduler=scheduler,
        rank_by=rank_by,
        include_literature_only=include_literature_only,
    )
    if as_json:
        echo_json([r.to_dict() for r in rep.recommendations])
        return
    click.secho(
        f"Resistance to {rep.therapy} (simulated as {rep.therapy_model}){' in ' + rep.cancer if rep.cancer else ''}",
        bold=True,
    )
    click.echo(
        f"resistant state: {', '.join(rep.resistant_state) or 'none documented'}"
        f"{f'; profile: {len(rep.profile_genes)} model genes' if rep.profile_genes else ''}; "
        f"death with the therapy alone: {rep.baseline_death:.2f}"
    )
    rows = [
        (
            i + 1,
            r.intervention,
            f"{r.score:.3f}",
            f"{r.sim:+.3f}",
            f"{r.literature:.2f}",
            describe_move(r, rep.therapy),
            r.basis,
            ", ".join(r.evidence[:3]),
        )
        for i, r in enumerate(rep.recommendations)
    ]
    echo_table(rows, ["rank", "move", "score", "sim", "lit", "how (dose pair)", "basis", "references"], 60)
    click.echo(
        "score = sim (restoration + Bliss + 0.01 log10 lipid-peroxidation change) + lit (documented use + axis); "
        "order: moves with a simulated effect first, moves on model nodes before regulator moves, then a "
        "reciprocal-rank fusion of the sim and lit rankings (legend in `ferronet report`)"
    )


@click.command("report")
@click.option("--therapy", default="sorafenib", show_default=True)
@click.option("--cancer", default="HCC", show_default=True)
@click.option("--mutation", "mutations", multiple=True)
@click.option(
    "--profile", type=click.Path(), callback=text_file, help="TSV of gene<TAB>relative level for this tumour."
)
@out_option("--out", default="ferronet-report.html", show_default=True, type=click.Path(dir_okay=False))
def report_cmd(therapy, cancer, mutations, profile, out) -> None:
    """One self-contained HTML report: ranked moves, network state, dose-response, synergy."""
    from ferronet.profile.simple import read_level_profile
    from ferronet.report.html import build_report

    levels = read_level_profile(profile) if profile else None
    path = atomic_write(out, lambda tmp: build_report(therapy, cancer, mutations, tmp, levels), "--out")
    click.echo(f"wrote {path}")
