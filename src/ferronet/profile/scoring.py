"""Per-sample gene-set scores: a registry of small pure kernels (the decoupler pattern).

Each kernel takes a samples x genes matrix (log-scale expression) and a gene set (list of column indices) and
returns one score per sample. Genes of a set missing from the matrix are ignored (with a warning upstream).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

Kernel = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class ScoringMethod:
    name: str
    kernel: Kernel
    description: str
    reference: str


METHODS: dict[str, ScoringMethod] = {}


def register(name: str, description: str, reference: str) -> Callable[[Kernel], Kernel]:
    def wrap(fn: Kernel) -> Kernel:
        METHODS[name] = ScoringMethod(name, fn, description, reference)
        return fn

    return wrap


def _standardise(x: np.ndarray) -> np.ndarray:
    sd = x.std(axis=0, ddof=0)
    return (x - x.mean(axis=0)) / np.where(sd > 0, sd, 1.0)


@register("mean", "mean of the set's genes, each standardised across samples", "e.g. Tirosh 2016 (simplified)")
def mean_z(x: np.ndarray, idx: np.ndarray) -> np.ndarray:
    return _standardise(x)[:, idx].mean(axis=1)


@register("zscore", "sum of standardised expression over sqrt(set size)", "Lee 2008 PLoS Comput Biol")
def stouffer(x: np.ndarray, idx: np.ndarray) -> np.ndarray:
    return _standardise(x)[:, idx].sum(axis=1) / np.sqrt(len(idx))


@register(
    "ulm", "t-value of a univariate linear model of expression on set membership", "decoupler (Badia-i-Mompel 2022)"
)
def ulm(x: np.ndarray, idx: np.ndarray) -> np.ndarray:
    n_genes = x.shape[1]
    w = np.zeros(n_genes)
    w[idx] = 1.0
    wc = w - w.mean()
    out = np.empty(x.shape[0])
    sxx = float(wc @ wc)
    for i, row in enumerate(x):
        yc = row - row.mean()
        beta = float(wc @ yc) / sxx
        resid = yc - beta * wc
        se = np.sqrt(float(resid @ resid) / (n_genes - 2) / sxx)
        out[i] = beta / se if se > 0 else 0.0
    return out


@register("ssgsea", "single-sample GSEA enrichment score (rank-weighted KS walk, alpha 0.25)", "Barbie 2009 Nature")
def ssgsea(x: np.ndarray, idx: np.ndarray, alpha: float = 0.25) -> np.ndarray:
    n = x.shape[1]
    member = np.zeros(n, dtype=bool)
    member[idx] = True
    out = np.empty(x.shape[0])
    for i, row in enumerate(x):
        order = np.argsort(-row, kind="stable")
        ranks = np.empty(n)
        ranks[order] = np.arange(n, 0, -1)  # highest expression gets rank n
        hit_w = np.where(member[order], ranks[order] ** alpha, 0.0)
        p_hit = np.cumsum(hit_w) / hit_w.sum()
        p_miss = np.cumsum(~member[order]) / (n - member.sum())
        out[i] = float(np.sum(p_hit - p_miss))
    return out


def score_sets(
    x: np.ndarray, genes: Sequence[str], sets: Mapping[str, Sequence[str]], method: str = "mean"
) -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
    """Scores per set, and the genes of each set that were missing."""
    if method not in METHODS:
        raise KeyError(f"unknown scoring method '{method}' (known: {', '.join(METHODS)})")
    pos = {g: i for i, g in enumerate(genes)}
    scores, missing = {}, {}
    for name, members in sets.items():
        idx = np.array([pos[g] for g in members if g in pos], dtype=int)
        missing[name] = [g for g in members if g not in pos]
        scores[name] = METHODS[method].kernel(x, idx) if len(idx) else np.full(x.shape[0], np.nan)
    return scores, missing
