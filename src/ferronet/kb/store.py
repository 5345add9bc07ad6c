"""The embedded SQLite store: the knowledge base compiled into one file, rebuilt when the tables change.

Location: ``$FERRONET_HOME/kb-<version>.sqlite`` (default ``~/.cache/ferronet``). Imported evidence layers
(FerrDb) are kept in the same file.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from ferronet.kb.base import KnowledgeBase, load_kb
from ferronet.kb.cite import reference_url

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
CREATE INDEX aliases_alias ON aliases(alias);
CREATE INDEX interactions_source ON interactions(source);
CREATE INDEX interactions_target ON interactions(target);
"""


def home() -> Path:
    return Path(os.environ.get("FERRONET_HOME", Path.home() / ".cache" / "ferronet"))


def db_path(kb: KnowledgeBase) -> Path:
    return home() / f"kb-{kb.version}.sqlite"


def compile_db(kb: KnowledgeBase, path: Path) -> Path:
    """Write ``kb`` to a new SQLite file at ``path`` (atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.executescript(SCHEMA)
        con.execute("INSERT INTO meta VALUES ('version', ?)", (kb.version,))
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
    finally:
        con.close()
    tmp.replace(path)
    return path


def connect(kb: KnowledgeBase | None = None) -> sqlite3.Connection:
    """A connection to the compiled store of ``kb`` (the packaged KB by default), compiling it if needed."""
    kb = kb or load_kb()
    path = db_path(kb)
    if not path.exists():
        compile_db(kb, path)
    return sqlite3.connect(path)
