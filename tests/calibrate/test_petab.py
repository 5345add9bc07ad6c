"""The PEtab problem: the small (CI) version lints clean, the linter catches a broken one, the personalisation
rules reproduce ferronet.profile.personalise, and no CTRPv2 erastin data enter."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from ferronet.calibrate import data
from ferronet.calibrate.petab_problem import VIABILITY, prior_class, write_problem

LEVEL_TOL = 1e-9


@pytest.fixture(scope="module")
def small(shared, tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("FERRONET_SHARED", str(shared))
    out = tmp_path_factory.mktemp("petab")
    summary = write_problem(out, small=True)
    yield summary
    mp.undo()


@pytest.fixture(scope="module")
def problem(small):
    from petab.v1 import Problem

    return Problem.from_yaml(small.yaml_path)


def test_small_problem_lints_clean(small, problem):
    from petab.v1.lint import lint_problem

    assert small.datasets["ctrpv2"] == 20 * 2 * 8  # 20 lines x ML210/ML162 x 8 doses
    assert small.datasets["gsh"] == 10
    assert not lint_problem(problem)


def test_linter_catches_a_missing_parameter(problem, caplog):
    from petab.v1.lint import lint_problem

    broken = problem.parameter_df.drop(index="sd_ctrpv2")
    original = problem.parameter_df
    problem.parameter_df = broken
    try:
        with caplog.at_level(logging.ERROR):
            assert lint_problem(problem)
    finally:
        problem.parameter_df = original


def test_no_ctrp_erastin_data(problem):
    m = problem.measurement_df
    cond = problem.condition_df
    ctrp = m[m["datasetId"] == "ctrpv2"]
    assert (cond.loc[ctrp["simulationConditionId"], "dose_erastin"] == 0).all()
    assert not ctrp["simulationConditionId"].str.contains("erastin", case=False).any()
    erastin = cond.index[cond["dose_erastin"] > 0]
    assert set(m[m["simulationConditionId"].isin(erastin)]["datasetId"]) == {"gsh"}


def test_global_gains_are_estimated_with_priors(problem, model):
    p = problem.parameter_df
    estimated = set(p.index[p["estimate"] == 1])
    assert {"beta_expr", "beta_nrf2", "k_fsp1", "theta_death"} <= estimated
    assert "V_xc" not in estimated  # a basal balance stays fixed
    model_params = p.loc[list(model.parameters)]
    assert (model_params["objectivePriorType"] == "logNormal").all()
    assert (model_params["lowerBound"] < model_params["nominalValue"]).all()
    assert (model_params["nominalValue"] < model_params["upperBound"]).all()


def test_prior_classes():
    assert prior_class("balances degradation so basal NRF2 = 1") == "derived"
    assert prior_class("normalisation: balances degradation so basal NRF2 = 1", "assumed") == "derived"
    assert prior_class("NRF2 half-life ~15-20 min under KEAP1 (Itoh 2003; 000:2)") == "measured"
    assert prior_class("medium cystine ~2x the transporter Km (reason)") == "assumed"
    assert prior_class("used as measured") == "assumed"
    assert prior_class("hand-set against literature.yaml (fit id: manual)", "calibrated") == "calibrated"
    assert prior_class("Itoh 2003", "assumed") == "assumed"  # a recorded status wins over the text


@pytest.mark.filterwarnings("ignore:.*model genes are missing")
def test_rules_reproduce_personalise(problem, shared, monkeypatch):
    """g_G = mutf * clip(exp(beta_expr * gain_G * z)) from the condition table equals personalise() on the same
    lines."""
    from ferronet.model.network import load_model
    from ferronet.profile.personalise import personalise

    monkeypatch.setenv("FERRONET_SHARED", str(shared))
    cond = problem.condition_df
    pre = cond[cond.index.str.startswith("pre__") & ~cond.index.str.startswith("pre__GSH_")]
    keys = [c[len("pre__") :] for c in pre.index]
    cl = data.cell_line_data(keys)
    m = load_model()
    p = {k: v.value for k, v in m.parameters.items()}
    ref = pd.DataFrame(
        personalise(cl.expression, cl.mutations.fillna(0), cl.proteins, m, normalise="cohort").levels, index=keys
    )  # the PEtab rules use cohort z-scores
    footprint_beta = {"NFE2L2": p["beta_nrf2"], "ZEB1": p["beta_emt"]}
    for gene in ("SLC7A11", "NQO1", "NFE2L2", "ZEB1", "KEAP1"):
        beta = footprint_beta.get(gene, p["beta_expr"] * p.get(f"gain_{gene}", 1.0))
        z = pre[f"mrna_z_{gene}"].to_numpy() if f"mrna_z_{gene}" in pre else np.zeros(len(pre))
        level = np.clip(np.exp(beta * z), p["level_floor"], p["level_cap"])
        if f"prot_on_{gene}" in pre:
            on = pre[f"prot_on_{gene}"].to_numpy()
            prot = np.clip(2.0 ** (p["beta_prot"] * pre[f"prot_{gene}"].to_numpy()), p["level_floor"], p["level_cap"])
            level = np.where(on > 0, prot, level)
        if f"mutf_{gene}" in pre:
            level = level * pre[f"mutf_{gene}"].to_numpy()
        expected = ref[gene].fillna(1.0).to_numpy() if gene in ref else np.ones(len(pre))
        np.testing.assert_allclose(level, expected, rtol=LEVEL_TOL, err_msg=gene)


def test_viability_formula_approximates_the_normal_cdf():
    from scipy.stats import norm

    u = np.linspace(-4, 4, 81)
    approx = 1 / (1 + np.exp(1.5976 * u + 0.070566 * u**3))
    assert np.abs(approx - (1 - norm.cdf(u))).max() < 2e-4
    assert "theta_death" in VIABILITY and "sigma_death" in VIABILITY


def test_problem_simulates_with_steady_preequilibration(small):
    """Damage is gated off in preequilibration (a steady state exists) and the rules set the gene levels."""
    roadrunner = pytest.importorskip("roadrunner")
    folder = small.yaml_path.parent
    rr = roadrunner.RoadRunner(str(folder / "ferronet.xml"))
    cond = pd.read_csv(folder / "conditions.tsv", sep="\t", index_col=0)
    meas = pd.read_csv(folder / "measurements.tsv", sep="\t")
    row = meas[meas["simulationConditionId"].str.endswith("_d7")].iloc[0]
    for k, v in cond.loc[row["preequilibrationConditionId"]].items():
        rr[k] = float(v)
    rr.simulate(0, 500, 11)
    before = np.array(rr.getFloatingSpeciesConcentrationsNamedArray()).ravel()
    rr.simulate(0, 100, 11)
    after = np.array(rr.getFloatingSpeciesConcentrationsNamedArray()).ravel()
    assert np.max(np.abs(after - before) / (np.abs(before) + 1e-9)) < 1e-6
    sim = cond.loc[row["simulationConditionId"]]
    for k, v in sim.items():
        rr[k] = float(v)
    z = sim["mrna_z_NQO1"]
    assert rr["g_NQO1"] == pytest.approx(np.clip(np.exp(rr["beta_expr"] * rr["gain_NQO1"] * z), 0.1, 10.0), rel=1e-9)
    rr.simulate(0, row["time"], 11)
    assert rr["D"] > 0  # damage accrues once switched on at the highest dose
