"""Probe helpers: run the CLI in-process and capture its exit status, stdout and stderr."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys, monkeypatch):
    from ferronet.cli.main import main

    def run(*args: str) -> Run:
        monkeypatch.setattr(sys, "argv", ["ferronet", *args])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def assert_clear_error(run: Run, *words: str) -> None:
    """A user error: exit status 2, no traceback, and the message names what is wrong."""
    text = run.out + run.err
    assert run.code == 2, text
    assert "Traceback" not in text, text
    for w in words:
        assert w.lower() in text.lower(), (w, text)
