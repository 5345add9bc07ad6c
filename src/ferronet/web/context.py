"""What the routes share: the knowledge base, the model, the simulation batcher and the heavy-job pool."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from fastapi import Request

from ferronet.errors import FerronetError
from ferronet.kb import load_kb
from ferronet.kb.base import KnowledgeBase
from ferronet.model import load_model
from ferronet.model.network import Model
from ferronet.sim import Condition
from ferronet.web.batcher import SimulationBatcher, SimulationProcess, simulate_batch
from ferronet.web.jobs import HeavyPool


@dataclass
class Context:
    kb: KnowledgeBase
    model: Model
    batcher: SimulationBatcher
    pool: HeavyPool = field(default_factory=HeavyPool)
    simulator: SimulationProcess | None = None

    def __post_init__(self) -> None:
        self.simulated = lru_cache(maxsize=256)(self._simulate)
        self.search = lru_cache(maxsize=4096)(self._search)  # a search costs ~40 ms; queries repeat a lot

    def _search(self, q: str, limit: int) -> tuple[dict[str, str], ...]:
        return tuple(self.kb.search(q, limit=limit))

    @classmethod
    def create(cls, pool: HeavyPool | None = None, in_process: bool = False) -> Context:
        """``in_process``: simulate in this process (no simulation worker), e.g. for small tools."""
        kb, model = load_kb(), load_model()
        simulator = None if in_process else SimulationProcess()
        batcher = SimulationBatcher(simulator or simulate_batch)
        return cls(kb, model, batcher, pool or HeavyPool(), simulator)

    def _simulate(self, cond: Condition, names: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, float]]:
        """Deterministic, so identical requests are answered from the cache; concurrent distinct requests are
        simulated together (micro-batching). Returns the response body and the node activities."""
        conds = [Condition(cond.cell), cond]
        res, idx = self.batcher.run(conds, ["ferroptosis", *self.model.nodes, *names], names)
        activity = {n: float(res.readout(n)[idx[1]]) for n in self.model.nodes}
        activity["ferroptosis"] = 1.0 + float(res.readout("ferroptosis")[idx[1]])
        body = {
            "conditions": [str(c) for c in conds],
            "times_h": res.times.tolist(),
            "timecourses": {n: res.timecourse(n)[:, idx].T.tolist() for n in names},
            "final": {n: res.readout(n)[idx].tolist() for n in names},
            "provenance": res.provenance,
        }
        return body, activity


def get_ctx(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def clean(text: str | None, what: str) -> str | None:
    """A user-given name: surrounding (also Unicode) whitespace removed; control characters refused."""
    if text is None:
        return None
    if any(unicodedata.category(c).startswith("C") for c in text):
        raise FerronetError(f"{what} contains control or invisible characters")
    return text.strip() or None
