"""Compiled kernel pieces and the batching of lanes: stability test, lane sets, duplicate conditions."""

from __future__ import annotations

import numpy as np
import pytest

from ferronet.sim import Condition, get_simulator
from ferronet.sim.base import LaneSet


@pytest.mark.parametrize("seed", range(4))
def test_max_real_eigenvalue_matches_lapack(model, seed):
    f = get_simulator(model).kernel.module.max_real_eigenvalue
    rng = np.random.default_rng(seed)
    for n in (1, 2, 3, 5, 12, 13):
        a = rng.normal(size=(n, n))
        if seed == 1:  # badly scaled rows, as in a Jacobian of species at very different levels
            a *= 10.0 ** rng.uniform(-4, 4, size=(n, 1))
        if seed == 2 and n > 2:  # a zero row (a species that does not move)
            a[1] = 0.0
        if seed == 3:  # rotation-like blocks: complex pairs with positive real part
            a = a - a.T + 0.1 * np.eye(n)
        ev = np.linalg.eigvals(a)
        kept = a.copy()
        got = f(a)
        assert np.array_equal(a, kept)
        assert got == pytest.approx(ev.real.max(), abs=1e-9 * max(1.0, np.abs(ev).max()))


def test_lane_set_is_the_list_of_its_lanes():
    lanes = LaneSet([{"a": 1.0}, {"b": 2.0, "cap": 9.0}], np.array([0.5, 2.0]))
    expected = [{"a": 1.0, "cap": 0.5}, {"a": 1.0, "cap": 2.0}, {"b": 2.0, "cap": 0.5}, {"b": 2.0, "cap": 2.0}]
    assert len(lanes) == 4 and list(lanes) == expected
    assert [lanes[i] for i in range(4)] == expected and lanes[-1] == expected[-1]
    with pytest.raises(IndexError):
        lanes[4]


def test_lane_set_context_equals_the_plain_list_context(model):
    sim = get_simulator(model)
    groups = [{"g_GPX4": 0.5, "dose_erastin": 3.0}, {"g_ACSL4": 2.0}, {}]
    grouped = sim._context(LaneSet(groups, sim.caps))
    plain = sim._context(list(LaneSet(groups, sim.caps)))
    assert grouped.keys() == plain.keys()
    for k in plain:
        assert np.array_equal(np.broadcast_to(grouped[k], (27,)), np.broadcast_to(plain[k], (27,))), k


def test_duplicate_conditions_are_simulated_once_and_expanded(model):
    sim = get_simulator(model)
    a = Condition.parse(model, ["erastin@5uM"])
    b = Condition.parse(model, ["RSL3@0.5uM", "ACSL4:knockdown"])
    both = sim.run([a, b])
    repeated = sim.run([b, a, b, a, a])
    assert len(repeated.status) == 5 and repeated.states.shape[-1] == 5 * len(sim.caps)
    for name in ("ferroptosis", "GSH", "lipid_peroxidation"):
        x, y = both.readout(name), repeated.readout(name)
        np.testing.assert_allclose(y, x[[1, 0, 1, 0, 0]], rtol=1e-12, err_msg=name)  # BLAS rounding only
    assert repeated.conditions == [b, a, b, a, a]
    assert not np.array_equal(x[0], x[1])  # the two conditions differ: the mapping is tested


def test_compiled_rhs_with_precomputed_parts_equals_the_numpy_rhs(model):
    """The kernel's right-hand side (parameter-only parts hoisted into ``prepare``) is the model's rhs."""
    sim = get_simulator(model)
    rng = np.random.default_rng(3)
    lanes = [{"cap": float(c), "g_GPX4": float(rng.uniform(0.1, 3)), "dose_erastin": float(rng.uniform(0, 10)),
              "K_keap_ox": float(rng.uniform(0.5, 2))} for c in rng.uniform(0.3, 3, size=6)]  # fmt: skip
    ctx = sim._context(lanes)
    P = sim.kernel.parameter_matrix(ctx, len(lanes))
    assert P.shape[1] > len(sim.kernel.param_names)  # some parts are precomputed
    y = sim.y_default[:, None] * rng.uniform(0.5, 2.0, size=(len(sim.y_default), len(lanes)))
    expected = sim.compiled.rhs(y, ctx)
    dy = np.empty(len(sim.y_default))
    for i in range(len(lanes)):
        sim.kernel.module.rhs(np.ascontiguousarray(y[:, i]), P[i], dy)
        np.testing.assert_allclose(dy, expected[:, i], rtol=1e-10, atol=1e-14)
