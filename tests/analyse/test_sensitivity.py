"""Morris and Sobol sensitivity: what matters ranks above what cannot matter; seeded; lane overrides are exact."""

from __future__ import annotations

import numpy as np
import pytest

from ferronet.analyse import sensitivity
from ferronet.analyse.sensitivity import NOT_VARIED, ParameterCondition, default_factors
from ferronet.errors import FerronetError, UnknownNameError
from ferronet.sim import Condition, get_simulator

DRUG = ["RSL3@0.1uM"]
#: RSL3 kills through GPX4 (its potency and the lipid core matter); erastin's potency cannot matter without erastin
FACTORS = ["ic50_RSL3_GPX4", "K_prop", "ic50_erastin_SLC7A11"]


def _metric(table, factor, metric):
    return float(table[(table.factor == factor) & (table.metric == metric)]["value"].iloc[0])


def test_parameter_override_in_a_lane_equals_a_model_with_that_parameter(model):
    base = Condition.parse(model, DRUG)
    lane = ParameterCondition(base.cell, base.perturbations, (), base.pre, (("k_prop", 15.0), ("theta_death", 5.0)))
    batch = get_simulator(model).run([base, lane]).readout("ferroptosis")
    changed = model.with_parameters({"k_prop": 15.0, "theta_death": 5.0}, "test")  # slower propagation, higher bar
    alone = get_simulator(changed).run([Condition.parse(changed, DRUG)]).readout("ferroptosis")
    assert batch[1] == pytest.approx(alone[0], abs=1e-9)
    assert abs(batch[1] - batch[0]) > 0.05  # the override did something


def test_morris_ranks_a_parameter_that_matters_above_one_that_cannot(model):
    t = sensitivity("ferroptosis", "morris", factors=FACTORS, perturbations=DRUG, n=6, model=model, progress=False)
    assert set(t.columns) == {"factor", "metric", "value", "conf"}
    assert _metric(t, "ic50_RSL3_GPX4", "mu_star") > 0.05
    assert _metric(t, "ic50_erastin_SLC7A11", "mu_star") == pytest.approx(0.0, abs=1e-9)
    assert t.iloc[0]["factor"] != "ic50_erastin_SLC7A11"  # sorted by mu*
    assert t.attrs["samples"] == 6 * (len(FACTORS) + 1)


def test_sobol_indices_and_their_intervals(model):
    t = sensitivity("ferroptosis", "sobol", factors=FACTORS, perturbations=DRUG, n=32, model=model, progress=False)
    st = {f: _metric(t, f, "ST") for f in FACTORS}
    assert st["ic50_RSL3_GPX4"] > 0.2
    assert abs(st["ic50_erastin_SLC7A11"]) < 1e-9
    assert t[t.metric == "ST"]["conf"].notna().all()
    assert t.attrs["samples"] == 32 * (len(FACTORS) + 2)


def test_gene_levels_gpx4_matters_under_rsl3(model):
    t = sensitivity("ferroptosis", "morris", "genes", DRUG, factors=["GPX4", "SLC7A11", "CASP3"], n=5,
                    model=model, progress=False)  # fmt: skip
    assert _metric(t, "GPX4", "mu_star") > _metric(t, "CASP3", "mu_star")
    assert _metric(t, "GPX4", "mu") < 0  # more GPX4, less death


def test_seeded_and_reproducible(model):
    kw = {"factors": FACTORS, "perturbations": DRUG, "n": 4, "model": model, "progress": False}
    a, b = sensitivity(seed=3, **kw), sensitivity(seed=3, **kw)
    c = sensitivity(seed=4, **kw)
    assert a.equals(b)
    assert not np.allclose(a["value"], c["value"])


def test_default_factors(model):
    params = default_factors(model, "parameters", Condition.parse(model, DRUG).perturbations)
    assert "ic50_RSL3_GPX4" in params and "k_prop" in params
    assert "ic50_erastin_SLC7A11" not in params  # potencies of absent compounds are left out
    assert not NOT_VARIED & set(params)
    assert default_factors(model, "genes") == list(model.nodes)


@pytest.mark.parametrize(
    ("kwargs", "error", "hint"),
    [
        ({"factors": ["k_propp", "K_prop"]}, UnknownNameError, "k_prop"),
        ({"factors": ["sigma_cap", "K_prop"]}, FerronetError, "cannot be varied"),
        ({"factors": ["K_prop"]}, FerronetError, "at least two"),
        ({"method": "sobol", "n": 10, "factors": FACTORS}, FerronetError, "power of 2"),
        ({"method": "sobolev"}, UnknownNameError, "sobol"),
        ({"over": "genes", "factors": ["erastin", "GPX4"]}, FerronetError, "not a gene"),
        ({"span": float("nan")}, FerronetError, "span"),
        ({"readout": "ferroptosys"}, UnknownNameError, "ferroptosis"),
    ],
)
def test_bad_input_is_a_clear_error(model, kwargs, error, hint):
    with pytest.raises(error, match=hint):
        sensitivity(model=model, progress=False, **kwargs)
