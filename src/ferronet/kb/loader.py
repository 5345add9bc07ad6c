"""Schema-checked loading of the knowledge-base tables: every problem is reported at once (file, line, field)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ferronet.errors import Problem, ValidationError
from ferronet.kb.schema import ENTITY_TABLES, TABLES, TableSpec
from ferronet.model.perturbation import GENE_ACTIONS
from ferronet.names import normalize

REF_ID = re.compile(r"^(\d{3}:\d+|PMID:\d+|DOI:\S+)$")
DOI = re.compile(r"^10\.\d{4,9}/\S+$")


@dataclass
class Row:
    file: str
    line: int
    values: dict[str, str]


def default_dir() -> Path:
    return Path(str(resources.files("ferronet.data").joinpath("kb")))


def _files(directory: Path, table: str) -> list[Path]:
    if table in ("interactions", "strategies"):
        return sorted(directory.glob(f"{table}*.tsv"))
    path = directory / f"{table}.tsv"
    return [path] if path.exists() else []


def read_table(path: Path, spec: TableSpec, problems: list[Problem]) -> Iterator[Row]:
    """Rows of one TSV file; structural problems go to ``problems``."""
    name = path.name
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, 0, "", f"cannot read: {exc}"))
        return
    header: list[str] | None = None
    for i, raw in enumerate(lines, start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = raw.split("\t")
        if header is None:
            header = [c.strip() for c in cells]
            missing = [c for c in spec.columns if c not in header]
            if missing:
                problems.append(Problem(name, i, ",".join(missing), "missing column(s) in header"))
                return
            continue
        if len(cells) != len(header):
            problems.append(Problem(name, i, "", f"expected {len(header)} fields, found {len(cells)}"))
            continue
        values = {h: c.strip() for h, c in zip(header, cells, strict=True)}
        for col in spec.required:
            if not values.get(col):
                problems.append(Problem(name, i, col, "required value is empty"))
        for col, allowed in spec.enums.items():
            items = values.get(col, "").split(";") if col in spec.lists else [values.get(col, "")]
            for item in items:
                if item not in allowed and not (item == "" and col not in spec.required):
                    problems.append(
                        Problem(name, i, col, f"'{item}' is not one of: {', '.join(a for a in allowed if a)}")
                    )
        for col, pattern in spec.patterns.items():
            if values.get(col) and not re.fullmatch(pattern, values[col]):
                problems.append(Problem(name, i, col, f"'{values[col]}' is not a valid {col} (expected {pattern})"))
        yield Row(name, i, values)
    if header is None:
        problems.append(Problem(name, 0, "", "file has no header"))


def split_list(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(";") if v.strip())


def load_rows(directory: Path | None = None) -> dict[str, list[Row]]:
    """All rows of all tables, validated structurally and for referential integrity."""
    directory = directory or default_dir()
    problems: list[Problem] = []
    rows: dict[str, list[Row]] = {}
    for table, spec in TABLES.items():
        files = _files(directory, table)
        if not files:
            problems.append(Problem(f"{table}.tsv", 0, "", "table file is missing"))
        rows[table] = [r for f in files for r in read_table(f, spec, problems)]
    _check_integrity(rows, problems)
    if problems:
        raise ValidationError(problems)
    return rows


def _check_integrity(rows: dict[str, list[Row]], problems: list[Problem]) -> None:
    refs: dict[str, str] = {}
    for r in rows["references"]:
        rid = r.values["ref_id"]
        for ref in (rid, *split_list(r.values.get("aliases", ""))):
            if not REF_ID.match(ref):
                problems.append(Problem(r.file, r.line, "ref_id", f"malformed reference id '{ref}'"))
            elif ref in refs:
                problems.append(Problem(r.file, r.line, "ref_id", f"reference id '{ref}' also names '{refs[ref]}'"))
            refs[ref] = rid
        if r.values.get("pmid") and not r.values["pmid"].isdigit():
            problems.append(Problem(r.file, r.line, "pmid", f"PMID '{r.values['pmid']}' is not a number"))
        if r.values.get("doi") and not DOI.match(r.values["doi"]):
            problems.append(Problem(r.file, r.line, "doi", f"DOI '{r.values['doi']}' does not start with '10.'"))
        if r.values.get("pmcid") and not re.fullmatch(r"PMC\d+", r.values["pmcid"]):
            problems.append(Problem(r.file, r.line, "pmcid", f"PMCID '{r.values['pmcid']}' is not PMC<number>"))
    ids: dict[str, str] = {}
    keys: dict[str, tuple[str, int]] = {}
    for table, kind in ENTITY_TABLES.items():
        for r in rows[table]:
            eid = r.values["id"]
            if eid in ids:
                problems.append(Problem(r.file, r.line, "id", f"duplicate id '{eid}' (also a {ids[eid]})"))
            ids[eid] = kind
    by_norm: dict[str, list[str]] = {}
    for eid in ids:
        by_norm.setdefault(normalize(eid), []).append(eid)
    for table in ENTITY_TABLES:
        for r in rows[table]:
            for alias in split_list(r.values.get("aliases", "")):
                key = normalize(alias)
                owner = next((i for i in by_norm.get(key, []) if i != r.values["id"]), None)
                if owner:
                    problems.append(Problem(r.file, r.line, "aliases", f"alias '{alias}' is the id of '{owner}'"))
                elif key in keys and keys[key][0] != r.values["id"]:
                    problems.append(Problem(r.file, r.line, "aliases", f"alias '{alias}' also names '{keys[key][0]}'"))
                keys.setdefault(key, (r.values["id"], r.line))
    known = set(ids) | {"ferroptosis"}
    for table, spec in TABLES.items():
        if "refs" not in spec.columns:
            continue
        for r in rows[table]:
            for ref in split_list(r.values.get("refs", "")):
                if ref not in refs and not ref.startswith(("PMID:", "DOI:")):
                    problems.append(Problem(r.file, r.line, "refs", f"unknown reference '{ref}'"))
    for r in rows["interactions"]:
        for col in ("source", "target"):
            if r.values[col] not in known:
                problems.append(Problem(r.file, r.line, col, f"unknown entity '{r.values[col]}'"))
        if r.values.get("cancer") and ids.get(r.values["cancer"]) != "cancer":
            problems.append(Problem(r.file, r.line, "cancer", f"unknown cancer '{r.values['cancer']}'"))
    seen: set[str] = set()
    for r in rows["strategies"]:
        v = r.values
        if v["id"] in seen:
            problems.append(Problem(r.file, r.line, "id", f"duplicate strategy id '{v['id']}'"))
        seen.add(v["id"])
        if ids.get(v["therapy"]) not in ("compound", "therapy"):
            problems.append(Problem(r.file, r.line, "therapy", f"unknown therapy '{v['therapy']}'"))
        if ids.get(v["cancer"]) != "cancer":
            problems.append(Problem(r.file, r.line, "cancer", f"unknown cancer '{v['cancer']}'"))
        agent = v["agent"]
        if ":" in agent:
            gene, _, action = agent.partition(":")
            if gene not in ids or action not in GENE_ACTIONS:
                problems.append(Problem(r.file, r.line, "agent", f"'{agent}' is not GENE:action with a known gene"))
        elif ids.get(agent) not in ("compound", "metabolite"):
            problems.append(Problem(r.file, r.line, "agent", f"unknown compound '{agent}'"))
        for col in ("resistance_genes", "agent_target"):
            for item in split_list(v.get(col, "")):
                if item not in known:
                    problems.append(Problem(r.file, r.line, col, f"unknown entity '{item}'"))
    for r in rows["compounds"]:
        for item in split_list(r.values.get("targets", "")):
            if item not in known:
                problems.append(Problem(r.file, r.line, "targets", f"unknown entity '{item}'"))
    for r in rows["nrf2_targets"]:
        if ids.get(r.values["id"]) != "gene":
            problems.append(Problem(r.file, r.line, "id", f"'{r.values['id']}' is not a gene of genes.tsv"))
        for c in split_list(r.values.get("tumor_types", "")):
            if ids.get(c) != "cancer":
                problems.append(Problem(r.file, r.line, "tumor_types", f"unknown cancer '{c}'"))
