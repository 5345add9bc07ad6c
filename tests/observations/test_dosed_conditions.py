"""Observation files with radiation in Gy and IFN-gamma in ng/mL (docs/observations.md)."""

from __future__ import annotations

import pytest

from ferronet.validate import check_file

CASES = """
observations:
  - id: more-gy-more-lipid-peroxidation
    baseline: ["RSL3@0.02uM", "radiation@2Gy"]
    add: ["radiation@6Gy"]
    readout: lipid_peroxidation
    expect: increase
    ref: "004:141"
  - id: ifng-dose-lowers-slc7a11
    baseline: ["IFNG@0.3ng/mL"]
    add: ["IFNG@9.7ng/mL"]
    readout: SLC7A11
    expect: decrease
    ref: "002:52"
  - id: radiation-in-micromolar
    baseline: ["radiation@6uM"]
    add: []
    readout: ferroptosis
    expect: unchanged
    ref: "x"
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    path = tmp_path_factory.mktemp("obs") / "doses.yaml"
    path.write_text(CASES, encoding="utf-8")
    return {c.id: c for c in check_file(path).cases}


def test_doses_in_observation_files_are_simulated(report):
    assert report["more-gy-more-lipid-peroxidation"].passed, report["more-gy-more-lipid-peroxidation"]
    assert report["ifng-dose-lowers-slc7a11"].passed, report["ifng-dose-lowers-slc7a11"]


def test_a_wrong_unit_is_reported_with_the_accepted_one(report):
    case = report["radiation-in-micromolar"]
    assert not case.passed and "takes a dose in Gy" in case.reason


def test_cli_lists_the_dose_units_and_rejects_a_wrong_unit_with_status_2(cli):
    names = cli("model", "names")
    assert names.code == 0 and "radiation@<dose>Gy (bare: 6 Gy)" in names.out and "IFNG@<dose>ng/mL" in names.out
    bad = cli("simulate", "-p", "IFNG@10uM")
    assert bad.code == 2 and "IFNG takes a dose in ng/mL, not 'uM'" in bad.err and "Traceback" not in bad.err
