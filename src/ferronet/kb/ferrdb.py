"""FerrDb V2 as an extra evidence layer (Zhou et al. 2023 NAR, PMID 36305826), kept with its confidence grades.

``import_ferrdb(DIR)`` reads the regulator files (driver, suppressor, marker, unclassified.reg) and the
compound files (inducer, inhibitor) into the SQLite store; ``conflicts()`` lists our interactions whose sign
FerrDb contradicts (FerrDb ``A :+: B`` / ``A :-: B`` pathway edges, and driver/suppressor roles for
gene -> ferroptosis interactions).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ferronet.errors import FerronetError, Problem, ValidationError
from ferronet.kb.base import KnowledgeBase, load_kb
from ferronet.kb.store import connect
from ferronet.names import normalize

REGULATOR_FILES = {
    "driver.csv": "driver",
    "suppressor.csv": "suppressor",
    "marker.csv": "marker",
    "unclassified.reg.csv": "unclassified",
}
COMPOUND_FILES = {"inducer.csv": "inducer", "inhibitor.csv": "inhibitor"}
EDGE = re.compile(r"^\s*(.+?)\s*:([+\-?]):\s*(.+?)\s*$")


@dataclass
class ImportSummary:
    regulators: int
    edges: int
    compounds: int
    skipped: list[Problem]


def _symbol_column(header: Sequence[str]) -> str | None:
    for name in ("Symbol", "Symbol_or_reported_abbr"):
        if name in header:
            return name
    return None


def import_ferrdb(directory: str | Path, kb: KnowledgeBase | None = None) -> ImportSummary:
    """Load the FerrDb CSVs from ``directory`` into the store (replacing an earlier import)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FerronetError(f"FerrDb folder not found: {directory}")
    missing = [f for f in (*REGULATOR_FILES, *COMPOUND_FILES) if not (directory / f).exists()]
    if len(missing) == len(REGULATOR_FILES) + len(COMPOUND_FILES):
        raise FerronetError(f"no FerrDb files in {directory} (expected {', '.join(REGULATOR_FILES)}, ...)")
    fatal: list[Problem] = []
    skipped: list[Problem] = []
    regulators, edges, compounds = [], [], []
    for fname, role in REGULATOR_FILES.items():
        path = directory / fname
        if not path.exists():
            continue
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            col = _symbol_column(header)
            if col is None or "Confidence" not in header:
                fatal.append(Problem(fname, 1, "header", "needs a Symbol and a Confidence column"))
                continue
            for line, row in enumerate(reader, start=2):
                symbol = (row.get(col) or "").strip()
                if not symbol:
                    skipped.append(Problem(fname, line, col, "empty symbol; row skipped"))
                    continue
                conf, pmid = (row.get("Confidence") or "").strip(), (row.get("PMID") or "").strip()
                regulators.append(
                    (symbol, role, conf, pmid, row.get("Exp_organism", ""), row.get("Evidence", ""), fname, line)
                )
                for part in (row.get("Pathway") or "").split(","):
                    if not part.strip() or part.strip() == "_NA_":
                        continue
                    m = EDGE.match(part)
                    if not m:
                        skipped.append(Problem(fname, line, "Pathway", f"cannot read edge '{part.strip()}'"))
                    elif m.group(2) in "+-":
                        edges.append((m.group(1), m.group(3), m.group(2), conf, pmid, fname, line))
    for fname, role in COMPOUND_FILES.items():
        path = directory / fname
        if not path.exists():
            continue
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            if "Molecule" not in (reader.fieldnames or []):
                fatal.append(Problem(fname, 1, "header", "needs a Molecule column"))
                continue
            for line, row in enumerate(reader, start=2):
                mol = (row.get("Molecule") or "").strip()
                if not mol:
                    skipped.append(Problem(fname, line, "Molecule", "empty molecule; row skipped"))
                    continue
                compounds.append((row.get("Name") or mol, mol, role, row.get("PMID", ""), fname, line))
    if fatal:
        raise ValidationError(fatal)
    con = connect(kb)
    with con:
        con.execute("DELETE FROM ferrdb_regulators")
        con.execute("DELETE FROM ferrdb_edges")
        con.execute("DELETE FROM ferrdb_compounds")
        con.executemany("INSERT INTO ferrdb_regulators VALUES (?,?,?,?,?,?,?,?)", regulators)
        con.executemany("INSERT INTO ferrdb_edges VALUES (?,?,?,?,?,?,?)", edges)
        con.executemany("INSERT INTO ferrdb_compounds VALUES (?,?,?,?,?,?)", compounds)
    con.close()
    return ImportSummary(len(regulators), len(edges), len(compounds), skipped)


@dataclass
class Conflict:
    source: str
    target: str
    our_sign: str
    ferrdb_sign: str
    confidence: str
    pmids: str
    basis: str
    refs: str
    context: str = ""


def conflicts(kb: KnowledgeBase | None = None) -> list[Conflict]:
    """Our interactions whose sign FerrDb contradicts (needs :func:`import_ferrdb` first)."""
    kb = kb or load_kb()
    con = connect(kb)
    try:
        n = con.execute("SELECT COUNT(*) FROM ferrdb_regulators").fetchone()[0]
        if n == 0:
            raise FerronetError("no FerrDb data imported yet: run `ferronet kb import-ferrdb DIR` first")

        def resolve(name: str) -> str | None:
            if normalize(name) == "ferroptosis":
                return "ferroptosis"
            try:
                return kb.resolve(name).id
            except KeyError:
                return None

        ferr: dict[tuple[str, str], dict[str, set[str]]] = {}
        for s, t, sign, conf, pmid in con.execute("SELECT source, target, sign, confidence, pmid FROM ferrdb_edges"):
            a, b = resolve(s), resolve(t)
            if a and b:
                slot = ferr.setdefault((a, b), {"signs": set(), "conf": set(), "pmid": set()})
                slot["signs"].add(sign)
                slot["conf"].add(conf)
                slot["pmid"].add(pmid)
        role_sign = {"driver": "+", "suppressor": "-"}
        for sym, role, conf, pmid in con.execute(
            "SELECT symbol, role, confidence, pmid FROM ferrdb_regulators WHERE role IN ('driver','suppressor')"
        ):
            a = resolve(sym)
            if a:
                slot = ferr.setdefault((a, "ferroptosis"), {"signs": set(), "conf": set(), "pmid": set()})
                slot["signs"].add(role_sign[role])
                slot["conf"].add(conf)
                slot["pmid"].add(pmid)
    finally:
        con.close()
    out = []
    for i in kb.interactions:
        found = ferr.get((i.source, i.target))
        if found and i.sign not in found["signs"]:
            slot = found
            basis = "role" if i.target == "ferroptosis" else "pathway edge"
            out.append(
                Conflict(
                    i.source,
                    i.target,
                    i.sign,
                    "/".join(sorted(slot["signs"])),
                    "/".join(sorted(c for c in slot["conf"] if c)),
                    ";".join(sorted(slot["pmid"]))[:80],
                    basis,
                    ";".join(i.refs),
                    i.context,
                )
            )
    return out
