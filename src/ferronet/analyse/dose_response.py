"""Dose-response curves with EC50, Emax and AUC from a 4-parameter log-logistic fit (CTRP conventions).

The viability ``v = 1 - fraction dead by ferroptosis`` (end of the exposure) is fitted, by least squares over the
positive doses, with the 4-parameter log-logistic (Hill) curve that CTRPv2 / DepMap use
(``../shared/data/external/ctrpv2_ferroptosis_depmap/SOURCE.md``; Seashore-Ludlow et al. 2015, Cancer Discov,
PMID 26181016):

    v(d) = lower + (upper - lower) / (1 + (d / EC50) ** hill)      (hill > 0; CTRP's slope = -hill)

- ``ec50_uM``: the fitted (relative) EC50, half-way between the asymptotes; ``abs_ic50_uM``: the dose at which
  the fitted viability is 0.5 (NaN if it never is).
- ``emax``: the fitted maximal effect ``1 - lower`` (fraction killed at a saturating dose); ``max_death``: the
  largest simulated fraction dead.
- ``auc``: the mean fitted viability over 256 log-spaced doses between the lowest and the highest positive dose,
  i.e. the area under the viability curve over log dose divided by the log-dose range (0 to 1, lower = more
  sensitive). This is the normalisation of DepMap's ``auc_fraction`` and of the ``<COMPOUND>_AUC`` columns of
  ``ctrpv2_ferroptosis_auc_wide.csv``; CTRPv2's own published AUC is not divided by the range.

A curve that kills less than ``MIN_RESPONSE`` is not fitted (status ``no response``): EC50 NaN, AUC from the
simulated points (trapezoids over log dose).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ferronet.errors import FerronetError
from ferronet.model.network import Model

MIN_RESPONSE = 0.02
AUC_POINTS = 256


def log_logistic(d: np.ndarray, lower: float, upper: float, ec50: float, hill: float) -> np.ndarray:
    """4-parameter log-logistic viability at doses ``d`` (> 0)."""
    with np.errstate(over="ignore", divide="ignore"):
        return np.asarray(lower + (upper - lower) / (1.0 + (np.asarray(d, float) / ec50) ** hill))


def fit_curve(doses: Sequence[float], viability: Sequence[float]) -> dict[str, float | str]:
    """Fit :func:`log_logistic` to (dose, viability); the summary fields of the module docstring."""
    from scipy.optimize import curve_fit

    d = np.asarray(doses, float)
    v = np.asarray(viability, float)
    keep = (d > 0) & np.isfinite(v)
    d, v = d[keep], v[keep]
    nan = float("nan")
    if len(d) < 4 or len(np.unique(d)) < 4:
        empty = dict.fromkeys(
            ["ec50_uM", "abs_ic50_uM", "hill", "emax", "lower", "upper", "max_death", "auc", "r2"], nan
        )
        return {"status": "too few doses (need 4 positive doses)", **empty}
    order = np.argsort(d)
    d, v = d[order], v[order]
    lo, hi = float(d[0]), float(d[-1])
    out: dict[str, float | str] = {"max_death": float(1 - v.min())}
    if float(v.max() - v.min()) < MIN_RESPONSE:
        x = np.log10(d)
        auc = float(np.trapezoid(v, x) / (x[-1] - x[0]))
        out.update({"status": f"no response (viability varies by < {MIN_RESPONSE:g})", "ec50_uM": nan,
                    "abs_ic50_uM": nan, "hill": nan, "emax": float(1 - v.min()), "lower": nan,
                    "upper": nan, "auc": auc, "r2": nan})  # fmt: skip
        return out
    # start: EC50 at the dose nearest half-way, slope 1.5
    mid = 0.5 * (v.max() + v.min())
    ec0 = float(d[np.argmin(np.abs(v - mid))])

    def model(logd: np.ndarray, lower: float, upper: float, log_ec50: float, hill: float) -> np.ndarray:
        return log_logistic(np.exp(logd), lower, upper, math.exp(log_ec50), hill)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            popt, _ = curve_fit(
                model,
                np.log(d),
                v,
                p0=[float(v.min()), float(v.max()), math.log(ec0), 1.5],
                bounds=([-0.05, 0.0, math.log(lo) - 7.0, 0.05], [1.05, 1.2, math.log(hi) + 7.0, 20.0]),
                maxfev=20000,
            )
    except (RuntimeError, ValueError) as exc:
        out.update({"status": f"fit failed ({exc})", "ec50_uM": nan, "abs_ic50_uM": nan, "hill": nan,
                    "emax": nan, "lower": nan, "upper": nan, "auc": nan, "r2": nan})  # fmt: skip
        return out
    lower, upper, log_ec50, hill = (float(x) for x in popt)
    ec50 = math.exp(log_ec50)
    fitted = model(np.log(d), *popt)
    ss_res = float(np.sum((v - fitted) ** 2))
    ss_tot = float(np.sum((v - v.mean()) ** 2))
    grid = np.geomspace(lo, hi, AUC_POINTS)
    abs_ic50 = nan
    if lower < 0.5 < upper:
        abs_ic50 = ec50 * ((upper - lower) / (0.5 - lower) - 1.0) ** (1.0 / hill)
    out.update(
        {
            "status": "ok",
            "ec50_uM": ec50,
            "abs_ic50_uM": abs_ic50,
            "hill": hill,
            "emax": 1.0 - lower,
            "lower": lower,
            "upper": upper,
            "auc": float(np.mean(log_logistic(grid, lower, upper, ec50, hill))),
            "r2": 1.0 - ss_res / ss_tot if ss_tot > 0 else nan,
        }
    )
    return out


@dataclass
class DoseResponse:
    """``table``: arm, dose_uM, ferroptosis, viability, status; ``summary``: one row per arm (see module doc)."""

    drug: str
    cell: str
    table: pd.DataFrame
    summary: pd.DataFrame

    def curves(self) -> dict[str, np.ndarray]:
        """Fraction dead per arm, aligned with :attr:`doses`."""
        return {a: g["ferroptosis"].to_numpy() for a, g in self.table.groupby("arm", sort=False)}

    @property
    def doses(self) -> np.ndarray:
        first = self.table["arm"].iloc[0]
        return np.asarray(self.table.loc[self.table["arm"] == first, "dose_uM"].to_numpy())


def default_doses(model: Model, drug: str, n: int = 12) -> np.ndarray:
    """``n`` log-spaced doses from 1/100 to ~30x the compound's reference dose."""
    return np.asarray(model.compounds[drug].default_uM * np.logspace(-2, 1.5, n))


def dose_response(
    drug: str,
    doses: Sequence[float] | None = None,
    extra: Sequence[str] = (),
    cell: str | None = None,
    model: Model | None = None,
    hours: float | None = None,
) -> DoseResponse:
    """Simulate ``drug`` across ``doses`` (uM) alone and, if ``extra`` is given, with those perturbations added."""
    from ferronet.model.network import load_model
    from ferronet.sim import Condition, get_simulator
    from ferronet.sim.protocol import protocol_for

    m = model if model is not None else load_model()
    kind, target = m.lookup(drug)
    if kind != "compound":
        raise FerronetError(f"'{drug}' is a {kind}, not a compound (genes go in --with, e.g. {target}:knockdown)")
    grid = default_doses(m, target) if doses is None else np.asarray(list(doses), float)
    if grid.size == 0 or not np.all(np.isfinite(grid)) or np.any(grid < 0):
        raise FerronetError("doses must be finite numbers >= 0 (uM), at least one")
    arms: dict[str, list[str]] = {"alone": []}
    if extra:
        arms[" + ".join(extra)] = list(extra)
    conds, keys, doses_col = [], [], []
    for label, ex in arms.items():
        for d in grid:
            conds.append(Condition.parse(m, [f"{target}@{d:g}uM", *ex], cell))
            keys.append(label)
            doses_col.append(float(d))
    result = get_simulator(m).run(conds, protocol_for(hours) if hours is not None else None)
    death = result.readout("ferroptosis")
    table = pd.DataFrame(
        {"arm": keys, "dose_uM": doses_col, "ferroptosis": death, "viability": 1.0 - death, "status": result.status}
    )
    rows = []
    for label in arms:
        part = table[table["arm"] == label]
        rows.append({"arm": label, **fit_curve(part["dose_uM"], part["viability"])})
    summary = pd.DataFrame(rows)
    cols = ["arm", "ec50_uM", "abs_ic50_uM", "emax", "max_death", "auc", "hill", "lower", "upper", "r2", "status"]
    return DoseResponse(target, m.resolve_cell(cell).id, table, summary[cols])
