"""The batched engine: steady state, classic behaviours, readout shapes, failed lanes."""

from __future__ import annotations

import numpy as np
import pytest

from ferronet.sim import Protocol, get_simulator, simulate

DEATH = 0.05  # same global tolerance as `ferronet check`


def test_untreated_default_cell_is_at_steady_state_and_alive(model):
    r = simulate([], model=model)
    assert r.readout("ferroptosis")[0] < 0.01
    for name in ("lipid_peroxidation", "GSH", "labile_iron", "NFE2L2", "SLC7A11"):
        assert r.readout(name)[0] == pytest.approx(1.0, rel=0.02), name


def test_classic_inducers_and_rescues(model):
    arms = [
        ["erastin"],
        ["erastin", "ferrostatin-1"],
        ["erastin", "deferoxamine"],
        ["RSL3"],
        ["RSL3", "liproxstatin-1"],
    ]
    death = simulate(arms, model=model).readout("ferroptosis")
    # Gpx4-/- cells are made and kept on Lip-1 and die when it is withdrawn (Friedmann Angeli 2014)
    grown = Protocol(pre=("liproxstatin-1@1uM",))
    ko = simulate([["GPX4:knockout"], ["GPX4:knockout", "ferrostatin-1"]], model=model, protocol=grown)
    ko_death = ko.readout("ferroptosis")
    assert death[0] > 0.3 and death[3] > 0.3 and ko_death[0] > 0.5
    assert death[1] < death[0] - DEATH and death[2] < death[0] - DEATH
    assert death[4] < death[3] - DEATH and ko_death[1] < ko_death[0] - DEATH


def test_erastin_depletes_gsh_but_rsl3_does_not(model):
    r = simulate([["erastin"], ["RSL3"]], model=model)
    gsh = r.readout("GSH")
    assert gsh[0] < 0.3
    assert gsh[1] > 0.8


def test_timecourse_shape(model):
    r = simulate([["erastin"], []], model=model, n_points=7)
    tc = r.timecourse("ferroptosis")
    assert tc.shape == (7, 2)
    assert np.all(np.diff(tc[:, 0]) >= -1e-9)  # the dead stay dead


def test_failed_lane_is_flagged_not_raised(model):
    sim = get_simulator(model)
    y0 = np.repeat(sim.y_default[:, None], 3, axis=1)
    lanes = [{"cap": 1.0}, {"cap": 1.0, "k_init": float("nan")}, {"cap": 1.0}]
    out, status = sim.integrate_lanes(y0, lanes, np.array([0.0, 1.0]))
    assert status.tolist()[0] == 0 and status[1] != 0 and status[2] == 0
    assert np.isfinite(out[-1, :, 0]).all() and np.isnan(out[-1, :, 1]).all()
