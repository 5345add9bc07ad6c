"""Evaluate observation files (format: ``shared/spec/observations.md``) against the model.

Every case is two arms on one cell: ``baseline`` and ``baseline + add``. The readout at the end of the
exposure is compared between arms with ONE global tolerance (:data:`TOLERANCE`): a change counts when
``|second - first| > TOLERANCE * max(1, |first|, |second|)``. Readouts other than ``ferroptosis`` (a
fraction) are relative to the untreated default cell, so the rule reads "5 percentage points of death, or 5 %
of the larger value, whichever is larger".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ferronet.errors import FerronetError, Problem, UnknownNameError, ValidationError
from ferronet.model.network import Model, load_model
from ferronet.model.perturbation import PerturbationSyntaxError
from ferronet.sim import DEFAULT_PROTOCOL, Protocol, get_simulator
from ferronet.sim.conditions import Condition
from ferronet.sim.protocol import MAX_HOURS
from ferronet.validate.casefile import read_case_list

TOLERANCE = 0.05
EXPECT = ("increase", "decrease", "unchanged")
REQUIRED = ("id", "readout", "expect")


@dataclass
class Observation:
    id: str
    readout: str
    expect: str
    baseline: list[str] = field(default_factory=list)
    add: list[str] = field(default_factory=list)
    cell: str | None = None
    ref: str = ""
    note: str = ""
    line: int = 0
    pre: list[str] = field(default_factory=list)  # present during pre-culture only, withdrawn at t = 0
    hours: float | None = None  # exposure length (default: the protocol's 24 h)


@dataclass
class CaseResult:
    id: str
    expected: str
    predicted: str
    passed: bool
    first: float | None = None
    second: float | None = None
    reason: str = ""
    ref: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "expected": self.expected,
            "predicted": self.predicted,
            "passed": self.passed,
            "first": None if self.first is None else round(self.first, 6),
            "second": None if self.second is None else round(self.second, 6),
        }
        if self.reason:
            d["reason"] = self.reason
        return d


@dataclass
class CheckReport:
    cases: list[CaseResult]
    tolerance: float = TOLERANCE
    model_version: str = ""

    @property
    def n(self) -> int:
        return len(self.cases)

    @property
    def passed(self) -> int:
        return sum(c.passed for c in self.cases)

    @property
    def accuracy(self) -> float:
        return self.passed / self.n if self.n else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "passed": self.passed,
            "accuracy": round(self.accuracy, 3),
            "tolerance": self.tolerance,
            "model_version": self.model_version,
            "cases": [c.to_dict() for c in self.cases],
        }

    def failures(self) -> list[CaseResult]:
        return [c for c in self.cases if not c.passed]


def direction(first: float, second: float, tolerance: float = TOLERANCE) -> str:
    """The direction of change from ``first`` to ``second`` under the global tolerance."""
    if not (np.isfinite(first) and np.isfinite(second)):
        return "failed"
    delta = second - first
    if abs(delta) <= tolerance * max(1.0, abs(first), abs(second)):
        return "unchanged"
    return "increase" if delta > 0 else "decrease"


def _as_list(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return [str(v) for v in value]
    return None


def load_observations(path: str | Path) -> list[Observation]:
    """Read and validate an observation file; every structural problem is reported at once."""
    path = Path(path)
    cases, lines = read_case_list(path, "observations")
    problems: list[Problem] = []
    out: list[Observation] = []
    seen: set[str] = set()
    for i, case in enumerate(cases):
        line = lines[i] if i < len(lines) else 0
        if not isinstance(case, dict):
            problems.append(Problem(str(path), line, "", "each observation must be a mapping"))
            continue
        for key in REQUIRED:
            if key not in case or case[key] in (None, ""):
                problems.append(Problem(str(path), line, key, "required field is missing"))
        cid = str(case.get("id", f"#{i + 1}"))
        if cid in seen:
            problems.append(Problem(str(path), line, "id", f"duplicate id '{cid}'"))
        seen.add(cid)
        expect = str(case.get("expect", "")).strip().lower()
        if "expect" in case and expect not in EXPECT:
            problems.append(Problem(str(path), line, "expect", f"'{case['expect']}' is not one of {', '.join(EXPECT)}"))
        baseline, add, pre = _as_list(case.get("baseline")), _as_list(case.get("add")), _as_list(case.get("pre"))
        for name, value in (("baseline", baseline), ("add", add), ("pre", pre)):
            if value is None:
                problems.append(Problem(str(path), line, name, "must be a list of perturbation strings"))
        hours = case.get("hours")
        if hours is not None and (
            isinstance(hours, bool) or not isinstance(hours, int | float) or not (0 < float(hours) <= MAX_HOURS)
        ):
            problems.append(Problem(str(path), line, "hours", f"must be a number of hours in (0, {MAX_HOURS:g}]"))
            hours = None
        out.append(
            Observation(
                cid,
                str(case.get("readout", "")),
                expect,
                baseline or [],
                add or [],
                None if case.get("cell") in (None, "") else str(case["cell"]),
                str(case.get("ref", "")),
                str(case.get("note", "")),
                line,
                pre or [],
                None if hours is None else float(hours),
            )
        )
    if problems:
        raise ValidationError(problems)
    return out


def check_observations(observations: list[Observation], model: Model | None = None) -> CheckReport:
    """Simulate every case (the arms of each exposure length in one batch) and compare directions."""
    m = model or load_model()
    results: dict[str, CaseResult] = {}
    groups: dict[float, tuple[list[Condition], dict[Condition, int]]] = {}
    plan: list[tuple[Observation, str, float, int, int]] = []
    for obs in observations:
        try:
            readout = m.resolve_readout(obs.readout)
            first = Condition.parse(m, obs.baseline, obs.cell, pre=obs.pre)
            second = Condition.parse(m, obs.baseline + obs.add, obs.cell, pre=obs.pre)
        except (UnknownNameError, PerturbationSyntaxError, FerronetError) as exc:
            results[obs.id] = CaseResult(obs.id, obs.expect, "unknown", False, reason=str(exc), ref=obs.ref)
            continue
        hours = obs.hours or DEFAULT_PROTOCOL.hours
        arms, index = groups.setdefault(hours, ([], {}))
        for cond in (first, second):
            if cond not in index:
                index[cond] = len(arms)
                arms.append(cond)
        plan.append((obs, readout, hours, index[first], index[second]))
    sim = get_simulator(m)
    runs = {h: sim.run(arms, Protocol(hours=h)) for h, (arms, _) in groups.items()}
    cache: dict[tuple[float, str], np.ndarray] = {}
    for obs, readout, hours, i, j in plan:
        if (hours, readout) not in cache:
            cache[hours, readout] = runs[hours].readout(readout)
        a, b = float(cache[hours, readout][i]), float(cache[hours, readout][j])
        predicted = direction(a, b)
        reason = "simulation failed" if predicted == "failed" else ""
        results[obs.id] = CaseResult(obs.id, obs.expect, predicted, predicted == obs.expect, a, b, reason, obs.ref)
    return CheckReport([results[o.id] for o in observations], TOLERANCE, m.version)


def check_file(path: str | Path, model: Model | None = None) -> CheckReport:
    return check_observations(load_observations(path), model)
