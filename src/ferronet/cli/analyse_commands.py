"""``ferronet analyse ...``: sensitivity (SALib), steady states and bifurcations (thin: calls ferronet.analyse)."""

from __future__ import annotations

import click

from ferronet.cli.output import echo_json, echo_table, out_option, scheduler_checked
from ferronet.errors import FerronetError
from ferronet.io.atomic import atomic_write


@click.group("analyse")
def analyse_group() -> None:
    """Analyses beyond forward simulation: sensitivity, steady states, bifurcations (docs/analyses.md)."""


def _perturbations(drugs: tuple[str, ...], perturb: tuple[str, ...]) -> list[str]:
    from ferronet.model import load_model

    m = load_model()
    for d in drugs:
        if m.resolve(d).kind != "compound":
            raise FerronetError(f"--drug '{d}' is not a compound (use -p for genes and conditions)")
    return [*drugs, *perturb]


def _fmt(x: float) -> str:
    return "" if x != x else f"{x:.3g}"  # NaN -> empty


@analyse_group.command("sensitivity")
@click.option("--readout", "-r", default="ferroptosis", show_default=True, help="Readout at the end of the exposure.")
@click.option("--method", type=click.Choice(["morris", "sobol"]), default="morris", show_default=True)
@click.option(
    "--over",
    type=click.Choice(["parameters", "genes"]),
    default="parameters",
    show_default=True,
    help="Vary global parameters (x1/span to x span) or gene levels (0.25x to 4x), log-uniformly.",
)
@click.option("--drug", "-d", "drugs", multiple=True, help="Compound[@dose] applied in every sample, e.g. ML210@1uM.")
@click.option("--perturb", "-p", "perturb", multiple=True, help="Other perturbation in every sample (repeatable).")
@click.option("--cell", default=None, help="Cell profile.")
@click.option(
    "--n",
    "n",
    type=click.IntRange(2, None),
    default=None,
    help="Morris trajectories (default 10) or Sobol base samples, a power of 2 (default 64).",
)
@click.option("--factor", "factors", multiple=True, help="Vary only these parameters or genes (repeatable).")
@click.option("--span", type=float, default=2.0, show_default=True, help="Parameter range factor (> 1).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--top", type=click.IntRange(1, None), default=20, show_default=True, help="Factors printed/plotted.")
@out_option("--out", help="Tidy table (factor, metric, value, conf): .tsv, .csv or .json.")
@out_option("--plot", type=click.Path(dir_okay=False), help="Bar plot (.png or .svg).")
@click.option("--scheduler", default=None, callback=scheduler_checked, help="Dask scheduler address (optional).")
def sensitivity_cmd(readout, method, over, drugs, perturb, cell, n, factors, span, seed, top, out, plot, scheduler):
    """Morris (mu*, sigma) or Sobol (S1, ST with 95 % intervals) sensitivity of a readout; all samples in one batch."""
    from ferronet.analyse import sensitivity
    from ferronet.io.tables import write_table

    table = sensitivity(
        readout,
        method,
        over,
        _perturbations(drugs, perturb),
        cell,
        n,
        list(factors) or None,
        span,
        seed,
        scheduler=scheduler,
    )
    a = table.attrs
    wide = table.pivot_table(index="factor", columns="metric", values="value", sort=False)
    conf = table.pivot_table(index="factor", columns="metric", values="conf", sort=False)
    metrics = ["mu_star", "mu", "sigma"] if method == "morris" else ["S1", "ST"]
    rows = [[f, *(_fmt(wide.loc[f, k]) for k in metrics), _fmt(conf.loc[f, metrics[0 if method == "morris" else 1]])]
            for f in wide.index[:top]]  # fmt: skip
    echo_table(rows, ["factor", *metrics, "conf(mu_star)" if method == "morris" else "conf(ST)"])
    click.echo(
        f"{a['method']} over {a['over']}: {a['samples']} samples of {a['condition']} "
        f"({a['failed']} failed), readout {a['readout']} mean {a['readout_mean']:.3g} sd {a['readout_sd']:.3g}, "
        f"seed {a['seed']}"
    )
    if out:
        write_table(table, out, "--out", extra={"attrs": dict(a)} if out.lower().endswith(".json") else None)
        click.echo(f"wrote {out}", err=True)
    if plot:
        from ferronet.analyse.plots import figure_format, sensitivity_bars

        atomic_write(plot, sensitivity_bars(table, top, figure_format(plot)), "--plot")
        click.echo(f"wrote {plot}", err=True)


@analyse_group.command("steady-state")
@click.option("--perturb", "-p", "perturb", multiple=True, help="Perturbation (repeatable).")
@click.option("--cell", default=None, help="Cell profile.")
@out_option("--out", help="Table (quantity, value, kind): .tsv, .csv or .json.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def steady_state_cmd(perturb, cell, out, as_json):
    """Steady state of a condition (median subpopulation; damage D excluded: it only accumulates) and stability."""
    from ferronet.analyse.bifurcation import steady_state
    from ferronet.io.tables import write_table

    table = steady_state(list(perturb), cell)
    if as_json:
        echo_json({**table.attrs, "rows": table.to_dict(orient="records")})
    else:
        echo_table([(q, f"{v:.4g}", k) for q, v, k in table.itertuples(index=False)], ["quantity", "value", "kind"])
        state = "stable" if table.attrs["stable"] else "UNSTABLE"
        click.echo(f"{table.attrs['condition']}: {state} steady state ({table.attrs['found']})")
    if out:
        write_table(table, out, "--out", extra=dict(table.attrs) if out.lower().endswith(".json") else None)
        click.echo(f"wrote {out}", err=True)


@analyse_group.command("bifurcation")
@click.option("--parameter", required=True, help="Gene (its level, e.g. GPX4), compound (dose, uM) or parameter id.")
@click.option("--range", "span", nargs=2, type=float, required=True, help="From and to (both > 0; log-scaled).")
@click.option("--n", "n", type=click.IntRange(3, 2000), default=40, show_default=True, help="Points per sweep.")
@click.option("--perturb", "-p", "perturb", multiple=True, help="Perturbation held fixed (repeatable).")
@click.option("--cell", default=None, help="Cell profile.")
@click.option(
    "--readout",
    "-r",
    "readouts",
    multiple=True,
    help="Readout(s) tabulated; the first is plotted (default lipid_peroxidation, GSH, labile_iron).",
)
@out_option("--out", help="Every point (branch, value, stable, eigenvalue, readouts, species): .tsv/.csv/.json.")
@out_option("--plot", type=click.Path(dir_okay=False), help="Bifurcation diagram (.png or .svg).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary (folds, bistable range) as JSON.")
def bifurcation_cmd(parameter, span, n, perturb, cell, readouts, out, plot, as_json):
    """Continue the steady state along one parameter: stable/unstable branches, folds, hysteresis sweeps."""
    from ferronet.analyse.bifurcation import continuation
    from ferronet.io.tables import write_table

    names = list(readouts) or ["lipid_peroxidation", "GSH", "labile_iron"]
    b = continuation(parameter, span[0], span[1], list(perturb), cell, n, readouts=names)
    summary = b.summary()
    if as_json:
        echo_json(summary)
    else:
        click.echo(f"{b.swept.name} {b.swept.kind} ({b.swept.unit}) from {span[0]:g} to {span[1]:g}; {b.condition}")
        if len(b.folds):
            echo_table(
                [[r["type"], f"{r['value']:.4g}", *(f"{r[k]:.3g}" for k in b.readouts)] for r in summary["folds"]],
                ["fold", "at", *b.readouts],
            )
        else:
            click.echo("no fold in the range (one steady state along the branch)")
        rng = summary["bistable_range"]
        if rng:
            click.echo(f"two stable states coexist for {b.swept.name} in [{rng[0]:.4g}, {rng[1]:.4g}] (hysteresis)")
        cont = b.points[b.points["branch"] == "continuation"]
        click.echo(f"continuation: {len(cont)} points, {int((~cont['stable']).sum())} unstable")
        for note in b.notes:
            click.echo(f"note: {note}", err=True)
    if out:
        write_table(b.points, out, "--out", extra=summary if out.lower().endswith(".json") else None)
        click.echo(f"wrote {out}", err=True)
    if plot:
        from ferronet.analyse.plots import bifurcation_diagram, figure_format

        atomic_write(plot, bifurcation_diagram(b, b.readouts[0], figure_format(plot)), "--plot")
        click.echo(f"wrote {plot}", err=True)
