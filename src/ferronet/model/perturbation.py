"""Perturbations as values, and the parser for the grammar of ``shared/spec/observations.md``.

``GPX4:knockout``, ``NRF2:knockdown`` (aliases resolve to HGNC symbols), ``erastin``, ``erastin@10uM``,
``RSL3@100nM``, ``cystine_deprivation``. Parsing is pure string handling: nothing is evaluated.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

GENE_ACTIONS: dict[str, float] = {
    # factor on the node's level (reason: typical efficiency of each method)
    "knockout": 0.0,  # complete loss (CRISPR / deletion)
    "knockdown": 0.3,  # siRNA / shRNA leave ~30 % of the protein
    "inhibition": 0.2,  # unspecified pharmacological or genetic inhibition
    "overexpression": 3.0,  # see apply_gene_action: a transgene adds 2x the default level
    "activation": 3.0,  # see apply_gene_action: active form at 3x the default level
    "upregulation": 1.5,  # moderate rise, as in acquired resistance (used to build resistant states)
}


def apply_gene_action(level: float, action: str) -> float:
    """Level of a node after ``action``, given its level in the cell (1 = default cell).

    Losses scale the cell's own level. Gains do not depend on the endogenous allele: overexpression adds a
    transgene worth twice the default level; activation (induced or constitutively active protein) sets
    at least three times the default level, also in cells that lack the gene (e.g. p53 induced in H1299).
    """
    if action == "overexpression":
        return level + 2.0
    if action == "activation":
        return max(level, 1.0) * GENE_ACTIONS["activation"]
    return level * GENE_ACTIONS[action]


UNITS = {"nm": 1e-3, "um": 1.0, "µm": 1.0, "mm": 1e3, "m": 1e6}
MAX_DOSE_UM = 1e6  # 1 M: no drug is soluble (or meaningful in a cell model) beyond this
MAX_DOSE_DIGITS = 40  # longer numbers are typos or attacks, not doses
_DOSE = re.compile(r"^(?P<name>.+?)@(?P<value>[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(?P<unit>[a-zA-Zµ]*)$")

Kind = Literal["gene", "compound", "condition"]


class PerturbationSyntaxError(ValueError):
    """A perturbation string that does not follow the grammar."""


@dataclass(frozen=True, order=True)
class Perturbation:
    """One perturbation: a gene action, a compound at a dose (uM), or a condition."""

    kind: Kind
    target: str
    action: str = ""
    dose_uM: float | None = None

    def __str__(self) -> str:
        if self.kind == "gene":
            return f"{self.target}:{self.action}"
        if self.kind == "compound" and self.dose_uM is not None:
            return f"{self.target}@{self.dose_uM:g}uM"
        return self.target


@dataclass(frozen=True)
class RawPerturbation:
    """A syntactically valid perturbation whose name has not been resolved yet."""

    name: str
    action: str = ""
    dose_uM: float | None = None


def check_dose(dose_uM: float, what: str = "dose") -> float:
    """``dose_uM`` if it is a finite number from 0 to 1 M (1e6 uM); else a clear error stating that range."""
    if not math.isfinite(dose_uM) or not 0 <= dose_uM <= MAX_DOSE_UM:
        raise PerturbationSyntaxError(
            f"'{what}': dose {dose_uM:g} uM is outside the accepted range 0 to 1 M (0 to {MAX_DOSE_UM:g} uM)"
        )
    return dose_uM


def split_perturbation(text: str) -> RawPerturbation:
    """Split ``text`` into name, gene action and dose; raise on malformed text."""
    text = text.strip()
    if not text:
        raise PerturbationSyntaxError("empty perturbation")
    if ":" in text:
        name, _, action = text.partition(":")
        action = action.strip().lower()
        if action not in GENE_ACTIONS:
            raise PerturbationSyntaxError(f"'{text}': unknown action '{action}' (use one of {', '.join(GENE_ACTIONS)})")
        return RawPerturbation(name.strip(), action)
    if "@" in text:
        m = _DOSE.match(text)
        if not m:
            raise PerturbationSyntaxError(f"'{text}': dose must look like name@10uM (units nM, uM, mM)")
        unit = (m.group("unit") or "uM").lower()
        if unit not in UNITS:
            raise PerturbationSyntaxError(f"'{text}': unknown dose unit '{unit}' (use nM, uM or mM)")
        value = m.group("value")
        if len(value) > MAX_DOSE_DIGITS:
            raise PerturbationSyntaxError(f"'{text[:60]}...': dose has more than {MAX_DOSE_DIGITS} characters")
        dose = check_dose(float(value) * UNITS[unit], text)
        return RawPerturbation(m.group("name").strip(), "", dose)
    return RawPerturbation(text)


def parse_perturbation(text: str, model: object | None = None) -> Perturbation:
    """Parse and resolve ``text`` against ``model`` (the default model when None)."""
    from ferronet.model.network import load_model

    m = model if model is not None else load_model()
    return m.resolve(text)  # type: ignore[attr-defined]
