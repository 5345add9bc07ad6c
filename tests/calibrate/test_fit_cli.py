"""``ferronet fit --small`` end to end (the CI-sized problem): files, ensemble, report, folds disjoint by line."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from ferronet.calibrate import parameter_set
from ferronet.cli.main import cli


@pytest.fixture(scope="module")
def small_fit(shared, tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("FERRONET_SHARED", str(shared))
    out = tmp_path_factory.mktemp("fit")
    result = CliRunner().invoke(cli, ["fit", "--small", "--out", str(out), "--ensemble", "5"])
    mp.undo()
    assert result.exit_code == 0, result.output
    return out, result.output


def test_small_fit_writes_a_versioned_parameter_set_with_an_ensemble(small_fit):
    out, text = small_fit
    (yaml_path,) = out.glob("fit-*.yaml")
    doc = parameter_set.load(yaml_path)
    assert doc["fit_id"] == yaml_path.stem and doc["seed"] == 0
    assert set(doc["parameters"]) == {"theta_death", "beta_expr", "gain_AIFM2", "ic50_ML210_GPX4"}
    for entry in doc["parameters"].values():
        assert entry["lower95"] <= entry["value"] <= entry["upper95"]
    assert len(doc["parameter_sets"]) == 5 + 2  # Laplace draws + one set per fold
    assert "identifiability" in text and "out-of-fold" in text


def test_small_fit_report_and_out_of_fold_table(small_fit):
    out, _ = small_fit
    (html,) = out.glob("fit-*.html")
    page = html.read_text()
    assert "Cross-validation by cell line" in page and "data:image/png;base64" in page
    (tsv,) = out.glob("fit-*_oof.tsv")
    oof = pd.read_csv(tsv, sep="\t")
    assert set(oof["drug"]) <= {"ML210", "ML162"}
    per_line = oof.groupby("line")["fold"].nunique()
    assert (per_line == 1).all()  # each line is predicted by exactly one fold (folds disjoint by line)
    assert oof["predicted_auc"].between(0, 1).all()


def test_fit_refuses_erastin_and_unknown_parameters(shared, monkeypatch, tmp_path):
    from ferronet.errors import FerronetError

    monkeypatch.setenv("FERRONET_SHARED", str(shared))
    r = CliRunner().invoke(cli, ["fit", "--breast", "erastin", "--out", str(tmp_path)])
    assert isinstance(r.exception, FerronetError) and "erastin" in str(r.exception)
    r = CliRunner().invoke(cli, ["fit", "--small", "--estimate", "theta_deth", "--out", str(tmp_path)])
    assert isinstance(r.exception, FerronetError) and "theta_death" in str(r.exception)
    assert not list(tmp_path.glob("fit-*"))  # nothing written


def test_leave_source_out_with_one_source_is_refused_before_fitting(shared, monkeypatch, tmp_path):
    from ferronet.errors import FerronetError

    monkeypatch.setenv("FERRONET_SHARED", str(shared))
    r = CliRunner().invoke(cli, ["fit", "--small", "--leave-source-out", "--out", str(tmp_path)])
    assert isinstance(r.exception, FerronetError) and "two data sources" in str(r.exception)
    assert not list(tmp_path.glob("fit-*"))  # refused before anything ran or was written


def test_predict_with_a_fit_file_uses_its_estimate_as_the_nominal_score(small_fit, shared, tmp_path):
    """The score and its interval come from the same fit: the score lies inside (or at) the interval's range."""
    from ferronet.calibrate import data

    out, _ = small_fit
    (yaml_path,) = out.glob("fit-*.yaml")
    expr = data.expression().iloc[:6]
    path = tmp_path / "expr.tsv"
    expr.to_csv(path, sep="\t")
    r = CliRunner().invoke(
        cli, ["predict", "--drug", "ML210", "--expression", str(path), "--ensemble", str(yaml_path), "--no-axes"]
    )
    assert r.exit_code == 0, r.output
    rows = [ln.split("\t") for ln in r.output.splitlines() if ln.startswith(tuple(expr.index))]
    assert len(rows) == 6
    for row in rows:
        score, lo, hi = (float(x) for x in row[1:4])
        width = hi - lo
        assert lo - max(width, 0.02) <= score <= hi + max(width, 0.02)


def test_cli_budget_defaults_are_the_workflow_defaults():
    from ferronet.calibrate import workflow
    from ferronet.cli import fit_commands

    assert (fit_commands.FIT_LINES, fit_commands.CV_LINES) == (workflow.FIT_LINES, workflow.CV_LINES)
    params = {p.name: p.default for p in fit_commands.fit_cmd.params}
    assert (params["fit_lines"], params["cv_lines"]) == (workflow.FIT_LINES, workflow.CV_LINES)
