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
