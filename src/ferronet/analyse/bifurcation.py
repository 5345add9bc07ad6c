"""Steady states along one parameter: pseudo-arclength continuation, stability, folds and hysteresis sweeps.

Membrane damage ``D`` only accumulates (no reaction consumes it and no rate reads it), so it has no steady state;
steady states are those of every other species, with ``D`` left out (it does not feed back). The continued
parameter is a gene level (``g_<gene>``, e.g. GPX4), a compound dose (µM) or a global parameter id; every other
parameter is the condition's (cell profile, perturbations, median subpopulation capacity ``cap`` = 1).

- :func:`steady_state`: one condition's steady state and the eigenvalues of its Jacobian.
- :func:`continuation`: the branch through the range by pseudo-arclength continuation (Keller 1977; Allgower &
  Georg 1990, *Numerical Continuation Methods*, Springer) in log-species and log-parameter coordinates, so both
  stable and unstable states are traced and saddle-node folds appear as turning points of the parameter
  (detected by a sign change of its tangent component and refined by a quadratic through the three points); plus
  natural-parameter sweeps up and down the range (Newton from the previous state; where that state has vanished
  the cell is relaxed by integration to the state it reaches), which show the hysteresis a quasi-static
  experiment would see. Stability is the sign of the largest real part of the Jacobian's eigenvalues (the
  Jacobian is a forward difference of the engine's compiled right-hand side).

The model's lipid-peroxidation core (``V_gpx4``, ``k_prop``, ``K_prop``, ``Km_L``, ``k_init``) is built as a
bistable switch that a saddle-node removes when GPX4 capacity falls (docs/parameters.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ferronet.errors import FerronetError, UnknownNameError
from ferronet.model.network import Model, ident
from ferronet.model.perturbation import Perturbation
from ferronet.names import suggest
from ferronet.sim.conditions import Condition

#: relative residual |dy/dt| / (1e-3 + y) accepted as a steady state
FTOL = 1e-9
RELAX_H = 2000.0


@dataclass(frozen=True)
class Swept:
    """The continued parameter: model key, what it is and its unit."""

    key: str
    name: str
    kind: str  # "gene level", "dose" or "parameter"
    unit: str


def swept_parameter(model: Model, name: str) -> Swept:
    """A gene (its level), a compound (its dose in µM) or a global parameter id."""
    if name in model.parameters:
        p = model.parameters[name]
        return Swept(name, name, "parameter", p.unit)
    try:
        kind, target = model.lookup(name)
    except UnknownNameError:
        known = list(model.nodes) + list(model.compounds) + list(model.parameters)
        raise UnknownNameError("gene, compound or parameter", name, suggest(name, known)) from None
    if kind == "gene":
        return Swept(f"g_{ident(target)}", target, "gene level", "relative to the default cell")
    if kind == "compound":
        return Swept(model.compounds[target].param, target, "dose", "uM")
    raise FerronetError(f"'{name}' is a {kind}; continue a gene level, a compound dose or a parameter")


class _System:
    """Right-hand side of the non-accumulating species of one lane, as a function of (log y, parameter)."""

    def __init__(self, model: Model, values: dict[str, float], swept: Swept) -> None:
        from ferronet.sim.base import get_simulator
        from ferronet.sim.engine import BatchSimulator

        sim = get_simulator(model)
        if not isinstance(sim, BatchSimulator):  # pragma: no cover - get_simulator's default
            raise FerronetError("continuation needs the batch engine")
        self.sim, self.model, self.values, self.swept = sim, model, values, swept
        self.idx = np.array([model.species_ids.index(s) for s in sim.solved])
        self.rhs = sim.kernel.module.rhs
        self._p_cache: dict[float, np.ndarray] = {}
        self.y_hold = sim.y_default.copy()

    def lane(self, p: float) -> dict[str, float]:
        return {**self.values, self.swept.key: float(p)}

    def params(self, p: float) -> np.ndarray:
        if p not in self._p_cache:
            if len(self._p_cache) > 256:
                self._p_cache.clear()
            ctx = self.sim._context([self.lane(p)])
            self._p_cache[p] = np.ascontiguousarray(self.sim.kernel.parameter_matrix(ctx, 1)[0])
        return self._p_cache[p]

    def full(self, y_solved: np.ndarray) -> np.ndarray:
        y = self.y_hold.copy()
        y[self.idx] = y_solved
        return y

    def f(self, u: np.ndarray, p: float) -> np.ndarray:
        """d(ln y)/dt of the solved species at y = exp(u)."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # a wild Newton step is rejected
            y = self.full(np.exp(u))
            dy = np.empty_like(y)
            self.rhs(y, self.params(p), dy)
            out: np.ndarray = dy[self.idx] / y[self.idx]
        return out

    def jac_u(self, u: np.ndarray, p: float) -> np.ndarray:
        f0 = self.f(u, p)
        J = np.empty((len(u), len(u)))
        for j in range(len(u)):
            h = 1e-7 * max(1.0, abs(u[j]))
            du = u.copy()
            du[j] += h
            J[:, j] = (self.f(du, p) - f0) / h
        return J

    def eigenvalues(self, u: np.ndarray, p: float) -> np.ndarray:
        return np.linalg.eigvals(self.jac_u(u, p))

    def newton(self, u0: np.ndarray, p: float, maxit: int = 40) -> np.ndarray | None:
        """Damped Newton at fixed p; None when it does not converge."""
        u = u0.copy()
        for _ in range(maxit):
            f0 = self.f(u, p)
            if not np.all(np.isfinite(f0)):
                return None
            if np.max(np.abs(f0)) < FTOL:
                return u
            try:
                du = np.linalg.solve(self.jac_u(u, p), -f0)
            except np.linalg.LinAlgError:
                return None
            lam, n0 = 1.0, float(f0 @ f0)
            while lam > 1e-3:
                f1 = self.f(u + lam * du, p)
                if np.all(np.isfinite(f1)) and float(f1 @ f1) < n0:
                    break
                lam /= 2
            else:
                return None
            u = u + lam * du
        return u if np.max(np.abs(self.f(u, p))) < 1e-7 else None

    def relax(self, u0: np.ndarray, p: float) -> np.ndarray | None:
        """Integrate from exp(u0) for RELAX_H hours, then Newton: the state the cell settles in."""
        y0 = self.full(np.exp(u0))[:, None]
        out, st = self.sim.integrate_lanes(y0, [self.lane(p)], np.array([RELAX_H]))
        if st[0] != 0:
            return None
        y = out[-1][self.idx, 0]
        if np.any(y <= 0):
            return None
        return self.newton(np.log(y), p)


def _values(model: Model, perturbations: Sequence[str | Perturbation], cell: str | None) -> tuple[Condition, dict]:
    cond = Condition.parse(model, list(perturbations), cell)
    return cond, {**cond.genotype(model), **cond.exposure(model), "cap": 1.0}


def _readouts(system: _System, ps: np.ndarray, U: np.ndarray, names: Sequence[str]) -> dict[str, np.ndarray]:
    """Readouts of states exp(U) (n, m): species values, and the named readouts relative to the untreated cell."""
    from ferronet.sim.readouts import READOUT_EXPR
    from ferronet.sim.result import evaluate

    if not len(ps):
        return {n: np.array([]) for n in names}
    Y = np.stack([system.full(np.exp(u)) for u in U], axis=1)
    ctx = system.sim._context([system.lane(p) for p in ps])
    obs = system.sim.compiled.observe(Y, ctx)
    basal = system.sim.basal()
    out = {}
    for n in names:
        expr = READOUT_EXPR.get(n) or system.model.nodes[n].readout
        out[n] = np.broadcast_to(evaluate(expr, obs), (len(ps),)).astype(float) / basal[n]
    return out


def _check_readouts(model: Model, readouts: Sequence[str]) -> list[str]:
    names = [model.resolve_readout(r) for r in readouts]
    if "ferroptosis" in names:
        raise FerronetError(
            "the death fraction accumulates over an exposure and has no steady state; "
            "use lipid_peroxidation, GSH, labile_iron or a node"
        )
    return names


def steady_state(
    perturbations: Sequence[str | Perturbation] = (),
    cell: str | None = None,
    model: Model | None = None,
    readouts: Sequence[str] = ("lipid_peroxidation", "GSH", "labile_iron"),
) -> pd.DataFrame:
    """Steady state of a condition (median subpopulation, ``D`` excluded) reached from the untreated cell.

    Returns a table (quantity, value, kind): each species (absolute model units), the readouts relative to the
    untreated default cell, and the stability (``max_real_eigenvalue`` in 1/h; stable when negative).
    """
    from ferronet.model.network import load_model

    m = model if model is not None else load_model()
    names = _check_readouts(m, readouts)
    cond, values = _values(m, perturbations, cell)
    system = _System(m, values, Swept("cap", "cap", "parameter", ""))  # nothing swept: cap stays at 1
    u0 = np.log(system.y_hold[system.idx])
    u = system.newton(u0, 1.0)
    how = "Newton from the untreated cell"
    if u is None:
        u, how = system.relax(u0, 1.0), f"after {RELAX_H:g} h of culture"
    if u is None:
        raise FerronetError(f"{cond}: no steady state found (Newton and {RELAX_H:g} h of integration failed)")
    ev = system.eigenvalues(u, 1.0)
    rows: list[tuple[str, float, str]] = [
        (s, float(v), "species") for s, v in zip(system.sim.solved, np.exp(u), strict=True)
    ]
    rows += [
        (n, float(v[0]), "readout (relative)") for n, v in _readouts(system, np.array([1.0]), u[None], names).items()
    ]
    rows.append(("max_real_eigenvalue", float(np.max(ev.real)), "stability (1/h)"))
    table = pd.DataFrame(rows, columns=["quantity", "value", "kind"])
    table.attrs.update({"condition": str(cond), "stable": bool(np.max(ev.real) < 0), "found": how})
    return table


@dataclass
class Bifurcation:
    """Continuation result: ``points`` is tidy (branch, step, value, stable, max_real_eigenvalue, readouts...)."""

    swept: Swept
    condition: str
    points: pd.DataFrame
    folds: pd.DataFrame
    readouts: list[str]
    range: tuple[float, float]
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "parameter": self.swept.name,
            "kind": self.swept.kind,
            "unit": self.swept.unit,
            "condition": self.condition,
            "range": list(self.range),
            "folds": self.folds.to_dict(orient="records"),
            "bistable_range": self.bistable_range(),
            "notes": self.notes,
        }

    def bistable_range(self) -> list[float] | None:
        """Parameter interval between the two outermost folds (two stable states coexist inside)."""
        if len(self.folds) < 2:
            return None
        v = sorted(self.folds["value"])
        return [float(v[0]), float(v[-1])]


def continuation(
    parameter: str,
    start: float,
    stop: float,
    perturbations: Sequence[str | Perturbation] = (),
    cell: str | None = None,
    n: int = 60,
    model: Model | None = None,
    readouts: Sequence[str] = ("lipid_peroxidation", "GSH", "labile_iron"),
    max_steps: int = 2000,
) -> Bifurcation:
    """Steady states of ``parameter`` from ``start`` to ``stop`` (both > 0): the arclength branch plus sweeps.

    ``n`` is the number of points of each natural-parameter sweep (log-spaced); the arclength step adapts (at most
    ``max_steps`` steps). Returns a :class:`Bifurcation`; ``points.branch`` is ``continuation``, ``sweep up`` or
    ``sweep down``.
    """
    from ferronet.model.network import load_model

    for what, x in (("start", start), ("stop", stop)):
        if not (math.isfinite(x) and x > 0):
            raise FerronetError(f"--range {what} must be a finite number above 0 (got {x}); the range is log-scaled")
    if start == stop:
        raise FerronetError("--range: start and stop are equal")
    if n < 3:
        raise FerronetError(f"n must be at least 3 (got {n})")
    m = model if model is not None else load_model()
    names = _check_readouts(m, readouts)
    swept = swept_parameter(m, parameter)
    cond, values = _values(m, perturbations, cell)
    if swept.kind == "dose" and any(p.kind == "compound" and m.compounds[p.target].param == swept.key
                                    for p in cond.perturbations):  # fmt: skip
        raise FerronetError(f"{swept.name} is both the continued parameter and a perturbation; drop one")
    system = _System(m, values, swept)
    lo, hi = sorted((start, stop))
    u_start = _start(system, start)
    if u_start is None:
        raise FerronetError(f"no steady state found at {swept.name} = {start:g}")
    notes: list[str] = []
    cont, fold_rows = _arclength(system, u_start, math.log(start), math.log(stop), max_steps, notes)
    frames = [_frame(system, "continuation", cont, names)]
    grid = np.geomspace(lo, hi, n)
    for label, ps in (("sweep up", grid), ("sweep down", grid[::-1])):
        u0 = _start(system, float(ps[0]))
        frames.append(_frame(system, label, _sweep(system, u0, ps), names))
    points = pd.concat(frames, ignore_index=True)
    folds = pd.DataFrame(columns=["type", "value", *names])
    if fold_rows:
        fold_states = np.array([r[1] for r in fold_rows])
        fr = _readouts(system, np.array([r[0] for r in fold_rows]), fold_states, names)
        folds = pd.DataFrame({"value": [r[0] for r in fold_rows], **fr})
        folds.insert(0, "type", "saddle-node (fold)")
    return Bifurcation(swept, str(cond), points, folds, names, (lo, hi), notes)


def _start(system: _System, p: float) -> np.ndarray | None:
    u0 = np.log(system.y_hold[system.idx])
    return system.relax(u0, p)


def _sweep(system: _System, u0: np.ndarray | None, ps: np.ndarray) -> list[tuple[float, np.ndarray]]:
    out: list[tuple[float, np.ndarray]] = []
    u = u0
    for p in ps:
        if u is None:
            break
        nxt = system.newton(u, float(p))
        if nxt is not None and np.max(np.abs(nxt - u)) > 0.5:  # Newton jumped: check the state is the one reached
            nxt = None
        if nxt is None or np.max(system.eigenvalues(nxt, float(p)).real) > 0:
            nxt = system.relax(u, float(p))
        if nxt is None:
            break
        out.append((float(p), nxt))
        u = nxt
    return out


def _arclength(
    system: _System, u0: np.ndarray, s0: float, s1: float, max_steps: int, notes: list[str]
) -> tuple[list[tuple[float, np.ndarray]], list[tuple[float, np.ndarray]]]:
    """Pseudo-arclength continuation in x = (u, ln p) from ln p = s0 towards s1."""
    m = len(u0)
    direction = 1.0 if s1 > s0 else -1.0
    span = abs(s1 - s0)
    h, h_min, h_max = span / 100, span * 1e-6, span / 20

    def G(x: np.ndarray) -> np.ndarray:
        return system.f(x[:m], math.exp(x[m]))

    def jac(x: np.ndarray) -> np.ndarray:
        Ju = system.jac_u(x[:m], math.exp(x[m]))
        dl = 1e-6
        Jl = (G(np.append(x[:m], x[m] + dl)) - G(x)) / dl
        return np.column_stack([Ju, Jl])

    def tangent(x: np.ndarray, prev: np.ndarray) -> np.ndarray:
        A = np.vstack([jac(x), prev])
        t = np.linalg.solve(A, np.append(np.zeros(m), 1.0))
        return t / np.linalg.norm(t)

    x = np.append(u0, s0)
    t = tangent(x, np.append(np.zeros(m), direction))
    branch = [(math.exp(s0), u0)]
    folds: list[tuple[float, np.ndarray]] = []
    for _ in range(max_steps):
        lo, hi = sorted((s0, s1))
        if not (lo - 1e-12 <= x[m] <= hi + 1e-12) and len(branch) > 1:
            break
        ok = False
        while h >= h_min:
            pred = x + h * t
            y = pred.copy()
            for _it in range(12):
                F = np.append(G(y), t @ (y - pred))
                if not np.all(np.isfinite(F)):
                    break
                if np.max(np.abs(F)) < FTOL:
                    ok = True
                    break
                try:
                    y = y - np.linalg.solve(np.vstack([jac(y), t]), F)
                except np.linalg.LinAlgError:
                    break
            if ok and np.linalg.norm(y - x) < 3 * h:
                break
            ok = False
            h /= 2
        if not ok:
            notes.append(f"continuation stopped at {system.swept.name} = {math.exp(x[m]):.4g} (no convergence)")
            break
        t_new = tangent(y, t)
        if t_new @ t < 0:
            t_new = -t_new
        if t_new[m] * t[m] < 0:  # the parameter turned: a fold between x and y
            folds.append(_fold(x, float(t[m]), y, float(t_new[m]), m))
        x, t = y, t_new
        branch.append((math.exp(x[m]), x[:m].copy()))
        h = min(h * 1.5, h_max)
        if not (min(s0, s1) - 1e-12 <= x[m] <= max(s0, s1) + 1e-12):
            break
    else:
        notes.append(f"continuation stopped after {max_steps} steps")
    inside = [(p, u) for p, u in branch if min(s0, s1) - 1e-9 <= math.log(p) <= max(s0, s1) + 1e-9]
    return inside, folds


def _fold(x: np.ndarray, t0: float, y: np.ndarray, t1: float, m: int) -> tuple[float, np.ndarray]:
    """Turning point of ln p between x and y, whose tangents' ln-p components t0 and t1 differ in sign.

    With d(ln p)/ds linear over the step, it vanishes at s* = h t0 / (t0 - t1) and ln p(s*) = ln p(x) + t0 s*/2.
    """
    h = float(np.linalg.norm(y - x))
    s_star = h * t0 / (t0 - t1)
    w = s_star / h if h > 0 else 0.0
    state = (1 - w) * x[:m] + w * y[:m]
    return math.exp(float(x[m] + t0 * s_star / 2)), state


def _frame(system: _System, branch: str, pts: list[tuple[float, np.ndarray]], names: list[str]) -> pd.DataFrame:
    ps = np.array([p for p, _ in pts])
    U = np.array([u for _, u in pts]).reshape(len(pts), len(system.idx))
    eig = np.array([float(np.max(system.eigenvalues(u, p).real)) for p, u in pts])
    data: dict[str, Any] = {
        "branch": branch,
        "step": np.arange(len(pts)),
        "value": ps,
        "stable": eig < 0,
        "max_real_eigenvalue": eig,
    }
    data.update(_readouts(system, ps, U, names))
    for s, col in zip(system.sim.solved, np.exp(U).T, strict=True):
        data[f"species_{s}"] = col
    return pd.DataFrame(data)


__all__ = ["Bifurcation", "Swept", "continuation", "steady_state", "swept_parameter"]
