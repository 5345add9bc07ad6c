"""Shared fixtures: the packaged knowledge base and model (loaded once), and the ../shared data folder."""

from __future__ import annotations

import os
import tempfile
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
