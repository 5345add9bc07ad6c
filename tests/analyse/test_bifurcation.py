"""Continuation of the steady state: the GPX4 saddle-nodes of the bistable lipid core, stability and hysteresis."""

from __future__ import annotations

import numpy as np
import pytest

from ferronet.analyse.bifurcation import continuation, steady_state, swept_parameter
from ferronet.errors import FerronetError, UnknownNameError
from ferronet.sim import get_simulator


@pytest.fixture(scope="module")
def gpx4():
    from ferronet.model import load_model

    return continuation("GPX4", 2.0, 0.02, n=25, model=load_model())


def test_gpx4_level_has_two_folds_and_an_unstable_middle_branch(gpx4):
    assert len(gpx4.folds) == 2
    lo, hi = gpx4.bistable_range()
    assert 0.1 < lo < hi < 1.0  # docs/parameters.md: the saddle-node removes the low state at ~20-45 % GPX4
    cont = gpx4.points[gpx4.points.branch == "continuation"]
    unstable = cont[~cont.stable]
    assert len(unstable) >= 3
    assert unstable["value"].between(lo * 0.99, hi * 1.01).all()
    assert (unstable["max_real_eigenvalue"] > 0).all()
    # the unstable states lie between the two stable ones
    mid = unstable.iloc[len(unstable) // 2]
    stable_here = cont[cont.stable & np.isclose(np.log(cont["value"]), np.log(mid["value"]), atol=0.3)]
    assert stable_here["lipid_peroxidation"].min() < mid["lipid_peroxidation"] < stable_here["lipid_peroxidation"].max()


def test_sweeps_up_and_down_show_hysteresis(gpx4):
    lo, hi = gpx4.bistable_range()
    p = gpx4.points
    inside = lambda b: p[(p.branch == b) & p["value"].between(lo * 1.05, hi * 0.95)]  # noqa: E731
    down, up = inside("sweep down"), inside("sweep up")
    assert len(down) and len(up)
    # coming down from normal GPX4 the cell stays on the low-peroxidation state; coming up from GPX4 loss, high
    assert down["lipid_peroxidation"].max() < 10 < up["lipid_peroxidation"].min()
    assert p[p.branch.str.startswith("sweep")]["stable"].all()


def test_continuation_points_are_the_engines_steady_states(gpx4, model):
    sim = get_simulator(model)
    cont = gpx4.points[(gpx4.points.branch == "continuation") & gpx4.points.stable].iloc[[0, 5, -1]]
    species = [c for c in cont.columns if c.startswith("species_")]
    for _, row in cont.iterrows():
        y0 = sim.y_default.copy()
        for c in species:
            y0[model.species_ids.index(c.removeprefix("species_"))] = row[c] * 1.01  # start off the point
        y, status = sim.steady_lanes(y0[:, None], [{"g_GPX4": row["value"], "cap": 1.0}])
        assert status[0] == 0
        got = np.array([y[model.species_ids.index(c.removeprefix("species_")), 0] for c in species])
        np.testing.assert_allclose(got, row[species].to_numpy(float), rtol=1e-5)


def test_no_fold_where_the_model_is_monostable(model):
    b = continuation("GPX4", 1.0, 3.0, n=5, model=model)
    assert b.folds.empty and b.bistable_range() is None
    assert b.points["stable"].all()


def test_steady_state_of_the_untreated_cell(model):
    t = steady_state(model=model)
    assert t.attrs["stable"]
    values = dict(zip(t["quantity"], t["value"], strict=True))
    assert "D" not in values  # damage only accumulates: not part of the steady state
    assert values["max_real_eigenvalue"] < 0
    y = get_simulator(model).y_default  # the engine's untreated reference state (median capacity)
    for s in ("L", "Gt", "Fe"):
        assert values[s] == pytest.approx(y[model.species_ids.index(s)], rel=1e-6)
    assert 0.5 < values["lipid_peroxidation"] < 1.0  # the median cell peroxidises less than the population mean


def test_swept_parameters(model):
    assert swept_parameter(model, "GPX4").key == "g_GPX4"
    assert swept_parameter(model, "erastin").unit == "uM"
    assert swept_parameter(model, "k_prop").kind == "parameter"
    with pytest.raises(UnknownNameError, match="GPX4"):
        swept_parameter(model, "GPX44")
    with pytest.raises(FerronetError, match="condition"):
        swept_parameter(model, "hypoxia")


@pytest.mark.parametrize(
    ("args", "kwargs", "hint"),
    [
        (("GPX4", 0.0, 1.0), {}, "above 0"),
        (("GPX4", 1.0, float("inf")), {}, "above 0"),
        (("GPX4", 1.0, 1.0), {}, "equal"),
        (("GPX4", 0.5, 1.0), {"readouts": ["ferroptosis"]}, "no steady state"),
        (("erastin", 0.5, 1.0), {"perturbations": ["erastin"]}, "both"),
    ],
)
def test_bad_input(model, args, kwargs, hint):
    with pytest.raises(FerronetError, match=hint):
        continuation(*args, model=model, **kwargs)
