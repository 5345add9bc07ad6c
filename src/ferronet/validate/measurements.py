"""Quantitative literature measurements (``measurements:`` files, format: ``docs/measurements.md``).

Each entry is one measured number (a lethal EC50, a % death at dose and time, a GSH / lipid-peroxidation /
labile-iron fold change) with its reported spread and citation. :func:`score_measurements` simulates every entry
and reports the predicted value, whether it lies within the reported range, and the log10 error.

Global scoring rules (one setting each, never chosen per entry):
- spread ``sd`` or ``sem`` -> acceptance interval value +/- :data:`SPREAD_WIDTH` x spread (clipped at 0);
  no reported spread -> [value / :data:`DEFAULT_FOLD`, value x :data:`DEFAULT_FOLD`] for EC50s and fold
  changes, value +/- :data:`DEFAULT_ABS` for fractions;
- log10 error = log10(predicted / measured); fractions are floored at :data:`FRACTION_FLOOR` first;
- an EC50 is the dose at which the readout crosses half of its span, interpolated in log dose over a series of
  :data:`N_DOSES` doses spanning 1e-3..1e3 x the reported value (see :func:`crossing_dose`).
"""

from __future__ import annotations

import csv
import importlib
import math
import os
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ferronet.errors import FerronetError, Problem, UnknownNameError, ValidationError
from ferronet.model.network import Model, load_model
from ferronet.model.perturbation import PerturbationSyntaxError
from ferronet.sim import simulate
from ferronet.validate.casefile import read_case_list

KINDS = ("value", "fold_change", "ec50")
DEATH_READOUTS = ("ferroptosis", "viability")
VERIFIED = ("search", "data", "recall")
REQUIRED = ("id", "readout", "kind", "value", "units", "hours", "ref")
KNOWN_KEYS = {
    *REQUIRED,
    "cell",
    "perturbations",
    "control",
    "pre",
    "vary",
    "span",
    "spread",
    "pmid",
    "doi",
    "figure",
    "quote",
    "verified",
    "data",
    "note",
}
SPREAD_WIDTH = 2.0
DEFAULT_FOLD = 3.0
DEFAULT_ABS = 0.15
FRACTION_FLOOR = 0.05
N_DOSES = 16
DOSE_DECADES = 3.0
MIN_SPAN = 0.05
DOSE_UNITS = {"nM": 1e-3, "uM": 1.0, "µM": 1.0, "mM": 1e3}


@dataclass
class Measurement:
    """One measured value and how to reproduce it in the model."""

    id: str
    readout: str
    kind: str
    value: float
    units: str
    hours: float
    ref: str
    cell: str | None = None
    perturbations: list[str] = field(default_factory=list)
    control: list[str] = field(default_factory=list)
    pre: list[str] = field(default_factory=list)
    vary: str = ""
    span: str = "absolute"
    lo: float = 0.0
    hi: float = 0.0
    spread: str = ""
    pmid: str = ""
    doi: str = ""
    figure: str = ""
    quote: str = ""
    verified: str = ""
    line: int = 0

    @property
    def value_uM(self) -> float:
        """An EC50 in uM (other kinds: the value itself)."""
        return self.value * DOSE_UNITS.get(self.units, 1.0) if self.kind == "ec50" else self.value


@dataclass
class MeasurementResult:
    id: str
    kind: str
    readout: str
    cell: str
    measured: float
    lo: float
    hi: float
    units: str
    predicted: float | None = None
    within: bool = False
    log10_error: float | None = None
    status: str = "ok"
    ref: str = ""

    def to_dict(self) -> dict[str, Any]:
        rnd = lambda x: None if x is None else round(x, 6)  # noqa: E731
        return {
            "id": self.id,
            "kind": self.kind,
            "readout": self.readout,
            "cell": self.cell,
            "measured": rnd(self.measured),
            "range": [rnd(self.lo), rnd(self.hi)],
            "units": self.units,
            "predicted": rnd(self.predicted),
            "within": self.within,
            "log10_error": rnd(self.log10_error),
            "status": self.status,
            "ref": self.ref,
        }


def _summary(results: Sequence[MeasurementResult]) -> dict[str, Any]:
    scored = [r for r in results if r.log10_error is not None]
    errs = [abs(r.log10_error) for r in scored if r.log10_error is not None]
    return {
        "n": len(results),
        "scored": len(scored),
        "within": sum(r.within for r in results),
        "fraction_within": round(sum(r.within for r in results) / len(results), 3) if results else 0.0,
        "median_abs_log10_error": round(statistics.median(errs), 3) if errs else None,
        "not_reached": sum(r.status.startswith("not reached") for r in results),
        "unsupported": sum(r.status.startswith("unsupported") for r in results),
    }


@dataclass
class MeasurementReport:
    results: list[MeasurementResult]
    model_version: str = ""

    def summary(self) -> dict[str, Any]:
        out = _summary(self.results)
        out["by_kind"] = {k: _summary([r for r in self.results if r.kind == k]) for k in KINDS}
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.summary(),
            "model_version": self.model_version,
            "rules": {"spread_width": SPREAD_WIDTH, "default_fold": DEFAULT_FOLD, "default_abs": DEFAULT_ABS},
            "results": [r.to_dict() for r in self.results],
        }


# ---- loading ------------------------------------------------------------------------------------------------


def is_measurement_file(path: str | Path) -> bool:
    """True if ``path`` is YAML with a top-level ``measurements:`` key (cheap check of the raw text)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return False
    return any(line.startswith("measurements:") for line in text.splitlines())


def shared_folder(near: Path | None = None) -> Path | None:
    """``$FERRONET_SHARED``, else the first ``shared/`` beside an ancestor of ``near``, the cwd or the package."""
    env = os.environ.get("FERRONET_SHARED")
    if env:
        return Path(env)
    for start in (near, Path.cwd(), Path(__file__).parent):
        if start is None:
            continue
        start = start.resolve()
        for parent in [start, *start.parents]:
            if (parent / "shared" / "data").is_dir():
                return parent / "shared"
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _strings(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _read_data(spec: Any, shared: Path | None) -> tuple[float, float | None, str]:
    """Value and SEM from one row of a CSV in the shared folder.

    ``{file, where: {column: text}, value: column, sem: column}`` or ``{..., replicates: [columns], scale: x}``
    (mean x scale of the replicate columns, SEM from their spread).
    """
    if not isinstance(spec, dict) or not isinstance(spec.get("file"), str):
        raise ValueError("data: needs 'file', a 'where' mapping and 'value' (or 'replicates') column names")
    if not isinstance(spec.get("value"), str) and not isinstance(spec.get("replicates"), list):
        raise ValueError("data: needs a 'value' column or a list of 'replicates' columns")
    if shared is None:
        raise ValueError("shared data folder not found (set FERRONET_SHARED)")
    path = shared / spec["file"]
    where = {str(k): str(v) for k, v in (spec.get("where") or {}).items()}
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = [r for r in csv.DictReader(fh) if all(r.get(k) == v for k, v in where.items())]
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None
    if len(rows) != 1:
        raise ValueError(f"{len(rows)} rows of {spec['file']} match {where} (need exactly 1)")
    try:
        if isinstance(spec.get("replicates"), list):  # replicate columns: mean, and the SEM of the mean
            reps = [float(rows[0][str(c)]) for c in spec["replicates"] if rows[0].get(str(c), "").strip()]
            scale = float(spec.get("scale", 1.0))
            value = statistics.fmean(reps) * scale
            sem = statistics.stdev(reps) * scale / math.sqrt(len(reps)) if len(reps) > 1 else None
        else:
            value = float(rows[0][spec["value"]])
            sem = float(rows[0][spec["sem"]]) if spec.get("sem") else None
    except (KeyError, TypeError, ValueError, statistics.StatisticsError):
        raise ValueError(f"value/sem/replicate columns missing or not numeric in {spec['file']}") from None
    if not math.isfinite(value) or (sem is not None and not math.isfinite(sem)):
        raise ValueError("value in the data file is not finite")
    return value, sem, f"{spec['file']} {where}"


def _interval(kind: str, value: float, spread: Any) -> tuple[float, float, str] | str:
    """Acceptance interval from the reported spread, or an error message."""
    if spread is None:
        if kind == "value":
            return max(0.0, value - DEFAULT_ABS), min(1.0, value + DEFAULT_ABS), "none reported"
        return value / DEFAULT_FOLD, value * DEFAULT_FOLD, "none reported"
    if not isinstance(spread, dict):
        return "must be a mapping: {range: [lo, hi]} or {sd: x, n: k} or {sem: x, n: k}"
    if "range" in spread:
        rng = spread["range"]
        nums = [_number(x) for x in rng] if isinstance(rng, list) and len(rng) == 2 else [None]
        if any(x is None for x in nums):
            return "range must be [lo, hi] with finite numbers"
        lo, hi = float(nums[0]), float(nums[1])  # type: ignore[arg-type]
        if not lo <= value <= hi:
            return f"value {value:g} is outside its range [{lo:g}, {hi:g}]"
        return lo, hi, f"range [{lo:g}, {hi:g}]"
    for key in ("sd", "sem"):
        if key in spread:
            s = _number(spread[key])
            if s is None or s < 0:
                return f"{key} must be a finite number >= 0"
            n = spread.get("n")
            tag = f"{key} {s:g}" + (f", n={n}" if n is not None else "")
            hi = value + SPREAD_WIDTH * s
            return max(0.0, value - SPREAD_WIDTH * s), min(1.0, hi) if kind == "value" else hi, tag
    return "needs one of range, sd, sem"


def load_measurements(path: str | Path, model: Model | None = None) -> list[Measurement]:
    """Read and validate a measurements file; every problem (schema and unknown names) is reported at once."""
    path = Path(path)
    entries, lines = read_case_list(path, "measurements")
    m = model or load_model()
    shared = shared_folder(path.parent)
    problems: list[Problem] = []
    out: list[Measurement] = []
    seen: set[str] = set()
    for i, e in enumerate(entries):
        line = lines[i] if i < len(lines) else 0

        def bad(key: str, msg: str, line: int = line) -> None:
            problems.append(Problem(str(path), line, key, msg))

        if not isinstance(e, dict):
            bad("", "each measurement must be a mapping")
            continue
        for key in REQUIRED:
            if key not in e and not (key == "value" and "data" in e):
                bad(key, "required field is missing")
        for key in sorted(set(e) - KNOWN_KEYS, key=str):
            bad(str(key), f"unknown field; did you mean: {', '.join(_close(str(key))) or 'see docs/measurements.md'}?")
        mid = str(e.get("id", f"#{i + 1}"))
        if mid in seen:
            bad("id", f"duplicate id '{mid}'")
        seen.add(mid)
        kind = str(e.get("kind", ""))
        if "kind" in e and kind not in KINDS:
            bad("kind", f"'{kind}' is not one of {', '.join(KINDS)}")
        if not e.get("pmid") and not e.get("doi") and not e.get("data"):
            bad("ref", "give a pmid or doi (or a data file)")
        if e.get("verified") is not None and e.get("verified") not in VERIFIED:
            bad("verified", f"'{e['verified']}' is not one of {', '.join(VERIFIED)}")
        value, sem = _number(e.get("value")), None
        if "data" in e:
            try:
                value, sem, _ = _read_data(e["data"], shared)
            except ValueError as exc:
                bad("data", str(exc))
                value = None
        elif "value" in e and value is None:
            bad("value", "must be a finite number")
        hours = _number(e.get("hours"))
        if "hours" in e and (hours is None or hours <= 0):
            bad("hours", "must be a finite number > 0")
        lists = {k: _strings(e.get(k)) for k in ("perturbations", "control", "pre")}
        for key, val in lists.items():
            if val is None:
                bad(key, "must be a list of perturbation strings")
        readout = str(e.get("readout", ""))
        _check_names(m, e, readout, kind, lists, bad)
        if kind == "ec50":
            if not e.get("vary"):
                bad("vary", "an ec50 needs the varied compound")
            if str(e.get("units")) not in DOSE_UNITS:
                bad("units", f"an ec50 needs dose units ({', '.join(DOSE_UNITS)})")
        if kind == "value" and readout not in DEATH_READOUTS:
            bad("kind", "relative readouts (GSH, lipid_peroxidation, ...) are fold changes: use kind: fold_change")
        if kind == "fold_change" and readout in DEATH_READOUTS:
            bad("kind", "death is a fraction: use kind: value")
        if value is not None and kind in ("ec50", "fold_change") and value <= 0:
            bad("value", "must be > 0")
        lo = hi = 0.0
        spread_text = ""
        if value is not None and kind in KINDS:
            spread = {"sem": sem} if sem is not None and "spread" not in e else e.get("spread")
            iv = _interval(kind, value, spread)
            if isinstance(iv, str):
                bad("spread", iv)
            else:
                lo, hi, spread_text = iv
        span = str(e.get("span", "absolute"))
        if span not in ("absolute", "relative"):
            bad("span", "must be absolute or relative")
        out.append(
            Measurement(
                mid,
                readout,
                kind,
                value if value is not None else math.nan,
                str(e.get("units", "")),
                hours or 0.0,
                str(e.get("ref", "")),
                None if e.get("cell") in (None, "", "default") else str(e["cell"]),
                lists["perturbations"] or [],
                lists["control"] or [],
                lists["pre"] or [],
                str(e.get("vary", "")),
                span,
                lo,
                hi,
                spread_text,
                str(e.get("pmid", "")),
                str(e.get("doi", "")),
                str(e.get("figure", "")),
                str(e.get("quote", "")),
                str(e.get("verified", "")),
                line,
            )
        )
    if problems:
        raise ValidationError(problems)
    return out


def _close(key: str) -> list[str]:
    import difflib

    return difflib.get_close_matches(key, sorted(KNOWN_KEYS), n=2)


def _check_names(m: Model, e: dict[str, Any], readout: str, kind: str, lists: dict[str, Any], bad: Any) -> None:
    """Unknown cell, perturbation, varied compound or readout names, with the closest known names."""
    try:
        m.resolve_cell(e.get("cell"))
    except UnknownNameError as exc:
        bad("cell", str(exc))
    for key, items in lists.items():
        for text in items or []:
            try:
                m.resolve(text)
            except (UnknownNameError, PerturbationSyntaxError, FerronetError) as exc:
                bad(key, str(exc))
    if e.get("vary"):
        try:
            p = m.resolve(str(e["vary"]))
            if p.kind != "compound":
                bad("vary", f"'{e['vary']}' is not a compound")
        except (UnknownNameError, PerturbationSyntaxError, FerronetError) as exc:
            bad("vary", str(exc))
    if readout and readout != "viability":
        try:
            m.resolve_readout(readout)
        except UnknownNameError as exc:
            bad("readout", str(exc).replace("'; did you mean: ", "'; did you mean: viability, ", 1))


# ---- scoring ------------------------------------------------------------------------------------------------


def dose_series(value_uM: float, n: int = N_DOSES, decades: float = DOSE_DECADES) -> np.ndarray:
    """``n`` log-spaced doses from value x 10^-decades to value x 10^decades (uM)."""
    return value_uM * np.logspace(-decades, decades, n)


def crossing_dose(
    doses: Sequence[float] | np.ndarray, values: Sequence[float] | np.ndarray, level: float
) -> float | str:
    """The dose at which ``values`` (at ascending ``doses``) first crosses ``level``, log-linearly interpolated.

    ``values[0]`` is the readout without the compound (dose 0). Returns ``"not reached"`` if the series never
    crosses, ``"below series"`` if it has crossed before the first positive dose.
    """
    d, v = np.asarray(doses, float), np.asarray(values, float)
    if not np.all(np.isfinite(v)):
        return "simulation failed"
    side = np.sign(v - level)
    if side[0] == 0:
        return "below series"
    for k in range(1, len(v)):
        if side[k] == 0 or side[k] != side[0]:
            if d[k - 1] <= 0:
                return "below series"
            f = (level - v[k - 1]) / (v[k] - v[k - 1])
            return float(10 ** (math.log10(d[k - 1]) + f * (math.log10(d[k]) - math.log10(d[k - 1]))))
    return "not reached"


def half_level(death0: float, death_top: float, death_control: float, span: str) -> float | None:
    """The death level halfway between no compound and full effect; None if the span is negligible.

    absolute span: full effect is all cells dead for an inducer (death rises) and the untreated control for a
    rescuer (death falls); relative span: full effect is the readout at the top dose.
    """
    full = death_top if span == "relative" else (1.0 if death_top >= death0 else death_control)
    if abs(full - death0) < MIN_SPAN:
        return None
    return (death0 + full) / 2


def _log_error(kind: str, predicted: float, measured: float) -> float:
    if kind == "value":
        predicted, measured = max(predicted, FRACTION_FLOOR), max(measured, FRACTION_FLOOR)
    return math.log10(predicted / measured) if predicted > 0 and measured > 0 else math.nan


def _protocol(pre: list[str], hours: float) -> Any | None:
    """A pre-culture protocol if the engine supports one (``ferronet.sim.Protocol``), else None."""
    protocol_cls = getattr(importlib.import_module("ferronet.sim"), "Protocol", None)
    return None if protocol_cls is None else protocol_cls(pre=tuple(pre), hours=hours)


def _arms(e: Measurement) -> list[list[str]]:
    """Simulated arms of one entry: [treated or dose series..., control]."""
    if e.kind == "ec50":
        series = [[*e.perturbations, f"{e.vary}@{d:.6g}uM"] for d in dose_series(e.value_uM)]
        return [list(e.perturbations), *series, list(e.control)]
    return [list(e.perturbations), list(e.control)]


def _predict(e: Measurement, raw: np.ndarray) -> tuple[float | None, str]:
    """Predicted value from the arm readouts (death as a fraction, other readouts relative)."""
    death = e.readout in DEATH_READOUTS
    if e.kind == "value":
        v = float(raw[0])
        return (1.0 - v if e.readout == "viability" else v), "ok"
    if e.kind == "fold_change":
        return float(raw[0] / raw[1]) if raw[1] > 0 else None, "ok"
    series, control = raw[:-1], float(raw[-1])
    if death:
        level = half_level(float(series[0]), float(series[-1]), control, e.span)
    else:
        level = None if abs(series[-1] - series[0]) < MIN_SPAN * abs(series[0]) else (series[0] + series[-1]) / 2
    if level is None:
        return None, "not reached (no effect over the dose series)"
    x = crossing_dose([0.0, *dose_series(e.value_uM)], series, level)
    if isinstance(x, str):
        return None, x
    return x / DOSE_UNITS[e.units], "ok"


def score_measurements(entries: Sequence[Measurement], model: Model | None = None) -> MeasurementReport:
    """Simulate every entry (batched per cell, exposure time and pre-culture) and score it."""
    m = model or load_model()
    results: dict[str, MeasurementResult] = {}
    groups: dict[tuple[str, float, tuple[str, ...]], list[Measurement]] = {}
    for e in entries:
        groups.setdefault((e.cell or "default", e.hours, tuple(e.pre)), []).append(e)
    for (cell, hours, pre), members in groups.items():
        protocol = _protocol(list(pre), hours) if pre else None
        if pre and protocol is None:
            for e in members:
                results[e.id] = _result(e, None, "unsupported (needs pre-culture)")
            continue
        batch: list[list[str]] = []
        spans: list[tuple[Measurement, int, int]] = []
        for e in members:
            arms = _arms(e)
            spans.append((e, len(batch), len(batch) + len(arms)))
            batch += arms
        kwargs: dict[str, Any] = {"protocol": protocol} if protocol is not None else {}
        try:
            res = simulate(batch, cell=None if cell == "default" else cell, model=m, t_end=hours, **kwargs)
        except FerronetError as exc:
            for e in members:
                results[e.id] = _result(e, None, f"error: {exc}")
            continue
        cache: dict[str, np.ndarray] = {}
        for e, a, b in spans:
            rid = "ferroptosis" if e.readout in DEATH_READOUTS else m.resolve_readout(e.readout)
            if rid not in cache:
                cache[rid] = res.readout(rid)
            raw = cache[rid][a:b]
            if not np.all(np.isfinite(raw)):
                results[e.id] = _result(e, None, "simulation failed")
                continue
            predicted, status = _predict(e, raw)
            results[e.id] = _result(e, predicted, status)
    return MeasurementReport([results[e.id] for e in entries], m.version)


def _result(e: Measurement, predicted: float | None, status: str) -> MeasurementResult:
    r = MeasurementResult(e.id, e.kind, e.readout, e.cell or "default", e.value, e.lo, e.hi, e.units, status=status)
    r.ref = f"PMID:{e.pmid}" if e.pmid else (f"doi:{e.doi}" if e.doi else e.ref)
    if predicted is not None and math.isfinite(predicted):
        r.predicted = predicted
        r.within = e.lo <= predicted <= e.hi
        err = _log_error(e.kind, predicted, e.value)
        r.log10_error = err if math.isfinite(err) else None
    return r


def score_file(path: str | Path, model: Model | None = None) -> MeasurementReport:
    m = model or load_model()
    return score_measurements(load_measurements(path, m), m)
