"""The default engine: compiled per-lane kernels (numba), many conditions per call.

Each lane (one subpopulation of one condition) is integrated with its own adaptive Dormand-Prince 5(4) step in
compiled code (:mod:`ferronet.sim.kernel`); pre-culture equilibria come from a damped Newton solve of the
right-hand side with integration as the fallback (:class:`ferronet.sim.base.Simulator`). How it got fast:
``docs/engine.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ferronet.model.network import Model, load_model
from ferronet.model.perturbation import Perturbation
from ferronet.sim.base import Simulator, Tolerances, get_simulator, register
from ferronet.sim.conditions import Condition
from ferronet.sim.kernel import Kernel, load_kernel
from ferronet.sim.protocol import Protocol, protocol_for
from ferronet.sim.result import Result

T_PRE = 96.0
T_END = 24.0


@register
class BatchSimulator(Simulator):
    """Compiled Dormand-Prince per lane, Newton equilibria (the default engine)."""

    name = "batch"
    description = "ferronet compiled per-lane Dormand-Prince 5(4) + Newton steady states (numba)"

    def __init__(self, model: Model, tolerances: Tolerances | None = None) -> None:
        super().__init__(model, tolerances)
        c = self.compiled
        self.kernel: Kernel = load_kernel(model, c.dynamic_rules, c.lane_parameters)

    def _matrix(self, values: Sequence[dict[str, float]]) -> np.ndarray:
        return self.kernel.parameter_matrix(self.context(values), len(values))

    def integrate_lanes(
        self, y0: np.ndarray, values: Sequence[dict[str, float]], t_out: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        out, status, _ = self.kernel.integrate(y0, self._matrix(values), t_out, self.tol.rtol, self.tol.atol,
                                               self.tol.h0, self.tol.max_steps)  # fmt: skip
        return out, status

    def steady_lanes(self, y0: np.ndarray, values: Sequence[dict[str, float]]) -> tuple[np.ndarray, np.ndarray]:
        y, status = self.kernel.steady(y0, self._matrix(values), self.solved, self.tol.steady_ftol)
        for s in self.accumulators:
            y[self.model.species_ids.index(s)] = y0[self.model.species_ids.index(s)]
        return y, status


def simulate(
    perturbations: Sequence[str | Perturbation] | Sequence[Sequence[str | Perturbation]] = (),
    cell: str | None = None,
    model: Model | None = None,
    t_end: float | None = None,
    n_points: int = 25,
    protocol: Protocol | None = None,
    engine: str = "batch",
    tolerances: Tolerances | None = None,
) -> Result:
    """Simulate one condition (a list of perturbations) or a batch (a list of such lists).

    The model simulated is ``model`` as the caller holds it (parameters and ``with model:`` perturbations).
    ``protocol`` defaults to 96 h of pre-culture to equilibrium and a 24 h exposure; ``t_end`` sets the exposure
    length and ``n_points`` its sampling for brevity.
    """
    m = model if model is not None else load_model()
    batch: list[Sequence[str | Perturbation]]
    if perturbations and not isinstance(perturbations[0], str | Perturbation):
        batch = list(perturbations)  # type: ignore[arg-type]
    else:
        batch = [perturbations]  # type: ignore[list-item]
    proto = protocol or protocol_for(t_end, n_points=n_points)
    if protocol is not None and t_end is not None:
        proto = Protocol(protocol.pre, protocol.pre_hours, t_end, protocol.washout, protocol.n_points, protocol.times)
    conditions = [Condition.parse(m, p, cell) for p in batch]
    return get_simulator(m, engine, tolerances).run(conditions, proto)
