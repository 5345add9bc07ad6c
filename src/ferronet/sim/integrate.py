"""A vectorised Dormand-Prince 5(4) integrator: many conditions advance together, each with its own step.

Each condition (lane) keeps its own time and step size; the right-hand side is evaluated for all active lanes
at once, so a batch of conditions costs little more than one. Lanes that finish drop out of the batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

# Dormand & Prince (1980) coefficients.
A = [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
]
E = np.array([71 / 57600, 0.0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40])


@dataclass(frozen=True)
class Tolerances:
    """Solver settings (recorded in every result)."""

    rtol: float = 1e-4
    atol: float = 1e-6
    h0: float = 0.01
    max_steps: int = 200_000


DEFAULT_TOLERANCES = Tolerances()


def _take(c: dict[str, Any], idx: np.ndarray, n: int) -> dict[str, Any]:
    return {k: (v[idx] if isinstance(v, np.ndarray) and v.shape == (n,) else v) for k, v in c.items()}


def integrate(
    rhs: Callable[[np.ndarray, dict[str, Any]], np.ndarray],
    y0: np.ndarray,
    c: dict[str, Any],
    t_out: np.ndarray,
    tol: Tolerances | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Integrate from t = 0; return states at ``t_out`` (n_out, n_species, n_lanes) and a per-lane ok flag."""
    tol = tol or DEFAULT_TOLERANCES
    n_sp, n = y0.shape
    out = np.full((len(t_out), n_sp, n), np.nan)
    ok = np.ones(n, dtype=bool)
    lanes = np.arange(n)
    y = y0.copy()
    t = np.zeros(n)
    h = np.full(n, tol.h0)
    nxt = np.zeros(n, dtype=int)
    if t_out[0] == 0.0:
        out[0] = y
        nxt[:] = 1
    cc = c
    k1 = rhs(y, cc)
    for _ in range(tol.max_steps):
        active = nxt < len(t_out)
        if not active.any():
            break
        if active.mean() < 0.6 and len(lanes) > 32:  # compact the batch
            keep = np.flatnonzero(active)
            cc = _take(cc, keep, len(lanes))
            y, t, h, nxt, k1, lanes = y[:, keep], t[keep], h[keep], nxt[keep], k1[:, keep], lanes[keep]
            active = np.ones(len(lanes), dtype=bool)
        target = t_out[np.minimum(nxt, len(t_out) - 1)]
        h = np.where(active, np.minimum(h, target - t), 0.0)
        ks = [k1]
        for stage in range(1, 7):
            yi = y + h * sum(a * k for a, k in zip(A[stage], ks, strict=False) if a != 0.0)
            ks.append(rhs(yi, cc))
        y_new = yi  # stage 7 argument is the 5th-order solution (FSAL)
        err = h * sum(e * k for e, k in zip(E, ks, strict=True) if e != 0.0)
        scale = tol.atol + tol.rtol * np.maximum(np.abs(y), np.abs(y_new))
        norm = np.sqrt(np.mean((err / scale) ** 2, axis=0))
        finite = np.isfinite(norm) & np.isfinite(y_new).all(axis=0)
        accept = active & finite & (norm <= 1.0)
        bad = active & ~finite & (h < 1e-10)
        if bad.any():
            ok[lanes[bad]] = False
            nxt[bad] = len(t_out)
        y = np.where(accept, y_new, y)
        k1 = np.where(accept, ks[6], k1)
        t = np.where(accept, t + h, t)
        safe_norm = np.where(finite, np.maximum(norm, 1e-10), 1e10)
        fac = np.clip(0.9 * safe_norm**-0.2, 0.2, 5.0)
        fac = np.where(accept, fac, np.minimum(fac, 0.5))
        h_used = np.where(active, h, 0.0)
        hit = accept & (np.abs(t - target) <= 1e-9 * np.maximum(1.0, target))
        if hit.any():
            idx = np.flatnonzero(hit)
            out[nxt[idx], :, lanes[idx]] = y[:, idx].T
            nxt[idx] += 1
        h = np.where(active, np.maximum(h_used * fac, 1e-12), h)
    else:
        ok[lanes[nxt < len(t_out)]] = False
    return out, ok
