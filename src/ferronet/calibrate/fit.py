"""MAP estimation of global parameters: measured data + log-normal priors, by Levenberg-Marquardt or CMA-ES.

The objective is ``0.5 * sum(r ** 2)`` over the weighted data residuals of :mod:`ferronet.calibrate.objective`
plus one prior residual per estimated parameter, ``(ln x - ln x0) / sigma``, with ``sigma`` from the parameter's
status (:data:`ferronet.calibrate.petab_problem.PRIOR_SIGMA`: measured tight, assumed wide). Parameters are
estimated in log space within their bounds. Methods (a registry, like decoupler's):

- ``lm``: trust-region reflective least squares (``scipy.optimize.least_squares``) with a finite-difference
  Jacobian; the Jacobian at the optimum gives the Fisher information (Laplace approximation) used for intervals,
  identifiability and the ensemble.
- ``cma``: CMA-ES (Hansen's ``cma``) for rugged objectives; the Jacobian is computed once at its optimum.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import least_squares
from tqdm.auto import tqdm

from ferronet.calibrate.objective import FitData, Simulated, TermCache, residuals, simulate
from ferronet.calibrate.petab_problem import PRIOR_SIGMA
from ferronet.errors import FerronetError, UnknownNameError
from ferronet.model.network import Model
from ferronet.names import suggest

#: the globally estimated parameters by default: the mRNA, NRF2-footprint and EMT-footprint gains of the
#: personalisation map (the EMT gain: the mesenchymal state's GPX4 dependency, 000:13 Viswanathan 2017);
#: per-gene gains of the genes the seeds name for GPX4-inhibitor resistance (FSP1/AIFM2 and NQO1: 004,
#: FSP1-CoQ10; SLC7A11: 002/004, system xc- - GSH - GPX4; ACSL4: 004, lipid remodelling; GPX4 mRNA is not in the
#: GDSC table); the cellular potencies on GPX4 of ML210, ML162 and FIN56. Parameters that the lethal facts and the
#: literature cases pin stay at their values: fitted to the curves, the damage -> death map moves to a graded death
#: that kills untreated cells (fit-2026-12-01-87799243), and sigma_cap / RSL3 potency trade erastin and RSL3
#: killing and 3 literature cases for curve shape (fit-2026-12-01-aeb87077); see docs/calibration.md. The
#: population-average effects of TP53, PTEN and KRAS mutations (GDSC calls are any non-silent mutation) are fitted
#: too. The RSL3 potency on GPX4 is not: it is pinned by the lethal fact "RSL3 1 uM kills >= 90 %" (its value
#: comes from fit-2026-12-01-316c1e78); fitted on 200 CTRPv2 lines it traded that fact for the breast-panel RSL3
#: curves (IC50 0.089 -> 0.135 uM, RSL3 1 uM kill 0.877 -> 0.782; fit-2026-12-01-afb7eb86, not adopted). What
#: capped that kill was the capacity distribution, not the potency (``sigma_cap_high``, docs/measurements.md)
DEFAULT_ESTIMATED = (
    "beta_expr",
    "beta_nrf2",
    "beta_emt",
    "gain_AIFM2",
    "gain_NQO1",
    "gain_SLC7A11",
    "gain_ACSL4",
    "mutation_TP53",
    "mutation_PTEN",
    "mutation_KRAS",
    "ic50_ML210_GPX4",
    "ic50_ML162_GPX4",
    "ic50_FIN56_GPX4",
)
#: log-range either side of the nominal value searched when a parameter has no bounds of its own
LOG_RANGE = math.log(30.0)
#: a prior SD for gains of the personalisation map (assumed: within x/÷2 of the shared gain unless data say more)
GAIN_PRIOR_SIGMA = 0.7
#: finite-difference step in log space (the engine integrates at rtol 1e-4; smaller steps see its noise)
DIFF_STEP = 0.03


@dataclass(frozen=True)
class Estimated:
    """One estimated parameter: nominal (prior median), prior SD in ln units, log bounds."""

    name: str
    nominal: float
    prior_sigma: float
    status: str

    @property
    def bounds(self) -> tuple[float, float]:
        c = math.log(self.nominal)
        return c - LOG_RANGE, c + LOG_RANGE


def shipped_priors() -> dict[str, tuple[float, str]]:
    """Priors of parameters the package calibrated: their value and status before the shipped fit
    (``data/model/priors.yaml``, written when a fit is adopted), so a rerun starts where the shipped fit started."""
    from importlib import resources

    import yaml

    path = resources.files("ferronet.data").joinpath("model/priors.yaml")
    if not path.is_file():
        return {}
    doc = yaml.safe_load(path.read_text()) or {}
    return {k: (float(v["value"]), str(v["status"])) for k, v in doc.get("priors", {}).items()}


def estimated_parameters(
    model: Model, names: Sequence[str] = DEFAULT_ESTIMATED, priors: dict[str, tuple[float, str]] | None = None
) -> list[Estimated]:
    """The parameters to estimate with their priors: the value and status before calibration (``priors``, default
    :func:`shipped_priors`), else the model's current value and status; the status decides the prior width."""
    known = shipped_priors() if priors is None else priors
    out = []
    for n in names:
        if n not in model.parameters:
            raise UnknownNameError("parameter", n, suggest(n, list(model.parameters)))
        p = model.parameters[n]
        value, status = known.get(n, (p.value, p.status or "assumed"))
        if not (math.isfinite(value) and value > 0):
            raise FerronetError(f"parameter {n} = {value!r}: only positive parameters can be estimated (log scale)")
        sigma = GAIN_PRIOR_SIGMA if n.startswith("gain_") else PRIOR_SIGMA.get(status, 1.5)
        out.append(Estimated(n, value, sigma, status))
    return out


@dataclass
class FitResult:
    """The MAP estimate and what the optimiser saw."""

    method: str
    parameters: list[Estimated]
    values: dict[str, float]
    cost: float  # 0.5 * sum of squared weighted residuals (data + prior) at the optimum
    data_cost: float
    n_evaluations: int
    seconds: float
    jacobian: np.ndarray  # d residual / d ln x at the optimum (data + prior rows)
    starts: list[dict[str, float]] = field(default_factory=list)  # optimum of each start (cost, values)
    history: list[float] = field(default_factory=list)

    @property
    def log_values(self) -> np.ndarray:
        return np.log([self.values[p.name] for p in self.parameters])

    def covariance(self) -> np.ndarray:
        """Laplace approximation: inverse Fisher information (J^T J) in ln units (pseudo-inverse if singular)."""
        jtj = self.jacobian.T @ self.jacobian
        return np.asarray(np.linalg.pinv(jtj, rcond=1e-10))

    def intervals(self, z: float = 1.96) -> dict[str, tuple[float, float, float]]:
        """name -> (lower, upper, posterior SD / prior SD): SD ratio near 1 = the data say little (not identifiable)."""
        sd = np.sqrt(np.clip(np.diag(self.covariance()), 0.0, None))
        out = {}
        for p, x, s in zip(self.parameters, self.log_values, sd, strict=True):
            out[p.name] = (math.exp(x - z * s), math.exp(x + z * s), float(s / p.prior_sigma))
        return out


class BudgetExhausted(Exception):
    """Raised inside an optimiser when the evaluation budget is used up (the best point so far is kept)."""


class Objective:
    """Residuals of a parameter vector (ln units) for one model and data set; counts evaluations."""

    def __init__(
        self,
        model: Model,
        fit_data: FitData,
        parameters: list[Estimated],
        progress: bool = False,
        scheduler: str | None = None,
    ) -> None:
        self.model, self.data, self.parameters, self.scheduler = model, fit_data, parameters, scheduler
        self.x0 = np.log([p.nominal for p in parameters])
        self.sigma = np.array([p.prior_sigma for p in parameters])
        self.n_evaluations = 0
        self.history: list[float] = []
        self.bar = tqdm(desc="fit", unit="eval", disable=not progress, mininterval=2.0)
        self._last: tuple[bytes, Simulated] | None = None
        self.cache = TermCache()  # terms whose parameters did not move are not re-simulated
        self.budget: int | None = None
        self.best: tuple[float, np.ndarray] | None = None

    def model_at(self, x: np.ndarray, source: str = "fit in progress") -> Model:
        return self.model.with_parameters(
            {p.name: float(math.exp(v)) for p, v in zip(self.parameters, x, strict=True)}, source
        )

    def simulate(self, x: np.ndarray) -> Simulated:
        key = np.asarray(x, dtype=float).tobytes()
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        sim = simulate(self.model_at(x), self.data, scheduler=self.scheduler, cache=self.cache)
        self._last = (key, sim)
        return sim

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if self.budget is not None and self.n_evaluations >= self.budget:
            raise BudgetExhausted
        sim = self.simulate(x)
        r = np.concatenate([residuals(self.data, sim), (np.asarray(x) - self.x0) / self.sigma])
        self.n_evaluations += 1
        cost = 0.5 * float(r @ r)
        self.history.append(cost)
        if self.best is None or cost < self.best[0]:
            self.best = (cost, np.array(x, dtype=float))
        self.bar.update(1)
        self.bar.set_postfix(cost=f"{cost:.1f}", best=f"{min(self.history):.1f}")
        return r

    def data_cost(self, x: np.ndarray) -> float:
        r = residuals(self.data, self.simulate(x))
        return 0.5 * float(r @ r)

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """Forward differences in ln units, step :data:`DIFF_STEP`."""
        r0 = self(x)
        cols = []
        for j in range(len(x)):
            xj = np.array(x, dtype=float)
            xj[j] += DIFF_STEP
            cols.append((self(xj) - r0) / DIFF_STEP)
        return np.stack(cols, axis=1)


Method = Callable[[Objective, np.ndarray, int, int], np.ndarray]


def _lm(obj: Objective, start: np.ndarray, max_evals: int, seed: int) -> np.ndarray:
    lo = np.array([p.bounds[0] for p in obj.parameters])
    hi = np.array([p.bounds[1] for p in obj.parameters])
    res = least_squares(
        obj, np.clip(start, lo + 1e-9, hi - 1e-9), bounds=(lo, hi), method="trf", diff_step=DIFF_STEP,
        x_scale=1.0, max_nfev=max_evals, xtol=1e-3, ftol=1e-4,
    )  # fmt: skip
    return np.asarray(res.x)


def _cma(obj: Objective, start: np.ndarray, max_evals: int, seed: int) -> np.ndarray:
    import cma

    lo = [p.bounds[0] for p in obj.parameters]
    hi = [p.bounds[1] for p in obj.parameters]
    es = cma.CMAEvolutionStrategy(
        list(start), 0.3, {"bounds": [lo, hi], "seed": seed + 1, "maxfevals": max_evals, "verbose": -9}
    )
    while not es.stop():
        xs = es.ask()
        es.tell(xs, [0.5 * float(r @ r) for r in (obj(np.asarray(x)) for x in xs)])
    return np.asarray(es.result.xbest)


METHODS: dict[str, Method] = {"lm": _lm, "cma": _cma}


def fit(
    model: Model,
    fit_data: FitData,
    names: Sequence[str] = DEFAULT_ESTIMATED,
    method: str = "lm",
    starts: int = 1,
    seed: int = 0,
    max_evals: int = 200,
    progress: bool = True,
    scheduler: str | None = None,
) -> FitResult:
    """MAP estimate of ``names`` on ``fit_data``; ``starts`` > 1 adds starts drawn from the prior (seeded)."""
    if method not in METHODS:
        raise FerronetError(f"unknown fit method '{method}'; known: {', '.join(METHODS)}")
    if starts < 1 or max_evals < 2:
        raise FerronetError("starts must be >= 1 and max_evals >= 2")
    params = estimated_parameters(model, names)
    obj = Objective(model, fit_data, params, progress, scheduler)
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    best: tuple[float, np.ndarray] | None = None
    summary = []
    for k in range(starts):
        start = obj.x0 if k == 0 else obj.x0 + rng.normal(0.0, 1.0, len(params)) * np.minimum(obj.sigma, 1.0)
        obj.budget, obj.best = obj.n_evaluations + max_evals, None
        try:
            x = METHODS[method](obj, start, max_evals, seed + k)
        except BudgetExhausted:
            assert obj.best is not None
            x = obj.best[1]
        obj.budget = None
        r = obj(x)
        cost = 0.5 * float(r @ r)
        summary.append(
            {"start": float(k), "cost": cost, **{p.name: math.exp(v) for p, v in zip(params, x, strict=True)}}
        )
        if best is None or cost < best[0]:
            best = (cost, x)
    assert best is not None
    x = best[1]
    jac = obj.jacobian(x)
    obj.bar.close()
    return FitResult(
        method=method,
        parameters=params,
        values={p.name: float(math.exp(v)) for p, v in zip(params, x, strict=True)},
        cost=best[0],
        data_cost=obj.data_cost(x),
        n_evaluations=obj.n_evaluations,
        seconds=time.perf_counter() - t0,
        jacobian=jac,
        starts=summary,
        history=list(obj.history),
    )


def ensemble(result: FitResult, n: int = 20, seed: int = 0) -> list[dict[str, float]]:
    """``n`` parameter sets drawn from the Laplace approximation (multivariate normal in ln units, within bounds)."""
    rng = np.random.default_rng(seed)
    cov = result.covariance()
    draws = rng.multivariate_normal(result.log_values, cov, size=n, method="eigh")
    lo = np.array([p.bounds[0] for p in result.parameters])
    hi = np.array([p.bounds[1] for p in result.parameters])
    draws = np.clip(draws, lo, hi)
    return [{p.name: float(math.exp(v)) for p, v in zip(result.parameters, row, strict=True)} for row in draws]
