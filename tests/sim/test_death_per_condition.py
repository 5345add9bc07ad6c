"""The death fraction of each condition uses that condition's own threshold parameters (not a batch mean)."""

from __future__ import annotations

import pytest

from ferronet.analyse.sensitivity import ParameterCondition
from ferronet.sim import Condition, get_simulator


def test_a_batch_with_different_thresholds_equals_separate_runs(model):
    base = Condition.parse(model, ["RSL3@0.1uM"])
    low = ParameterCondition(base.cell, base.perturbations, (), (), (("theta_death", 0.5),))
    high = ParameterCondition(base.cell, base.perturbations, (), (), (("sigma_death", 1.5),))
    sim = get_simulator(model)
    together = sim.run([base, low, high]).readout("ferroptosis")
    apart = [sim.run([c]).readout("ferroptosis")[0] for c in (base, low, high)]
    assert together == pytest.approx(apart, abs=1e-12)
    assert together[1] > together[0]  # a lower damage threshold kills more
