"""A released package: version in one place, changelog, licence, citation; the built wheel works offline."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

import ferronet

REPO = Path(__file__).resolve().parents[1]


def test_version_changelog_licence_and_citation_agree():
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert ferronet.__version__ == version
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M)
    assert "## [Unreleased]" in changelog
    assert (REPO / "LICENSE").read_text().startswith("MIT License")
    cff = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    assert f"version: {version}" in cff and "license: MIT" in cff and "cff-version: 1.2.0" in cff


@pytest.mark.skipif(
    not (os.environ.get("CI") or os.environ.get("FERRONET_WHEEL_CHECK")),
    reason="wheel check (about a minute) runs in CI or with FERRONET_WHEEL_CHECK=1",
)
def test_wheel_installs_and_runs_offline_in_a_clean_venv(tmp_path):
    if shutil.which("uv") is None:
        pytest.skip("uv not installed")
    r = subprocess.run(
        ["bash", str(REPO / "scripts/check_wheel.sh"), str(tmp_path)], capture_output=True, text=True, timeout=900
    )
    if r.returncode != 0 and "network was disabled" in r.stderr:
        pytest.skip("a locked dependency is not in the uv cache (offline install impossible): " + r.stderr[-300:])
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"ferronet, version {ferronet.__version__}" in r.stdout
    assert "wheel check passed" in r.stdout
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Ranked moves" in page and "https://pubmed.ncbi.nlm.nih.gov/" in page
