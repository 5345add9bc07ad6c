"""Out-of-fold evaluation: any scorer, the same folds, Spearman with measured AUC; baseline scorers.

A scorer is ``scorer(train_lines, test_lines) -> pd.Series`` of scores indexed by (a subset of) ``test_lines``
(higher = more resistant, like AUC). It may learn from the training lines only; the harness never shows it the
test lines' responses. A fitted model slots in as a scorer that fits on ``train_lines``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from ferronet.calibrate.folds import Split
from ferronet.errors import FerronetError

Scorer = Callable[[Sequence[str], Sequence[str]], pd.Series]
#: like :data:`Scorer`, but returns predicted viability curves: rows = test lines, columns = doses
CurveScorer = Callable[[Sequence[str], Sequence[str]], pd.DataFrame]


@dataclass(frozen=True)
class OutOfFold:
    """Pooled out-of-fold predictions and their Spearman correlation with the measured response."""

    predictions: pd.Series
    spearman: float  # pooled over all folds
    per_fold: tuple[float, ...]
    n: int


def out_of_fold(scorer: Scorer, y: pd.Series, splits: Sequence[Split]) -> OutOfFold:
    """Run ``scorer`` on each split (restricted to lines with a response in ``y``) and pool the predictions."""
    y = y.dropna()
    parts, per_fold = [], []
    for s in splits:
        train = [x for x in s.train if x in y.index]
        test = [x for x in s.test if x in y.index]
        overlap = set(train) & set(test)
        if overlap:
            raise FerronetError(f"split {s.name}: {len(overlap)} lines both in train and test")
        if not test:
            continue
        pred = pd.Series(scorer(train, test), dtype=float).reindex(test)
        parts.append(pred)
        ok = pred.notna()
        per_fold.append(_spearman(pred[ok], y[pred.index[ok]]))
    if not parts:
        raise FerronetError("no split has a test line with a measured response")
    pred = pd.concat(parts)
    ok = pred.notna()
    return OutOfFold(pred, _spearman(pred[ok], y[pred.index[ok]]), tuple(per_fold), int(ok.sum()))


def out_of_fold_rmse(scorer: CurveScorer, curves: pd.DataFrame, splits: Sequence[Split]) -> pd.Series:
    """Out-of-fold RMSE of each line's viability curve over the doses measured for it (NaN cells skipped)."""
    out = []
    for s in splits:
        train = [x for x in s.train if x in curves.index]
        test = [x for x in s.test if x in curves.index]
        if set(train) & set(test):
            raise FerronetError(f"split {s.name}: lines both in train and test")
        if not test:
            continue
        pred = pd.DataFrame(scorer(train, test)).reindex(index=test, columns=curves.columns)
        err = (pred - curves.loc[test]) ** 2
        out.append(np.sqrt(err.mean(axis=1, skipna=True)))
    if not out:
        raise FerronetError("no split has a test line with a measured curve")
    return pd.concat(out)


def mean_curve_scorer(curves: pd.DataFrame) -> CurveScorer:
    """Baseline curve: the training lines' mean viability at each dose (the same curve for every line)."""

    def score(train: Sequence[str], test: Sequence[str]) -> pd.DataFrame:
        mean = curves.loc[list(train)].mean(axis=0)
        return pd.DataFrame([mean.to_numpy()] * len(test), index=list(test), columns=curves.columns)

    return score


def _spearman(a: pd.Series, b: pd.Series) -> float:
    if len(a) < 3 or a.nunique() < 2:
        return float("nan")
    return float(spearmanr(a.to_numpy(), b.to_numpy()).statistic)


# ---- baseline scorers -------------------------------------------------------------------------------------
def feature_scorer(values: pd.Series) -> Scorer:
    """A fixed per-line value (e.g. one gene's mRNA); nothing is learned."""
    return lambda train, test: values.reindex(list(test))


def mean_z_scorer(expression: pd.DataFrame, genes: Sequence[str], minus: Sequence[str] = ()) -> Scorer:
    """Mean z-score of ``genes`` minus that of ``minus`` (each gene standardised with the training lines' mean
    and SD)."""
    cols = [g for g in genes if g in expression.columns]
    neg = [g for g in minus if g in expression.columns]
    if not cols or (minus and not neg):
        raise FerronetError("none of the genes of the mean-z score is in the expression table")

    def score(train: Sequence[str], test: Sequence[str]) -> pd.Series:
        x = expression[[*cols, *neg]]
        mu, sd = x.loc[list(train)].mean(), x.loc[list(train)].std().replace(0, 1.0)
        z = (x.loc[list(test)] - mu) / sd
        return z[cols].mean(axis=1) - (z[neg].mean(axis=1) if neg else 0.0)

    return score


def group_mean_scorer(groups: pd.Series, y: pd.Series) -> Scorer:
    """Mean response of the line's group (e.g. tissue) in the training lines; the training mean if unseen."""

    def score(train: Sequence[str], test: Sequence[str]) -> pd.Series:
        yt = y.reindex(list(train)).dropna()
        means = yt.groupby(groups.reindex(yt.index).fillna("unknown")).mean()
        g = groups.reindex(list(test)).fillna("unknown")
        return g.map(means).fillna(yt.mean()).astype(float)

    return score


RIDGE_ALPHAS = tuple(float(a) for a in np.logspace(-1, 6, 29))


def _standardised(
    x: np.ndarray, y: np.ndarray, inner_folds: int, what: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x - mean) / sd`` per feature (constant features: sd 1), with the mean and sd; too few lines fail."""
    if len(y) < 2 * inner_folds:
        raise FerronetError(f"{what} needs at least {2 * inner_folds} training lines, got {len(y)}")
    mu, sd = x.mean(axis=0), x.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    return (x - mu) / sd, mu, sd


def _on_raw_scale(
    beta: np.ndarray, y: np.ndarray, xs: np.ndarray, mu: np.ndarray, sd: np.ndarray
) -> tuple[np.ndarray, float]:
    """Coefficients and intercept for raw features, from ``beta`` on the standardised ones."""
    coef = beta / sd
    return coef, float(y.mean() - (mu + sd * xs.mean(axis=0)) @ coef)


def ridge_fit(
    x: np.ndarray, y: np.ndarray, alphas: Sequence[float] = RIDGE_ALPHAS, inner_folds: int = 5, seed: int = 0
) -> tuple[np.ndarray, float, float]:
    """Ridge on standardised features, alpha chosen by inner K-fold CV: (coef, intercept, alpha) for raw ``x``.

    Solved in the dual (n x n kernel; n lines << p genes): ``beta = X^T (X X^T + alpha I)^-1 y``.
    """
    xs, mu, sd = _standardised(x, y, inner_folds, "ridge")
    fold = np.random.default_rng(seed).permutation(len(y)) % inner_folds
    err = np.zeros(len(alphas))
    for k in range(inner_folds):
        tr, te = fold != k, fold == k
        centre = xs[tr].mean(axis=0)
        xtr, xte = xs[tr] - centre, xs[te] - centre
        w, u = np.linalg.eigh(xtr @ xtr.T)
        uty = u.T @ (y[tr] - y[tr].mean())
        kte = (xte @ xtr.T) @ u  # (n_test, n_train)
        for i, a in enumerate(alphas):
            pred = kte @ (uty / (np.maximum(w, 0.0) + a)) + y[tr].mean()
            err[i] += float(((pred - y[te]) ** 2).sum())
    best = float(alphas[int(np.argmin(err))])
    xc = xs - xs.mean(axis=0)
    dual = np.linalg.solve(xc @ xc.T + best * np.eye(len(y)), y - y.mean())
    coef, intercept = _on_raw_scale(xc.T @ dual, y, xs, mu, sd)
    return coef, intercept, best


def ridge_scorer(expression: pd.DataFrame, y: pd.Series, seed: int = 0) -> Scorer:
    """Ridge regression of the response on every expression gene, fitted within the training lines."""

    def score(train: Sequence[str], test: Sequence[str]) -> pd.Series:
        tr = [t for t in train if t in expression.index and not np.isnan(y.get(t, np.nan))]
        x = expression.loc[tr].to_numpy(dtype=float)
        coef, intercept, _ = ridge_fit(x, y[tr].to_numpy(dtype=float), seed=seed)
        pred = expression.reindex(list(test)).to_numpy(dtype=float) @ coef + intercept
        return pd.Series(pred, index=list(test))

    return score


def signed_ridge_fit(
    x: np.ndarray,
    y: np.ndarray,
    signs: Sequence[float],
    alphas: Sequence[float] = RIDGE_ALPHAS,
    inner_folds: int = 5,
    seed: int = 0,
) -> tuple[np.ndarray, float, float]:
    """Ridge on standardised features with every weight held to a sign (+1: >= 0, -1: <= 0, 0: fixed at 0),
    alpha by inner K-fold CV: (coef, intercept, alpha) for raw ``x``. Bounded least squares on the
    ridge-augmented system (``scipy.optimize.lsq_linear``)."""
    from scipy.optimize import lsq_linear

    s = np.sign(np.asarray(signs, dtype=float))
    if s.shape != (x.shape[1],):
        raise FerronetError(f"signed ridge: {x.shape[1]} features but {s.size} signs")
    xs, mu, sd = _standardised(x, y, inner_folds, "signed ridge")
    lower, upper = np.where(s > 0, 0.0, -np.inf), np.where(s < 0, 0.0, np.inf)
    lower[s == 0], upper[s == 0] = 0.0, 1e-300  # lsq_linear needs lower < upper: a zero-width box

    def solve(xt: np.ndarray, yt: np.ndarray, alpha: float) -> np.ndarray:
        k = xt.shape[1]
        a = np.vstack([xt - xt.mean(axis=0), np.sqrt(alpha) * np.eye(k)])
        b = np.concatenate([yt - yt.mean(), np.zeros(k)])
        return np.asarray(lsq_linear(a, b, bounds=(lower, upper)).x)

    fold = np.random.default_rng(seed).permutation(len(y)) % inner_folds
    err = np.zeros(len(alphas))
    for k in range(inner_folds):
        tr, te = fold != k, fold == k
        for i, a in enumerate(alphas):
            w = solve(xs[tr], y[tr], a)
            pred = (xs[te] - xs[tr].mean(axis=0)) @ w + y[tr].mean()
            err[i] += float(((pred - y[te]) ** 2).sum())
    best = float(alphas[int(np.argmin(err))])
    coef, intercept = _on_raw_scale(solve(xs, y, best), y, xs, mu, sd)
    return coef, intercept, best


def signed_readout_scorer(features: pd.DataFrame, y: pd.Series, signs: pd.Series, seed: int = 0) -> Scorer:
    """The model's own inputs read linearly: response ~ sum_j w_j x_j, each weight held to the sign of feature
    j's simulated effect on the drug (``signs``, from :func:`ferronet.profile.personalise.effect_signs`), the
    magnitudes fitted within the training lines. It shows how much of the response the inputs carry when only
    the *direction* of each gene's effect is taken from the model."""
    cols = [c for c in features.columns if c in signs.index]
    if not cols:
        raise FerronetError("signed readout: no feature has a sign")
    x_all = features[cols].astype(float)

    def score(train: Sequence[str], test: Sequence[str]) -> pd.Series:
        tr = [t for t in train if t in x_all.index and not np.isnan(y.get(t, np.nan))]
        x = x_all.loc[tr].fillna(x_all.loc[tr].mean()).to_numpy(dtype=float)
        coef, intercept, _ = signed_ridge_fit(x, y[tr].to_numpy(dtype=float), signs[cols].to_numpy(), seed=seed)
        xt = x_all.reindex(list(test)).fillna(x_all.loc[tr].mean()).to_numpy(dtype=float)
        return pd.Series(xt @ coef + intercept, index=list(test))

    return score
