"""The literature benchmark: >= 100 cited cases, >= 95 % reproduced with one parameter set and tolerance."""

from __future__ import annotations

from collections import Counter
from importlib import resources

import pytest

from ferronet.validate import TOLERANCE, check_observations, load_observations
from ferronet.validate.observations import direction

LITERATURE = resources.files("ferronet.data").joinpath("observations/literature.yaml")


@pytest.fixture(scope="module")
def observations():
    return load_observations(str(LITERATURE))


def test_benchmark_size_and_citations(observations):
    assert len(observations) >= 100
    assert all(o.ref for o in observations), "uncited case"
    expects = Counter(o.expect for o in observations)
    assert expects["unchanged"] >= 10
    seeds = Counter(o.ref[:3] for o in observations if o.ref[:3] in ("000", "002", "004"))
    assert min(seeds.values()) >= 10, seeds


def test_accuracy_at_least_95_percent(observations, model):
    report = check_observations(observations, model)
    failures = report.failures()
    for c in failures:
        print(f"FAIL {c.id}: expected {c.expected}, predicted {c.predicted} ({c.first} -> {c.second}) {c.reason}")
    print(f"accuracy {report.accuracy:.3f} ({report.passed}/{report.n}) at tolerance {TOLERANCE}")
    assert report.accuracy >= 0.95


def test_direction_rule():
    assert direction(0.10, 0.20) == "increase"
    assert direction(0.50, 0.47) == "unchanged"
    assert direction(10.0, 9.6) == "unchanged"  # 4 % of the larger value
    assert direction(10.0, 9.0) == "decrease"


def test_gpx4_knockout_cases_are_grown_on_liproxstatin_as_in_the_papers(observations):
    """The Gpx4-/- Pfa1 cases (Friedmann Angeli 2014, PMID:25402683; Seiler 2008, PMID:18762024; Doll 2017 and
    2019) were made and kept on Lip-1, or deleted Gpx4 while the rescue was present: no case may start the
    knockout equilibrated without a rescue, where the cells begin already dying (issue #10, protocols)."""
    from pathlib import Path

    calibration = Path(__file__).parents[2] / "benchmarks" / "calibration_observations.yaml"
    cases = [o for o in [*observations, *load_observations(str(calibration))] if "GPX4:knockout" in o.baseline + o.add]
    assert len(cases) >= 8
    unprotected = [o.id for o in cases if not any(p.startswith("liproxstatin-1") for p in o.pre)]
    assert not unprotected, unprotected
