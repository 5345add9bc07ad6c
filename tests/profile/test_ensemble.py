"""Parameter ensembles: the YAML loader's errors, and prediction intervals that follow the spread of the sets."""

from __future__ import annotations

import subprocess
import sys
import warnings

import pandas as pd
import pytest

from ferronet.errors import FerronetError, ValidationError
from ferronet.model import load_model
from ferronet.profile.ensemble import as_parameter_sets, load_ensemble
from ferronet.profile.personalise import predict

#: z-scores as given (normalise="none"): one sample with high AIFM2 (FSP1), one at the reference
EXPR = pd.DataFrame({"AIFM2": [2.5, 0.0], "ACSL4": [0.0, 0.0]}, index=["high FSP1", "typical"])


def _predict(sets, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return predict("ML210", EXPR, progress=False, axes=False, normalise="none", ensemble=sets, **kw).set_index(
            "sample"
        )


def test_load_ensemble(tmp_path):
    p = tmp_path / "ens.yaml"
    p.write_text("fit_id: test-fit\nparameter_sets:\n  - {beta_expr: 0.3}\n  - {beta_expr: 0.4, gain_AIFM2: 2}\n")
    fit_id, sets = load_ensemble(p)
    assert fit_id == "test-fit" and sets == [{"beta_expr": 0.3}, {"beta_expr": 0.4, "gain_AIFM2": 2.0}]


def test_bad_ensemble_files_report_every_problem_with_lines(tmp_path):
    p = tmp_path / "ens.yaml"
    p.write_text(
        "parameter_sets:\n"
        "  - {beta_exp: 0.3}\n"  # line 2: misspelt
        "  - {beta_expr: .nan}\n"  # line 3: non-finite
        "  - {gain_AIFM2: high}\n"  # line 4: text
        "  - []\n"  # line 5: not a mapping
    )
    with pytest.raises(ValidationError) as err:
        load_ensemble(p)
    text = str(err.value)
    assert "fit_id: missing" in text
    assert "ens.yaml:2: parameter_sets[0]: beta_exp: unknown parameter; did you mean beta_expr" in text
    assert "ens.yaml:3:" in text and "non-finite" in text
    assert "ens.yaml:4:" in text and "expected a number, found 'high'" in text
    assert "ens.yaml:5:" in text and len(err.value.problems) == 5
    p.write_text("fit_id: x\nparameter_sets: [\n")
    with pytest.raises(ValidationError, match="not valid YAML"):
        load_ensemble(p)
    with pytest.raises(FerronetError, match="not found"):
        load_ensemble(tmp_path / "missing.yaml")
    with pytest.raises(FerronetError, match="non-empty list"):
        as_parameter_sets([])


#: the shipped value of the gain the tests vary (sets at this value reproduce the nominal model)
G0 = load_model().parameters["gain_AIFM2"].value


def test_identical_sets_give_a_zero_width_interval_at_the_nominal_score():
    t = _predict([{"gain_AIFM2": G0}] * 3)
    assert (t["n_sets"] == 3).all()
    assert t["score_lo"].to_numpy() == pytest.approx(t["score"].to_numpy())
    assert t["score_hi"].to_numpy() == pytest.approx(t["score"].to_numpy())


def test_wider_gain_spread_widens_the_interval():
    narrow = _predict([{"gain_AIFM2": G0 * g} for g in (0.8, 1.0, 1.25)])
    wide = _predict([{"gain_AIFM2": G0 * g} for g in (0.25, 1.0, 4.0)])
    for t in (narrow, wide):
        assert (t["score_lo"] <= t["score_hi"]).all()
        assert t.loc["high FSP1", "score_lo"] <= t.loc["high FSP1", "score"] <= t.loc["high FSP1", "score_hi"]
    width = {
        k: t.loc["high FSP1", "score_hi"] - t.loc["high FSP1", "score_lo"] for k, t in (("n", narrow), ("w", wide))
    }
    assert width["w"] > width["n"] > 0
    # AIFM2 at its reference level (z = 0): its gain does not matter, the interval stays closed
    typical = wide.loc["typical"]
    assert typical["score_hi"] - typical["score_lo"] == pytest.approx(0.0, abs=1e-9)


def test_unknown_parameter_in_a_set_is_an_error():
    with pytest.raises(ValidationError, match="gain_AIFM3: unknown parameter; did you mean gain_AIFM2"):
        _predict([{"gain_AIFM3": 1.0}])


def test_predict_cli_ensemble(tmp_path):
    expr = tmp_path / "expr.csv"
    EXPR.to_csv(expr, index_label="sample")
    ens = tmp_path / "ens.yaml"
    ens.write_text(
        "fit_id: cli\nparameter_sets:\n  - {gain_AIFM2: 0.5}\n  - {gain_AIFM2: 1.0}\n  - {gain_AIFM2: 2.0}\n"
    )
    out = tmp_path / "pred.tsv"
    run = [sys.executable, "-m", "ferronet.cli.main", "predict", "--drug", "ML210", "--expression", str(expr)]
    proc = subprocess.run(
        [*run, "--normalise", "none", "--no-axes", "--ensemble", str(ens), "--out", str(out)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    t = pd.read_csv(out, sep="\t")
    assert {"score", "score_lo", "score_hi", "n_sets"} <= set(t.columns) and (t["n_sets"] == 3).all()
    ens.write_text("fit_id: cli\nparameter_sets:\n  - {gain_AIFM3: 0.5}\n")
    proc = subprocess.run([*run, "--ensemble", str(ens)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2 and "did you mean gain_AIFM2" in proc.stderr and "Traceback" not in proc.stderr
