"""The documentation site builds (mkdocs, strict) and the tutorial's code runs end to end."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_tutorial_code_runs_end_to_end(capsys):
    text = (REPO / "docs/tutorial.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 4
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "docs/tutorial.md", "exec"), namespace)  # our own documentation, not user text
    out = capsys.readouterr().out
    assert "NFE2L2" in out and "https://" in out and "score" in out


def test_docs_site_builds_strict(tmp_path):
    if shutil.which("mkdocs") is None and not (Path(sys.executable).parent / "mkdocs").exists():
        pytest.skip("mkdocs not installed (dev group)")
    site = tmp_path / "site"
    r = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    page = (site / "tutorial" / "index.html").read_text(encoding="utf-8")
    assert "Tutorial" in page and "simulate" in page
    assert (site / "references" / "index.html").exists()
