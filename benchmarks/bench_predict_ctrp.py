"""Validation of `ferronet predict` on real cell-line responses (CTRPv2 ML210 / ML162, GDSC expression,
CCLE proteomics and alterations), next to simple baselines measured on the same lines.

Usage: ``uv run python benchmarks/bench_predict_ctrp.py [--drug ML210] [--limit N]``

Spearman correlations with the measured AUC (mean viability; higher = more resistant). No parameter is fitted
to these data: the mapping from expression to levels uses the model's global ``beta_expr`` and ``beta_prot``.
The tissue baseline is out-of-fold (5-fold: each line is predicted by the mean AUC of its tissue in the other
folds).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from ctrp_data import NRF2_PANEL, load
from ferronet.profile.personalise import predict


def tissue_oof(tissue: pd.Series, y: pd.Series, folds: int = 5, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    fold = pd.Series(rng.integers(0, folds, len(y)), index=y.index)
    out = pd.Series(np.nan, index=y.index)
    for k in range(folds):
        train = fold != k
        means = y[train].groupby(tissue[train]).mean()
        out[~train] = tissue[~train].map(means).fillna(y[train].mean()).to_numpy()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--drug", default="ML210")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    data = load()
    col = f"{args.drug.upper()}_AUC"
    y = data["auc"][col].dropna()
    lines = [k for k in y.index if k in data["expression"].index]
    if args.limit:
        lines = lines[: args.limit]
    y = y[lines]
    expr = data["expression"].loc[lines]
    muts = data["mutations"].reindex(lines)
    prot = data["proteins"].reindex(lines)
    print(
        f"{args.drug}: {len(lines)} cell lines with AUC and expression "
        f"({muts.notna().all(axis=1).sum()} with alterations, {prot.notna().any(axis=1).sum()} with proteomics)"
    )
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pred = predict(args.drug, expr, muts.fillna(0), prot, progress=False).set_index("sample")
    dt = time.perf_counter() - t0
    res = {"ferronet score": spearmanr(pred.loc[lines, "score"], y).statistic}
    for g in ("NQO1", "AIFM2"):
        if g in expr.columns:
            res[f"{g} mRNA"] = spearmanr(expr[g], y).statistic
    panel = [g for g in NRF2_PANEL if g in expr.columns]
    z = (expr[panel] - expr[panel].mean()) / expr[panel].std()
    res["NRF2-target score (mean z)"] = spearmanr(z.mean(axis=1), y).statistic
    tissue = data["tissue"].reindex(lines).fillna("unknown")
    res["tissue of origin (out-of-fold)"] = spearmanr(tissue_oof(tissue, y), y).statistic
    print(f"prediction wall time: {dt:.1f} s ({len(lines) / dt:.1f} samples/s, with axis explanations)")
    for k, v in res.items():
        print(f"  Spearman {k:32s} {v:+.3f}")
    axes = [c for c in pred.columns if c.startswith("axis_")]
    print(
        "  Spearman of each axis column with AUC: "
        + ", ".join(f"{c[5:]} {spearmanr(pred.loc[lines, c], y).statistic:+.2f}" for c in axes)
    )


if __name__ == "__main__":
    main()
