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
    pre: tuple[Perturbation, ...] = ()  # compounds / conditions of the pre-culture only (withdrawn at t = 0)

    @classmethod
    def parse(
        cls,
        model: Model,
        perturbations: Sequence[str | Perturbation] = (),
        cell: str | None = None,
        pre: Sequence[str | Perturbation] = (),
    ) -> Condition:
        """Resolve names against ``model``; the model's own perturbations (``with model:``) are included."""
        resolved = tuple(p if isinstance(p, Perturbation) else model.resolve(p) for p in perturbations)
        pre_resolved = tuple(p if isinstance(p, Perturbation) else model.resolve(p) for p in pre)
        return cls(model.resolve_cell(cell).id, (*model.perturbations, *resolved), (), pre_resolved)

    def genotype_key(self) -> tuple[object, ...]:
        """What :meth:`genotype` depends on (conditions with equal keys share their gene levels)."""
        return (self.cell, self.pre, tuple(p for p in self.perturbations if p.kind == "gene"), self.levels)

    def genotype(self, model: Model) -> dict[str, float]:
        """Gene levels of the cell (profile, genetic perturbations, personalised levels): fixed in every phase."""
        genetic = [p for p in (*self.pre, *self.perturbations) if p.kind == "gene"]
        values = model.genotype_values(model.cells[self.cell], genetic)
        for node, level in self.levels:
            key = f"g_{ident(node)}"
            values[key] = values.get(key, 1.0) * level
        return values

    def pre_culture(self, model: Model) -> dict[str, float]:
        """Doses and conditions present during the pre-culture."""
        return model.exposure_values(list(self.pre))

    def exposure(self, model: Model) -> dict[str, float]:
        return model.exposure_values(list(self.perturbations))

    def with_pre(self, pre: Sequence[Perturbation]) -> Condition:
        return Condition(self.cell, self.perturbations, self.levels, (*self.pre, *pre)) if pre else self

    def label(self) -> str:
        body = " + ".join(str(p) for p in self.perturbations) or "untreated"
        if self.pre:
            body = f"[pre: {' + '.join(str(p) for p in self.pre)}] {body}"
        if self.levels:
            body += f" (personalised: {len(self.levels)} gene levels)"
        return body

    def __str__(self) -> str:
        return f"{self.cell}: {self.label()}"
