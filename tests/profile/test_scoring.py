"""Gene-set scoring kernels against reference computations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from ferronet.profile.genesets import gene_sets
from ferronet.profile.scoring import METHODS, score_sets

RNG = np.random.default_rng(3)
X = RNG.normal(size=(12, 40))
GENES = [f"G{i}" for i in range(40)]
SET = {"s": ["G1", "G5", "G7", "G20", "G33", "NOT_THERE"]}
IDX = [1, 5, 7, 20, 33]


def test_registry():
    assert {"mean", "zscore", "ulm", "ssgsea"} <= set(METHODS)


def test_ulm_matches_linear_regression_t_value():
    scores, missing = score_sets(X, GENES, SET, "ulm")
    assert missing["s"] == ["NOT_THERE"]
    w = np.isin(np.arange(40), IDX).astype(float)
    ref = [stats.linregress(w, row).slope / stats.linregress(w, row).stderr for row in X]
    assert np.allclose(scores["s"], ref)


def test_mean_and_zscore_by_hand():
    z = (X - X.mean(0)) / X.std(0)
    assert np.allclose(score_sets(X, GENES, SET, "mean")[0]["s"], z[:, IDX].mean(1))
    assert np.allclose(score_sets(X, GENES, SET, "zscore")[0]["s"], z[:, IDX].sum(1) / np.sqrt(5))


def _ssgsea_reference(row, idx, alpha=0.25):
    """Barbie 2009 written out as a loop over the ranked list (independent of the vectorised kernel)."""
    order = sorted(range(len(row)), key=lambda i: -row[i])
    n, members = len(row), set(idx)
    total = sum((n - pos) ** alpha for pos, g in enumerate(order) if g in members)
    hit = miss = es = 0.0
    for pos, g in enumerate(order):
        if g in members:
            hit += (n - pos) ** alpha / total
        else:
            miss += 1 / (n - len(members))
        es += hit - miss
    return es


def test_ssgsea_matches_loop_reference():
    scores = score_sets(X, GENES, SET, "ssgsea")[0]["s"]
    assert np.allclose(scores, [_ssgsea_reference(r, IDX) for r in X])


def test_kb_gene_sets():
    sets = gene_sets()
    assert {"drivers", "suppressors", "nrf2_targets", "axis_GPX4_GSH", "axis_FSP1", "axis_iron", "axis_lipid"} <= set(
        sets
    )
    assert {"GCLC", "GCLM", "NQO1", "GPX4"} <= set(sets["nrf2_targets"])
    assert "AIFM2" in sets["axis_FSP1"] and "ACSL4" in sets["axis_lipid"]
    with pytest.raises(KeyError):
        score_sets(X, GENES, SET, "gsva")
