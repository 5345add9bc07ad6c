"""Quantitative measurement files: loader errors, EC50 interpolation, scorer, and the packaged table."""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from ferronet.cli.main import cli
from ferronet.errors import ValidationError
from ferronet.validate.measurements import (
    crossing_dose,
    dose_series,
    half_level,
    is_measurement_file,
    load_measurements,
    score_measurements,
)

PACKAGED = Path(__file__).resolve().parents[2] / "src/ferronet/data/observations/measurements.yaml"

GOOD = """
measurements:
  - id: erastin-death
    cell: HT1080
    perturbations: ["erastin@10uM"]
    hours: 24
    readout: ferroptosis
    kind: value
    value: 0.9
    units: fraction dead
    spread: {range: [0.7, 1.0]}
    ref: "Dixon 2012 Cell"
    pmid: "22632970"
  - id: erastin-gsh
    cell: HT1080
    perturbations: ["erastin@10uM"]
    hours: 6
    readout: GSH
    kind: fold_change
    value: 0.2
    units: fold
    spread: {sd: 0.05, n: 3}
    ref: "x"
    doi: "10.0/x"
  - id: fer1-rescue
    cell: HT1080
    perturbations: ["erastin@10uM"]
    vary: ferrostatin-1
    hours: 24
    readout: ferroptosis
    kind: ec50
    value: 60
    units: nM
    ref: "Dixon 2012 Cell"
    pmid: "22632970"
"""

BAD = """
measurements:
  - id: a
    cell: HT1081
    perturbations: ["erastinn"]
    hours: -1
    readout: lipid_peroxydation
    kind: fold_change
    value: .nan
    units: fold
    ref: "x"
  - id: a
    readout: ferroptosis
    kind: ec50
    value: 1
    units: fraction
    hours: 24
    ref: "x"
    pmid: "1"
    spred: {sd: 1}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_loader_reports_every_problem_with_line_and_suggestions(tmp_path: Path, model) -> None:
    path = _write(tmp_path, BAD)
    with pytest.raises(ValidationError) as info:
        load_measurements(path, model)
    text = str(info.value)
    problems = info.value.problems
    assert {p.line for p in problems} == {3, 12}
    for expected in ("HT1080", "erastin", "lipid_peroxidation", "must be a finite number", "duplicate id"):
        assert expected in text
    assert "give a pmid or doi" in text  # first entry has neither
    assert "spread" in text and "spred" in text  # unknown key with a suggestion
    assert "needs the varied compound" in text and "dose units" in text


def test_loader_rejects_value_outside_its_range(tmp_path: Path, model) -> None:
    text = GOOD.replace("range: [0.7, 1.0]", "range: [0.95, 1.0]")
    with pytest.raises(ValidationError, match="outside its range"):
        load_measurements(_write(tmp_path, text), model)


def test_intervals_from_spread(tmp_path: Path, model) -> None:
    entries = {e.id: e for e in load_measurements(_write(tmp_path, GOOD), model)}
    assert (entries["erastin-death"].lo, entries["erastin-death"].hi) == (0.7, 1.0)
    assert entries["erastin-gsh"].lo == pytest.approx(0.1) and entries["erastin-gsh"].hi == pytest.approx(0.3)
    fer1 = entries["fer1-rescue"]  # no spread: the global default fold
    assert fer1.lo == pytest.approx(20) and fer1.hi == pytest.approx(180)
    assert fer1.value_uM == pytest.approx(0.06)


def test_crossing_dose_on_a_synthetic_hill_curve() -> None:
    doses = dose_series(1.0)
    assert doses[0] == pytest.approx(1e-3) and doses[-1] == pytest.approx(1e3) and len(doses) == 16
    ec50 = 2.5
    death = doses**2 / (doses**2 + ec50**2)
    x = crossing_dose([0.0, *doses], [0.0, *death], 0.5)
    assert isinstance(x, float)
    assert x == pytest.approx(ec50, rel=0.15)
    # decreasing series (a rescuer) and the failure modes
    assert crossing_dose([0.0, *doses], [0.9, *(0.9 - 0.8 * death)], 0.5) == pytest.approx(ec50, rel=0.15)
    assert crossing_dose([0.0, *doses], [0.0, *(0.3 * death)], 0.5) == "not reached"
    assert crossing_dose([0.0, *doses], [0.0, *np.ones(16)], 0.5) == "below series"
    assert crossing_dose([0.0, 1.0], [0.0, math.nan], 0.5) == "simulation failed"


def test_half_level_uses_full_effect() -> None:
    assert half_level(0.0, 0.4, 0.0, "absolute") == pytest.approx(0.5)  # inducer: halfway to all dead
    assert half_level(0.9, 0.1, 0.02, "absolute") == pytest.approx(0.46)  # rescuer: halfway to untreated
    assert half_level(0.0, 0.4, 0.0, "relative") == pytest.approx(0.2)
    assert half_level(0.2, 0.22, 0.2, "relative") is None


def test_scorer_on_three_entries(tmp_path: Path, model) -> None:
    entries = load_measurements(_write(tmp_path, GOOD), model)
    report = score_measurements(entries, model)
    by_id = {r.id: r for r in report.results}
    death = by_id["erastin-death"]
    assert death.status == "ok" and death.predicted is not None and 0.0 <= death.predicted <= 1.0
    assert death.within == (0.7 <= death.predicted <= 1.0)
    expected = math.log10(max(death.predicted, 0.05) / 0.9)
    assert death.log10_error == pytest.approx(expected)
    gsh = by_id["erastin-gsh"]
    assert gsh.predicted is not None and 0.0 < gsh.predicted < 1.0  # erastin lowers GSH
    fer1 = by_id["fer1-rescue"]
    assert fer1.status == "ok" or fer1.status.startswith("not reached")
    summary = report.summary()
    assert summary["n"] == 3 and summary["by_kind"]["ec50"]["n"] == 1
    assert summary["within"] == sum(r.within for r in report.results)


def test_pre_culture_entries_are_scored_or_marked_unsupported(tmp_path: Path, model) -> None:
    text = """
    measurements:
      - id: withdrawal
        pre: ["liproxstatin-1@1uM"]
        perturbations: ["GPX4:knockout"]
        hours: 24
        readout: ferroptosis
        kind: value
        value: 0.9
        units: fraction dead
        ref: "x"
        pmid: "25402683"
    """
    (result,) = score_measurements(load_measurements(_write(tmp_path, text), model), model).results
    assert result.status in ("ok", "unsupported (needs pre-culture)")
    assert (result.predicted is None) == (result.status != "ok")


def test_check_command_detects_measurement_files(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    assert is_measurement_file(path)
    result = CliRunner().invoke(cli, ["check", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["n"] == 3 and len(data["results"]) == 3 and "median_abs_log10_error" in data
    bad = CliRunner().invoke(cli, ["check", str(_write(tmp_path, BAD))])
    assert isinstance(bad.exception, ValidationError)  # main() turns it into one message and exit status 2


def test_packaged_table_is_complete(shared, model) -> None:
    raw = yaml.safe_load(PACKAGED.read_text(encoding="utf-8"))["measurements"]
    assert len(raw) >= 60
    for e in raw:
        assert e.get("units"), e["id"]
        assert e.get("pmid") or e.get("doi") or e.get("data"), e["id"]
        assert e.get("ref"), e["id"]
    entries = load_measurements(PACKAGED, model)  # schema, names and the shared data files all resolve
    assert len(entries) == len(raw)
    assert {e.kind for e in entries} == {"value", "fold_change", "ec50"}
