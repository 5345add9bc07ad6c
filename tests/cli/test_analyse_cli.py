"""``ferronet analyse ...`` and ``dose-response --out``: tables in the format of the extension, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

from ferronet.cli.main import cli


def invoke(*args: str):
    r = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r


def test_sensitivity_writes_a_tidy_table_and_a_plot(tmp_path):
    out, plot = tmp_path / "s.tsv", tmp_path / "s.png"
    r = invoke("analyse", "sensitivity", "--drug", "RSL3@0.1uM", "--factor", "ic50_RSL3_GPX4", "--factor",
               "ic50_erastin_SLC7A11", "--n", "4", "--out", str(out), "--plot", str(plot))  # fmt: skip
    t = pd.read_csv(out, sep="\t")
    assert list(t.columns) == ["factor", "metric", "value", "conf"]
    assert t.iloc[0]["factor"] == "ic50_RSL3_GPX4"
    assert plot.read_bytes()[:4] == b"\x89PNG"
    assert "12 samples" in r.output


def test_bifurcation_json_has_folds_and_rows(tmp_path):
    out = tmp_path / "b.json"
    r = invoke("analyse", "bifurcation", "--parameter", "GPX4", "--range", "1", "0.1", "--n", "8", "--out", str(out))
    data = json.loads(out.read_text())
    assert len(data["folds"]) == 2 and data["bistable_range"][0] < data["bistable_range"][1]
    assert {"branch", "value", "stable", "max_real_eigenvalue", "lipid_peroxidation"} <= set(data["rows"][0])
    assert "hysteresis" in r.output


def test_steady_state_command(tmp_path):
    out = tmp_path / "ss.csv"
    r = invoke("analyse", "steady-state", "-p", "erastin", "--out", str(out))
    t = pd.read_csv(out)
    assert "max_real_eigenvalue" in set(t["quantity"])
    assert "stable steady state" in r.output


@pytest.mark.parametrize("suffix", [".tsv", ".csv", ".json"])
def test_dose_response_out_by_extension(tmp_path, suffix):
    out, summary = tmp_path / f"dr{suffix}", tmp_path / "summary.tsv"
    invoke("dose-response", "--drug", "RSL3", "--doses", "0.01,0.03,0.1,0.3,1,3", "--out", str(out),
           "--summary-out", str(summary))  # fmt: skip
    if suffix == ".json":
        data = json.loads(out.read_text())
        assert data["drug"] == "RSL3" and len(data["rows"]) == 6
        assert data["summary"][0]["ec50_uM"] > 0
    else:
        t = pd.read_csv(out, sep="," if suffix == ".csv" else "\t")
        assert list(t.columns) == ["arm", "dose_uM", "ferroptosis", "viability", "status"] and len(t) == 6
    s = pd.read_csv(summary, sep="\t")
    assert {"ec50_uM", "emax", "auc"} <= set(s.columns)


def test_dose_response_json_is_valid_with_nan():
    r = invoke("dose-response", "--drug", "RSL3", "--doses", "0,0.001,0.002", "--json")
    data = json.loads(r.output)
    assert data["summary"][0]["ec50_uM"] is None  # too few positive doses: NaN becomes null


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["analyse", "sensitivity", "--factor", "k_propp", "--factor", "K_prop"], "k_prop"),
        (["analyse", "sensitivity", "--drug", "GPX4:knockdown"], "not a compound"),
        (["analyse", "sensitivity", "--method", "sobol", "--n", "10"], "power of 2"),
        (["analyse", "bifurcation", "--parameter", "GPX44", "--range", "1", "0.1"], "GPX4"),
        (["analyse", "bifurcation", "--parameter", "GPX4", "--range", "0", "1"], "above 0"),
        (["analyse", "steady-state", "-p", "erastn"], "erastin"),
        (["dose-response", "--drug", "RSL3", "--hours", "-1"], "--hours"),
        (["analyse", "sensitivity", "--out", "/nonexistent/s.tsv"], "--out"),
        (
            ["analyse", "bifurcation", "--parameter", "GPX4", "--range", "1", "0.1", "--plot", "/nonexistent/b.png"],
            "--plot",
        ),
        (["dose-response", "--drug", "RSL3", "--summary-out", "/nonexistent/f.tsv"], "--summary-out"),
    ],
)
def test_user_errors_exit_2(args, hint):
    proc = subprocess.run([sys.executable, "-m", "ferronet.cli.main", *args], capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and hint in proc.stderr


OBSERVATIONS = """observations:
  - id: gpx4-kd-rsl3
    cell: HT1080
    baseline: ["RSL3"]
    add: ["GPX4:knockdown"]
    readout: ferroptosis
    expect: increase
    ref: "000:6 Sun 2016 Hepatology"
"""


def test_other_table_commands_have_out(tmp_path):
    """--out added to simulate, model parameters and check (every command that computes a table has one)."""
    sim = tmp_path / "sim.csv"
    invoke("simulate", "-p", "erastin", "--out", str(sim))
    t = pd.read_csv(sim)
    assert {"condition", "time_h", "readout", "value"} <= set(t.columns) and t["time_h"].nunique() > 5
    params = tmp_path / "p.json"
    invoke("model", "parameters", "--out", str(params))
    rows = json.loads(params.read_text())
    assert any(r["parameter"] == "k_prop" and r["value"] == 30.0 for r in rows)
    obs = tmp_path / "o.yaml"
    obs.write_text(OBSERVATIONS)
    cases = tmp_path / "cases.tsv"
    invoke("check", str(obs), "--out", str(cases))
    c = pd.read_csv(cases, sep="\t")
    assert list(c["id"]) == ["gpx4-kd-rsl3"] and {"expected", "predicted", "passed"} <= set(c.columns)
