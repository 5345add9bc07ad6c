"""``ferronet kb ...``: browse, query, export and extend the knowledge base."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import click

from ferronet.cli.output import echo_json, echo_table
from ferronet.errors import FerronetError
from ferronet.io.atomic import atomic_write, check_writable
from ferronet.kb import conflicts, import_ferrdb, load_kb
from ferronet.kb.store import connect, db_path


@click.group("kb")
def kb_group() -> None:
    """The curated knowledge base (genes, compounds, interactions, NRF2 targets, strategies)."""


@kb_group.command("info")
def kb_info() -> None:
    """Counts of records, the knowledge-base version and the SQLite file."""
    kb = load_kb()
    connect(kb).close()
    click.echo(f"knowledge base version {kb.version}")
    for k, v in kb.counts().items():
        click.echo(f"  {k:14s} {v}")
    click.echo(f"SQLite store: {db_path(kb)}")


@kb_group.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def kb_show(name: str, as_json: bool) -> None:
    """Everything about a gene, alias, compound, metabolite, therapy or cancer."""
    kb = load_kb()
    info = kb.show(name)
    if as_json:
        echo_json(info)
        return
    e = info["entity"]
    alias = f" (aka {', '.join(e['aliases'])})" if e["aliases"] else ""
    click.secho(f"{e['id']}: {e['name']}{alias}", bold=True)
    details = {k: v for k, v in e.items() if k not in ("id", "name", "aliases", "refs", "kind") and v}
    click.echo(f"  kind: {e['kind']}")
    for k, v in details.items():
        click.echo(f"  {k}: {', '.join(v) if isinstance(v, list) else v}")
    click.echo(f"  refs: {', '.join(e['refs'])}")
    if "nrf2_target" in info:
        t = info["nrf2_target"]
        click.secho("NRF2 target (Table 1 of seed 000)", bold=True)
        click.echo(f"  {t['general_function']}; {t['role_in_ferroptosis']} [{', '.join(t['refs'])}]")
    if info["interactions"]:
        click.secho(f"Interactions ({len(info['interactions'])})", bold=True)
        rows = [
            (i["source"], i["sign"], i["type"], i["target"], i["context"] or i["cancer"], ", ".join(i["refs"]))
            for i in info["interactions"]
        ]
        echo_table(rows, ["source", "sign", "type", "target", "context", "refs"], 40)
    if info["strategies"]:
        click.secho(f"Strategies ({len(info['strategies'])})", bold=True)
        srows = [(s["therapy"], s["cancer"], s["axis"], s["agent"], ", ".join(s["refs"])) for s in info["strategies"]]
        echo_table(srows, ["therapy", "cancer", "axis", "agent", "refs"], 40)
    click.secho(f"References ({len(info['references'])})", bold=True)
    for r in info["references"]:
        click.echo(f"  [{r['id']}] {r['short']}. {r['title'][:100]}  {r['url']}")


@kb_group.command("search")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def kb_search(text: str, as_json: bool) -> None:
    """Search genes, aliases, compounds, cancers and strategies."""
    hits = load_kb().search(text)
    if as_json:
        echo_json(hits)
    elif not hits:
        click.echo(f"nothing matches '{text}'")
    else:
        echo_table([(h["type"], h["id"], h["name"]) for h in hits], ["type", "id", "name"], 70)


@kb_group.command("strategies")
@click.option("--therapy", help="Therapy or drug resisted (id, alias, or a class such as radiotherapy).")
@click.option("--cancer", help="Cancer type (id or alias).")
@click.option("--axis", help="Axis: GPX4, system_xc, NRF2, iron, lipid, FSP1, ...")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def kb_strategies(therapy: str | None, cancer: str | None, axis: str | None, as_json: bool) -> None:
    """Documented strategies that reverse a therapy resistance by acting on ferroptosis."""
    found = load_kb().filter_strategies(therapy, cancer, axis)
    if as_json:
        echo_json([s.to_dict() for s in found])
        return
    if not found:
        click.echo("no strategy matches")
        return
    rows = [(s.therapy, s.cancer, s.axis, s.agent, s.mechanism, ", ".join(s.refs)) for s in found]
    echo_table(rows, ["therapy", "cancer", "axis", "agent", "mechanism", "refs"], 45)
    click.echo(f"{len(found)} strategies")


@kb_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["json", "tsv", "sif"]), default="json", show_default=True)
@click.option("--out", type=click.Path(dir_okay=True), help="File (json, sif) or folder (tsv); default stdout.")
def kb_export(fmt: str, out: str | None) -> None:
    """Export the knowledge base (JSON object, TSV tables, or the signed network as SIF)."""
    if out and fmt != "tsv":
        check_writable(out, "--out")
    elif out:
        _check_folder(Path(out))
    kb = load_kb()
    data = kb.to_dict()
    if fmt == "json":
        text = json.dumps(data, indent=1)
        atomic_write(out, text, "--out") if out else click.echo(text)
        return
    if fmt == "sif":
        lines = sorted(
            {f"{i.source}\t{'activates' if i.sign == '+' else 'inhibits'}\t{i.target}" for i in kb.interactions}
        )
        text = "\n".join(lines) + "\n"
        atomic_write(out, text, "--out") if out else click.echo(text, nl=False)
        return
    tables = {k: v for k, v in data.items() if isinstance(v, list)}
    for name, records in tables.items():
        cols = sorted({k for r in records for k in r})
        buf = io.StringIO()
        w = csv.DictWriter(buf, cols, delimiter="\t", lineterminator="\n")
        w.writeheader()
        for r in records:
            w.writerow({k: ";".join(map(str, v)) if isinstance(v, list) else v for k, v in r.items()})
        if out:
            atomic_write(Path(out) / f"{name}.tsv", buf.getvalue(), "--out")
        else:
            sys.stdout.write(f"# {name}\n{buf.getvalue()}")
    if out:
        click.echo(f"wrote {len(tables)} tables to {out}")


def _check_folder(folder: Path) -> None:
    """The TSV export folder: created if missing (its parent must exist), and writable."""
    if folder.exists() and not folder.is_dir():
        raise FerronetError(f"--out '{folder}' is a file; TSV export needs a folder")
    if not folder.exists():
        if not folder.parent.is_dir():
            raise FerronetError(f"--out '{folder}': folder '{folder.parent}' does not exist (create it first)")
        try:
            folder.mkdir()
        except OSError as exc:
            raise FerronetError(f"--out '{folder}': cannot create the folder ({exc.strerror or exc})") from None
    check_writable(folder / "entities.tsv", "--out")


@kb_group.command("import-ferrdb")
@click.argument("directory", type=click.Path())
@click.option("--allow-fewer", is_flag=True, help="Accept files with fewer rows than the current import.")
def kb_import_ferrdb(directory: str, allow_fewer: bool) -> None:
    """Load FerrDb V2 CSVs (driver, suppressor, marker, ...) as an extra evidence layer.

    Damaged or truncated files are refused and the current import is kept.
    """
    s = import_ferrdb(directory, allow_fewer=allow_fewer)
    click.echo(f"imported {s.regulators} regulator records, {s.edges} signed edges, {s.compounds} compounds")
    if s.skipped:
        click.echo(f"{len(s.skipped)} row(s) skipped:", err=True)
        for p in s.skipped[:20]:
            click.echo(f"  {p}", err=True)
        if len(s.skipped) > 20:
            click.echo(f"  ... and {len(s.skipped) - 20} more", err=True)


@kb_group.command("conflicts")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def kb_conflicts(as_json: bool) -> None:
    """Our interactions whose sign FerrDb contradicts (after import-ferrdb)."""
    found = conflicts()
    if as_json:
        echo_json([c.__dict__ for c in found])
        return
    if not found:
        click.echo("no conflicts")
        return
    rows = [(c.source, c.target, c.our_sign, c.ferrdb_sign, c.confidence, c.basis, c.context, c.refs) for c in found]
    echo_table(rows, ["source", "target", "ours", "FerrDb", "confidence", "basis", "our context", "our refs"], 30)
    click.echo(f"{len(found)} conflicts")
