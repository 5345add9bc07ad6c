"""Shared fixtures: the packaged knowledge base and model (loaded once), the ../shared data folder, and ``cli``
(the command run in-process: exit status, stdout, stderr)."""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

# keep the SQLite store of test runs out of the user's home
os.environ.setdefault("FERRONET_HOME", tempfile.mkdtemp(prefix="ferronet-test-"))

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FERRONET_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared data folder not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def kb():
    from ferronet.kb import load_kb

    return load_kb()


@pytest.fixture
def model():
    from ferronet.model import load_model

    return load_model()


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
