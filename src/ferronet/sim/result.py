"""One result type for every engine: states, per-condition status, readouts, a tidy frame and provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from types import CodeType
from typing import TYPE_CHECKING, Any

import numpy as np

from ferronet.model.expressions import parse_expression
from ferronet.model.network import Model
from ferronet.sim.codegen import CompiledModel, hill, hill2, mm
from ferronet.sim.conditions import Condition
from ferronet.sim.population import dead_fraction
from ferronet.sim.protocol import Protocol
from ferronet.sim.readouts import READOUT_EXPR, death_fraction

if TYPE_CHECKING:
    import pandas as pd


@lru_cache(maxsize=512)
def _compiled(expr: str) -> tuple[CodeType, frozenset[str]]:
    e = parse_expression(expr)
    return compile(e.to_python(), "<readout>", "eval"), e.names


def evaluate(expr: str, values: dict[str, Any]) -> Any:
    """Evaluate a packaged readout expression (whitelisted arithmetic, see ferronet.model.expressions)."""
    code, names = _compiled(expr)
    return eval(code, {"hill": hill, "hill2": hill2, "mm": mm}, {n: values[n] for n in names})


@dataclass
class Result:
    """Trajectories of a batch of conditions (each simulated as ``n_sub`` subpopulations) and their readouts.

    ``states`` is (n_times, n_species, n_conditions * n_sub); ``status[i]`` is ``"ok"``, ``"failed: <reason>"`` or
    ``"no stable steady state: ..."`` (then the pre-culture state after ``pre_hours`` of culture is used).
    """

    model: Model
    compiled: CompiledModel
    conditions: list[Condition]
    protocol: Protocol
    times: np.ndarray
    states: np.ndarray
    contexts: dict[str, Any]
    status: list[str]
    n_sub: int
    basal: dict[str, float]
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> np.ndarray:
        """True where the exposure was simulated (possibly from a pre-culture state without a steady state)."""
        return np.array([not s.startswith("failed") for s in self.status], dtype=bool)

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
            p = self.contexts
            return death_fraction(obs["D"], p["theta_death"], p["sigma_death"])
        expr = READOUT_EXPR.get(name) or self.model.nodes[name].readout
        return np.broadcast_to(evaluate(expr, obs), (n_lanes,)).astype(float)

    def value(self, name: str, observed: dict[str, Any] | None = None) -> np.ndarray:
        """A readout averaged over the population, relative to the untreated default cell (death: fraction)."""
        obs = self.final if observed is None else observed
        if name == "ferroptosis":
            n = len(self.conditions)
            damage = np.broadcast_to(obs["D"], (n * self.n_sub,)).reshape(n, self.n_sub)
            per_lane = lambda k: np.broadcast_to(self.contexts[k], (n * self.n_sub,)).reshape(n, self.n_sub)[:, :1]  # noqa: E731
            frac = dead_fraction(damage, per_lane("theta_death"), per_lane("sigma_death"))  # per condition
            return np.where(self.ok, frac, np.nan)
        per_cond = self.lanes(name, obs).reshape(len(self.conditions), self.n_sub).mean(axis=1)
        return np.where(self.ok, per_cond / self.basal[name], np.nan)

    def readout(self, name: str) -> np.ndarray:
        """Readout at the end of the exposure, one value per condition (NaN where the simulation failed)."""
        return self.value(self.model.resolve_readout(name))

    def timecourse(self, name: str) -> np.ndarray:
        """Readout over time: (n_times, n_conditions); the times are ``self.times`` (hours)."""
        rid = self.model.resolve_readout(name)
        return np.stack([self.value(rid, self._observed(k)) for k in range(len(self.times))])

    def to_frame(self, readouts: list[str] | None = None, timecourse: bool = True) -> pd.DataFrame:
        """Tidy table: condition, cell, perturbations, status, time (h), readout, value."""
        import pandas as pd

        names = readouts or ["ferroptosis", "lipid_peroxidation", "GSH", "labile_iron"]
        ks = range(len(self.times)) if timecourse else [len(self.times) - 1]
        rows = []
        for name in names:
            rid = self.model.resolve_readout(name)
            for k in ks:
                vals = self.value(rid, self._observed(k) if k != len(self.times) - 1 else None)
                for i, c in enumerate(self.conditions):
                    rows.append((i, c.cell, c.label(), self.status[i], float(self.times[k]), rid, float(vals[i])))
        cols = ["condition", "cell", "perturbations", "status", "time_h", "readout", "value"]
        return pd.DataFrame(rows, columns=cols)
