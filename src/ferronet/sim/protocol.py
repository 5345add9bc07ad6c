"""The experimental protocol of a simulation: pre-culture, exposure and washout.

Default (the protocol of every earlier ferronet result): the genotype (cell profile + genetic perturbations) is
grown to equilibrium (``pre_hours`` = 96 h of culture; computed as the steady state, with integration as the
fallback), then compounds and conditions are applied at t = 0 and the cells are followed for ``hours`` = 24 h.
``pre`` lists perturbations present during the pre-culture only and withdrawn at t = 0 (e.g. GPX4-knockout
cells grown on liproxstatin-1, Friedmann Angeli 2014 Nat Cell Biol, PMID:25402683); ``washout`` removes named
compounds at a time during the exposure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from ferronet.errors import FerronetError
from ferronet.model.perturbation import Perturbation

MAX_HOURS = 24.0 * 30  # a month of culture: longer exposures are outside what the model was built for


@dataclass(frozen=True)
class Washout:
    """Remove ``compounds`` (canonical ids; empty = every compound) from the medium at ``at_h`` hours."""

    at_h: float
    compounds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Protocol:
    """Phases of one experiment, shared by every condition of a batch."""

    pre: tuple[str | Perturbation, ...] = ()
    pre_hours: float = 96.0
    hours: float = 24.0
    washout: tuple[Washout, ...] = ()
    n_points: int = 25
    times: tuple[float, ...] | None = field(default=None)

    def __post_init__(self) -> None:
        problems = []
        for name, v in (("hours", self.hours), ("pre_hours", self.pre_hours)):
            if not (math.isfinite(v) and 0.0 < v <= MAX_HOURS):
                problems.append(f"{name} must be a number of hours in (0, {MAX_HOURS:g}], got {v!r}")
        if self.n_points < 2 and self.times is None:
            problems.append(f"n_points must be at least 2, got {self.n_points}")
        for w in self.washout:
            if not (math.isfinite(w.at_h) and 0.0 < w.at_h < self.hours):
                problems.append(f"washout at {w.at_h!r} h is outside the exposure (0, {self.hours:g}) h")
        if self.times is not None:
            t = list(self.times)
            if not t or any(not math.isfinite(x) or x < 0 or x > self.hours for x in t) or t != sorted(set(t)):
                problems.append(f"times must be increasing, distinct and within [0, {self.hours:g}] h")
        if problems:
            raise FerronetError("invalid protocol: " + "; ".join(problems))

    def output_times(self) -> list[float]:
        """Sampling times of the exposure phase (always including its end)."""
        if self.times is not None:
            t = sorted(set(self.times) | {self.hours})
        else:
            t = [self.hours * i / (self.n_points - 1) for i in range(self.n_points)]
        return t

    def segments(self) -> list[tuple[float, float, frozenset[str] | None]]:
        """(start, end, compounds removed from here on; None = all) pieces of the exposure between washouts."""
        cuts = sorted(self.washout, key=lambda w: w.at_h)
        out: list[tuple[float, float, frozenset[str] | None]] = []
        start, removed = 0.0, frozenset[str]()
        removed_all = False
        for w in cuts:
            out.append((start, w.at_h, None if removed_all else removed))
            if not w.compounds:
                removed_all = True
            removed = removed | frozenset(w.compounds)
            start = w.at_h
        out.append((start, self.hours, None if removed_all else removed))
        return out

    def describe(self) -> dict[str, object]:
        return {
            "pre": [str(p) for p in self.pre],
            "pre_hours": self.pre_hours,
            "hours": self.hours,
            "washout": [{"at_h": w.at_h, "compounds": list(w.compounds)} for w in self.washout],
            "times": self.output_times(),
        }


DEFAULT_PROTOCOL = Protocol()


def protocol_for(hours: float | None = None, pre: Sequence[str | Perturbation] = (), n_points: int = 25) -> Protocol:
    """The default protocol with another exposure length and/or pre-culture perturbations."""
    return Protocol(pre=tuple(pre), hours=DEFAULT_PROTOCOL.hours if hours is None else float(hours), n_points=n_points)
