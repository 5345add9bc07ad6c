"""Cross-validation of the fit by cell line: fit on the training lines, simulate the held-out lines.

A line's out-of-fold score for a compound is the calibrated model's mean simulated viability over the doses at
which that line was measured (the analogue of the CTRPv2 AUC; higher = more resistant). Folds come from
:func:`ferronet.calibrate.folds.line_splits` (disjoint by line). The GSH points, the lethal facts (two named cell
lines, not cohort lines) and lines of other sources than the folds' (the breast panel) are in every training set.
:func:`leave_source_out` holds out one data source at a time (all CTRPv2 curves, or the breast panel).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ferronet.calibrate.fit import DEFAULT_ESTIMATED, FitResult, fit
from ferronet.calibrate.folds import Split, leave_one_source_out, line_splits
from ferronet.calibrate.objective import FitData, line_means, simulate
from ferronet.model.network import Model


@dataclass
class CrossValidation:
    """Out-of-fold predictions (one row per line x compound) and each fold's fit."""

    oof: pd.DataFrame  # fold, line, source, drug, measured_auc, predicted_auc, rmse
    fits: list[FitResult] = field(default_factory=list)

    def spearman(self) -> pd.Series:
        """Pooled out-of-fold Spearman of predicted vs measured AUC per source and compound."""
        return pd.Series(
            {
                key: g["predicted_auc"].corr(g["measured_auc"], method="spearman")
                for key, g in self.oof.groupby(["source", "drug"])
            }
        )

    def median_rmse(self) -> pd.Series:
        return self.oof.groupby(["source", "drug"])["rmse"].median()


def predict_curves(model: Model, fit_data: FitData, fold: int | str = "") -> pd.DataFrame:
    """Simulated vs measured AUC and curve RMSE of every line x compound of ``fit_data`` (one engine pass)."""
    sim = simulate(model, fit_data)
    rows = []
    for c, s in zip(fit_data.curves, sim.curves, strict=True):
        ok = np.isfinite(c.viability)
        measured_auc, predicted_auc = line_means(c.viability, ok), line_means(s, ok)
        for i, line in enumerate(c.lines):
            m = ok[i]
            if not m.any():
                continue
            rows.append(
                {
                    "fold": fold,
                    "line": line,
                    "source": c.source,
                    "drug": c.drug,
                    "measured_auc": float(measured_auc[i]),
                    "predicted_auc": float(predicted_auc[i]),
                    "rmse": float(np.sqrt(np.mean((s[i, m] - c.viability[i, m]) ** 2))),
                }
            )
    return pd.DataFrame(rows)


def subsample(lines: Sequence[str], n: int | None, seed: int) -> list[str]:
    """At most ``n`` of ``lines`` (seeded), to bound the cost of one fit."""
    if n is None or n >= len(lines):
        return list(lines)
    rng = np.random.default_rng(seed)
    return sorted(rng.choice(sorted(lines), size=n, replace=False).tolist())


def cross_validate(
    model: Model,
    fit_data: FitData,
    splits: Sequence[Split] | None = None,
    names: Sequence[str] = DEFAULT_ESTIMATED,
    k: int = 5,
    seed: int = 0,
    fit_lines: int | None = None,
    method: str = "lm",
    max_evals: int = 200,
    progress: bool = True,
) -> CrossValidation:
    """Fit on each training fold (at most ``fit_lines`` lines of it), predict its test lines."""
    if splits is None:
        tissue = fit_data.cells.info["tissue"].to_dict()
        splits = line_splits(fit_data.lines, k=k, seed=seed, strata=tissue)
    frames, fits = [], []
    held = {x for s in splits for x in s.test}
    always = [x for x in fit_data.lines if x not in held]  # lines of other sources (breast panel): always trained on
    for i, split in enumerate(splits):
        train = subsample([x for x in split.train if x in set(fit_data.lines)], fit_lines, seed + i) + always
        result, frame = _fit_and_predict(
            model, fit_data.restrict(train), fit_data.restrict(split.test), i, names, method, seed, max_evals, progress
        )
        frames.append(frame)
        fits.append(result)
    return CrossValidation(pd.concat(frames, ignore_index=True), fits)


def _fit_and_predict(
    model: Model,
    train: FitData,
    test: FitData,
    fold: int | str,
    names: Sequence[str],
    method: str,
    seed: int,
    max_evals: int,
    progress: bool,
) -> tuple[FitResult, pd.DataFrame]:
    """Fit on ``train``, then simulate ``test`` with the fitted parameters (one fold of a cross-validation)."""
    result = fit(model, train, names, method, seed=seed, max_evals=max_evals, progress=progress)
    fitted = model.with_parameters(result.values, f"cross-validation fold {fold}")
    return result, predict_curves(fitted, test, fold=fold)


def leave_source_out(
    model: Model,
    fit_data: FitData,
    names: Sequence[str] = DEFAULT_ESTIMATED,
    seed: int = 0,
    fit_lines: int | None = None,
    method: str = "lm",
    max_evals: int = 200,
    progress: bool = True,
) -> CrossValidation:
    """Leave one data source out: fit without a source's curves (e.g. every CTRPv2 curve), predict them.

    Sources are the curves' ``source`` (CTRPv2, breast panel); the GSH points, lethal facts and literature cases
    stay in every training set (they are named cells, not cohort lines). A source's held-out curves are predicted
    for all of its lines; the training sources' lines are subsampled to ``fit_lines`` per fit."""
    sources = list(dict.fromkeys(c.source for c in fit_data.curves))
    frames, fits = [], []
    for split in leave_one_source_out(sources):
        (held,) = split.test
        train = replace(fit_data, curves=tuple(c for c in fit_data.curves if c.source != held))
        test = replace(fit_data, curves=tuple(c for c in fit_data.curves if c.source == held))
        train = train.restrict(subsample(train.lines, fit_lines, seed))
        result, frame = _fit_and_predict(model, train, test, split.name, names, method, seed, max_evals, progress)
        frames.append(frame)
        fits.append(result)
    return CrossValidation(pd.concat(frames, ignore_index=True), fits)
