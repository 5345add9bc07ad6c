"""SBML units of the ferronet model: declared unit definitions and the dimension of every expression.

The model's units (``data/model/parameters.yaml``): time in hours; every amount relative to the untreated
default cancer cell (``rel``, dimensionless); compound doses and potencies in uM; the radiation dose in Gy and the
IFN-gamma concentration in ng/mL. A dimension here is a tuple of exponents (hour, micromolar, gray, ng/mL), written
without trailing zeros beyond the first two (``(-1, 0)`` is per hour); relative amounts are dimensionless.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from itertools import zip_longest

from ferronet.errors import FerronetError
from ferronet.model.expressions import Expression

Dim = tuple[int, ...]  # exponents of (hour, micromolar, gray, ng/mL); trailing zeros after the second dropped
DIMENSIONLESS: Dim = (0, 0)


def _canon(dim: Dim) -> Dim:
    """``dim`` without trailing zero exponents beyond the first two (so (0, 0, 0) == (0, 0))."""
    d = list(dim) + [0] * (2 - len(dim))
    while len(d) > 2 and d[-1] == 0:
        d.pop()
    return tuple(d)


def _combine(a: Dim, b: Dim, sign: int) -> Dim:
    return _canon(tuple(x + sign * y for x, y in zip_longest(a, b, fillvalue=0)))


@dataclass(frozen=True)
class UnitDef:
    """An SBML unit definition: id, what it means, the libSBML units (kind, exponent, scale, multiplier)."""

    id: str
    name: str
    dim: Dim
    parts: tuple[tuple[str, int, int, float], ...]
    note: str = ""


UNITS: dict[str, UnitDef] = {
    u.id: u
    for u in (
        UnitDef("hour", "hour", (1, 0), (("second", 1, 0, 3600.0),), "model time unit"),
        UnitDef("per_hour", "per hour", (-1, 0), (("second", -1, 0, 3600.0),), "first-order rate constants"),
        UnitDef(
            "relative_amount",
            "relative amount",
            (0, 0),
            (("dimensionless", 1, 0, 1.0),),
            "amount or level relative to the untreated default cancer cell (= 1); dimensionless",
        ),
        UnitDef(
            "relative_amount_per_hour",
            "relative amount per hour",
            (-1, 0),
            (("second", -1, 0, 3600.0),),
            "zero-order rates: relative amount (dimensionless) per hour",
        ),
        UnitDef(
            "relative_amount_hour",
            "relative amount times hour",
            (1, 0),
            (("second", 1, 0, 3600.0),),
            "time-integrated relative amount",
        ),
        UnitDef("micromolar", "micromolar", (0, 1), (("mole", 1, -6, 1.0), ("litre", -1, 0, 1.0)), "doses, IC50"),
        UnitDef("dose_gray", "gray (absorbed dose)", (0, 0, 1), (("gray", 1, 0, 1.0),), "absorbed radiation dose"),
        UnitDef(
            "nanogram_per_millilitre",
            "nanogram per millilitre",
            (0, 0, 0, 1),
            (("gram", 1, -6, 1.0), ("litre", -1, 0, 1.0)),
            "cytokine concentration (IFN-gamma); 1 ng/mL = 1e-6 g/L",
        ),
    )
}

#: the unit strings of parameters.yaml (and of generated potencies) -> SBML unit id
PARAMETER_UNITS = {
    "1/h": "per_hour",
    "rel/h": "relative_amount_per_hour",
    "rel": "relative_amount",
    "rel/rel": "dimensionless",
    "dimensionless": "dimensionless",
    "uM": "micromolar",
    "Gy": "dose_gray",
    "ng/mL": "nanogram_per_millilitre",
    "rel*h": "relative_amount_hour",
    "ln(level) per SD": "dimensionless",
    "log2(level) per log2 unit": "dimensionless",
}

#: unit of each non-target compound effect ``eff_<effect>`` (and so of its ``emax_`` potencies), from where the
#: effect enters network.yaml: added to a rate (per hour), to a rate constant, or to a dimensionless factor
EFFECT_UNITS = {
    "DNA_damage": "dimensionless",
    "ROS": "relative_amount",
    "radical_trapping": "dimensionless",
    "cysteine_supply": "relative_amount_per_hour",
    "GSH_conjugation": "per_hour",
    "ferritinophagy": "dimensionless",
    "iron_release": "relative_amount_per_hour",
    "chelation": "per_hour",
    "lipid_oxidation": "dimensionless",
}


def sbml_unit(unit: str, where: str) -> str:
    """The SBML unit id of a model unit string; a clear error for one the exporter does not know."""
    try:
        return PARAMETER_UNITS[unit]
    except KeyError:
        known = ", ".join(sorted(PARAMETER_UNITS))
        raise FerronetError(f"SBML export: {where} has unit '{unit}' with no SBML unit (known: {known})") from None


def dim_of(unit_id: str) -> Dim:
    return DIMENSIONLESS if unit_id == "dimensionless" else UNITS[unit_id].dim


def unit_for(dim: Dim, prefer: str = "") -> str:
    """An SBML unit id of dimension ``dim`` (``prefer`` if it fits)."""
    dim = _canon(dim)
    if prefer and dim_of(prefer) == dim:
        return prefer
    if dim == DIMENSIONLESS:
        return "dimensionless"
    for u in UNITS.values():
        if u.dim == dim:
            return u.id
    names = ("hour", "uM", "Gy", "(ng/mL)")[: len(dim)]
    raise FerronetError(
        "SBML export: no unit of dimension " + " ".join(f"{n}^{e}" for n, e in zip(names, dim, strict=True))
    )


def infer(expr: Expression, dims: dict[str, Dim], where: str) -> Dim:
    """Dimension of ``expr`` given the dimensions of its names; numbers are dimensionless.

    A sum of terms of different dimensions is a model error (reported with ``where``).
    """
    return _infer(expr.tree, dims, where)


def _infer(node: ast.expr, dims: dict[str, Dim], where: str) -> Dim:
    if isinstance(node, ast.Constant):
        return DIMENSIONLESS
    if isinstance(node, ast.Name):
        if node.id not in dims:
            raise FerronetError(f"SBML export: {where}: no unit known for {node.id}")
        return dims[node.id]
    if isinstance(node, ast.UnaryOp):
        return _infer(node.operand, dims, where)
    if isinstance(node, ast.Call):  # hill(x, K, n) and mm(x, K): x / K is dimensionless
        return DIMENSIONLESS
    if isinstance(node, ast.BinOp):
        a, b = _infer(node.left, dims, where), _infer(node.right, dims, where)
        if isinstance(node.op, ast.Add | ast.Sub):
            a, b = _canon(a), _canon(b)
            if a != b:
                raise FerronetError(f"SBML export: {where}: adds terms of different units ({a} and {b})")
            return a
        if isinstance(node.op, ast.Mult):
            return _combine(a, b, +1)
        if isinstance(node.op, ast.Div):
            return _combine(a, b, -1)
        if isinstance(node.op, ast.Pow):
            if isinstance(node.right, ast.Constant) and isinstance(node.right.value, int | float):
                k = float(node.right.value)
                if k.is_integer():
                    return _canon(tuple(x * int(k) for x in a))
            if _canon(a) != DIMENSIONLESS:
                raise FerronetError(f"SBML export: {where}: a non-integer power of a quantity with units")
            return DIMENSIONLESS
    raise FerronetError(f"SBML export: {where}: cannot derive units")  # pragma: no cover
