"""The ``ferronet`` command.

User errors (unknown names, malformed files, bad values) print one clear message and exit with status 2;
they never show a traceback.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from typing import Any

import click

from ferronet import __version__
from ferronet.cli.output import echo_json, echo_table, out_option, parse_doses, text_file
from ferronet.errors import FerronetError
from ferronet.io.atomic import atomic_write
from ferronet.model import load_model
from ferronet.model.network import CONDITIONS, READOUTS
from ferronet.model.perturbation import CONDITION_DOSES, PerturbationSyntaxError

#: sub-commands defined in other modules, imported only when used (start-up stays well under a second)
LAZY = {
    "kb": "ferronet.cli.kb_commands:kb_group",
    "screen": "ferronet.cli.screen_commands:screen_group",
    "recommend": "ferronet.cli.screen_commands:recommend_cmd",
    "report": "ferronet.cli.screen_commands:report_cmd",
    "predict": "ferronet.cli.profile_commands:predict_cmd",
    "fit": "ferronet.cli.fit_commands:fit_cmd",
    "profile": "ferronet.cli.profile_commands:profile_group",
    "analyse": "ferronet.cli.analyse_commands:analyse_group",
}


class LazyGroup(click.Group):
    """A click group whose listed sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY:
            module, attr = LAZY[cmd_name].split(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ferronet")
def cli() -> None:
    """ferronet: ferroptosis in cancer drug resistance, as a cited knowledge base and an executable model."""


@cli.command()
@click.option("--perturb", "-p", "perturbations", multiple=True, help="GENE:action, compound[@dose], or condition.")
@click.option("--cell", default=None, help="Cell profile (default: the default cancer cell).")
@click.option(
    "--readout",
    "-r",
    "readouts",
    multiple=True,
    help="Readout(s); default ferroptosis, lipid_peroxidation, GSH, labile_iron.",
)
@click.option("--compare/--no-compare", default=True, show_default=True, help="Also simulate the untreated cell.")
@click.option("--hours", type=float, default=24.0, show_default=True, help="Length of the exposure (h).")
@click.option("--pre", "pre", multiple=True, help="Present during pre-culture only, withdrawn at t = 0 (repeatable).")
@click.option(
    "--engine", default="batch", show_default=True, help="Simulation engine: batch, roadrunner or jax (extra)."
)
@out_option("--plot", type=click.Path(dir_okay=False), help="Write time courses to this PNG.")
@out_option("--out", type=click.Path(dir_okay=False), help="Tidy time courses (Result.to_frame): .tsv, .csv or .json.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (readouts, time courses, statuses, provenance).")
def simulate(
    perturbations: tuple[str, ...],
    cell: str | None,
    readouts: tuple[str, ...],
    compare: bool,
    hours: float,
    pre: tuple[str, ...],
    engine: str,
    plot: str | None,
    out: str | None,
    as_json: bool,
) -> None:
    """Simulate an exposure (24 h by default) of a cell to perturbations, after pre-culture to equilibrium."""
    from ferronet.sim import Condition, Protocol, get_simulator

    model = load_model()
    protocol = Protocol(pre=tuple(pre), hours=hours)
    cond = Condition.parse(model, list(perturbations), cell)
    names = [model.resolve_readout(r) for r in readouts] or ["ferroptosis", "lipid_peroxidation", "GSH", "labile_iron"]
    conds = [Condition(cond.cell), cond] if compare and cond.perturbations else [cond]
    result = get_simulator(model, engine).run(conds, protocol)
    labels = [str(c) for c in conds]
    values = {n: result.readout(n) for n in names}
    if as_json:
        echo_json(
            {
                "conditions": labels,
                "readouts": {n: v.tolist() for n, v in values.items()},
                "status": result.status,
                "times_h": result.times.tolist(),
                "timecourses": {n: result.timecourse(n).T.tolist() for n in names},
                "provenance": result.provenance,
            }
        )
    else:
        echo_table([[n, *(f"{x:.3g}" for x in v)] for n, v in values.items()], ["readout", *labels])
        click.echo(
            f"(ferroptosis: fraction of cells dead after {hours:g} h; others relative to the untreated default cell)"
        )
        for label, st in zip(labels, result.status, strict=True):
            if st != "ok":
                click.echo(f"note: {label}: {st}", err=True)
    if plot:
        from ferronet.report.figures import timecourses

        atomic_write(plot, timecourses(result.times, {n: result.timecourse(n) for n in names}, labels), "--plot")
        click.echo(f"wrote {plot}", err=True)
    if out:
        from ferronet.io.tables import write_table

        write_table(result.to_frame(names), out, "--out")
        click.echo(f"wrote {out}", err=True)


@cli.command("dose-response")
@click.option("--drug", "-d", required=True, help="Compound name (aliases accepted).")
@click.option("--with", "-w", "extra", multiple=True, help="Perturbation added to every dose (repeatable).")
@click.option("--cell", default=None, help="Cell profile.")
@click.option("--doses", help="Comma-separated doses in uM (default: 12 log-spaced doses around the reference dose).")
@click.option("--hours", type=float, default=None, help="Length of the exposure (h; default 24).")
@out_option("--out", type=click.Path(dir_okay=False), help="Points (.tsv, .csv) or points and summary (.json).")
@out_option("--summary-out", type=click.Path(dir_okay=False), help="Summary table (EC50, Emax, AUC): .tsv/.csv/.json.")
@out_option("--plot", type=click.Path(dir_okay=False), help="Write the curves and their fits to this PNG (or .svg).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (points and summary).")
def dose_response(
    drug: str,
    extra: tuple[str, ...],
    cell: str | None,
    doses: str | None,
    hours: float | None,
    out: str | None,
    summary_out: str | None,
    plot: str | None,
    as_json: bool,
) -> None:
    """Fraction dead across doses of a drug (with and without --with), with EC50, Emax and AUC (docs/analyses.md)."""
    from ferronet.analyse.dose_response import dose_response as run
    from ferronet.io.tables import write_table

    if hours is not None and not (0 < hours <= 1e4):
        raise FerronetError(f"--hours must be above 0 and at most 10000 (got {hours:g})")
    grid = parse_doses(doses, "--doses") if doses else None
    res = run(drug, grid, extra, cell, hours=hours)
    summary = res.summary.to_dict(orient="records")
    if as_json:
        from ferronet.io.tables import table_text

        click.echo(table_text(res.table, "x.json", {"drug": res.drug, "cell": res.cell, "summary": summary}), nl=False)
    else:
        curves = res.curves()
        echo_table([[f"{d:.3g}", *(f"{curves[k][i]:.3f}" for k in curves)] for i, d in enumerate(res.doses)],
                   ["dose_uM", *curves])  # fmt: skip
        fmt = lambda x: "" if x != x else f"{x:.3g}"  # noqa: E731
        echo_table([[s["arm"], fmt(s["ec50_uM"]), fmt(s["emax"]), fmt(s["auc"]), fmt(s["hill"]), s["status"]]
                    for s in summary], ["arm", "EC50_uM", "Emax", "AUC", "hill", "fit"])  # fmt: skip
        click.echo("(4-parameter log-logistic fit of viability; AUC = mean fitted viability over log dose, 0-1)")
    if out:
        extra_json = {"drug": res.drug, "cell": res.cell, "summary": summary}
        write_table(res.table, out, "--out", extra=extra_json if out.lower().endswith(".json") else None)
        click.echo(f"wrote {out}", err=True)
    if summary_out:
        write_table(res.summary, summary_out, "--summary-out")
        click.echo(f"wrote {summary_out}", err=True)
    if plot:
        from ferronet.analyse.plots import dose_response_figure, figure_format

        atomic_write(plot, dose_response_figure(res.drug, res.table, res.summary, figure_format(plot)), "--plot")
        click.echo(f"wrote {plot}", err=True)


@cli.command()
@click.argument("file", type=click.Path(), callback=text_file)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@out_option("--out", type=click.Path(dir_okay=False), help="One row per case: .tsv, .csv or .json.")
def check(file: str, as_json: bool, out: str | None) -> None:
    """Check the model against an observation or measurements file (docs/measurements.md)."""
    import pandas as pd

    from ferronet.io.tables import write_table
    from ferronet.validate import check_file
    from ferronet.validate.measurements import is_measurement_file, score_file

    if is_measurement_file(file):
        scored = score_file(file)
        if out:
            write_table(pd.DataFrame([vars(r) for r in scored.results]), out, "--out")
            click.echo(f"wrote {out}", err=True)
        if as_json:
            echo_json(scored.to_dict())
            return
        _print_measurements(scored)
        return
    report = check_file(file)
    if out:
        write_table(pd.DataFrame([vars(c) for c in report.cases]), out, "--out")
        click.echo(f"wrote {out}", err=True)
    if as_json:
        echo_json(report.to_dict())
        return
    rows = []
    for c in report.cases:
        fmt = lambda x: "" if x is None else f"{x:.3g}"  # noqa: E731
        rows.append(
            [c.id, c.expected, c.predicted, "ok" if c.passed else "FAIL", fmt(c.first), fmt(c.second), c.reason]
        )
    echo_table(rows, ["id", "expected", "predicted", "", "first", "second", "reason"], 70)
    click.echo(f"{report.passed}/{report.n} passed (accuracy {report.accuracy:.3f}; tolerance {report.tolerance})")


def _tail(r: Any) -> list[str]:
    err = "" if r.log10_error is None else f"{r.log10_error:.3g}"
    return ["yes" if r.within else "no", err, "" if r.status == "ok" else r.status]


def _print_measurements(report: Any) -> None:
    fmt = lambda x: "" if x is None else f"{x:.3g}"  # noqa: E731
    rows = [
        [r.id, r.cell, r.kind, f"{r.measured:.3g} [{r.lo:.3g}, {r.hi:.3g}] {r.units}", fmt(r.predicted), *_tail(r)]
        for r in report.results
    ]
    echo_table(rows, ["id", "cell", "kind", "measured [range]", "predicted", "within", "log10 err", "status"], 48)
    s = report.summary()
    for name, part in [("all", s), *s["by_kind"].items()]:
        click.echo(
            f"{name}: {part['within']}/{part['n']} within range (fraction {part['fraction_within']}); "
            f"{part['scored']} scored; median |log10 error| {part['median_abs_log10_error']}"
        )


@cli.group()
def model() -> None:
    """The kinetic model: export, parameters, vocabulary."""


def _export_format(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from ferronet.io.export import check_format

    try:
        return check_format(value)
    except FerronetError as exc:
        raise click.BadParameter(str(exc)) from None


@model.command("export")
@click.option("--format", "fmt", default="sbml", show_default=True, callback=_export_format,
              help="sbml, antimony, sedml or bnet.")  # fmt: skip
@out_option("--out", type=click.Path(dir_okay=False), help="Output file, written atomically (default stdout).")
@click.option("--perturb", "-p", "perturbations", multiple=True, help="GENE:action, compound[@dose], or condition.")
@click.option("--cell", default=None, help="Cell profile (default: the default cancer cell).")
@click.option("--pre", "pre", multiple=True, help="Present during pre-culture only, withdrawn at t = 0 (repeatable).")
@click.option("--pre-hours", type=float, default=96.0, show_default=True, help="Length of the pre-culture (h).")
@click.option("--hours", type=float, default=24.0, show_default=True, help="Length of the exposure (h).")
@click.option("--variant", type=click.Choice(["protocol", "model", "steady-state"]), default="protocol",
              show_default=True, help="protocol: pre-culture + exposure event; model: values only; "
              "steady-state: no membrane damage, so steady states exist.")  # fmt: skip
@click.option("--sbml-source", default="ferronet.xml", show_default=True,
              help="sedml: the SBML file (an export with --variant protocol) the SED-ML runs.")  # fmt: skip
def model_export(
    fmt: str,
    out: str | None,
    perturbations: tuple[str, ...],
    cell: str | None,
    pre: tuple[str, ...],
    pre_hours: float,
    hours: float,
    variant: str,
    sbml_source: str,
) -> None:
    """Export the kinetic model: SBML L3V2 (libRoadRunner, COPASI), Antimony, SED-ML, or the gene network as bnet.

    SBML and Antimony carry units, identifiers and, by default, the protocol of ``ferronet simulate``
    (96 h pre-culture, then the exposure); see docs/sbml.md for the fraction-dead readout.
    """
    from ferronet.io.export import export_model

    m = load_model()
    text = export_model(m, fmt, list(perturbations), cell, list(pre), pre_hours, hours, variant, sbml_source)
    if out:
        atomic_write(out, text, "--out")
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))


@model.command("parameters")
@out_option("--out", type=click.Path(dir_okay=False), help="Full table (no truncation): .tsv, .csv or .json.")
def model_parameters(out: str | None) -> None:
    """Every global parameter with its value, unit and source."""
    m = load_model()
    rows = [(p.id, p.value, p.unit, p.status, p.source) for p in m.parameters.values()]
    header = ["parameter", "value", "unit", "status", "source"]
    if out:
        import pandas as pd

        from ferronet.io.tables import write_table

        write_table(pd.DataFrame(rows, columns=header), out, "--out")
        click.echo(f"wrote {out}", err=True)
        return
    echo_table([(i, f"{v:g}", u, st, src) for i, v, u, st, src in rows], header, 90)


@model.command("show")
@click.argument("node")
def model_show(node: str) -> None:
    """A node's rules, reactions, parameters (value, unit, status, source), compounds and citations."""
    from ferronet.model.describe import describe_node

    d = describe_node(load_model(), node)
    click.secho(f"{d.id}" + (f"  (aliases: {', '.join(d.aliases)})" if d.aliases else ""), bold=True)
    click.echo(f"activity read out as: {d.readout}")
    for rid, expr, refs, note in d.rules:
        click.echo(
            f"rule {rid} = {expr}" + (f"   [{', '.join(refs)}]" if refs else "") + (f"  # {note}" if note else "")
        )
    for rid, rate, refs in d.reactions:
        click.echo(f"reaction {rid}: rate {rate}   [{', '.join(refs)}]")
    if d.compounds:
        echo_table(
            [(c, a, f"{ic:g}", ref) for c, a, ic, ref in d.compounds], ["compound", "action", "ic50_uM", "ref"], 90
        )
    if d.parameters:
        echo_table([(p, f"{v:g}", u, st, src) for p, v, u, st, src in d.parameters],
                   ["parameter", "value", "unit", "status", "source"], 80)  # fmt: skip
    if d.cells:
        click.echo("cell profiles: " + ", ".join(f"{c} ({v:g}x)" for c, v in d.cells))


@model.command("names")
def model_names() -> None:
    """Names accepted in perturbations and readouts."""
    m = load_model()
    click.echo("genes/nodes: " + ", ".join(m.nodes))
    click.echo("compounds:   " + ", ".join(m.compounds))
    dosed = {c: f"{c}@<dose>{d.unit} (bare: {d.default:g} {d.unit})" for c, d in CONDITION_DOSES.items()}
    click.echo("conditions:  " + ", ".join(dosed.get(c, c) for c in CONDITIONS))
    click.echo("cells:       " + ", ".join(m.cells))
    click.echo("readouts:    " + ", ".join(READOUTS) + ", or any node")


@cli.command()
def tour() -> None:
    """A short tour: the knowledge base, then a simulated resistance and its reversal."""
    from ferronet.kb import load_kb
    from ferronet.sim import Condition, get_simulator

    kb = load_kb()
    c = kb.counts()
    click.secho("ferronet tour", bold=True)
    click.echo(
        f"Knowledge base {kb.version}: {c.get('gene', 0)} genes/complexes, {c.get('compound', 0)} compounds, "
        f"{c['interactions']} cited interactions, {c['nrf2_targets']} NRF2 targets, {c['strategies']} "
        f"resistance-reversal strategies, {c['references']} references."
    )
    nrf2 = kb.show("NRF2")
    click.echo(
        f"\nNRF2 resolves to {nrf2['entity']['id']} ({nrf2['entity']['name']}); "
        f"{len(nrf2['interactions'])} interactions, {len(nrf2['strategies'])} strategies."
    )
    click.echo("NRF2 targets that defend against ferroptosis (seed 000, Table 1): " + ", ".join(kb.nrf2_targets))
    click.secho("\nStrategies against sorafenib resistance in HCC:", bold=True)
    for s in kb.filter_strategies("sorafenib", "HCC")[:5]:
        click.echo(f"  - {s.agent} ({s.axis}): {s.mechanism[:90]} [{', '.join(s.refs)}]")
    click.secho("\nSimulation (24 h, default cancer cell vs the KEAP1-mutant A549 profile):", bold=True)
    m = load_model()
    arms = [
        ("default", ["erastin"]),
        ("A549", ["erastin"]),
        ("A549", ["erastin", "brusatol"]),
        ("A549", ["erastin", "ferrostatin-1"]),
    ]
    res = get_simulator(m).run([Condition.parse(m, p, cell) for cell, p in arms])
    death, gsh = res.readout("ferroptosis"), res.readout("GSH")
    echo_table(
        [(cell, " + ".join(p), f"{d:.2f}", f"{g:.2f}") for (cell, p), d, g in zip(arms, death, gsh, strict=True)],
        ["cell", "treatment", "ferroptosis", "GSH"],
    )
    click.echo(
        "\nNext: `ferronet kb show GPX4`, `ferronet simulate -p RSL3 --plot rsl3.png`, "
        "`ferronet check <observations.yaml>`."
    )


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--allow-host", "hosts", multiple=True, help="Extra name accepted in the Host header (e.g. behind a proxy)."
)
def serve(host: str, port: int, hosts: tuple[str, ...]) -> None:
    """Start the web app (pages and JSON API; OpenAPI document at /openapi.json).

    Only loopback names (and --host, --allow-host) are accepted in the Host header, against DNS rebinding.
    """
    from ferronet.web.app import serve as run

    if host in ("0.0.0.0", "::"):
        click.echo("warning: listening on every interface; any Host header is accepted", err=True)
    click.echo(f"ferronet web app on http://{host}:{port}  (Ctrl-C to stop)")
    run(host, port, hosts)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    click.echo(f"warning: {message}", err=True)


def main() -> None:
    warnings.showwarning = _show_warning
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (FerronetError, PerturbationSyntaxError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except UnicodeDecodeError as exc:  # last resort: a reader that did not check its encoding
        msg = f"an input file is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8"
        click.echo(f"error: {msg}", err=True)
        sys.exit(2)
    except OSError as exc:
        if exc.filename is None:
            raise
        click.echo(f"error: {exc.filename}: {exc.strerror or exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
