"""The SBML export in the tools systems biologists use: libRoadRunner replays the protocol and the fraction-dead
readout of ferronet's own engine; COPASI (basico) loads it without errors and runs its time-course and, on the
steady-state variant, its steady-state task."""

from __future__ import annotations

import numpy as np
import pytest

from ferronet.sim.population import dead_fraction, model_capacities

#: fraction dead from libRoadRunner on the exported protocol vs ferronet's engine (relative)
READOUT_RTOL = 1e-3
#: state of the steady-state variant (COPASI's steady-state task) vs ferronet's pre-culture equilibrium
STEADY_RTOL = 1e-3

CONDITIONS = [(["erastin@5"], "HT1080"), (["RSL3@0.1"], None), (["sorafenib@3"], None)]


@pytest.fixture(scope="module")
def protocol_runner(packaged, y_default):
    roadrunner = pytest.importorskip("roadrunner")
    from ferronet.io.sbml import Experiment, to_sbml

    rr = roadrunner.RoadRunner(to_sbml(packaged, y_default, experiment=Experiment(), variant="protocol"))
    rr.integrator.relative_tolerance = 1e-8
    rr.integrator.absolute_tolerance = 1e-10
    return rr


def _fraction_dead(rr, packaged, experiment) -> float:
    """The documented readout (docs/sbml.md): D at the end in each capacity subpopulation, then dead_fraction."""
    values = {**experiment.genotype, **{f"exposure_{k}": v for k, v in experiment.exposure.items()}}
    end = float(rr["t_preculture"] + rr["t_exposure"])
    damage = []
    for cap in model_capacities(packaged.default_values()):
        rr.resetAll()  # every parameter back to the file's value, then this condition's
        for k, v in {**values, "cap": float(cap)}.items():
            rr[k] = v
        damage.append(rr.simulate(0.0, end, 3, selections=["time", "[D]"])[-1, 1])
    theta, sigma = packaged.parameters["theta_death"].value, packaged.parameters["sigma_death"].value
    return float(dead_fraction(np.array([damage]), theta, sigma)[0])


@pytest.mark.parametrize("perturbations,cell", CONDITIONS)
def test_roadrunner_replays_the_protocol_and_readout(protocol_runner, packaged, perturbations, cell):
    from ferronet.io.sbml import Experiment
    from ferronet.sim import simulate

    experiment = Experiment.from_perturbations(packaged, perturbations, cell)
    theirs = _fraction_dead(protocol_runner, packaged, experiment)
    ours = float(simulate(perturbations, cell, model=packaged).readout("ferroptosis")[0])
    assert 0.01 < ours < 0.99  # a readout that moves with the condition, not a floor or a ceiling
    assert abs(theirs - ours) <= READOUT_RTOL * ours, (theirs, ours)


def test_copasi_loads_and_runs(copasi, packaged, y_default, erastin_ht1080):
    basico, COPASI = copasi
    from ferronet.io.sbml import to_sbml

    COPASI.CCopasiMessage.clearDeque()
    dm = basico.load_model_from_string(to_sbml(packaged, y_default, experiment=erastin_ht1080, variant="protocol"))
    assert dm is not None
    errors = COPASI.CCopasiMessage.getHighestSeverity() >= COPASI.CCopasiMessage.ERROR
    assert not errors, COPASI.CCopasiMessage.getAllMessageText()
    tc = basico.run_time_course(duration=120, intervals=120, model=dm)
    damage = tc["cumulative membrane damage (per cell; death when above the cell's threshold)"]
    assert damage.iloc[96] == pytest.approx(0.0, abs=1e-9)  # the exposure event resets the damage
    assert damage.iloc[-1] > 0.5  # erastin on HT1080 damages membranes within 24 h
    basico.remove_datamodel(dm)


def test_copasi_steady_state_task_on_the_steady_state_variant(copasi, packaged, y_default):
    basico, _ = copasi
    from ferronet.io.sbml import to_sbml

    start = {k: 0.8 * v for k, v in y_default.items()}  # away from the equilibrium the task has to find
    dm = basico.load_model_from_string(to_sbml(packaged, start, variant="steady-state"))
    assert basico.run_steadystate(model=dm) == 1  # 1: a steady state was found
    conc = basico.get_species(model=dm)["concentration"]
    assert conc["phospholipid hydroperoxides (PLOOH)"] == pytest.approx(y_default["L"], rel=STEADY_RTOL)
    basico.remove_datamodel(dm)
