"""libRoadRunner on the exported SBML, with the same two-phase protocol as the default engine.

Used to check the SBML export (trajectories must agree within tolerance) and as the reference engine in the
throughput benchmark. libRoadRunner is a development dependency (``uv sync`` installs it).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ferronet.io.sbml import to_sbml
from ferronet.model.network import Model
from ferronet.sim.conditions import Condition
from ferronet.sim.engine import T_END, T_PRE, BatchEngine


class RoadRunnerEngine:
    """One reused RoadRunner instance; genotype equilibria cached like the default engine's."""

    def __init__(self, model: Model, rtol: float | None = None, atol: float | None = None) -> None:
        import roadrunner

        self.model = model
        y0 = BatchEngine.for_model(model).y_default
        self.initial = dict(zip(model.species_ids, (float(v) for v in y0), strict=True))
        self.rr = roadrunner.RoadRunner(to_sbml(model, self.initial))
        if rtol is not None:  # defaults: libRoadRunner's own (CVODE rtol 1e-6, atol 1e-12)
            self.rr.integrator.relative_tolerance = rtol
        if atol is not None:
            self.rr.integrator.absolute_tolerance = atol
        self.defaults = model.default_values()
        self._pre: dict[tuple[tuple[str, float], ...], np.ndarray] = {}

    def _set_params(self, values: dict[str, float]) -> None:
        for k, v in values.items():
            self.rr.setValue(k, float(v))

    def _set_state(self, y: np.ndarray) -> None:
        for s, v in zip(self.model.species_ids, y, strict=True):
            self.rr.setValue(f"[{s}]", float(v))

    def _equilibrate(self, genotype: dict[str, float]) -> np.ndarray:
        key = tuple(sorted(genotype.items()))
        if key not in self._pre:
            if not key or key == (("cap", 1.0),):
                self._pre[key] = np.array(list(self.initial.values()))
            else:
                self.rr.resetAll()
                self._set_params(self.defaults)
                self._set_params(genotype)
                self._set_state(np.array(list(self.initial.values())))
                out = self.rr.simulate(0.0, T_PRE, 2, selections=["time"] + [f"[{s}]" for s in self.model.species_ids])
                self._pre[key] = np.asarray(out)[-1, 1:]
        return self._pre[key]

    def run(self, conditions: Sequence[Condition], t_end: float = T_END, n_points: int = 25) -> np.ndarray:
        """States (n_points, n_species, n_conditions x n_subpopulations) of the exposure phase."""
        sel = ["time"] + [f"[{s}]" for s in self.model.species_ids]
        caps = BatchEngine.for_model(self.model).caps
        out = np.empty((n_points, len(self.model.species_ids), len(conditions) * len(caps)))
        d_index = self.model.species_ids.index("D")
        lanes = [(cond, float(cap)) for cond in conditions for cap in caps]
        for j, (cond, cap) in enumerate(lanes):
            genotype = {**cond.genotype(self.model), "cap": cap}
            y0 = self._equilibrate(genotype).copy()
            y0[d_index] = 0.0
            self.rr.resetAll()
            self._set_params(self.defaults)
            self._set_params({**genotype, **cond.exposure(self.model)})
            self._set_state(y0)
            res = np.asarray(self.rr.simulate(0.0, t_end, n_points, selections=sel))
            out[:, :, j] = res[:, 1:]
        return out
