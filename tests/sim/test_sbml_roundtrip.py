"""The exported SBML, simulated with libRoadRunner, reproduces the default engine's trajectories."""

from __future__ import annotations

import numpy as np
import pytest

from ferronet.sim import Condition, Tolerances, get_simulator

#: stated tolerance of the round trip: relative difference of every species at every hour
ROUNDTRIP_RTOL = 1e-2


def test_sbml_validates(model):
    libsbml = pytest.importorskip("libsbml")
    from ferronet.io.sbml import to_sbml

    doc = libsbml.readSBMLFromString(to_sbml(model))
    doc.checkConsistency()
    errors = [
        doc.getError(i) for i in range(doc.getNumErrors()) if doc.getError(i).getSeverity() >= libsbml.LIBSBML_SEV_ERROR
    ]
    assert not errors, errors[0].getMessage()


def test_roadrunner_trajectories_match(model):
    pytest.importorskip("roadrunner")
    from ferronet.sim.roadrunner_engine import RoadRunnerEngine

    conds = [
        Condition.parse(model, p, c)
        for p, c in [
            ([], None),
            (["erastin"], None),
            (["RSL3", "AIFM2:overexpression"], None),
            (["sulforaphane"], "A549"),
            (["cisplatin", "iron_loading"], "HT1080"),
            (["erastin@1uM", "NFE2L2:knockdown"], None),
            (["IFNG", "radiation"], None),
        ]
    ]
    sim = get_simulator(model)
    ours = sim.run(conds).states
    rr = RoadRunnerEngine(model, Tolerances(rtol=1e-8, atol=1e-10))
    rr.adopt_equilibria(sim)  # the SBML's exposure phase from the same states
    theirs = rr.run(conds).states
    rel = np.abs(ours - theirs) / (1e-3 + np.maximum(np.abs(ours), np.abs(theirs)))
    assert rel.max() < ROUNDTRIP_RTOL, f"max relative difference {rel.max():.2e}"
