"""Issue #12 items 1 and 7: unreadable, damaged and oversized input files get one clear message each."""

from __future__ import annotations

import gzip
import os

import pytest

from ferronet.errors import FerronetError
from ferronet.profile.io import Limits, read_samples
from tests.robustness.conftest import assert_clear_error

TABLE = b"sample\tGPX4\tAIFM2\tACSL4\ns1\t1\t0.5\t0\ns2\t0\t1\t2\n"


def _write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture
def damaged(tmp_path):
    gz = gzip.compress(TABLE * 50)
    bad_crc = bytearray(gz)
    bad_crc[-8] ^= 0xFF
    return {
        "truncated gzip": (_write(tmp_path, "t.tsv.gz", gz[: len(gz) // 2]), "truncated gzip"),
        "bad checksum": (_write(tmp_path, "c.tsv.gz", bytes(bad_crc)), "corrupt gzip"),
        "binary junk": (_write(tmp_path, "j.tsv", os.urandom(4096)), "binary data"),
        "fake h5ad": (_write(tmp_path, "f.h5ad", b"sample,GPX4\ns1,1\n"), "h5ad"),
        "directory": (tmp_path, "folder"),
    }


@pytest.mark.parametrize("case", ["truncated gzip", "bad checksum", "binary junk", "fake h5ad", "directory"])
def test_damaged_tables_name_the_file_and_the_problem(damaged, case):
    path, words = damaged[case]
    with pytest.raises(FerronetError, match=words) as info:
        read_samples(path)
    assert path.name in str(info.value)


def test_latin1_table_is_read(tmp_path):
    path = _write(tmp_path, "l.tsv", "sample\tGPX4\ncafé\t1\n".encode("latin-1"))
    assert list(read_samples(path).index) == ["café"]


def test_gzip_bomb_is_stopped_at_the_inflated_limit(tmp_path):
    bomb = _write(tmp_path, "bomb.tsv.gz", gzip.compress(b"sample\tGPX4\n" + b"s,1\n" * 5_000_000))
    assert bomb.stat().st_size < 100_000
    with pytest.raises(FerronetError, match="decompressed"):
        read_samples(bomb, limits=Limits(max_bytes=2_000_000))


def test_row_and_column_limits(tmp_path):
    many = _write(tmp_path, "m.tsv", b"sample\tGPX4\n" + b"".join(b"s%d\t1\n" % i for i in range(300)))
    with pytest.raises(FerronetError, match="300 samples"):
        read_samples(many, limits=Limits(max_rows=200))
    wide = _write(
        tmp_path, "w.tsv", b"sample\t" + b"\t".join(b"G%d" % i for i in range(50)) + b"\ns\t" + b"1\t" * 49 + b"1\n"
    )
    with pytest.raises(FerronetError, match="50 columns"):
        read_samples(wide, limits=Limits(max_cols=20))


def test_cli_truncated_gzip_is_not_reported_as_aborted(cli, damaged):
    path, _ = damaged["truncated gzip"]
    run = cli("profile", "score", "--expression", str(path))
    assert_clear_error(run, "truncated gzip")
    assert "aborted" not in run.err


@pytest.mark.parametrize("command", [["check"], ["recommend", "--therapy", "sorafenib", "--profile"]])
def test_cli_latin1_and_folder_text_inputs(cli, tmp_path, command):
    latin = _write(tmp_path, "obs.yaml", 'x: "caf\xe9"\n'.encode("latin-1"))
    assert_clear_error(cli(*command, str(latin)), "not UTF-8", "obs.yaml")
    assert_clear_error(cli(*command, str(tmp_path)), "folder")
    junk = _write(tmp_path, "junk.yaml", b"\x00\x01" * 50)
    assert_clear_error(cli(*command, str(junk)), "binary")


def test_ferrdb_folder_with_latin1_file_cli(cli, tmp_path):
    _write(tmp_path, "driver.csv", "Symbol,Confidence\nGPX4,Validated\nACSL\xe94,Screened\n".encode("latin-1"))
    assert_clear_error(cli("kb", "import-ferrdb", str(tmp_path)), "driver.csv:3", "UTF-8")
