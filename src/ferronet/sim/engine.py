"""The default engine: batched, vectorised simulation of many conditions at once.

Protocol for every condition (the same in every engine, see :mod:`ferronet.sim.roadrunner_engine`):
1. the cell's genotype (profile + genetic perturbations) is equilibrated for ``t_pre`` hours from the
   untreated default state (genotypes shared by several conditions are equilibrated once);
2. compounds and conditions are applied at t = 0, damage ``D`` is reset, and the cell is followed for
   ``t_end`` hours (24 h by default).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from types import CodeType
from typing import Any, ClassVar

import numpy as np

from ferronet.model.expressions import parse_expression
from ferronet.model.network import Model, load_model
from ferronet.model.perturbation import Perturbation
from ferronet.sim.codegen import CompiledModel, compile_model, hill, hill2, mm
from ferronet.sim.conditions import Condition
from ferronet.sim.integrate import Tolerances, integrate
from ferronet.sim.population import capacities, dead_fraction
from ferronet.sim.readouts import READOUT_EXPR, death_fraction

T_PRE = 96.0
T_END = 24.0


@dataclass
class Result:
    """Trajectories and readouts of a batch of conditions, with provenance."""

    model: Model
    compiled: CompiledModel
    conditions: list[Condition]
    times: np.ndarray
    states: np.ndarray  # (n_times, n_species, n_conditions)
    contexts: dict[str, Any]  # parameters per condition (exposure phase)
    ok: np.ndarray  # per condition
    n_sub: int = 1
    provenance: dict[str, Any] = field(default_factory=dict)

    def _observed(self, k: int) -> dict[str, Any]:
        return self.compiled.observe(self.states[k], self.contexts)

    @cached_property
    def final(self) -> dict[str, Any]:
        return self._observed(len(self.times) - 1)

    def lanes(self, name: str, observed: dict[str, Any] | None = None) -> np.ndarray:
        """A readout per simulated subpopulation (absolute model units; death as a fraction)."""
        obs = self.final if observed is None else observed
        n_lanes = len(self.conditions) * self.n_sub
        if name == "ferroptosis":
            p = self.model.parameters
            return death_fraction(obs["D"], p["theta_death"].value, p["sigma_death"].value)
        expr = READOUT_EXPR.get(name) or self.model.nodes[name].readout
        return np.broadcast_to(_evaluate(expr, obs), (n_lanes,)).astype(float)

    def value(self, name: str, observed: dict[str, Any] | None = None) -> np.ndarray:
        """A readout averaged over the population, relative to the untreated default cell (death: fraction)."""
        if name == "ferroptosis":
            obs = self.final if observed is None else observed
            p = self.model.parameters
            damage = np.broadcast_to(obs["D"], (len(self.conditions) * self.n_sub,)).reshape(-1, self.n_sub)
            frac = dead_fraction(damage, p["theta_death"].value, p["sigma_death"].value)
            return np.where(self.ok, frac, np.nan)
        per_lane = self.lanes(name, observed).reshape(len(self.conditions), self.n_sub).mean(axis=1)
        if name != "ferroptosis":
            per_lane = per_lane / BatchEngine.for_model(self.model).basal_value(name)
        return np.where(self.ok, per_lane, np.nan)

    def readout(self, name: str) -> np.ndarray:
        """Readout at the end of the exposure, one value per condition (NaN where the simulation failed)."""
        return self.value(self.model.resolve_readout(name))

    def timecourse(self, name: str) -> np.ndarray:
        """Readout over time: (n_times, n_conditions)."""
        rid = self.model.resolve_readout(name)
        return np.stack([self.value(rid, self._observed(k)) for k in range(len(self.times))])


@lru_cache(maxsize=512)
def _compiled(expr: str) -> tuple[CodeType, frozenset[str]]:
    e = parse_expression(expr)
    return compile(e.to_python(), "<readout>", "eval"), e.names


def _evaluate(expr: str, values: dict[str, Any]) -> Any:
    code, names = _compiled(expr)
    # packaged readout expressions, checked against the arithmetic whitelist of ferronet.model.expressions
    return eval(code, {"hill": hill, "hill2": hill2, "mm": mm}, {n: values[n] for n in names})


class BatchEngine:
    """Vectorised Dormand-Prince integration of many conditions at once (the default engine)."""

    _cache: ClassVar[dict[str, BatchEngine]] = {}

    def __init__(self, model: Model, tol: Tolerances | None = None) -> None:
        self.model = model
        self.tol = tol or Tolerances()
        self.compiled = compile_model(model)
        self.defaults = model.default_values()
        self._y_default: np.ndarray | None = None
        self._basal: dict[str, float] = {}
        self._basal_result: Result | None = None
        self.caps = capacities(self.defaults["sigma_cap"])

    @classmethod
    def for_model(cls, model: Model) -> BatchEngine:
        if model.version not in cls._cache:
            cls._cache[model.version] = cls(model)
        return cls._cache[model.version]

    def context(self, values: list[dict[str, float]]) -> dict[str, Any]:
        """Parameter dict for a batch: scalars where all lanes agree, arrays otherwise."""
        n = len(values)
        c: dict[str, Any] = dict(self.defaults)
        keys = {k for v in values for k in v}
        for k in keys:
            arr = np.array([v.get(k, self.defaults[k]) for v in values], dtype=float)
            c[k] = arr if np.ptp(arr) > 0 else float(arr[0])
        c = self.compiled.const(c)
        # make parameter-only rules arrays of length n where they vary, scalars otherwise
        return {k: (np.broadcast_to(v, (n,)).copy() if isinstance(v, np.ndarray) else v) for k, v in c.items()}

    @property
    def y_default(self) -> np.ndarray:
        """Steady state of the untreated default cell (long relaxation from the declared initial values)."""
        if self._y_default is None:
            y0 = np.array([[s.initial] for s in self.model.species])
            c = self.context([{}])
            out, _ = integrate(self.compiled.rhs, y0, c, np.array([500.0]), self.tol)
            self._y_default = out[-1, :, 0]
        return self._y_default

    def basal_value(self, name: str) -> float:
        """Population mean of a readout in the untreated default cell (the reference of relative readouts)."""
        if name not in self._basal:
            if self._basal_result is None:
                self._basal_result = self.run([Condition()], t_end=1.0, n_points=2)
            self._basal[name] = float(self._basal_result.lanes(name).mean())
        return self._basal[name]

    def equilibrate(self, genotypes: list[dict[str, float]], t_pre: float = T_PRE) -> np.ndarray:
        """States after ``t_pre`` hours for each genotype (unique genotypes simulated once)."""
        keys = [tuple(sorted(g.items())) for g in genotypes]
        unique = list(dict.fromkeys(k for k in keys if k and k != (("cap", 1.0),)))
        states = {(): self.y_default, (("cap", 1.0),): self.y_default}
        if unique:
            y0 = np.repeat(self.y_default[:, None], len(unique), axis=1)
            c = self.context([dict(k) for k in unique])
            out, _ = integrate(self.compiled.rhs, y0, c, np.array([t_pre]), self.tol)
            states.update({k: out[-1, :, i] for i, k in enumerate(unique)})
        return np.stack([states[k] for k in keys], axis=1)

    def run(
        self,
        conditions: Sequence[Condition],
        t_end: float = T_END,
        n_points: int = 25,
        progress: Callable[[int], None] | None = None,
    ) -> Result:
        conditions = list(conditions)
        k = len(self.caps)
        genotypes = [{**c.genotype(self.model), "cap": float(cap)} for c in conditions for cap in self.caps]
        exposures = [c.exposure(self.model) for c in conditions for _ in self.caps]
        y0 = self.equilibrate(genotypes)
        y0[self.model.species_ids.index("D")] = 0.0
        ctx = self.context([{**g, **x} for g, x in zip(genotypes, exposures, strict=True)])
        times = np.linspace(0.0, t_end, n_points)
        states, ok_lanes = integrate(self.compiled.rhs, y0, ctx, times, self.tol)
        ok = np.asarray(ok_lanes.reshape(len(conditions), k).all(axis=1))
        if progress:
            progress(len(conditions))
        prov = {
            "engine": "ferronet.BatchEngine (vectorised Dormand-Prince 5(4))",
            "model_version": self.model.version,
            "rtol": self.tol.rtol,
            "atol": self.tol.atol,
            "t_pre_h": T_PRE,
            "t_end_h": t_end,
        }
        return Result(self.model, self.compiled, conditions, times, states, ctx, ok, k, prov)


def simulate(
    perturbations: Sequence[str | Perturbation] | Sequence[Sequence[str | Perturbation]] = (),
    cell: str | None = None,
    model: Model | None = None,
    t_end: float = T_END,
    n_points: int = 25,
) -> Result:
    """Simulate one condition (a list of perturbations) or a batch (a list of such lists)."""
    m = model or load_model()
    batch: list[Sequence[str | Perturbation]]
    if perturbations and not isinstance(perturbations[0], str | Perturbation):
        batch = list(perturbations)  # type: ignore[arg-type]
    else:
        batch = [perturbations]  # type: ignore[list-item]
    conditions = [Condition.parse(m, p, cell) for p in batch]
    return BatchEngine.for_model(m).run(conditions, t_end=t_end, n_points=n_points)
