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


def test_pre_culture_is_passed_to_the_engine_as_a_protocol(tmp_path: Path, model, monkeypatch) -> None:
    import dataclasses

    import ferronet.sim
    import ferronet.validate.measurements as mm

    @dataclasses.dataclass(frozen=True)
    class FakeProtocol:
        pre: tuple[str, ...]
        hours: float

    seen: dict[str, object] = {}

    class FakeResult:
        def readout(self, name: str) -> np.ndarray:
            return np.array([0.8, 0.05])

    def fake_simulate(batch, cell=None, model=None, t_end=24.0, protocol=None):
        seen.update(batch=batch, protocol=protocol, t_end=t_end)
        return FakeResult()

    monkeypatch.setattr(ferronet.sim, "Protocol", FakeProtocol, raising=False)
    monkeypatch.setattr(mm, "simulate", fake_simulate)
    text = """
    measurements:
      - id: withdrawal
        pre: ["liproxstatin-1@1uM"]
        perturbations: ["GPX4:knockout"]
        hours: 48
        readout: ferroptosis
        kind: value
        value: 0.9
        units: fraction dead
        spread: {range: [0.6, 1.0]}
        ref: "x"
        pmid: "25402683"
    """
    (result,) = score_measurements(load_measurements(_write(tmp_path, text), model), model).results
    assert seen["protocol"] == FakeProtocol(pre=("liproxstatin-1@1uM",), hours=48.0)
    assert seen["batch"] == [["GPX4:knockout"], []] and seen["t_end"] == 48.0
    assert result.status == "ok" and result.predicted == pytest.approx(0.8) and result.within


def test_values_read_from_shared_data_files(tmp_path: Path, model, monkeypatch) -> None:
    shared = tmp_path / "shared"
    (shared / "data").mkdir(parents=True)
    (shared / "data" / "gsh.csv").write_text("id,average,stderr,r1,r2\na,0.4,0.05,50,70\nb,x,1,,\n", encoding="utf-8")
    monkeypatch.setenv("FERRONET_SHARED", str(shared))
    text = """
    measurements:
      - id: from-sem
        cell: HT1080
        perturbations: ["erastin@1uM"]
        hours: 5
        readout: GSH
        kind: fold_change
        units: fraction of control
        data: {file: data/gsh.csv, where: {id: a}, value: average, sem: stderr}
        ref: "file"
      - id: from-replicates
        cell: HT1080
        perturbations: ["erastin@1uM"]
        hours: 24
        readout: viability
        kind: value
        units: fraction viable
        data: {file: data/gsh.csv, where: {id: a}, replicates: [r1, r2], scale: 0.01}
        ref: "file"
    """
    a, b = load_measurements(_write(tmp_path, text), model)
    assert a.value == pytest.approx(0.4) and (a.lo, a.hi) == (pytest.approx(0.3), pytest.approx(0.5))
    assert b.value == pytest.approx(0.6) and b.hi == pytest.approx(0.6 + 2 * 0.1)  # SEM of (0.5, 0.7) is 0.1
    bad = text.replace("where: {id: a}, value", "where: {id: z}, value").replace("{id: a}, replicates", "{id: b}, rep")
    with pytest.raises(ValidationError) as info:
        load_measurements(_write(tmp_path, bad), model)
    assert "0 rows of data/gsh.csv match" in str(info.value) and "'value' column or a list" in str(info.value)


def test_gpx4_knockout_entries_are_grown_on_liproxstatin_as_in_the_papers(model) -> None:
    """Gpx4-/- Pfa1 cells are made and kept on Lip-1 (Friedmann Angeli 2014, PMID:25402683; Zilka 2017,
    PMID:28386601; Doll 2019, PMID:31634900): every packaged GPX4-knockout entry declares that pre-culture, and the
    rescue EC50s are then reached (equilibrated without it, the cells start the assay already dying)."""
    entries = [e for e in load_measurements(PACKAGED, model) if "GPX4:knockout" in e.perturbations]
    assert len(entries) >= 6
    assert all(any(p.startswith("liproxstatin-1") for p in e.pre) for e in entries)
    rescues = [e for e in entries if e.kind == "ec50" and e.vary in {"liproxstatin-1", "ferrostatin-1"}]
    report = score_measurements(rescues, model)
    assert len(report.results) == 3 and all(r.status == "ok" for r in report.results), report.results
