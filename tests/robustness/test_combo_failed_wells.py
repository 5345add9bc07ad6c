"""Issue #12 item 5: synergy is never scored on failed wells; they keep their status."""

from __future__ import annotations

import numpy as np
import pytest

from ferronet.screen.synergy import score, score_wells, summary

D1 = np.array([0.0, 1.0, 3.0, 10.0])
D2 = np.array([0.0, 0.5, 2.0, 8.0])


def _matrix() -> np.ndarray:
    a = np.array([0.0, 0.1, 0.3, 0.6])
    b = np.array([0.0, 0.05, 0.2, 0.5])
    return np.clip(a[:, None] + b[None, :] - a[:, None] * b[None, :] + 0.05, 0, 1) * (D1[:, None] + D2[None, :] > 0)


@pytest.mark.parametrize("method", ["HSA", "Bliss", "Loewe"])
def test_a_failed_inner_well_is_nan_and_the_rest_unchanged(method):
    e = _matrix()
    ok = np.ones(e.shape, bool)
    ok[2, 2] = False
    e_bad = e.copy()
    e_bad[2, 2] = np.nan
    s = score_wells(method, D1, D2, e_bad, ok)
    full = score(method, D1, D2, e)
    assert np.isnan(s[2, 2])
    mask = np.ones(e.shape, bool)
    mask[2, 2] = False
    np.testing.assert_allclose(s[mask], full[mask], atol=1e-9)
    assert np.isfinite(summary(s))


def test_zip_and_failed_margins_give_no_score():
    e = _matrix()
    ok = np.ones(e.shape, bool)
    ok[1, 1] = False
    assert np.isnan(score_wells("ZIP", D1, D2, e, ok)).all()
    ok = np.ones(e.shape, bool)
    ok[0, 2] = False  # a single-drug well
    assert np.isnan(score_wells("Bliss", D1, D2, e, ok)).all()
    assert np.isnan(summary(score_wells("Bliss", D1, D2, e, ok)))


def test_nan_effect_is_never_scored_as_zero():
    e = _matrix()
    e[3, 3] = np.nan
    s = score_wells("HSA", D1, D2, e, np.ones(e.shape, bool))
    assert np.isnan(s[3, 3])


def test_combo_screen_keeps_the_status_of_each_well():
    from ferronet.screen import combo_screen

    res = combo_screen(["erastin", "RSL3"], n_doses=3, progress=False)[0]
    tidy = res.tidy()
    assert "status" in tidy and (tidy["status"] == "ok").all()
    assert res.failed_wells() == 0
