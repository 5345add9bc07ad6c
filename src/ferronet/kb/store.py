"""The embedded SQLite store: the knowledge base compiled into one file, rebuilt when the tables change.

Location: ``$FERRONET_HOME/kb-<version>.sqlite`` (default ``~/.cache/ferronet``). Imported evidence layers
(FerrDb) are kept in the same file.

Safe with several processes: the file is built under an exclusive file lock (``fcntl``) into a unique temporary
file in the same folder and moved into place with ``os.replace``. Before use it is checked (SQLite header,
``PRAGMA quick_check``, schema version, knowledge-base version); a corrupt, truncated or outdated file is rebuilt.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

from ferronet.errors import FerronetError
from ferronet.kb.base import KnowledgeBase, load_kb
from ferronet.kb.cite import reference_url

SCHEMA_VERSION = 2
TABLES = {"meta", "schema_version", "entities", "aliases", "refs", "evidence", "interactions", "nrf2_targets"}
TABLES |= {"strategies", "ferrdb_regulators", "ferrdb_edges", "ferrdb_compounds", "ferrdb_imports"}

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE entities (id TEXT PRIMARY KEY, kind TEXT, name TEXT, attrs TEXT);
CREATE TABLE aliases (alias TEXT, entity_id TEXT REFERENCES entities(id));
CREATE TABLE refs (id TEXT PRIMARY KEY, seed TEXT, number TEXT, citation TEXT, year TEXT, pmid TEXT, doi TEXT,
    url TEXT, canonical TEXT);
CREATE TABLE evidence (record TEXT, record_id TEXT, ref_id TEXT REFERENCES refs(id));
CREATE TABLE interactions (id INTEGER PRIMARY KEY, source TEXT, target TEXT, type TEXT, sign TEXT,
    context TEXT, cancer TEXT, system TEXT, note TEXT, origin TEXT);
CREATE TABLE nrf2_targets (id TEXT PRIMARY KEY, general_function TEXT, role_in_ferroptosis TEXT, tumor_types TEXT);
CREATE TABLE strategies (id TEXT PRIMARY KEY, therapy TEXT, therapy_class TEXT, cancer TEXT, axis TEXT,
    resistance_genes TEXT, resistance_mechanism TEXT, agent TEXT, agent_type TEXT, agent_target TEXT,
    agent_action TEXT, mechanism TEXT, model_system TEXT);
CREATE TABLE ferrdb_regulators (symbol TEXT, role TEXT, confidence TEXT, pmid TEXT, organism TEXT,
    evidence TEXT, file TEXT, line INTEGER);
CREATE TABLE ferrdb_edges (source TEXT, target TEXT, sign TEXT, confidence TEXT, pmid TEXT, file TEXT, line INTEGER);
CREATE TABLE ferrdb_compounds (name TEXT, molecule TEXT, role TEXT, pmid TEXT, file TEXT, line INTEGER);
CREATE TABLE ferrdb_imports (file TEXT PRIMARY KEY, rows INTEGER, sha256 TEXT, imported TEXT);
CREATE TABLE schema_version (version INTEGER);
CREATE INDEX aliases_alias ON aliases(alias);
CREATE INDEX interactions_source ON interactions(source);
CREATE INDEX interactions_target ON interactions(target);
"""


def home() -> Path:
    return Path(os.environ.get("FERRONET_HOME", Path.home() / ".cache" / "ferronet"))


def db_path(kb: KnowledgeBase) -> Path:
    return home() / f"kb-{kb.version}.sqlite"


def compile_db(kb: KnowledgeBase, path: Path) -> Path:
    """Write ``kb`` to a new SQLite file at ``path`` (a unique temporary file, then ``os.replace``)."""
    _make_home(path.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    con = sqlite3.connect(tmp)
    try:
        con.executescript(SCHEMA)
        con.execute("INSERT INTO meta VALUES ('version', ?)", (kb.version,))
        con.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
        con.executemany(
            "INSERT INTO entities VALUES (?,?,?,?)",
            [(e.id, e.kind, e.name, json.dumps(e.attrs)) for e in kb.entities.values()],
        )
        con.executemany(
            "INSERT INTO aliases VALUES (?,?)", [(a, e.id) for e in kb.entities.values() for a in (e.id, *e.aliases)]
        )
        con.executemany(
            "INSERT INTO refs VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (rid, r.seed, r.number, r.citation, r.year, r.pmid, r.doi, reference_url(r), r.id)
                for rid, r in kb.references.items()
            ],
        )
        ev = [("entity", e.id, r) for e in kb.entities.values() for r in e.refs]
        ev += [("interaction", str(i), r) for i, x in enumerate(kb.interactions) for r in x.refs]
        ev += [("strategy", s.id, r) for s in kb.strategies for r in s.refs]
        ev += [("nrf2_target", t.id, r) for t in kb.nrf2_targets.values() for r in t.refs]
        con.executemany("INSERT INTO evidence VALUES (?,?,?)", ev)
        con.executemany(
            "INSERT INTO interactions VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                (i, x.source, x.target, x.type, x.sign, x.context, x.cancer, ";".join(x.system), x.note, x.origin)
                for i, x in enumerate(kb.interactions)
            ],
        )
        con.executemany(
            "INSERT INTO nrf2_targets VALUES (?,?,?,?)",
            [
                (t.id, t.general_function, t.role_in_ferroptosis, ";".join(t.tumor_types))
                for t in kb.nrf2_targets.values()
            ],
        )
        con.executemany(
            "INSERT INTO strategies VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    s.id,
                    s.therapy,
                    s.therapy_class,
                    s.cancer,
                    s.axis,
                    ";".join(s.resistance_genes),
                    s.resistance_mechanism,
                    s.agent,
                    s.agent_type,
                    ";".join(s.agent_target),
                    s.agent_action,
                    s.mechanism,
                    s.model_system,
                )
                for s in kb.strategies
            ],
        )
        con.commit()
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)
    return path


def _make_home(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".probe.", dir=folder)
    except OSError as exc:
        raise FerronetError(
            f"cannot write the knowledge-base cache in {folder} ({exc.strerror or exc}); "
            "set FERRONET_HOME to a writable folder"
        ) from None
    os.close(fd)
    os.unlink(probe)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path.lock`` (waits for another process building the same file)."""
    _make_home(path.parent)
    with open(path.with_name(path.name + ".lock"), "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def problem(path: Path, version: str) -> str | None:
    """Why the file at ``path`` cannot be used as the store of KB ``version`` (None when it is sound)."""
    if not path.exists():
        return "missing"
    if not path.is_file():
        return "not a file"
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    if head != b"SQLite format 3\x00":
        return "empty" if not head else "not an SQLite file"
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            if con.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                return "failed the integrity check"
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables >= TABLES:
                return "schema incomplete"
            if con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] != SCHEMA_VERSION:
                return "older schema version"
            row = con.execute("SELECT value FROM meta WHERE key='version'").fetchone()
            if not row or row[0] != version:
                return "built from another knowledge-base version"
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return f"unreadable ({exc})"
    return None


_sound: set[tuple[Path, int, int]] = set()  # files already checked by this process (path, inode, mtime)


def _stamp(path: Path) -> tuple[Path, int, int]:
    st = path.stat()
    return (path, st.st_ino, st.st_mtime_ns)


def ensure_db(kb: KnowledgeBase | None = None) -> Path:
    """The path of a sound store for ``kb``, building or rebuilding it (under the lock) when needed."""
    kb = kb or load_kb()
    path = db_path(kb)
    with contextlib.suppress(OSError):
        if _stamp(path) in _sound:
            return path
    why = problem(path, kb.version)
    if why is not None:
        with _locked(path):
            why = problem(path, kb.version)  # another process may have built it meanwhile
            if why is not None:
                if why != "missing":
                    warnings.warn(
                        f"knowledge-base cache {path} is {why}: rebuilding it (re-run `ferronet kb import-ferrdb` "
                        "if you had imported FerrDb)",
                        RuntimeWarning,
                        stacklevel=2,
                    )
                compile_db(kb, path)
    _sound.add(_stamp(path))
    return path


def connect(kb: KnowledgeBase | None = None) -> sqlite3.Connection:
    """A connection to the compiled store of ``kb`` (the packaged KB by default), checked and built if needed."""
    return sqlite3.connect(ensure_db(kb), timeout=30)
