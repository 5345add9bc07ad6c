"""The fitter: priors by status, the evaluation budget, recovery of known values, Laplace intervals, ensembles,
parameter-set files, and the objective's data rules (no erastin viability, folds disjoint by line)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ferronet.calibrate import fit as fitmod
from ferronet.calibrate import parameter_set
from ferronet.calibrate.fit import Objective, ensemble, estimated_parameters, fit
from ferronet.calibrate.objective import FitData, LethalFact, Simulated
from ferronet.calibrate.petab_problem import PRIOR_SIGMA
from ferronet.errors import FerronetError
from ferronet.model import load_model


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_prior_width_follows_the_parameter_status(model):
    est = {e.name: e for e in estimated_parameters(model, ["theta_death", "gain_AIFM2", "beta_expr"])}
    assert est["theta_death"].prior_sigma == PRIOR_SIGMA[model.parameters["theta_death"].status]
    assert est["beta_expr"].prior_sigma == PRIOR_SIGMA["assumed"]
    assert est["gain_AIFM2"].prior_sigma == fitmod.GAIN_PRIOR_SIGMA
    with pytest.raises(FerronetError, match="theta_death"):
        estimated_parameters(model, ["theta_deaht"])


def _toy(monkeypatch, truth: dict[str, float]):
    """Replace the engine by a closed form so the optimiser logic is tested in milliseconds: 'death' of fact j
    is a smooth function of the two parameters whose true values are ``truth``."""
    facts = tuple(LethalFact(f"f{j}", ()) for j in range(6))
    grid = np.linspace(0.1, 3.0, 6)

    def fake_simulate(m, fit_data, progress=False, scheduler=None, cache=None):
        a, b = m.parameters["theta_death"].value, m.parameters["sigma_death"].value
        return Simulated((), None, a * grid / (b + grid), 0)

    def fake_residuals(fit_data, sim):
        target = truth["theta_death"] * grid / (truth["sigma_death"] + grid)
        return (sim.facts - target) / 0.01

    monkeypatch.setattr(fitmod, "simulate", fake_simulate)
    monkeypatch.setattr(fitmod, "residuals", fake_residuals)
    return FitData((), None, None, facts)  # type: ignore[arg-type]


@pytest.mark.parametrize("method", ["lm", "cma"])
def test_fit_recovers_known_values(monkeypatch, model, method):
    truth = {"theta_death": 1.7, "sigma_death": 0.6}
    data = _toy(monkeypatch, truth)
    r = fit(model, data, list(truth), method=method, max_evals=400, progress=False)
    for k, v in truth.items():
        assert abs(math.log(r.values[k] / v)) < 0.05, r.values
    lo, hi, ratio = r.intervals()["theta_death"]
    assert lo < r.values["theta_death"] < hi and ratio < 0.3  # identified by 6 precise points


def test_budget_is_respected_and_the_best_point_kept(monkeypatch, model):
    data = _toy(monkeypatch, {"theta_death": 1.7, "sigma_death": 0.6})
    r = fit(model, data, ["theta_death", "sigma_death"], method="cma", max_evals=15, progress=False)
    # 15 for the optimiser, 1 re-evaluation of the optimum, 1 + 2 for the Jacobian at the optimum
    assert r.n_evaluations <= 15 + 1 + 3
    assert r.cost <= min(r.history[:-3]) + 1e-9  # the best point the optimiser saw (before the Jacobian)


def test_an_unconstrained_parameter_is_reported_as_prior_dominated(monkeypatch, model):
    data = _toy(monkeypatch, {"theta_death": 1.7, "sigma_death": 0.6})
    r = fit(model, data, ["theta_death", "sigma_death", "k_mt"], max_evals=200, progress=False)
    assert r.intervals()["k_mt"][2] > 0.95  # the toy data never see k_mt: posterior SD = prior SD
    assert r.values["k_mt"] == pytest.approx(model.parameters["k_mt"].value, rel=0.05)


def test_ensemble_and_parameter_set_round_trip(monkeypatch, model, tmp_path):
    data = _toy(monkeypatch, {"theta_death": 1.7, "sigma_death": 0.6})
    r = fit(model, data, ["theta_death", "sigma_death"], max_evals=100, progress=False)
    sets = ensemble(r, n=30, seed=1)
    assert len(sets) == 30 and len({s["theta_death"] for s in sets}) == 30
    spread = np.std(np.log([s["theta_death"] for s in sets]))
    assert 0.2 < spread / np.sqrt(r.covariance()[0, 0]) < 5
    doc = parameter_set.to_document(r, model, "fit-test", 0, {"toy": 6}, sets)
    path = tmp_path / "p.yaml"
    parameter_set.write(path, doc)
    back = parameter_set.load(path)
    assert parameter_set.values(back)["theta_death"] == pytest.approx(r.values["theta_death"], rel=1e-4)
    assert len(back["parameter_sets"]) == 30


def test_parameter_set_with_non_finite_values_is_refused(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("fit_id: x\nparameters:\n  theta_death: {value: .nan}\n  K_gsh: {value: abc}\n")
    with pytest.raises(FerronetError, match=r"theta_death.*K_gsh"):
        parameter_set.load(path)


def test_adopt_rewrites_only_the_fitted_lines(monkeypatch, model, tmp_path):
    data = _toy(monkeypatch, {"theta_death": 1.7, "sigma_death": 0.6})
    r = fit(model, data, ["theta_death", "sigma_death"], max_evals=100, progress=False)
    doc = parameter_set.to_document(r, model, "fit-test", 0, {"toy": 6})
    src = tmp_path / "parameters.yaml"
    src.write_text(
        "# header\ntheta_death: {value: 2.5, unit: rel*h, status: calibrated, source: old}\n"
        "sigma_death: {value: 1.0, unit: dimensionless, status: assumed, source: old}\n"
        "k_mt: {value: 1.0, unit: dimensionless, status: calibrated, source: keep}\n"
    )
    priors = tmp_path / "priors.yaml"
    assert parameter_set.adopt(doc, src, "toy data", priors) == 2
    text = src.read_text()
    assert text.startswith("# header") and "source: keep" in text and "fit id: fit-test" in text
    import yaml

    back = yaml.safe_load(text)
    assert back["theta_death"]["value"] == pytest.approx(r.values["theta_death"], rel=1e-4)
    assert back["theta_death"]["unit"] == "rel*h" and back["theta_death"]["status"] == "calibrated"
    # the priors the fit started from are kept, so a rerun starts from the same place
    start = yaml.safe_load(priors.read_text())["priors"]
    assert start["theta_death"] == {"value": model.parameters["theta_death"].value, "status": "calibrated"}
    est = {e.name: e for e in estimated_parameters(model, ["theta_death"], priors={"theta_death": (2.5, "assumed")})}
    assert est["theta_death"].nominal == 2.5 and est["theta_death"].prior_sigma == PRIOR_SIGMA["assumed"]


def test_objective_counts_and_caches(monkeypatch, model):
    data = _toy(monkeypatch, {"theta_death": 1.7, "sigma_death": 0.6})
    obj = Objective(model, data, estimated_parameters(model, ["theta_death", "sigma_death"]))
    r1 = obj(obj.x0)
    r2 = obj(obj.x0)
    assert obj.n_evaluations == 2 and np.array_equal(r1, r2)
    assert len(r1) == 6 + 2  # data residuals + one prior residual per parameter


def test_erastin_viability_is_never_fitted(shared, monkeypatch):
    from ferronet.calibrate.objective import default_data

    monkeypatch.setenv("FERRONET_SHARED", str(shared))
    with pytest.raises(FerronetError, match="erastin"):
        default_data(ctrp=("ML210",), breast=("erastin",))


def test_fit_id_covers_what_the_fit_holds_fixed(monkeypatch, model):
    """Two fits of models that differ in a fixed parameter never share an id; adopting a fit (changing only
    the estimated values) leaves the id of its rerun unchanged."""
    args = ({"CTRPv2 ML210": 10}, ["beta_expr"], "lm", 0, ["A", "B"])
    base = parameter_set.fit_id(*args, model)
    assert parameter_set.fit_id(*args, model.with_parameters({"beta_expr": 0.9}, "adopted")) == base
    assert parameter_set.fit_id(*args, model.with_parameters({"theta_death": 3.0}, "other model")) != base
    other_priors = {"beta_expr": (0.5, "assumed")}
    monkeypatch.setattr(fitmod, "shipped_priors", lambda: other_priors)
    assert parameter_set.fit_id(*args, model) != base  # another starting point is another fit
