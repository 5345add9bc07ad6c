"""Issue #12 item 8: a truncated or damaged FerrDb download is refused and the good import is kept."""

from __future__ import annotations

import shutil

import pytest

from ferronet.errors import ValidationError
from ferronet.kb import store
from ferronet.kb.ferrdb import import_ferrdb


@pytest.fixture
def good(shared, tmp_path, monkeypatch, kb):
    monkeypatch.setenv("FERRONET_HOME", str(tmp_path / "home"))
    store._sound.clear()
    src = shared / "data" / "external" / "ferrdb_v2"
    first = import_ferrdb(src, kb)
    copy = tmp_path / "copy"
    copy.mkdir()
    for f in src.glob("*.csv"):
        shutil.copy(f, copy / f.name)
        (copy / f.name).chmod(0o644)
    return first, copy


def _regulators(kb) -> int:
    con = store.connect(kb)
    try:
        return con.execute("SELECT COUNT(*) FROM ferrdb_regulators").fetchone()[0]
    finally:
        con.close()


def _damage(path, how: str) -> None:
    data = path.read_bytes()
    if how == "cut mid-row":
        path.write_bytes(data[: len(data) // 2])
    elif how == "cut mid-row plus newline":
        cut = data[: len(data) // 2]
        path.write_bytes(cut[: cut.rfind(b",")] + b"\n")
    elif how == "cut inside quoted field":
        quote = data.index(b'"', len(data) // 2)
        path.write_bytes(data[: quote + 5] + b"\n")
    elif how == "fewer whole rows":
        lines = data.splitlines(keepends=True)
        path.write_bytes(b"".join(lines[: len(lines) // 2]))
    elif how == "latin-1":
        path.write_bytes(data.decode("utf-8").encode("latin-1", "replace") + "é\n".encode("latin-1"))
    elif how == "binary":
        path.write_bytes(b"\x00\x01\x02" * 100)


@pytest.mark.parametrize(
    "how",
    ["cut mid-row", "cut mid-row plus newline", "cut inside quoted field", "fewer whole rows", "latin-1", "binary"],
)
def test_damaged_file_is_refused_and_the_good_import_kept(good, kb, how):
    first, copy = good
    _damage(copy / "suppressor.csv", how)
    with pytest.raises(ValidationError) as info:
        import_ferrdb(copy, kb)
    text = str(info.value)
    assert "suppressor.csv" in text and "earlier import kept" in text
    assert _regulators(kb) == first.regulators


def test_allow_fewer_accepts_a_deliberately_smaller_file(good, kb):
    first, copy = good
    _damage(copy / "marker.csv", "fewer whole rows")
    smaller = import_ferrdb(copy, kb, allow_fewer=True)
    assert 0 < smaller.regulators < first.regulators == 2325
