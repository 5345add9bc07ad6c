"""Synergy kernels: analytic cases and agreement with a reference implementation (the `synergy` package)."""

from __future__ import annotations

import numpy as np
import pytest

from ferronet.screen.synergy import METHODS, _loewe_fit, fit_hill, hill, score, summary

D1 = np.array([0, 0.1, 0.3, 1, 3, 10.0])
D2 = np.array([0, 0.03, 0.1, 0.3, 1, 3.0])
EA = hill(D1, 0, 0.9, 1.0, 1.5)[:, None]
EB = hill(D2, 0, 0.8, 0.3, 2.0)[None, :]
BLISS_INDEPENDENT = EA + EB - EA * EB
EXTRA = 0.05 * np.outer(D1 > 0, D2 > 0)  # a known synergy added to every combination well
#: tolerance of the fitted methods (Loewe, ZIP) against analytic values and the reference implementation
FIT_TOL = 0.03


def test_registry_has_the_four_standard_methods():
    assert set(METHODS) == {"HSA", "Bliss", "Loewe", "ZIP"}
    assert all(m.reference for m in METHODS.values())


def test_bliss_independence_scores_zero_and_known_excess_is_recovered():
    assert np.allclose(score("Bliss", D1, D2, BLISS_INDEPENDENT), 0.0)
    assert summary(score("Bliss", D1, D2, BLISS_INDEPENDENT + EXTRA)) == pytest.approx(0.05)
    assert abs(summary(score("ZIP", D1, D2, BLISS_INDEPENDENT))) < FIT_TOL


def test_hsa_by_hand():
    e = np.array([[0, 0.2, 0.4], [0.3, 0.5, 0.6], [0.5, 0.55, 0.9]])
    s = score("HSA", [0, 1, 2], [0, 1, 2], e)
    assert s[1, 1] == pytest.approx(0.5 - 0.3)
    assert s[2, 2] == pytest.approx(0.9 - 0.5)
    assert s[0].tolist() == [0, 0, 0]


def test_loewe_sham_combination_is_additive():
    d = np.array([0, 0.1, 0.3, 1, 3, 10.0])
    sham = hill(d[:, None] + d[None, :], 0, 0.9, 1.0, 1.5)  # a drug combined with itself
    assert abs(summary(score("Loewe", d, d, sham))) < 1e-6


def test_hill_fit_recovers_parameters():
    d = np.array([0, 0.01, 0.03, 0.1, 0.3, 1, 3, 10])
    f = fit_hill(d, hill(d, 0.0, 0.85, 0.4, 2.0))
    assert f.emax == pytest.approx(0.85, abs=1e-3) and f.ec50 == pytest.approx(0.4, rel=1e-2)


@pytest.mark.parametrize("method", ["Bliss", "HSA", "ZIP", "Loewe"])
def test_against_reference_implementation(method):
    syn = pytest.importorskip("synergy.combination")
    ref_cls = {"Bliss": syn.Bliss, "HSA": syn.HSA, "ZIP": syn.ZIP, "Loewe": lambda: syn.Loewe(mode="delta_weakest")}
    e = BLISS_INDEPENDENT + EXTRA
    g1, g2 = np.meshgrid(D1, D2, indexing="ij")
    ref = np.asarray(ref_cls[method]().fit(g1.ravel(), g2.ravel(), (1 - e).ravel())).reshape(e.shape)
    ours = score(method, D1, D2, e)
    # per well, not only on average (Loewe and ZIP come from the package itself since issue #13)
    assert np.nanmax(np.abs(ref[1:, 1:] - ours[1:, 1:])) < 1e-9
    assert abs(np.nanmean(ref[1:, 1:]) - summary(ours)) < 1e-9


@pytest.mark.parametrize("method", ["Bliss", "HSA", "ZIP", "Loewe"])
def test_swapping_the_drugs_transposes_the_synergy_matrix(method):
    e = BLISS_INDEPENDENT + EXTRA
    assert np.allclose(score(method, D2, D1, e.T), score(method, D1, D2, e).T, atol=FIT_TOL)
    assert np.all(score(method, D1, D2, e)[0, :] == 0) and np.all(score(method, D1, D2, e)[:, 0] == 0)


def test_bad_matrices_are_rejected():
    with pytest.raises(ValueError, match="start with 0"):
        score("Bliss", [1, 2], [0, 1], np.zeros((2, 2)))
    with pytest.raises(ValueError, match="shape"):
        score("Bliss", [0, 1], [0, 1], np.zeros((3, 2)))
    with pytest.raises(KeyError):
        score("CI", D1, D2, BLISS_INDEPENDENT)


def test_small_grids_fall_back_to_three_parameter_fits():
    """The package needs 4 doses per drug for its Hill fits; 3-dose grids still get finite Loewe/ZIP scores."""
    d1, d2 = D1[:3], D2[:3]
    e = (BLISS_INDEPENDENT + EXTRA)[:3, :3]
    for method in ("Loewe", "ZIP"):
        s = score(method, d1, d2, e)
        assert s.shape == (3, 3) and np.isfinite(s).all() and np.all(s[0] == 0)


def test_loewe_fallback_when_the_fitted_curves_put_every_effect_beyond_the_doses():
    """A grid of the sorafenib/HCC report's combination screen (the README main job): the package's fit fails;
    in our 3-parameter fallback the additive iso-effect lies below the smallest effect for some wells; the bracket
    of the root-finder was then invalid (ValueError). Those wells now expect no effect above baseline."""
    d1 = np.array([0.0, 0.3333333333333332, 1.0266900960803407, 3.162277660168378, 9.740037464252964, 30.0])
    d2 = np.array([0.0, 0.03333333333333332, 0.10266900960803407, 0.31622776601683783, 0.9740037464252964, 3.0])
    e = np.array(
        [
            [
                1.6127669980127572e-10,
                3.954548756015222e-10,
                1.910346763566679e-09,
                5.187026116721181e-08,
                5.751443530462988e-06,
                0.0643581273597503,
            ],
            [
                2.4488448827156427e-10,
                6.029302065297662e-10,
                2.9404512451494655e-09,
                8.245360929727119e-08,
                1.0486729734960283e-05,
                0.0724992723899426,
            ],
            [
                6.936585114303796e-10,
                1.720654269025823e-09,
                8.54056493650837e-09,
                2.5593169462894165e-07,
                5.3007649722068446e-05,
                0.08596034251703025,
            ],
            [
                1.0094967775689875e-08,
                2.5348914084787965e-08,
                1.2982219616336746e-07,
                4.657008544187858e-06,
                0.07750999588247663,
                0.24963378295726976,
            ],
            [
                5.59586702879626e-07,
                1.4551408883272575e-06,
                8.468880899664739e-06,
                0.05298445486381877,
                0.2576487498542215,
                0.5389003226725497,
            ],
            [
                1.3640110148570237e-05,
                4.244982649581027e-05,
                0.0013872390710666423,
                0.1355601710649505,
                0.4483602415923649,
                0.7836575590122936,
            ],
        ]
    )
    out = _loewe_fit(d1, d2, e)
    for i, j in ((1, 1), (1, 2), (2, 1)):  # the wells whose additive iso-effect lies below the smallest effect
        assert out[i, j] == pytest.approx(e[i, j] - e[0, 0], abs=1e-12)
    assert np.isfinite(score("Loewe", d1, d2, e)).all()
