"""Issue #12 item 6: every bad --out/--plot/--heatmap target fails before any work; writes are atomic."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ferronet.errors import FerronetError
from ferronet.io.atomic import atomic_write, check_writable
from tests.robustness.conftest import assert_clear_error

COMMANDS = [
    ["report"],
    ["simulate", "-p", "erastin"],
    ["dose-response", "-d", "erastin"],
    ["screen", "genes", "--gene", "GPX4"],
    ["screen", "combo", "--drug", "erastin", "--drug", "RSL3"],
    ["predict", "--drug", "ML210", "--expression", "x.tsv"],
    ["profile", "score", "--expression", "x.tsv"],
    ["model", "export"],
    ["kb", "export"],
]
OPTION = {"simulate": "--plot", "dose-response": "--plot"}


def _targets(tmp_path: Path) -> dict[str, str]:
    targets = {
        "missing folder": "/nonexistent/out.file",
        "a directory": str(tmp_path),
        "a file as folder": str(Path(__file__) / "out.file"),
        "/proc": "/proc/out.file",
    }
    if os.geteuid() != 0:  # root may write into read-only folders
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        targets["read-only folder"] = str(ro / "out.file")
    return targets


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_bad_output_targets_fail_before_work(cli, tmp_path, argv):
    option = OPTION.get(argv[0], "--out")
    for label, target in _targets(tmp_path).items():
        run = cli(*argv, option, target)
        assert_clear_error(run, option)
        assert "wrote" not in run.err, label


def test_heatmap_target_is_checked_too(cli):
    assert_clear_error(cli("screen", "genes", "--gene", "GPX4", "--heatmap", "/nonexistent/h.png"), "--heatmap")


def test_atomic_write_replaces_whole_files_and_leaves_no_temp(tmp_path):
    target = tmp_path / "t.txt"
    atomic_write(target, "first")
    atomic_write(target, b"second")
    atomic_write(target, lambda p: p.write_text("third"))
    assert target.read_text() == "third"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.txt"]


def test_a_failing_writer_keeps_the_old_file(tmp_path):
    target = tmp_path / "t.txt"
    target.write_text("good")

    def boom(_: Path) -> None:
        raise RuntimeError("half-way")

    with pytest.raises(RuntimeError):
        atomic_write(target, boom)
    assert target.read_text() == "good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.txt"]


def test_check_writable_names_the_problem(tmp_path):
    with pytest.raises(FerronetError, match="does not exist"):
        check_writable(tmp_path / "no" / "x.tsv")
    with pytest.raises(FerronetError, match="NUL"):
        check_writable("a\x00b")


def test_output_is_written_when_the_target_is_fine(cli, tmp_path):
    out = tmp_path / "model.xml"
    run = cli("model", "export", "--out", str(out))
    assert run.code == 0 and out.read_text().startswith("<?xml")
