"""Probe helpers: what a clear user error looks like (the in-process ``cli`` fixture is in tests/conftest.py)."""

from __future__ import annotations

from tests.conftest import Run


def assert_clear_error(run: Run, *words: str) -> None:
    """A user error: exit status 2, no traceback, and the message names what is wrong."""
    text = run.out + run.err
    assert run.code == 2, text
    assert "Traceback" not in text, text
    for w in words:
        assert w.lower() in text.lower(), (w, text)
