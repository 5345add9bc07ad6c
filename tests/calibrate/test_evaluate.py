"""The out-of-fold harness and the baseline scorers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ferronet.calibrate.evaluate import (
    group_mean_scorer,
    mean_curve_scorer,
    mean_z_scorer,
    out_of_fold,
    out_of_fold_rmse,
    ridge_fit,
    ridge_scorer,
    signed_readout_scorer,
    signed_ridge_fit,
)
from ferronet.calibrate.folds import Split, line_splits
from ferronet.errors import FerronetError

RNG = np.random.default_rng(0)
LINES = [f"L{i}" for i in range(60)]
Y = pd.Series(RNG.normal(size=60), index=LINES)


def test_harness_never_shows_test_lines_to_the_scorer():
    splits = line_splits(LINES, k=5, seed=0)
    seen = []

    def spy(train, test):
        seen.append((set(train), set(test)))
        return Y.reindex(list(test))  # a perfect oracle on the test lines

    res = out_of_fold(spy, Y, splits)
    assert res.n == 60 and res.spearman == pytest.approx(1.0)
    assert len(seen) == 5 and all(not tr & te for tr, te in seen)


def test_overlapping_split_is_rejected():
    with pytest.raises(FerronetError, match="both in train and test"):
        out_of_fold(lambda tr, te: Y.reindex(list(te)), Y, [Split("bad", ("L1", "L2"), ("L2", "L3"))])


def test_group_mean_uses_training_responses_only():
    groups = pd.Series(["a", "b"] * 30, index=LINES)
    score = group_mean_scorer(groups, Y)
    before = score(LINES[:50], LINES[50:])
    changed = Y.copy()
    changed[LINES[50:]] = 100.0
    after = group_mean_scorer(groups, changed)(LINES[:50], LINES[50:])
    pd.testing.assert_series_equal(before, after)


def test_signed_mean_z_subtracts_the_minus_genes_standardised_on_training_lines():
    x = pd.DataFrame({"a": RNG.normal(size=60), "b": RNG.normal(size=60) * 3 + 1}, index=LINES)
    train, test = LINES[:40], LINES[40:]
    got = mean_z_scorer(x, ["a"], minus=["b"])(train, test)
    z = (x.loc[test] - x.loc[train].mean()) / x.loc[train].std()
    pd.testing.assert_series_equal(got, z["a"] - z["b"], check_names=False)
    with pytest.raises(FerronetError):
        mean_z_scorer(x, ["a"], minus=["absent"])


def test_ridge_matches_scikit_learn():
    sklearn = pytest.importorskip("sklearn")  # reference implementation (dev dependency)
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import StandardScaler

    assert sklearn
    x = RNG.normal(size=(40, 200))
    y = x[:, 0] * 2 + RNG.normal(size=40) * 0.1
    coef, intercept, alpha = ridge_fit(x, y)
    scaler = StandardScaler().fit(x)
    ref = Ridge(alpha=alpha).fit(scaler.transform(x), y)
    xt = RNG.normal(size=(10, 200))
    np.testing.assert_allclose(xt @ coef + intercept, ref.predict(scaler.transform(xt)), atol=1e-8)


def test_ridge_scorer_learns_a_signal_out_of_fold():
    expr = pd.DataFrame(RNG.normal(size=(60, 30)), index=LINES)
    y = expr[0] * 2 + pd.Series(RNG.normal(size=60) * 0.3, index=LINES)
    res = out_of_fold(ridge_scorer(expr, y), y, line_splits(LINES, k=5, seed=0))
    assert res.spearman > 0.8
    noise = pd.Series(RNG.normal(size=60), index=LINES)
    assert abs(out_of_fold(ridge_scorer(expr, noise), noise, line_splits(LINES, k=5, seed=0)).spearman) < 0.5


def test_curve_rmse_of_a_perfect_and_a_mean_curve():
    doses = [0.01, 0.1, 1.0, 10.0]
    curves = pd.DataFrame(RNG.uniform(size=(60, 4)), index=LINES, columns=doses)
    curves.iloc[0, 0] = np.nan  # a dose outside one line's range is skipped
    splits = line_splits(LINES, k=5, seed=0)
    perfect = out_of_fold_rmse(lambda tr, te: curves.loc[list(te)], curves, splits)
    assert perfect.max() == pytest.approx(0.0) and len(perfect) == 60
    mean = out_of_fold_rmse(mean_curve_scorer(curves), curves, splits)
    assert 0.15 < mean.median() < 0.5  # uniform noise: RMSE ~ 1/sqrt(12) ~ 0.29


def test_signed_ridge_holds_each_weight_to_its_sign():
    x = RNG.normal(size=(80, 3))
    y = -1.0 * x[:, 0] + 2.0 * x[:, 1] + 0.5 * x[:, 2] + RNG.normal(size=80) * 0.1
    coef, _, _ = signed_ridge_fit(x, y, [1, 1, 0])  # the data want x0 negative; its sign says >= 0
    assert coef[0] == pytest.approx(0.0, abs=1e-9) and coef[1] > 1.0 and coef[2] == pytest.approx(0.0, abs=1e-9)
    free, _, _ = signed_ridge_fit(x, y, [-1, 1, 1])  # signs that agree with the data: close to the truth
    np.testing.assert_allclose(free, [-1.0, 2.0, 0.5], atol=0.15)
    with pytest.raises(FerronetError, match="3 features but 2 signs"):
        signed_ridge_fit(x, y, [1, 1])


def test_signed_readout_learns_from_training_responses_only():
    x = pd.DataFrame(RNG.normal(size=(60, 3)), index=LINES, columns=["a", "b", "c"])
    y = x["a"] * 2 - x["b"] + pd.Series(RNG.normal(size=60) * 0.2, index=LINES)
    signs = pd.Series({"a": 1.0, "b": -1.0, "c": 1.0})
    before = signed_readout_scorer(x, y, signs)(LINES[:45], LINES[45:])
    changed = y.copy()
    changed[LINES[45:]] = 100.0
    pd.testing.assert_series_equal(before, signed_readout_scorer(x, changed, signs)(LINES[:45], LINES[45:]))
    assert out_of_fold(signed_readout_scorer(x, y, signs), y, line_splits(LINES, k=5, seed=0)).spearman > 0.8
    with pytest.raises(FerronetError, match="no feature has a sign"):
        signed_readout_scorer(x, y, pd.Series({"z": 1.0}))
