"""Drug-combination synergy kernels in a registry (the decoupler pattern: small pure kernels plus metadata).

Every kernel takes the doses of drug A (rows, ``d1``) and drug B (columns, ``d2``), both starting with 0, and
the effect matrix ``E`` (fraction affected, 0..1, ``E[i, j]`` at ``d1[i]``, ``d2[j]``) and returns the synergy
matrix (positive = synergy, in effect units; the zero-dose row and column are 0). ``summary`` averages the
combination cells. Loewe and ZIP are computed by the ``synergy`` package (Wooten & Albert 2021), so they match
it well by well; grids with fewer than 4 doses per drug fall back to our 3-parameter Hill fits.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import OptimizeWarning, brentq, curve_fit

Kernel = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class SynergyMethod:
    name: str
    kernel: Kernel
    description: str
    reference: str


METHODS: dict[str, SynergyMethod] = {}


def register(name: str, description: str, reference: str) -> Callable[[Kernel], Kernel]:
    def wrap(fn: Kernel) -> Kernel:
        METHODS[name] = SynergyMethod(name, fn, description, reference)
        return fn

    return wrap


def _check(d1: np.ndarray, d2: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d1, d2, e = np.asarray(d1, float), np.asarray(d2, float), np.asarray(e, float)
    if e.shape != (len(d1), len(d2)):
        raise ValueError(f"effect matrix has shape {e.shape}, expected {(len(d1), len(d2))}")
    if d1[0] != 0 or d2[0] != 0:
        raise ValueError("dose vectors must start with 0 (single-drug and control responses)")
    if np.any(np.diff(d1) <= 0) or np.any(np.diff(d2) <= 0):
        raise ValueError("doses must be strictly increasing")
    return d1, d2, e


def _zero_margins(s: np.ndarray) -> np.ndarray:
    s = s.copy()
    s[0, :] = 0.0
    s[:, 0] = 0.0
    return s


@register("HSA", "excess over the stronger single drug (highest single agent)", "Berenbaum 1989 Pharmacol Rev")
def hsa(d1: np.ndarray, d2: np.ndarray, e: np.ndarray) -> np.ndarray:
    d1, d2, e = _check(d1, d2, e)
    return _zero_margins(e - np.maximum(e[:, :1], e[:1, :]))


@register("Bliss", "excess over Bliss independence Ea + Eb - Ea*Eb", "Bliss 1939 Ann Appl Biol")
def bliss(d1: np.ndarray, d2: np.ndarray, e: np.ndarray) -> np.ndarray:
    d1, d2, e = _check(d1, d2, e)
    ea, eb = e[:, :1], e[:1, :]
    return _zero_margins(e - (ea + eb - ea * eb))


def hill(d: np.ndarray, e0: float, emax: float, ec50: float, h: float) -> np.ndarray:
    d = np.maximum(np.asarray(d, float), 0.0)
    return e0 + (emax - e0) * d**h / (ec50**h + d**h)


@dataclass(frozen=True)
class HillFit:
    e0: float
    emax: float
    ec50: float
    h: float

    def __call__(self, d: np.ndarray) -> np.ndarray:
        return hill(d, self.e0, self.emax, self.ec50, self.h)

    def inverse(self, effect: float) -> float:
        """Dose giving ``effect`` (inf beyond the maximal effect)."""
        lo, hi = sorted((self.e0, self.emax))
        if not lo < effect < hi:
            return 0.0 if effect <= self.e0 and self.emax > self.e0 else float("inf")
        r = (effect - self.e0) / (self.emax - effect)
        return float(self.ec50 * r ** (1.0 / self.h))


def _quiet_fit(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OptimizeWarning)
        return curve_fit(*args, **kwargs)


def fit_hill(d: np.ndarray, e: np.ndarray) -> HillFit:
    """Least-squares Hill fit with the baseline fixed at the zero-dose response."""
    d, e = np.asarray(d, float), np.asarray(e, float)
    e0 = float(e[0])
    pos = d[d > 0]
    mid = float(np.exp(np.mean(np.log(pos)))) if len(pos) else 1.0
    top = float(np.clip(e.max(), e0 + 1e-6, 1.0))
    try:
        (emax, ec50, h), _ = _quiet_fit(
            lambda x, emax, ec50, h: hill(x, e0, emax, ec50, h),
            d,
            e,
            p0=[top, mid, 1.5],
            bounds=([e0, 1e-9, 0.1], [1.0 + 1e-9, 1e9, 10.0]),
            maxfev=5000,
        )
    except (RuntimeError, ValueError):
        emax, ec50, h = top, mid, 1.0
    return HillFit(e0, float(emax), float(ec50), float(h))


def _loewe_fit(d1: np.ndarray, d2: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Loewe excess with 3-parameter Hill fits (fallback for grids too small for the package)."""
    d1, d2, e = _check(d1, d2, e)
    fa, fb = fit_hill(d1, e[:, 0]), fit_hill(d2, e[0, :])
    base = e[0, 0]
    out = np.zeros_like(e)
    hi = max(fa.emax, fb.emax)
    for i in range(1, len(d1)):
        for j in range(1, len(d2)):

            def excess(y: float, a: float = d1[i], b: float = d2[j]) -> float:
                return a / fa.inverse(y) + b / fb.inverse(y) - 1.0 if y > base else 1e9

            lo_y, hi_y = base + 1e-9, hi - 1e-9
            # when additivity never reaches the combination, the expected effect is the larger maximum
            saturated = hi_y <= lo_y or excess(hi_y) > 0
            if saturated:
                expected = hi
            elif excess(lo_y) <= 0:  # the fitted curves put even the smallest effect beyond these doses
                expected = base
            else:
                expected = brentq(excess, lo_y, hi_y, xtol=1e-10)
            out[i, j] = e[i, j] - expected
    return out


def _zip_fit(d1: np.ndarray, d2: np.ndarray, e: np.ndarray) -> np.ndarray:
    """ZIP delta with 3-parameter Hill fits (fallback for grids too small for the package)."""
    d1, d2, e = _check(d1, d2, e)
    fa, fb = fit_hill(d1, e[:, 0]), fit_hill(d2, e[0, :])
    ya, yb = fa(d1)[:, None], fb(d2)[None, :]
    reference = ya + yb - ya * yb

    def refit(doses: np.ndarray, values: np.ndarray, start: float) -> np.ndarray:
        """Fit the response along one drug with the other fixed: start at `start`, rise towards 1."""
        try:
            (m, lam), _ = _quiet_fit(
                lambda x, m, lam: (start + (x / m) ** lam) / (1 + (x / m) ** lam),
                doses,
                values,
                p0=[fa.ec50 if doses is d1 else fb.ec50, 1.5],
                bounds=([1e-9, 0.1], [1e9, 10.0]),
                maxfev=5000,
            )
            return (start + (doses / m) ** lam) / (1 + (doses / m) ** lam)
        except (RuntimeError, ValueError):
            return values

    rows = np.array([refit(d1, e[:, j], float(yb[0, j])) for j in range(len(d2))]).T
    cols = np.array([refit(d2, e[i, :], float(ya[i, 0])) for i in range(len(d1))])
    return _zero_margins((rows + cols) / 2.0 - reference)


def _reference(model: str, d1: np.ndarray, d2: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Per-well synergy from the ``synergy`` package (Wooten & Albert 2021, Bioinformatics 37:1473).

    The package takes the response as viability (``1 - E``) and returns positive values for synergy, like ours.
    Wells it leaves undefined (NaN) count as additive (0); the zero-dose row and column are 0.
    """
    from synergy.combination import ZIP, Loewe

    fitter = Loewe(mode="delta_weakest") if model == "Loewe" else ZIP()
    g1, g2 = np.meshgrid(d1, d2, indexing="ij")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = np.asarray(fitter.fit(g1.ravel(), g2.ravel(), (1.0 - e).ravel()), dtype=float).reshape(e.shape)
    except (TypeError, ValueError, RuntimeError, np.linalg.LinAlgError):
        # the package's 4-parameter Hill fits need at least 4 doses per drug: use our own 3-parameter fits
        out = (_loewe_fit if model == "Loewe" else _zip_fit)(d1, d2, e)
    return _zero_margins(np.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0))


@register(
    "Loewe",
    "excess over Loewe additivity of fitted Hill curves (synergy package, delta_weakest)",
    "Loewe 1926; Greco 1995 Pharmacol Rev; Wooten & Albert 2021 Bioinformatics",
)
def loewe(d1: np.ndarray, d2: np.ndarray, e: np.ndarray) -> np.ndarray:
    d1, d2, e = _check(d1, d2, e)
    return _reference("Loewe", d1, d2, e)


@register(
    "ZIP",
    "zero interaction potency delta (synergy package)",
    "Yadav 2015 Comput Struct Biotechnol J; Wooten & Albert 2021 Bioinformatics",
)
def zip_delta(d1: np.ndarray, d2: np.ndarray, e: np.ndarray) -> np.ndarray:
    d1, d2, e = _check(d1, d2, e)
    return _reference("ZIP", d1, d2, e)


def score(method: str, d1: np.ndarray, d2: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Synergy matrix by a registered method (HSA, Bliss, Loewe, ZIP)."""
    if method not in METHODS:
        raise KeyError(f"unknown synergy method '{method}' (known: {', '.join(METHODS)})")
    return METHODS[method].kernel(d1, d2, e)


POINTWISE = {"HSA", "Bliss", "Loewe"}  # a well's score needs only that well and the single-drug margins


def score_wells(method: str, d1: np.ndarray, d2: np.ndarray, e: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Synergy matrix that is never computed on failed wells (``ok`` False, or a non-finite effect).

    Failed wells score NaN. A failed single-drug or control well leaves nothing to compare against: the whole
    matrix is NaN. ZIP refits whole rows and columns, so any failed well makes its matrix NaN.
    """
    e = np.asarray(e, float)
    good = np.asarray(ok, bool) & np.isfinite(e)
    if good.all():
        return score(method, d1, d2, e)
    nan = np.full(e.shape, np.nan)
    if not (good[0, :].all() and good[:, 0].all()) or method not in POINTWISE:
        return nan
    filled = np.where(good, e, np.maximum(e[:, :1], e[:1, :]))  # placeholder only; masked out below
    return np.where(good, score(method, d1, d2, filled), np.nan)


def summary(s: np.ndarray) -> float:
    """Mean synergy over the scored combination cells (both doses > 0); NaN when none could be scored."""
    inner = np.asarray(s, float)[1:, 1:]
    finite = inner[np.isfinite(inner)]
    return float(np.mean(finite)) if finite.size else float("nan")
