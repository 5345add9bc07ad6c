"""Issue #12 items 3 and 4: concurrent cache builds, corrupt or unwritable caches."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from ferronet.errors import FerronetError
from ferronet.kb import store
from tests.robustness.conftest import assert_clear_error

COUNT = "from ferronet.kb.store import connect; print(connect().execute('select count(*) from entities').fetchone()[0])"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("FERRONET_HOME", str(tmp_path))
    store._sound.clear()
    return tmp_path


def test_four_processes_building_at_once_all_succeed(home):
    procs = [
        subprocess.Popen([sys.executable, "-c", COUNT], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [e for _, e in outs]
    counts = {int(o) for o, _ in outs}
    assert len(counts) == 1 and counts.pop() > 100
    assert [p.name for p in home.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("damage", ["empty", "junk", "truncated", "other schema"])
def test_damaged_cache_is_detected_and_rebuilt(home, kb, damage):
    path = store.ensure_db(kb)
    if damage == "empty":
        path.write_bytes(b"")
    elif damage == "junk":
        path.write_bytes(os.urandom(4096))
    elif damage == "truncated":
        with path.open("r+b") as fh:
            fh.truncate(path.stat().st_size // 3)
    else:
        con = sqlite3.connect(path)
        con.execute("UPDATE schema_version SET version = 1")
        con.commit()
        con.close()
    store._sound.clear()
    assert store.problem(path, kb.version) is not None
    with pytest.warns(RuntimeWarning, match="rebuilding"):
        con = store.connect(kb)
    assert con.execute("select count(*) from entities").fetchone()[0] > 100
    con.close()
    assert store.problem(path, kb.version) is None


def test_unwritable_home_gives_a_clear_message(monkeypatch, kb):
    monkeypatch.setenv("FERRONET_HOME", "/proc/ferronet-cache")
    store._sound.clear()
    with pytest.raises(FerronetError, match="FERRONET_HOME"):
        store.connect(kb)


def test_cli_reports_unwritable_home_without_traceback(cli, monkeypatch):
    monkeypatch.setenv("FERRONET_HOME", "/proc/ferronet-cache")
    store._sound.clear()
    assert_clear_error(cli("kb", "info"), "FERRONET_HOME")


def test_cli_kb_conflicts_on_a_junk_cache_rebuilds(cli, home):
    assert cli("kb", "info").code == 0
    next(home.glob("kb-*.sqlite")).write_bytes(b"not a database at all" * 100)
    store._sound.clear()
    run = cli("kb", "conflicts")
    assert run.code == 2 and "import-ferrdb" in run.err and "Traceback" not in run.err
    assert "rebuilding" in run.err
