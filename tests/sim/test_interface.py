"""One simulation interface: the model the caller holds is simulated, in every path; protocols; one result type."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ferronet.model import load_model
from ferronet.sim import Condition, Protocol, Tolerances, Washout, engines, get_simulator, simulate

#: readouts of one engine compared with another at the same tolerances (relative, basal units)
ENGINE_RTOL = 1e-2


def test_load_model_returns_independent_copies():
    a, b = load_model(), load_model()
    assert a.parameters is not b.parameters and a.compounds is not b.compounds
    a.perturb("KEAP1:knockdown")
    assert not b.perturbations
    c = a.with_parameters({"k_fsp1": 5.0}, "test")
    assert c.parameters["k_fsp1"].value == 5.0 and a.parameters["k_fsp1"].value != 5.0
    assert c.fingerprint != a.fingerprint


def test_readme_example_with_model_perturbation_is_simulated():
    other = load_model()
    simulate(["erastin"], model=other)  # another instance simulated first must not shadow the next one
    model = load_model()
    plain = simulate([["erastin"]], model=model).readout("GSH")[0]
    with model:
        model.perturb("KEAP1:knockdown")
        inside = simulate([["erastin"], ["erastin", "brusatol"]], model=model).readout("GSH")
    after = simulate([["erastin"]], model=model).readout("GSH")[0]
    assert inside[0] > plain * 1.05, (plain, inside)  # NRF2 released: more GSH under erastin
    assert after == pytest.approx(plain, rel=1e-9)  # undone on leaving the block


def test_gene_scan_sees_the_model_perturbation():
    from ferronet.screen.scan import gene_scan

    model = load_model()
    base = gene_scan(model, genes=["ACSL4"], actions=["knockout"], drugs=["RSL3"], progress=False)
    with model:
        model.perturb("AIFM2:overexpression")
        scanned = gene_scan(model, genes=["ACSL4"], actions=["knockout"], drugs=["RSL3"], progress=False)
    ref_plain = base[base.perturbation == "reference"].ferroptosis.iloc[0]
    ref_fsp1 = scanned[scanned.perturbation == "reference"].ferroptosis.iloc[0]
    assert ref_fsp1 < ref_plain - 0.05


def test_combination_screen_sees_the_model_perturbation():
    from ferronet.screen.combo import combo_screen

    model = load_model()
    plain = combo_screen(["erastin", "RSL3"], model=model, n_doses=3, methods=["Bliss"], progress=False)[0]
    with model:
        model.perturb("GPX4:knockdown")
        kd = combo_screen(["erastin", "RSL3"], model=model, n_doses=3, methods=["Bliss"], progress=False)[0]
    assert float(np.nanmean(kd.response)) > float(np.nanmean(plain.response)) + 0.02


def test_calibrated_parameters_are_simulated():
    model = load_model()
    weak = model.with_parameters({"V_gpx4": model.parameters["V_gpx4"].value * 0.5}, "test")
    d0 = simulate(["RSL3@0.05uM"], model=model).readout("ferroptosis")[0]
    d1 = simulate(["RSL3@0.05uM"], model=weak).readout("ferroptosis")[0]
    assert d1 > d0 + 0.05


def test_result_frame_status_and_provenance(model):
    r = simulate([[], ["erastin"]], model=model, n_points=5)
    frame = r.to_frame(["ferroptosis", "GSH"])
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["condition", "cell", "perturbations", "status", "time_h", "readout", "value"]
    assert len(frame) == 2 * 5 * 2 and set(frame.status) == {"ok"}
    assert r.status == ["ok", "ok"]
    for key in ("engine", "model_version", "parameter_set", "kb_version", "protocol", "rtol", "ferronet_version"):
        assert key in r.provenance
    assert r.provenance["protocol"]["hours"] == 24.0


def test_exposure_length_and_output_times(model):
    r = simulate(["RSL3"], model=model, protocol=Protocol(hours=8.0, times=(0.0, 2.0, 4.0)))
    assert r.times.tolist() == [0.0, 2.0, 4.0, 8.0]
    short = r.readout("ferroptosis")[0]
    assert short < simulate(["RSL3"], model=model).readout("ferroptosis")[0]


def test_pre_culture_keeps_gpx4_knockout_alive_until_withdrawal(model):
    grown = Protocol(pre=("liproxstatin-1",))
    kept = simulate([["GPX4:knockout", "liproxstatin-1"]], model=model, protocol=grown).readout("ferroptosis")[0]
    withdrawn = simulate([["GPX4:knockout"]], model=model, protocol=grown).readout("ferroptosis")[0]
    assert kept < 0.2 and withdrawn > kept + 0.3


def test_washout_removes_the_compound(model):
    full = simulate(["RSL3"], model=model).readout("ferroptosis")[0]
    washed = simulate(["RSL3"], model=model, protocol=Protocol(washout=(Washout(1.0, ("RSL3",)),)))
    assert washed.readout("ferroptosis")[0] < full - 0.05


def test_invalid_protocol_is_a_clear_error():
    from ferronet.errors import FerronetError

    with pytest.raises(FerronetError, match="hours"):
        Protocol(hours=float("nan"))
    with pytest.raises(FerronetError, match="washout"):
        Protocol(washout=(Washout(30.0),))


def test_unknown_engine_suggests():
    from ferronet.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match="roadrunner"):
        get_simulator(load_model(), "roadruner")
    assert {"batch", "roadrunner"} <= set(engines())


def test_roadrunner_engine_gives_the_same_result_type_and_readouts(model):
    pytest.importorskip("roadrunner")
    arms = [["erastin"], ["RSL3", "AIFM2:overexpression"], ["cisplatin", "iron_loading"]]
    conds = [Condition.parse(model, a, "HT1080") for a in arms]
    ours = get_simulator(model)
    rr = get_simulator(model, "roadrunner", Tolerances(rtol=1e-8, atol=1e-10))
    a = ours.run(conds)
    rr.adopt_equilibria(ours)  # same starting states: compare the exposure integration
    b = rr.run(conds)
    assert type(a) is type(b) and b.status == ["ok"] * 3
    for name in ("ferroptosis", "GSH", "lipid_peroxidation"):
        x, y = a.readout(name), b.readout(name)
        assert np.allclose(x, y, rtol=ENGINE_RTOL, atol=1e-3), (name, x, y)
