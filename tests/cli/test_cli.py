"""The CLI on good and bad input: clear messages, exit status 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from ferronet.cli.main import cli


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ferronet.cli.main", *args], capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["kb", "show", "NRFF2"], "NRF2"),
        (["kb", "strategies", "--cancer", "hepatocelular"], ""),
        (["kb", "strategies", "--axis", "GPX"], "GPX4"),
        (["simulate", "-p", "erastn"], "erastin"),
        (["simulate", "-p", "GPX4:knockdwn"], "knockdown"),
        (["simulate", "-p", "RSL3", "--cell", "HT1081"], "HT1080"),
        (["dose-response", "--drug", "GPX4"], "not a compound"),
        (["dose-response", "--drug", "RSL3", "--doses", "1,x"], "numbers"),
        (["check", "does-not-exist.yaml"], "cannot read"),
    ],
)
def test_user_errors_exit_2_without_traceback(args, hint):
    proc = run(*args)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error:")
    assert hint in proc.stderr


def test_kb_commands():
    runner = CliRunner()
    r = runner.invoke(cli, ["kb", "show", "FSP1"])
    assert r.exit_code == 0 and "AIFM2" in r.output and "NRF2 target" in r.output
    r = runner.invoke(cli, ["kb", "search", "ferritinophagy"])
    assert r.exit_code == 0 and "NCOA4" in r.output
    r = runner.invoke(cli, ["kb", "strategies", "--therapy", "sorafenib", "--cancer", "HCC", "--json"])
    assert r.exit_code == 0 and '"therapy": "sorafenib"' in r.output
    r = runner.invoke(cli, ["kb", "export", "--format", "sif"])
    assert r.exit_code == 0 and "NFE2L2\tactivates\tSLC7A11" in r.output


def test_simulate_and_dose_response(tmp_path):
    runner = CliRunner()
    png = tmp_path / "tc.png"
    r = runner.invoke(cli, ["simulate", "-p", "erastin", "--cell", "HT1080", "--plot", str(png)])
    assert r.exit_code == 0, r.output
    assert png.stat().st_size > 1000
    r = runner.invoke(
        cli, ["dose-response", "--drug", "RSL3", "--with", "FSP1:overexpression", "--doses", "0.01,0.1,1", "--json"]
    )
    assert r.exit_code == 0, r.output


def test_model_export_sbml(tmp_path):
    out = tmp_path / "model.xml"
    r = CliRunner().invoke(cli, ["model", "export", "--format", "sbml", "--out", str(out)])
    assert r.exit_code == 0
    assert "<sbml" in out.read_text()[:300]
