"""Schema checks (all problems at once), referential integrity, alias resolution, SQLite store."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from ferronet.errors import UnknownNameError, ValidationError
from ferronet.kb import build, connect
from ferronet.kb.loader import default_dir


@pytest.fixture
def kb_copy(tmp_path):
    target = tmp_path / "kb"
    shutil.copytree(default_dir(), target)
    return target


def _append(path, line):
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def test_several_problems_reported_together_with_file_and_line(kb_copy):
    _append(
        kb_copy / "genes.tsv", "BADGENE\tbad gene\tprotein\t\t\tsuppressor\tGPX4\tx\t000:6\tHGNC:x\t"
    )  # bad kind, id
    _append(kb_copy / "interactions_000.tsv", "NFE2L2\tNOSUCHGENE\tactivation\t+\t\t\tin_vitro\t000:6\t")
    _append(kb_copy / "interactions_000.tsv", "NFE2L2\tGPX4\tactivation\t*\t\t\tin_vitro\t000:999999\t")
    _append(kb_copy / "strategies_000.tsv", "only\tthree\tfields")
    with pytest.raises(ValidationError) as err:
        build(kb_copy)
    text = str(err.value)
    problems = err.value.problems
    assert len(problems) >= 5
    assert "genes.tsv:" in text and "kind" in text
    assert "'HGNC:x' is not a valid hgnc_id" in text
    assert "unknown entity 'NOSUCHGENE'" in text
    assert "'*' is not one of" in text
    assert "unknown reference '000:999999'" in text
    assert "expected 14 fields, found 3" in text
    assert all(p.line > 0 for p in problems)


def test_duplicate_alias_and_missing_table(kb_copy):
    _append(kb_copy / "genes.tsv", "NEWGENE\tnew gene\tgene\t\tNRF2\tsuppressor\tGPX4\tx\t000:6\t\t")
    (kb_copy / "cancers.tsv").unlink()
    with pytest.raises(ValidationError) as err:
        build(kb_copy)
    text = str(err.value)
    assert "alias 'NRF2'" in text
    assert "cancers.tsv" in text and "missing" in text


def test_referential_integrity_of_packaged_tables(kb):
    ids = set(kb.entities) | {"ferroptosis"}
    assert all(i.source in ids and i.target in ids for i in kb.interactions)
    for s in kb.strategies:
        assert s.therapy in ids and s.cancer in ids
        assert s.agent.partition(":")[0] in ids


@pytest.mark.parametrize(
    ("alias", "symbol"),
    [
        ("NRF2", "NFE2L2"),
        ("FSP1", "AIFM2"),
        ("xCT", "SLC7A11"),
        ("p62", "SQSTM1"),
        ("HO-1", "HMOX1"),
        ("ferroportin", "SLC40A1"),
        ("nrf2", "NFE2L2"),
        ("Fer-1", "ferrostatin-1"),
        ("DFO", "deferoxamine"),
        ("SCD1", "SCD"),
    ],
)
def test_alias_resolution(kb, alias, symbol):
    assert kb.resolve(alias).id == symbol


def test_unknown_name_suggests_close_names(kb):
    with pytest.raises(UnknownNameError) as err:
        kb.resolve("GPX44")
    assert "GPX4" in err.value.suggestions


def test_sqlite_store_holds_the_kb(kb):
    con = connect(kb)
    try:
        n = con.execute("SELECT COUNT(*) FROM interactions").fetchone()[0]
        assert n == len(kb.interactions)
        row = con.execute("SELECT entity_id FROM aliases WHERE alias = 'FSP1'").fetchone()
        assert row == ("AIFM2",)
        cited = con.execute("SELECT COUNT(DISTINCT record_id) FROM evidence WHERE record = 'strategy'").fetchone()[0]
        assert cited == len(kb.strategies)
    finally:
        con.close()
    assert isinstance(con, sqlite3.Connection)
