"""The objective's term cache re-simulates only the terms whose parameters moved (and gives the uncached answer);
leave-one-source-out fits never see the source they predict."""

from __future__ import annotations

import numpy as np
import pytest

from ferronet.calibrate import crossval
from ferronet.calibrate import objective as obj
from ferronet.calibrate.objective import TermCache, default_data, simulate, term_key
from ferronet.model import load_model


@pytest.fixture(scope="module")
def small(shared):
    mp = pytest.MonkeyPatch()
    mp.setenv("FERRONET_SHARED", str(shared))
    full = default_data(ctrp=("ML210",), breast=("RSL3",), literature=False)
    ctrp = [k for c in full.curves if c.source == "CTRPv2" for k in c.lines][:4]
    breast = [k for c in full.curves if c.source != "CTRPv2" for k in c.lines][:3]
    yield full.restrict(ctrp + breast)
    mp.undo()


def _same(a, b) -> bool:
    curves = all(np.allclose(x, y, equal_nan=True) for x, y in zip(a.curves, b.curves, strict=True))
    return curves and np.allclose(a.facts, b.facts) and np.allclose(a.gsh, b.gsh)


def test_term_key_ignores_what_a_term_does_not_depend_on():
    m = load_model()
    gain = m.with_parameters({"gain_SCD": 2.0}, "test")
    other_drug = m.with_parameters({"ic50_RSL3_GPX4": 0.5}, "test")
    assert term_key(gain, personalised=False) == term_key(m, personalised=False)  # named cells have z = 0
    assert term_key(gain, "ML210") != term_key(m, "ML210")  # cohort curves move with a gain
    assert term_key(other_drug, "ML210") == term_key(m, "ML210")
    assert term_key(other_drug, "RSL3") != term_key(m, "RSL3")
    assert term_key(other_drug, personalised=False) != term_key(m, personalised=False)  # literature uses RSL3


def test_cache_recomputes_only_moved_terms_and_matches_uncached(small, monkeypatch):
    m = load_model()
    cache = TermCache()
    simulate(m, small, cache=cache)
    calls = []
    real = obj._simulate_facts
    monkeypatch.setattr(obj, "_simulate_facts", lambda *a: calls.append(1) or real(*a))
    moved = m.with_parameters({"gain_AIFM2": m.parameters["gain_AIFM2"].value * 1.5}, "test")
    cached = simulate(moved, small, cache=cache)
    assert calls == []  # a gain does not touch the named-cell terms
    assert _same(cached, simulate(moved, small))
    assert not np.allclose(cached.curves[0], simulate(m, small, cache=TermCache()).curves[0], equal_nan=True)
    calls.clear()
    global_move = m.with_parameters({"theta_death": m.parameters["theta_death"].value * 1.2}, "test")
    again = simulate(global_move, small, cache=cache)
    assert calls == [1]  # a global parameter re-simulates them
    assert _same(again, simulate(global_move, small))


def test_leave_one_source_out_predicts_each_source_from_a_fit_without_it(small, monkeypatch):
    seen = []
    real_fit = crossval.fit

    def spy(model, fit_data, *args, **kwargs):
        seen.append({c.source for c in fit_data.curves})
        return real_fit(model, fit_data, *args, **kwargs)

    monkeypatch.setattr(crossval, "fit", spy)
    cv = crossval.leave_source_out(load_model(), small, ["gain_AIFM2"], max_evals=3, progress=False)
    assert seen == [{"breast panel"}, {"CTRPv2"}]
    assert set(cv.oof["fold"]) == {"without_CTRPv2", "without_breast panel"}
    for fold, g in cv.oof.groupby("fold"):
        assert set(g["source"]) == {fold.removeprefix("without_")}
    assert len(cv.fits) == 2
