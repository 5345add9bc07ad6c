"""Global sensitivity of a readout to model parameters or gene levels (SALib: Morris screening, Sobol indices).

Factors vary log-uniformly: a parameter between ``nominal / span`` and ``nominal * span`` (default x0.5 to x2; no
parameter declares bounds in ``parameters.yaml``), a gene level between 0.25x and 4x of its level in the cell
profile. Every sample is one simulated condition (with the chosen drug and cell) and all samples go to the engine
as one batch (:func:`ferronet.screen.runner.run_conditions`). Methods follow SALib (Herman & Usher 2017, J Open
Source Softw 2:97; Iwanaga et al. 2022, Socio-Environ Syst Model 4:18155): Morris elementary effects (Morris 1991,
Technometrics 33:161; mu* of Campolongo et al. 2007, Environ Model Softw 22:1509) and Sobol first-order and total
indices with Saltelli sampling (Saltelli et al. 2010, Comput Phys Commun 181:259), both with bootstrap confidence
intervals. Factors are sampled in natural-log units, so Morris effects are per unit of ln(factor).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ferronet.errors import FerronetError, UnknownNameError
from ferronet.model.network import Model
from ferronet.model.perturbation import Perturbation
from ferronet.names import suggest
from ferronet.sim.conditions import Condition

METHODS = ("morris", "sobol")
OVER = ("parameters", "genes")
#: parameters that the engine sets per lane or that only the personalisation map reads: never varied
NOT_VARIED = frozenset(
    {"cap", "sigma_cap", "sigma_cap_high", "beta_expr", "beta_nrf2", "beta_prot", "level_floor", "level_cap"}
)
POTENCY_PREFIXES = ("ic50_", "emax_", "hill_")
GENE_RANGE = (0.25, 4.0)
DEFAULT_N = {"morris": 10, "sobol": 64}
MAX_SAMPLES = 200_000


@dataclass(frozen=True)
class ParameterCondition(Condition):
    """A condition whose lanes also override global parameters (``overrides``: parameter id, value)."""

    overrides: tuple[tuple[str, float], ...] = field(default=())

    def genotype(self, model: Model) -> dict[str, float]:
        return {**super().genotype(model), **dict(self.overrides)}

    def genotype_key(self) -> tuple[object, ...]:
        return (*super().genotype_key(), self.overrides)

    def with_pre(self, pre: Sequence[Perturbation]) -> Condition:
        if not pre:
            return self
        return ParameterCondition(self.cell, self.perturbations, self.levels, (*self.pre, *pre), self.overrides)


def default_factors(model: Model, over: str, perturbations: Sequence[Perturbation] = ()) -> list[str]:
    """Factors varied by default: kinetic parameters plus the potencies of the compounds given; or every gene."""
    if over == "genes":
        return list(model.nodes)
    keys = {m.key for p in perturbations if p.kind == "compound" for m in model.compounds[p.target].mechanisms}
    out = []
    for pid in model.parameters:
        if pid in NOT_VARIED:
            continue
        if pid.startswith(POTENCY_PREFIXES) and pid.split("_", 1)[1] not in keys:
            continue
        out.append(pid)
    return out


def _check_factors(model: Model, over: str, factors: Sequence[str]) -> list[str]:
    out = []
    for f in factors:
        if over == "genes":
            kind, target = model.lookup(f)
            if kind != "gene":
                raise FerronetError(f"'{f}' is a {kind}, not a gene (use --over parameters for parameters)")
            out.append(target)
        elif f in NOT_VARIED:
            raise FerronetError(f"parameter '{f}' cannot be varied (set per lane by the engine or by personalisation)")
        elif f not in model.parameters:
            raise UnknownNameError("parameter", f, suggest(f, list(model.parameters)))
        else:
            out.append(f)
    if len(set(out)) != len(out):
        raise FerronetError("a factor is listed twice")
    if len(out) < 2:
        raise FerronetError("sensitivity analysis needs at least two factors")
    return out


def _bounds(model: Model, over: str, factors: list[str], span: float, cell: str) -> tuple[np.ndarray, np.ndarray]:
    """Nominal values and natural-log bounds (n, 2) of each factor."""
    if over == "genes":
        genes = model.cells[cell].genes
        nominal = np.array([genes.get(g, 1.0) for g in factors])
        lo, hi = GENE_RANGE
    else:
        nominal = np.array([model.parameters[p].value for p in factors])
        lo, hi = 1.0 / span, span
    return nominal, np.log(np.column_stack([nominal * lo, nominal * hi]))


def _conditions(
    model: Model, over: str, factors: list[str], X: np.ndarray, base: Condition, nominal: np.ndarray
) -> list[Condition]:
    values = np.exp(X)
    if over == "genes":  # levels multiply the profile's level: the sampled level divided by the nominal one
        mult = values / nominal[None, :]
        return [Condition(base.cell, base.perturbations, tuple(zip(factors, map(float, row), strict=True)), base.pre)
                for row in mult]  # fmt: skip
    return [
        ParameterCondition(
            base.cell, base.perturbations, (), base.pre, tuple(zip(factors, map(float, row), strict=True))
        )
        for row in values
    ]


def sensitivity(
    readout: str = "ferroptosis",
    method: str = "morris",
    over: str = "parameters",
    perturbations: Sequence[str | Perturbation] = (),
    cell: str | None = None,
    n: int | None = None,
    factors: Sequence[str] | None = None,
    span: float = 2.0,
    seed: int = 0,
    model: Model | None = None,
    progress: bool = True,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Morris or Sobol sensitivity of ``readout`` (end of the exposure) to parameters or gene levels.

    Parameters
    ----------
    readout : a readout name (``ferroptosis``, ``lipid_peroxidation``, ``GSH``, ``labile_iron`` or a node)
    method : ``morris`` (``n`` trajectories, 4 levels) or ``sobol`` (``n`` base samples, a power of 2; first-order
        and total indices, no second-order terms)
    over : ``parameters`` (log-uniform x1/span to x span around each value) or ``genes`` (0.25x to 4x)
    perturbations : applied in every sample, e.g. ``["ML210@1uM"]``
    factors : restrict to these parameter ids or genes (default: :func:`default_factors`)

    Returns
    -------
    Tidy DataFrame with columns ``factor, metric, value, conf`` (Morris: ``mu_star`` (conf = 95 % bootstrap
    half-width), ``mu``, ``sigma``; Sobol: ``S1`` and ``ST`` with their 95 % half-widths), sorted by importance.
    ``attrs`` records readout, method, samples, failed samples, seed and the condition.
    """
    from ferronet.model.network import load_model
    from ferronet.screen.runner import run_conditions

    if method not in METHODS:
        raise UnknownNameError("method", method, suggest(method, list(METHODS)))
    if over not in OVER:
        raise UnknownNameError("factor kind", over, suggest(over, list(OVER)))
    if not (math.isfinite(span) and span > 1.0):
        raise FerronetError(f"span must be a finite number above 1 (got {span})")
    m = model if model is not None else load_model()
    rid = m.resolve_readout(readout)
    base = Condition.parse(m, list(perturbations), cell)
    chosen = _check_factors(m, over, factors) if factors else default_factors(m, over, base.perturbations)
    n = DEFAULT_N[method] if n is None else int(n)
    if n < 2:
        raise FerronetError(f"n must be at least 2 (got {n})")
    nominal, bounds = _bounds(m, over, chosen, span, base.cell)
    problem: dict[str, Any] = {"num_vars": len(chosen), "names": chosen, "bounds": bounds.tolist()}
    X = _sample(problem, method, n, seed)
    if len(X) > MAX_SAMPLES:
        raise FerronetError(f"{len(X)} samples requested (limit {MAX_SAMPLES}); lower n or restrict the factors")
    conds = _conditions(m, over, chosen, X, base, nominal)
    values, status = run_conditions(conds, [rid], scheduler=scheduler, progress=progress, desc=f"{method} samples",
                                    model=m)  # fmt: skip
    Y = np.asarray(values[rid], dtype=float)
    bad = ~np.isfinite(Y)
    if bad.all():
        raise FerronetError(f"every sample failed ({status[0]})")
    if bad.any():
        warnings.warn(
            f"{int(bad.sum())} of {len(Y)} samples failed; their readout was set to the median of the others",
            stacklevel=2,
        )
        Y = np.where(bad, np.median(Y[~bad]), Y)
    table = _analyse(problem, method, X, Y, seed)
    table.attrs.update(
        {
            "readout": rid,
            "method": method,
            "over": over,
            "condition": str(base),
            "n": n,
            "samples": len(X),
            "failed": int(bad.sum()),
            "seed": seed,
            "span": span if over == "parameters" else None,
            "readout_mean": float(np.mean(Y)),
            "readout_sd": float(np.std(Y)),
        }
    )
    return table


def _sample(problem: dict[str, Any], method: str, n: int, seed: int) -> np.ndarray:
    if method == "morris":
        from SALib.sample import morris as morris_sample

        return np.asarray(morris_sample.sample(problem, n, num_levels=4, seed=seed))
    if n & (n - 1):
        raise FerronetError(f"Sobol sampling needs n to be a power of 2 (got {n}; e.g. {1 << n.bit_length()})")
    from SALib.sample import sobol as sobol_sample

    return np.asarray(sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed))


def _analyse(problem: dict[str, Any], method: str, X: np.ndarray, Y: np.ndarray, seed: int) -> pd.DataFrame:
    rows: list[tuple[str, str, float, float]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # constant outputs give 0/0 in SALib's normalisation
        if method == "morris":
            from SALib.analyze import morris as morris_analyze

            res = morris_analyze.analyze(problem, X, Y, num_resamples=1000, conf_level=0.95, seed=seed)
            order = np.argsort(-np.nan_to_num(np.asarray(res["mu_star"], float)), kind="stable")
            for i in order:
                name = problem["names"][i]
                rows.append((name, "mu_star", float(res["mu_star"][i]), float(res["mu_star_conf"][i])))
                rows.append((name, "mu", float(res["mu"][i]), float("nan")))
                rows.append((name, "sigma", float(res["sigma"][i]), float("nan")))
        else:
            from SALib.analyze import sobol as sobol_analyze

            res = sobol_analyze.analyze(problem, Y, calc_second_order=False, num_resamples=1000, conf_level=0.95,
                                        seed=seed)  # fmt: skip
            order = np.argsort(-np.nan_to_num(np.asarray(res["ST"], float)), kind="stable")
            for i in order:
                name = problem["names"][i]
                rows.append((name, "S1", float(res["S1"][i]), float(res["S1_conf"][i])))
                rows.append((name, "ST", float(res["ST"][i]), float(res["ST_conf"][i])))
    return pd.DataFrame(rows, columns=["factor", "metric", "value", "conf"])
