"""Perturbations as values, and the parser for the grammar of ``shared/spec/observations.md``.

``GPX4:knockout``, ``NRF2:knockdown`` (aliases resolve to HGNC symbols), ``erastin``, ``erastin@10uM``,
``RSL3@100nM``, ``cystine_deprivation``, ``radiation@6Gy``, ``IFNG@10ng/mL``. Compounds take molar doses;
the dosed conditions (:data:`CONDITION_DOSES`) take their own unit and, given bare, a documented default dose.
Parsing is pure string handling: nothing is evaluated.
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
_DOSE = re.compile(r"^(?P<name>.+?)@(?P<value>[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(?P<unit>[a-zA-Zµ/]*)$")


@dataclass(frozen=True)
class ConditionDose:
    """The dose scale of a dosed condition: canonical unit, accepted spellings, default and largest dose."""

    unit: str  # canonical spelling, used by str(Perturbation)
    spellings: dict[str, float]  # lower-case spelling -> factor to the canonical unit
    default: float  # the dose a bare condition name means (and the reference the model's constants refer to)
    maximum: float  # larger doses are rejected as typos (not a single in-vitro exposure)
    why: str  # where the default comes from


#: Conditions given as a dose. Each default is also the reference dose of the model (parameters
#: ``radiation_ref_Gy`` and ``IFNG_ref_ng_per_mL``), so a bare name gives the former on-state exactly.
CONDITION_DOSES: dict[str, ConditionDose] = {
    "radiation": ConditionDose(
        "Gy",
        {"gy": 1.0, "cgy": 0.01},
        6.0,
        100.0,
        "a single fraction within the 6-8 Gy of in-vitro ionising-radiation ferroptosis experiments "
        "(004:141 Lei 2020 Cell Res; 004:142 Koppula 2022 Nat Commun)",
    ),
    "IFNG": ConditionDose(
        "ng/mL",
        {"ng/ml": 1.0, "ngml": 1.0, "pg/ml": 1e-3, "ug/ml": 1e3, "µg/ml": 1e3},
        10.0,
        1e4,  # 10 ug/mL
        "a saturating in-vitro IFN-gamma concentration, as used to treat tumour cells in the CD8+ T-cell "
        "ferroptosis experiments (002:52 Wang 2019 Nature)",
    ),
}

Kind = Literal["gene", "compound", "condition"]


class PerturbationSyntaxError(ValueError):
    """A perturbation string that does not follow the grammar."""


@dataclass(frozen=True, order=True)
class Perturbation:
    """One perturbation: a gene action, a compound at a dose (uM), or a condition.

    ``dose`` is the dose of a dosed condition in its unit (``CONDITION_DOSES``: Gy for radiation, ng/mL for
    IFNG); None for genes, compounds and on/off conditions.
    """

    kind: Kind
    target: str
    action: str = ""
    dose_uM: float | None = None
    dose: float | None = None

    def __post_init__(self) -> None:
        scale = CONDITION_DOSES.get(self.target) if self.kind == "condition" else None
        if scale is None:
            return
        if self.dose is None:
            object.__setattr__(self, "dose", scale.default)  # a bare dosed condition
        elif not (math.isfinite(self.dose) and 0 <= self.dose <= scale.maximum):
            raise PerturbationSyntaxError(
                f"{self.target}: dose {self.dose:g} {scale.unit} is outside 0 to {scale.maximum:g} {scale.unit}"
            )

    def __str__(self) -> str:
        if self.kind == "gene":
            return f"{self.target}:{self.action}"
        if self.kind == "compound" and self.dose_uM is not None:
            return f"{self.target}@{self.dose_uM:g}uM"
        if self.kind == "condition" and self.dose is not None and self.target in CONDITION_DOSES:
            return f"{self.target}@{self.dose:.12g}{CONDITION_DOSES[self.target].unit}"
        return self.target


@dataclass(frozen=True)
class RawPerturbation:
    """A syntactically valid perturbation whose name has not been resolved yet."""

    name: str
    action: str = ""
    dose_uM: float | None = None  # a molar dose (or a bare number), converted to uM
    value: float | None = None  # the number after @, in ``unit``
    unit: str = ""  # the unit as written ("" when none was given)


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
            raise PerturbationSyntaxError(
                f"'{text}': a dose is a non-negative number and a unit, e.g. erastin@10uM, radiation@6Gy, IFNG@10ng/mL"
            )
        written = m.group("unit")
        unit = written.lower()
        value = m.group("value")
        if len(value) > MAX_DOSE_DIGITS:
            raise PerturbationSyntaxError(f"'{text[:60]}...': dose has more than {MAX_DOSE_DIGITS} characters")
        name = m.group("name").strip()
        if unit in _CONDITION_UNITS:
            return RawPerturbation(name, "", None, float(value), written)
        if unit not in UNITS and unit:
            raise PerturbationSyntaxError(f"'{text}': unknown dose unit '{written}' (use {_ALL_UNITS})")
        dose = check_dose(float(value) * UNITS[unit or "um"], text)
        return RawPerturbation(name, "", dose, float(value), written)
    return RawPerturbation(text)


_CONDITION_UNITS = {u for c in CONDITION_DOSES.values() for u in c.spellings}
_ALL_UNITS = "nM, uM or mM for compounds; " + "; ".join(f"{c.unit} for {name}" for name, c in CONDITION_DOSES.items())


def condition_dose(text: str, condition: str, raw: RawPerturbation) -> float:
    """The dose of ``condition`` (canonical unit) written in ``raw``, or its default when none was given.

    A unit of another condition or a molar unit is an error naming the accepted unit; so is a number without a
    unit, a non-finite or negative dose and one above the condition's maximum.
    """
    scale = CONDITION_DOSES[condition]
    if raw.value is None:
        return scale.default
    example = f"{condition}@{scale.default:g}{scale.unit}"
    unit = raw.unit.lower()
    if unit not in scale.spellings:
        given = f", not '{raw.unit}'" if raw.unit else "; write the unit"
        raise PerturbationSyntaxError(f"'{text}': {condition} takes a dose in {scale.unit}{given} (e.g. {example})")
    dose = raw.value * scale.spellings[unit]
    if not math.isfinite(dose) or not 0 <= dose <= scale.maximum:
        raise PerturbationSyntaxError(
            f"'{text}': {condition} dose {dose:g} {scale.unit} is outside the accepted range 0 to "
            f"{scale.maximum:g} {scale.unit}"
        )
    return dose


def parse_perturbation(text: str, model: object | None = None) -> Perturbation:
    """Parse and resolve ``text`` against ``model`` (the default model when None)."""
    from ferronet.model.network import load_model

    m = model if model is not None else load_model()
    return m.resolve(text)  # type: ignore[attr-defined]
