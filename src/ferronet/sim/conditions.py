"""A simulated condition: a cell profile plus perturbations (genetic ones set before the exposure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ferronet.model.network import Model, ident
from ferronet.model.perturbation import Perturbation


@dataclass(frozen=True)
class Condition:
    """One arm of an experiment."""

    cell: str = "default"
    perturbations: tuple[Perturbation, ...] = ()
    levels: tuple[tuple[str, float], ...] = ()  # personalised relative gene levels (node id, multiplier)

    @classmethod
    def parse(
        cls, model: Model, perturbations: Sequence[str | Perturbation] = (), cell: str | None = None
    ) -> Condition:
        resolved = tuple(p if isinstance(p, Perturbation) else model.resolve(p) for p in perturbations)
        return cls(model.resolve_cell(cell).id, resolved)

    def genotype(self, model: Model) -> dict[str, float]:
        values = model.genotype_values(model.cells[self.cell], list(self.perturbations))
        for node, level in self.levels:
            key = f"g_{ident(node)}"
            values[key] = values.get(key, 1.0) * level
        return values

    def exposure(self, model: Model) -> dict[str, float]:
        return model.exposure_values(list(self.perturbations))

    def __str__(self) -> str:
        body = " + ".join(str(p) for p in self.perturbations) or "untreated"
        if self.levels:
            body += f" (personalised: {len(self.levels)} gene levels)"
        return f"{self.cell}: {body}"
