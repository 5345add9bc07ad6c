"""FerrDb V2 as an extra evidence layer (Zhou et al. 2023 NAR, PMID 36305826), kept with its confidence grades.

``import_ferrdb(DIR)`` reads the regulator files (driver, suppressor, marker, unclassified.reg) and the
compound files (inducer, inhibitor) into the SQLite store; ``conflicts()`` lists our interactions whose sign
FerrDb contradicts (FerrDb ``A :+: B`` / ``A :-: B`` pathway edges, and driver/suppressor roles for
gene -> ferroptosis interactions).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
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


def _read_csv(path: Path, fatal: list[Problem]) -> tuple[list[str], list[tuple[int, dict[str, str]]]] | None:
    """Header and rows (with line numbers) of one FerrDb CSV; any damage is a fatal problem (None returned).

    The whole file must be UTF-8, properly quoted, end with a line break, and every row must have as many
    fields as the header: a truncated download fails here instead of importing part of the table.
    """
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        fatal.append(Problem(name, 0, "", f"cannot read ({exc.strerror or exc})"))
        return None
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        fatal.append(Problem(name, line, "", "binary data (NUL byte): expected a FerrDb CSV text file"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        fatal.append(
            Problem(name, line, "", f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8 CSV")
        )
        return None
    if not text.strip():
        fatal.append(Problem(name, 1, "", "empty file"))
        return None
    if not text.endswith(("\n", "\r")):
        fatal.append(Problem(name, text.count("\n") + 1, "", "last line has no line break: the file looks truncated"))
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        rows = []
        for fields in reader:
            line = reader.line_num
            if not fields:
                continue
            if len(fields) != len(header):
                fatal.append(
                    Problem(
                        name,
                        line,
                        "",
                        f"expected {len(header)} fields (as in the header), found {len(fields)}: "
                        "the file looks truncated or damaged",
                    )
                )
                continue
            rows.append((line, dict(zip(header, fields, strict=True))))
    except csv.Error as exc:
        fatal.append(Problem(name, reader.line_num, "", f"malformed CSV ({exc}): the file looks truncated"))
        return None
    return header, rows


def import_ferrdb(directory: str | Path, kb: KnowledgeBase | None = None, allow_fewer: bool = False) -> ImportSummary:
    """Load the FerrDb CSVs from ``directory`` into the store, replacing an earlier import only when every file
    is complete: damaged files, or files with fewer rows than the current import (unless ``allow_fewer``),
    leave the current import untouched."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FerronetError(f"FerrDb folder not found: {directory}")
    missing = [f for f in (*REGULATOR_FILES, *COMPOUND_FILES) if not (directory / f).exists()]
    if len(missing) == len(REGULATOR_FILES) + len(COMPOUND_FILES):
        raise FerronetError(f"no FerrDb files in {directory} (expected {', '.join(REGULATOR_FILES)}, ...)")
    fatal: list[Problem] = []
    skipped: list[Problem] = []
    regulators, edges, compounds = [], [], []
    counts: dict[str, tuple[int, str]] = {}
    for fname, role in REGULATOR_FILES.items():
        path = directory / fname
        if not path.exists():
            continue
        parsed = _read_csv(path, fatal)
        if parsed is None:
            continue
        header, rows = parsed
        counts[fname] = (len(rows), hashlib.sha256(path.read_bytes()).hexdigest())
        col = _symbol_column(header)
        if col is None or "Confidence" not in header:
            fatal.append(Problem(fname, 1, "header", "needs a Symbol and a Confidence column"))
            continue
        for line, row in rows:
            symbol = row[col].strip()
            if not symbol:
                skipped.append(Problem(fname, line, col, "empty symbol; row skipped"))
                continue
            conf, pmid = row["Confidence"].strip(), row.get("PMID", "").strip()
            regulators.append(
                (symbol, role, conf, pmid, row.get("Exp_organism", ""), row.get("Evidence", ""), fname, line)
            )
            for part in row.get("Pathway", "").split(","):
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
        parsed = _read_csv(path, fatal)
        if parsed is None:
            continue
        header, rows = parsed
        counts[fname] = (len(rows), hashlib.sha256(path.read_bytes()).hexdigest())
        if "Molecule" not in header:
            fatal.append(Problem(fname, 1, "header", "needs a Molecule column"))
            continue
        for line, row in rows:
            mol = row["Molecule"].strip()
            if not mol:
                skipped.append(Problem(fname, line, "Molecule", "empty molecule; row skipped"))
                continue
            compounds.append((row.get("Name") or mol, mol, role, row.get("PMID", ""), fname, line))
    con = connect(kb)
    try:
        previous = {f: n for f, n in con.execute("SELECT file, rows FROM ferrdb_imports")}
        if not allow_fewer:
            for fname, (n, _) in counts.items():
                if n < previous.get(fname, 0):
                    fatal.append(
                        Problem(
                            fname,
                            0,
                            "",
                            f"{n} rows, but the current import has {previous[fname]}: refusing to replace it with "
                            "a smaller file (truncated?); use --allow-fewer to import it anyway",
                        )
                    )
        if fatal:
            raise ValidationError([*fatal, Problem(str(directory), 0, "", "nothing imported; earlier import kept")])
        stamp = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        with con:  # one transaction: the old import stays until the new one is complete
            con.execute("DELETE FROM ferrdb_regulators")
            con.execute("DELETE FROM ferrdb_edges")
            con.execute("DELETE FROM ferrdb_compounds")
            con.execute("DELETE FROM ferrdb_imports")
            con.executemany("INSERT INTO ferrdb_regulators VALUES (?,?,?,?,?,?,?,?)", regulators)
            con.executemany("INSERT INTO ferrdb_edges VALUES (?,?,?,?,?,?,?)", edges)
            con.executemany("INSERT INTO ferrdb_compounds VALUES (?,?,?,?,?,?)", compounds)
            con.executemany(
                "INSERT INTO ferrdb_imports VALUES (?,?,?,?)", [(f, n, h, stamp) for f, (n, h) in counts.items()]
            )
    finally:
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
