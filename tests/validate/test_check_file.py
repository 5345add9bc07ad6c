"""`ferronet check` on files with unknown names and malformed content."""

from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner

from ferronet.cli.main import cli
from ferronet.errors import ValidationError
from ferronet.validate import check_file, load_observations

GOOD_AND_UNKNOWN = """
observations:
  - id: erastin-kills
    baseline: []
    add: ["erastin"]
    readout: ferroptosis
    expect: increase
    ref: "000:9"
  - id: unknown-gene
    baseline: ["erastin"]
    add: ["GPX44:knockdown"]
    readout: ferroptosis
    expect: increase
    ref: "x"
  - id: unknown-compound
    baseline: ["erastinn"]
    add: []
    readout: ferroptosis
    expect: unchanged
    ref: "x"
  - id: unknown-cell
    cell: HT1081
    baseline: []
    add: ["RSL3"]
    readout: ferroptosis
    expect: increase
    ref: "x"
  - id: unknown-readout
    baseline: []
    add: ["RSL3"]
    readout: lipid_peroxydation
    expect: increase
    ref: "x"
"""


def test_unknown_names_are_reported_with_suggestions_and_the_rest_evaluated(tmp_path):
    path = tmp_path / "obs.yaml"
    path.write_text(GOOD_AND_UNKNOWN)
    report = check_file(path)
    by_id = {c.id: c for c in report.cases}
    assert by_id["erastin-kills"].passed
    for cid, hint in [
        ("unknown-gene", "GPX4"),
        ("unknown-compound", "erastin"),
        ("unknown-cell", "HT1080"),
        ("unknown-readout", "lipid_peroxidation"),
    ]:
        assert by_id[cid].predicted == "unknown"
        assert not by_id[cid].passed
        assert hint in by_id[cid].reason
    result = CliRunner().invoke(cli, ["check", str(path), "--json"])
    data = json.loads(result.output)
    assert data["n"] == 5 and data["passed"] == 1 and data["accuracy"] == 0.2
    assert {"id", "expected", "predicted", "passed", "first", "second"} <= set(data["cases"][0])


def test_malformed_file_reports_every_problem_with_lines(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        textwrap.dedent("""
        observations:
          - id: a
            add: erastin
            readout: ferroptosis
            expect: up
          - id: a
            baseline: []
            add: [1, [2]]
            expect: increase
        """)
    )
    with pytest.raises(ValidationError) as err:
        load_observations(path)
    text = str(err.value)
    assert "'up' is not one of" in text
    assert "duplicate id 'a'" in text
    assert "readout: required field is missing" in text
    assert "add: must be a list" in text
    assert ":3:" in text and ":7:" in text


def test_not_yaml(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("observations: [\n  - {id: x")
    with pytest.raises(ValidationError, match="not valid YAML"):
        load_observations(path)


def test_pre_culture_and_hours_fields(tmp_path, model):
    from ferronet.validate.observations import check_file

    f = tmp_path / "pre.yaml"
    f.write_text(
        "observations:\n"
        "  - id: lip1-withdrawal\n"
        "    pre: [liproxstatin-1]\n"
        "    baseline: ['GPX4:knockout']\n"
        "    add: [liproxstatin-1]\n"
        "    readout: ferroptosis\n"
        "    expect: decrease\n"
        "    hours: 12\n"
        "  - id: bad-hours\n"
        "    baseline: []\n"
        "    readout: GSH\n"
        "    expect: unchanged\n"
        "    hours: -3\n",
        encoding="utf-8",
    )
    import pytest

    from ferronet.errors import ValidationError

    with pytest.raises(ValidationError, match="hours"):
        check_file(f, model)
    f.write_text(f.read_text(encoding="utf-8").replace("hours: -3", "hours: 6"), encoding="utf-8")
    report = check_file(f, model)
    case = report.cases[0]
    assert case.passed and case.first > 0.5 and case.second < 0.2, case
