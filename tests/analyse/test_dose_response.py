"""Dose-response summaries: the log-logistic fit recovers known curves; AUC is the normalised area over log dose."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from ferronet.analyse.dose_response import dose_response, fit_curve, log_logistic
from ferronet.errors import FerronetError

DOSES = np.geomspace(0.01, 100, 12)


@pytest.mark.parametrize(("lower", "upper", "ec50", "hill"), [(0.1, 1.0, 2.0, 1.3), (0.4, 0.95, 0.05, 3.0)])
def test_fit_recovers_a_known_curve(lower, upper, ec50, hill):
    s = fit_curve(DOSES, log_logistic(DOSES, lower, upper, ec50, hill))
    assert s["status"] == "ok"
    assert s["ec50_uM"] == pytest.approx(ec50, rel=1e-4)
    assert s["hill"] == pytest.approx(hill, rel=1e-4)
    assert s["emax"] == pytest.approx(1 - lower, abs=1e-4)
    assert s["r2"] == pytest.approx(1.0, abs=1e-8)


def test_fit_with_noise_is_close():
    rng = np.random.default_rng(1)
    v = log_logistic(DOSES, 0.05, 1.0, 0.7, 1.5) + rng.normal(0, 0.02, len(DOSES))
    s = fit_curve(DOSES, v)
    assert s["ec50_uM"] == pytest.approx(0.7, rel=0.15)


def test_auc_is_the_mean_viability_over_log_dose():
    s = fit_curve(DOSES, log_logistic(DOSES, 0.1, 1.0, 2.0, 1.3))
    lo, hi = math.log10(DOSES[0]), math.log10(DOSES[-1])
    area, _ = quad(lambda x: float(log_logistic(np.array([10**x]), 0.1, 1.0, 2.0, 1.3)[0]), lo, hi)
    assert s["auc"] == pytest.approx(area / (hi - lo), abs=2e-3)


def test_absolute_ic50_is_where_viability_is_one_half():
    s = fit_curve(DOSES, log_logistic(DOSES, 0.2, 1.0, 1.0, 2.0))
    assert float(log_logistic(np.array([s["abs_ic50_uM"]]), 0.2, 1.0, 1.0, 2.0)[0]) == pytest.approx(0.5, abs=1e-6)
    assert math.isnan(fit_curve(DOSES, log_logistic(DOSES, 0.6, 1.0, 1.0, 2.0))["abs_ic50_uM"])


def test_flat_and_short_curves_are_not_fitted():
    flat = fit_curve(DOSES, np.full(len(DOSES), 0.99))
    assert flat["status"].startswith("no response") and math.isnan(flat["ec50_uM"])
    assert flat["auc"] == pytest.approx(0.99)
    assert fit_curve([0, 1, 2], [1, 0.5, 0.2])["status"].startswith("too few")


def test_simulated_rsl3_curve_and_fsp1_rescue(model):
    res = dose_response("RSL3", extra=["FSP1:overexpression"], model=model)
    assert list(res.table.columns) == ["arm", "dose_uM", "ferroptosis", "viability", "status"]
    assert len(res.table) == 24 and set(res.summary["arm"]) == {"alone", "FSP1:overexpression"}
    alone, fsp1 = (res.summary.set_index("arm").loc[a] for a in ("alone", "FSP1:overexpression"))
    assert alone["status"] == "ok" and alone["r2"] > 0.98
    assert fsp1["auc"] > alone["auc"]  # FSP1 protects against GPX4 inhibition (seed 000)
    assert 0.01 < alone["ec50_uM"] < 10


def test_not_a_compound(model):
    with pytest.raises(FerronetError, match="not a compound"):
        dose_response("GPX4", model=model)
    with pytest.raises(FerronetError, match="finite"):
        dose_response("RSL3", doses=[1.0, float("nan")], model=model)
