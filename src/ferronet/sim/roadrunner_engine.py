"""libRoadRunner on the exported SBML, behind the same :class:`~ferronet.sim.base.Simulator` interface.

One RoadRunner instance is reused; for each lane only the parameters that differ from the model defaults are
set, in one ``setValues`` call. Steady states use RoadRunner's own solver (``steadyState``, NLEQ2) on the
non-accumulating species, with the same integration fallback as every engine. libRoadRunner is a development
dependency (``uv sync`` installs it).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ferronet.io.sbml import to_sbml
from ferronet.model.network import Model
from ferronet.sim.base import Simulator, Tolerances, register
from ferronet.sim.engine import T_END, T_PRE


@register
class RoadRunnerSimulator(Simulator):
    """libRoadRunner (CVODE) on the exported SBML."""

    name = "roadrunner"
    description = "libRoadRunner CVODE on the exported SBML"

    def __init__(self, model: Model, tolerances: Tolerances | None = None) -> None:
        import roadrunner

        super().__init__(model, tolerances)
        self.rr = roadrunner.RoadRunner(to_sbml(model))
        self.rr.integrator.relative_tolerance = self.tol.rtol
        self.rr.integrator.absolute_tolerance = self.tol.atol
        self.rr.integrator.maximum_num_steps = 100_000
        self._ids = [f"[{s}]" for s in model.species_ids]
        self._set: set[str] = set()

    def _apply(self, values: dict[str, float]) -> None:
        """Set this lane's overrides; restore defaults only for the keys the previous lane changed."""
        keys = sorted(self._set | set(values))
        if keys:
            self.rr.setValues(keys, [float(values.get(k, self.defaults[k])) for k in keys])
        self._set = set(values)

    def integrate_lanes(
        self, y0: np.ndarray, values: Sequence[dict[str, float]], t_out: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        out = np.full((len(t_out), y0.shape[0], y0.shape[1]), np.nan)
        status = np.zeros(y0.shape[1], dtype=int)
        times = np.asarray(t_out, float)
        grid = np.unique(np.concatenate([[0.0], times]))
        sel = ["time", *self._ids]
        for j, v in enumerate(values):
            self._apply(v)
            self.rr.setValues(self._ids, [float(x) for x in y0[:, j]])
            try:
                if len(grid) == 2 or np.allclose(np.diff(grid), grid[1] - grid[0]):
                    res = np.asarray(self.rr.simulate(0.0, float(grid[-1]), len(grid), selections=sel))
                else:
                    res = np.asarray(self.rr.simulate(times=list(grid), selections=sel))
            except RuntimeError:
                status[j] = 2
                continue
            for k, t in enumerate(times):
                out[k, :, j] = res[int(np.searchsorted(grid, t)), 1:]
        return out, status

    def steady_lanes(self, y0: np.ndarray, values: Sequence[dict[str, float]]) -> tuple[np.ndarray, np.ndarray]:
        """Equilibria as a libRoadRunner user obtains them: the pre-culture integrated (96 h) from y0.

        (RoadRunner's own ``steadyState`` cannot be used: membrane damage only accumulates.) A lane still
        moving at the end (relative rate above 1e-4 per hour) is reported as having no steady state.
        """
        out, status = self.integrate_lanes(y0, values, np.array([T_PRE]))
        y = out[-1]
        idx = [self.model.species_ids.index(s) for s in self.solved]
        for j, v in enumerate(values):
            if status[j] == 0:
                self._apply(v)
                rates = self._rates(y[:, j])[idx]
                if np.max(np.abs(rates) / (1e-3 + np.abs(y[idx, j]))) > 1e-4:
                    status[j] = 4
        return y, status

    def _rates(self, y: np.ndarray) -> np.ndarray:
        self.rr.setValues(self._ids, [float(x) for x in y])
        return np.asarray(self.rr.getRatesOfChange(), float)


#: earlier name, kept for callers of the first release
RoadRunnerEngine = RoadRunnerSimulator
__all__ = ["T_END", "T_PRE", "RoadRunnerEngine", "RoadRunnerSimulator"]
