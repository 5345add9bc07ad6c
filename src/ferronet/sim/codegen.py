"""Compile a :class:`~ferronet.model.network.Model` into vectorised NumPy functions.

The source is generated from whitelisted expression trees of the packaged model (see
:mod:`ferronet.model.expressions`), never from user text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ferronet.model.network import Model


def rate_laws(xp: Any) -> dict[str, Any]:
    """The model's saturation functions for the array module ``xp`` (NumPy here, ``jax.numpy`` in the JAX engine):
    ``hill(x, K, n) = x^n / (K^n + x^n)``, ``hill2`` (the same with n = 2, without pow()) and Michaelis-Menten
    ``mm(x, K) = x / (K + x)``, all for x >= 0."""

    def hill(x: Any, k: Any, n: Any) -> Any:
        x = xp.maximum(x, 0.0)
        xn = x**n
        return xn / (k**n + xn)

    def hill2(x: Any, k: Any) -> Any:
        x = xp.maximum(x, 0.0)
        xx = x * x
        return xx / (k * k + xx)

    def mm(x: Any, k: Any) -> Any:
        x = xp.maximum(x, 0.0)
        return x / (k + x)

    return {"hill": hill, "hill2": hill2, "mm": mm}


_NUMPY_LAWS = rate_laws(np)
hill, hill2, mm = _NUMPY_LAWS["hill"], _NUMPY_LAWS["hill2"], _NUMPY_LAWS["mm"]


@dataclass
class CompiledModel:
    """Generated functions: ``const(c)`` (parameter-only rules), ``rhs(y, c)`` and ``observe(y, c)``."""

    species: list[str]
    const: Callable[[dict[str, Any]], dict[str, Any]]
    rhs: Callable[[np.ndarray, dict[str, Any]], np.ndarray]
    observe: Callable[[np.ndarray, dict[str, Any]], dict[str, Any]]
    source: str
    dynamic_rules: list[Any]
    lane_parameters: list[str]


def compile_model(model: Model) -> CompiledModel:
    species = model.species_ids
    sp = set(species)
    dynamic: set[str] = set()
    for r in model.rules:  # rules are in dependency order
        if r.expr.names & (sp | dynamic):
            dynamic.add(r.id)
    const_rules = [r for r in model.rules if r.id not in dynamic]
    dyn_rules = [r for r in model.rules if r.id in dynamic]
    params = set(model.default_values())

    lines = ["def const(c):"]
    for r in const_rules:
        for n in sorted(r.expr.names & params):
            lines.append(f"    {n} = c['{n}']")
        lines.append(f"    {r.id} = {r.expr.to_python()}")
        lines.append(f"    c['{r.id}'] = {r.id}")
    lines.append("    return c")

    def body(indent: str) -> list[str]:
        out = [f"{indent}{s} = y[{i}]" for i, s in enumerate(species)]
        used: set[str] = set()
        for r in dyn_rules:
            used |= r.expr.names
        for rx in model.reactions:
            used |= rx.rate.names
        out += [f"{indent}{n} = c['{n}']" for n in sorted(used - sp - dynamic)]
        out += [f"{indent}{r.id} = {r.expr.to_python()}" for r in dyn_rules]
        return out

    lines += ["def rhs(y, c):", *body("    ")]
    for rx in model.reactions:
        lines.append(f"    v_{rx.id} = {rx.rate.to_python()}")
    lines.append("    dy = np.zeros_like(y)")
    for i, s in enumerate(species):
        terms = [f"- {f!r} * v_{rx.id}" for rx in model.reactions for t, f in rx.reactants.items() if t == s]
        terms += [f"+ {f!r} * v_{rx.id}" for rx in model.reactions for t, f in rx.products.items() if t == s]
        if terms:
            lines.append(f"    dy[{i}] = 0.0 {' '.join(terms)}")
    lines.append("    return dy")
    lines += ["def observe(y, c):", *body("    "), "    out = dict(c)"]
    lines += [f"    out['{s}'] = {s}" for s in species]
    lines += [f"    out['{r.id}'] = {r.id}" for r in dyn_rules]
    lines.append("    return out")
    source = "\n".join(lines) + "\n"
    namespace: dict[str, Any] = {"np": np, **_NUMPY_LAWS}
    exec(compile(source, f"<ferronet model {model.version}>", "exec"), namespace)
    used: set[str] = set()
    for r in dyn_rules:
        used |= r.expr.names
    for rx in model.reactions:
        used |= rx.rate.names
    lane_params = sorted(used - sp - dynamic)
    return CompiledModel(
        species, namespace["const"], namespace["rhs"], namespace["observe"], source, dyn_rules, lane_params
    )
