"""The mechanism-signed readout: a sample's model inputs read linearly, each weight held to the model's sign.

``ferronet predict --readout signed``, and the default (``auto``) for the drugs it has weights for. The inputs are
the ones :func:`~ferronet.profile.personalise.personalise` builds (the z-score of each personalised gene against
the shipped GDSC reference, and the NRF2-target and EMT footprint scores) plus the measured proteins
(:func:`~ferronet.profile.personalise.protein_inputs`: ``protein:<GENE>`` in CCLE reference SDs, 0 where not
measured). The readout is ``score = intercept + sum_j w_j x_j``, where the *sign* of each weight is the sign of
input j's simulated effect on the drug (:func:`~ferronet.profile.personalise.effect_signs`: the node at 1.5x and
1/1.5x its level in the generic cell) and the *magnitudes* were fitted on CTRPv2 AUCs (ridge with the signs as
bounds, alpha by inner 5-fold CV; :func:`~ferronet.calibrate.evaluate.signed_ridge_fit`). The score is on the
scale of the CTRPv2 AUC (mean fitted viability over the measured doses; higher = more resistant). Fifty bootstrap
refits (lines resampled, same alpha, seeded) give each score an interval.

Why it exists: under the folds of ``benchmarks/bench_predict_ctrp.py`` it ranks held-out lines better than the
simulated score (ML210 0.623 vs 0.541 out-of-fold, ML162 0.600 vs 0.484; ridge on all genes 0.558 / 0.557;
``docs/calibration.md``). It is only available for drugs with shipped weights (fitted on measured responses); for
any other drug, erastin included, the simulated score is the prediction. Mutations are not read by it (the
KEAP1-NRF2 axis acts through the NRF2 footprint it reads).

The weights are in ``data/reference/readouts.yaml``, written by ``scripts/build_readouts.py`` from
``../shared/data/external`` (CTRPv2 AUCs, DepMap CC BY 4.0; GDSC expression; CCLE proteomics, CC BY 4.0): per drug
the signs, weights, intercept, alpha, the lines used and the bootstrap refits. Only the fitted coefficients are
shipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from ferronet.errors import FerronetError

READOUT_FILE = "readouts.yaml"
#: column prefix of a measured protein among a readout's inputs (``protein:AIFM2``)
PROTEIN_INPUT = "protein:"
#: the choices of ``predict(readout=...)``
READOUTS = ("auto", "model", "signed")


@dataclass(frozen=True)
class SignedReadout:
    """One drug's shipped readout: ``score = intercept + sum(weights[j] * x[j])``."""

    drug: str  # compound id
    weights: Mapping[str, float]
    signs: Mapping[str, float]
    intercept: float
    alpha: float
    n_lines: int
    source: str
    meta: Mapping[str, Any] = field(default_factory=dict)
    #: bootstrap refits (rows: intercept, then the weights in ``inputs`` order): the score's interval
    draws: tuple[tuple[float, ...], ...] = ()

    def __post_init__(self) -> None:
        for name, w in self.weights.items():
            s = self.signs.get(name, 0.0)
            if not np.isfinite(w) or w * s < 0 or (s == 0 and w != 0):
                raise FerronetError(f"readout {self.drug}: weight of {name} ({w:g}) breaks its sign ({s:g})")
        signs = np.array([self.signs.get(n, 0.0) for n in self.inputs])
        for k, row in enumerate(self.draws):
            d = np.asarray(row, dtype=float)
            ok = d.shape == (1 + len(signs),) and np.isfinite(d).all()
            if not ok or (d[1:] * signs < 0).any() or ((signs == 0) & (d[1:] != 0)).any():
                raise FerronetError(
                    f"readout {self.drug}: bootstrap draw {k + 1} has the wrong length or breaks a sign"
                )

    @property
    def inputs(self) -> list[str]:
        return list(self.weights)

    @property
    def protein_genes(self) -> list[str]:
        """The genes whose measured protein is an input (``protein:<GENE>``)."""
        return [c.removeprefix(PROTEIN_INPUT) for c in self.inputs if c.startswith(PROTEIN_INPUT)]

    def contributions(self, x: pd.DataFrame) -> pd.DataFrame:
        """``w_j * x_j`` per sample and input; inputs the table lacks count as 0 (the reference median)."""
        cols = self.inputs
        values = x.reindex(columns=cols).astype(float).fillna(0.0)
        return values * pd.Series(self.weights, dtype=float)[cols]

    def interval(
        self, x: pd.DataFrame, percentiles: tuple[float, float] = (5.0, 95.0)
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per sample, the percentiles of the score across the bootstrap refits (NaN without draws): how much the
        weights' uncertainty moves it (not the spread of measured responses around it)."""
        if not self.draws:
            nan = np.full(len(x), np.nan)
            return nan, nan.copy()
        values = x.reindex(columns=self.inputs).astype(float).fillna(0.0).to_numpy()
        d = np.asarray(self.draws, dtype=float)
        scores = d[:, :1] + d[:, 1:] @ values.T  # draws x samples
        lo, hi = np.percentile(scores, percentiles, axis=0)
        return lo, hi

    def to_dict(self) -> dict[str, Any]:
        return {
            "drug": self.drug,
            "intercept": self.intercept,
            "alpha": self.alpha,
            "n_lines": self.n_lines,
            "source": self.source,
            **dict(self.meta),
            "inputs": {n: {"weight": float(self.weights[n]), "sign": float(self.signs[n])} for n in self.inputs},
            "bootstrap": {  # the column order is stored with the draws: a re-ordered inputs mapping still reads
                "columns": ["intercept", *self.inputs],
                "draws": [[round(float(v), 6) for v in row] for row in self.draws],
            },
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SignedReadout:
        known = {"drug", "intercept", "alpha", "n_lines", "source", "inputs", "bootstrap"}
        inputs = d["inputs"]
        boot = d.get("bootstrap") or {}
        columns = list(boot.get("columns", []))
        order = ["intercept", *inputs]
        if boot and sorted(columns) != sorted(order):
            raise FerronetError(f"readout {d['drug']}: bootstrap columns do not match the inputs")
        pick = [columns.index(c) for c in order] if boot else []
        draws = tuple(tuple(float(row[i]) for i in pick) for row in boot.get("draws", []))
        return cls(
            str(d["drug"]),
            {n: float(v["weight"]) for n, v in inputs.items()},
            {n: float(v["sign"]) for n, v in inputs.items()},
            float(d["intercept"]),
            float(d["alpha"]),
            int(d["n_lines"]),
            str(d["source"]),
            {k: v for k, v in d.items() if k not in known},
            draws,
        )


@cache
def shipped_readouts() -> dict[str, SignedReadout]:
    """The packaged readouts by compound id (empty when the file is absent)."""
    import yaml

    path = resources.files("ferronet.data.reference") / READOUT_FILE
    if not path.is_file():
        return {}
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {r.drug: r for r in (SignedReadout.from_dict(d) for d in doc.get("readouts", []))}


def readout_for(drug_id: str) -> SignedReadout:
    """The shipped readout of a compound, or a clear error naming the compounds that have one."""
    found = shipped_readouts().get(drug_id)
    if found is None:
        have = ", ".join(sorted(shipped_readouts())) or "none"
        raise FerronetError(
            f"no signed readout is shipped for {drug_id} (it needs measured responses; available: {have}); "
            "use readout 'model' (the simulated score; 'auto' picks it for such drugs)"
        )
    return found


#: bootstrap refits shipped per readout (``predict``'s ``score_lo``/``score_hi``: the weights' uncertainty)
N_BOOTSTRAP = 50


def fit_readout(
    drug_id: str,
    inputs: pd.DataFrame,
    response: pd.Series,
    signs: pd.Series,
    source: str,
    seed: int = 0,
    n_bootstrap: int = N_BOOTSTRAP,
) -> SignedReadout:
    """Fit a readout on measured responses (rows of ``inputs`` with a finite response), then refit it on
    ``n_bootstrap`` resamples of the lines (same alpha, seeded) for the score's interval (the weights' uncertainty)."""
    from ferronet.calibrate.evaluate import signed_ridge_fit

    cols = [c for c in inputs.columns if c in signs.index]
    lines = [k for k in inputs.index if k in response.index and np.isfinite(response[k])]
    x = inputs.loc[lines, cols].astype(float)
    if x.isna().to_numpy().any():
        raise FerronetError(f"readout {drug_id}: inputs missing for some training lines")
    xa, ya, sa = x.to_numpy(), response[lines].to_numpy(dtype=float), signs[cols].to_numpy()
    coef, intercept, alpha = signed_ridge_fit(xa, ya, sa, seed=seed)
    weights = {c: float(w) if abs(w) > 1e-12 else 0.0 for c, w in zip(cols, coef, strict=True)}
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(n_bootstrap):
        pick = rng.integers(0, len(lines), len(lines))
        c, b, _a = signed_ridge_fit(xa[pick], ya[pick], sa, alphas=[alpha], seed=seed)
        c = np.where(np.abs(c) > 1e-12, c, 0.0) * (sa != 0)
        draws.append((float(b), *(float(v) for v in c)))
    return SignedReadout(
        drug_id, weights, {c: float(signs[c]) for c in cols}, intercept, alpha, len(lines), source, draws=tuple(draws)
    )
