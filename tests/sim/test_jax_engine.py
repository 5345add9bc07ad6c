"""The optional JAX engine (issue #9): same experiment as the default engine on CPU; clear error without the extra."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from ferronet.model import load_model
from ferronet.sim import Condition, Protocol, Washout, engines, get_simulator
from ferronet.sim.jax_engine import MissingExtraError

#: JAX (diffrax Dopri5) against the default engine (own Dopri5), both at rtol 1e-4 / atol 1e-6
JAX_RTOL = 1e-3
#: readouts below this are compared absolutely (e.g. a death fraction of 1e-5 in the untreated cell)
JAX_ATOL = 1e-6
READOUTS = ("ferroptosis", "lipid_peroxidation", "GSH", "labile_iron")

#: ~20 varied conditions: genes, compounds, doses, cell lines, environmental conditions
ARMS = [
    ([], None),
    (["erastin"], None),
    (["erastin@0.5uM"], "HT1080"),
    (["RSL3@0.05uM"], None),
    (["RSL3@1uM"], "HT1080"),
    (["ML210"], "A549"),
    (["GPX4:knockout", "liproxstatin-1"], None),
    (["KEAP1:knockdown", "erastin"], None),
    (["NFE2L2:knockdown", "erastin"], "HepG2"),
    (["AIFM2:overexpression", "RSL3"], None),
    (["AIFM2:knockout", "RSL3@0.1uM"], None),
    (["iFSP1", "RSL3@0.1uM"], "H460"),
    (["ferrostatin-1", "RSL3"], None),
    (["deferoxamine", "erastin"], None),
    (["cisplatin", "iron_loading"], "HT1080"),
    (["sulfasalazine"], "PANC1"),
    (["BSO", "SLC7A11:overexpression"], None),
    (["brusatol", "erastin"], "A549"),
    (["FIN56"], "MDA-MB-231"),
    (["artesunate", "HMOX1:overexpression"], None),
]


@pytest.fixture(scope="module")
def engines_pair():
    pytest.importorskip("jax")
    pytest.importorskip("diffrax")
    model = load_model()
    return model, get_simulator(model, "batch"), get_simulator(model, "jax")


def _close(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a - b) <= JAX_RTOL * np.abs(a) + JAX_ATOL


def test_jax_matches_the_default_engine_on_varied_conditions(engines_pair):
    model, batch, jax_sim = engines_pair
    conds = [Condition.parse(model, arm, cell) for arm, cell in ARMS]
    a, b = batch.run(conds), jax_sim.run(conds)
    assert a.status == b.status == ["ok"] * len(conds)
    assert b.provenance["engine"].startswith("jax")
    for name in READOUTS:
        x, y = a.readout(name), b.readout(name)
        assert np.all(_close(x, y)), (name, x, y)
    death = a.readout("ferroptosis")
    assert death.min() < 0.05 < 0.5 < death.max()  # the set spans resistant and dying cells


def test_jax_matches_the_default_engine_under_pre_culture_and_washout(engines_pair):
    model, batch, jax_sim = engines_pair
    grown = Protocol(pre=("liproxstatin-1",), hours=48, washout=(Washout(6.0, ("RSL3",)),))
    arms = [["GPX4:knockout"], ["GPX4:knockout", "liproxstatin-1"], ["RSL3"], ["RSL3", "erastin"]]
    conds = [Condition.parse(model, arm, None) for arm in arms]
    a, b = batch.run(conds, grown), jax_sim.run(conds, grown)
    assert a.status == b.status
    for name in READOUTS:
        x, y = a.timecourse(name), b.timecourse(name)
        assert np.all(_close(x, y)), (name, np.max(np.abs(x - y) / (np.abs(x) + JAX_ATOL)))


def test_jax_right_hand_side_and_steady_states_match(engines_pair):
    _, batch, jax_sim = engines_pair
    lanes = [{}, {"g_GPX4": 0.8}, {"g_GPX4": 0.2}, {"V_xc": 0.3, "cap": 1.4}]
    y = np.repeat(batch.y_default[:, None], len(lanes), axis=1) * np.array([1.0, 1.3, 0.7, 1.1])
    ref = batch.compiled.rhs(y, batch.context(lanes))  # the NumPy right-hand side of the model's codegen
    assert np.allclose(jax_sim.rhs_lanes(y, lanes), ref, rtol=1e-10, atol=1e-14)
    start = np.repeat(batch.y_default[:, None], len(lanes), axis=1)  # Newton's start in the pre-culture
    ya, sa = batch.steady_lanes(start, lanes)
    yb, sb = jax_sim.steady_lanes(start, lanes)
    assert list(sb) == list(sa)  # the same lanes converge (0) or not (4: Newton fails where GPX4 is low)
    ok = sa == 0
    assert ok[0] and ok.sum() >= 2
    assert np.allclose(ya[:, ok], yb[:, ok], rtol=1e-6, atol=1e-10)


def test_a_failing_lane_is_reported_on_its_own(engines_pair):
    _, batch, jax_sim = engines_pair
    lanes = [{}, {"k_up": float("nan")}, {"g_GPX4": 0.5}]
    y0 = np.repeat(batch.y_default[:, None], len(lanes), axis=1)
    t = np.array([0.0, 1.0, 24.0])
    out_a, st_a = batch.integrate_lanes(y0, lanes, t)
    out_b, st_b = jax_sim.integrate_lanes(y0, lanes, t)
    assert list(st_b) == list(st_a) == [0, 1, 0]  # 1: step size underflow (non-finite right-hand side)
    assert np.isnan(out_b[-1][:, 1]).all() and np.isfinite(out_b[:, :, [0, 2]]).all()
    assert np.allclose(out_a[:, :, [0, 2]], out_b[:, :, [0, 2]], rtol=JAX_RTOL, atol=JAX_ATOL)


def _hide_jax(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("jax", "diffrax"):
        monkeypatch.setitem(sys.modules, name, None)  # ``import jax`` now raises ImportError


def test_missing_extra_is_a_clear_error(monkeypatch):
    _hide_jax(monkeypatch)
    assert "jax" in engines()
    with pytest.raises(MissingExtraError, match=r"ferronet\[jax\].*uv sync --extra jax"):
        get_simulator(load_model(), "jax")


def test_cli_missing_extra_exits_2_without_traceback(cli, monkeypatch):
    _hide_jax(monkeypatch)
    run = cli("simulate", "-p", "RSL3", "--engine", "jax")
    assert run.code == 2
    assert "ferronet[jax]" in run.err and "Traceback" not in run.err + run.out


def test_importing_ferronet_and_listing_engines_does_not_import_jax():
    code = (
        "import sys, ferronet, ferronet.sim\n"
        "assert 'jax' in ferronet.sim.engines()\n"
        "assert 'jax' not in sys.modules and 'diffrax' not in sys.modules, 'jax imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
