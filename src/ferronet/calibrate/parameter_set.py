"""Versioned parameter sets: what ``ferronet fit`` writes, what ``--parameters`` / ``--ensemble`` read.

A parameter set file (YAML)::

    fit_id: fit-2026-12-01-3f2a9c1b      # date + digest of data, estimated names, method, seed, ferronet version
    ferronet_version: 0.x
    model_version: ...
    method: lm
    seed: 0
    data: {CTRPv2 ML210: 1930, ...}        # points per data set
    parameters:
      theta_death: {value: 2.1, lower95: 1.8, upper95: 2.5, sd_ratio: 0.2, prior: 2.5, prior_sigma: 0.7}
    parameter_sets: [{theta_death: 2.05, ...}, ...]   # the ensemble (Laplace draws and fold fits)

:func:`adopt` writes the MAP values into the package's ``parameters.yaml`` with ``status: calibrated`` and a
source naming the fit id and data (how the shipped parameter set is made, see docs/calibration.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

import ferronet
from ferronet.calibrate.fit import FitResult
from ferronet.errors import FerronetError
from ferronet.io.atomic import atomic_write
from ferronet.model.network import Model


def fit_id(
    data_counts: dict[str, int],
    names: Sequence[str],
    method: str,
    seed: int,
    lines: Sequence[str],
    model: Model | None = None,
) -> str:
    """``fit-YYYY-MM-DD-<digest>``: the digest covers data, lines, estimated names, method, seed, version, the
    objective's weights and, given ``model``, what the fit holds fixed (:func:`fixed_fingerprint`): two fits of
    different models never share an id, and adopting a fit does not change the id of its rerun."""
    from ferronet.calibrate import objective

    weights = {k: getattr(objective, k) for k in sorted(dir(objective)) if k.endswith("_SD") or k.startswith("CORR")}
    fixed = fixed_fingerprint(model, names) if model is not None else ""
    text = repr((sorted(data_counts.items()), sorted(lines), list(names), method, seed, ferronet.__version__, weights))
    return f"fit-{dt.date.today().isoformat()}-{hashlib.sha256((text + fixed).encode()).hexdigest()[:8]}"


def fixed_fingerprint(model: Model, names: Sequence[str]) -> str:
    """Digest of the problem a fit starts from, without the values it estimates: the network, nodes and cell
    files, each compound's mechanisms (target and action), every other parameter's value, the priors of the
    estimated ones (``priors.yaml``) and the qualitative literature cases (``literature.yaml``)."""
    from importlib import resources

    from ferronet.calibrate.fit import shipped_priors
    from ferronet.model.network import DATA

    h = hashlib.sha256()
    for name in ("network.yaml", "nodes.yaml", "cells.yaml"):
        h.update(resources.files(DATA).joinpath(name).read_bytes())
    h.update(resources.files("ferronet.data").joinpath("observations/literature.yaml").read_bytes())
    mechanisms = sorted((c.id, m.target, m.action, m.key) for c in model.compounds.values() for m in c.mechanisms)
    h.update(repr(mechanisms).encode())
    skip = set(names)
    h.update(repr(sorted((k, p.value) for k, p in model.parameters.items() if k not in skip)).encode())
    priors = shipped_priors()
    h.update(repr([(n, priors.get(n)) for n in names]).encode())
    return h.hexdigest()[:16]


def to_document(
    result: FitResult,
    model: Model,
    fid: str,
    seed: int,
    data_counts: dict[str, int],
    parameter_sets: Sequence[dict[str, float]] = (),
) -> dict[str, Any]:
    ints = result.intervals()
    return {
        "fit_id": fid,
        "ferronet_version": ferronet.__version__,
        "model_version": model.version,
        "method": result.method,
        "seed": seed,
        "cost": round(result.cost, 4),
        "data_cost": round(result.data_cost, 4),
        "evaluations": result.n_evaluations,
        "seconds": round(result.seconds, 1),
        "data": dict(data_counts),
        "parameters": {
            p.name: {
                "value": _sig(result.values[p.name]),
                "lower95": _sig(ints[p.name][0]),
                "upper95": _sig(ints[p.name][1]),
                "sd_ratio": round(ints[p.name][2], 3),
                "prior": _sig(p.nominal),
                "prior_sigma": p.prior_sigma,
                "prior_status": p.status,
            }
            for p in result.parameters
        },
        "parameter_sets": [{k: _sig(v) for k, v in s.items()} for s in parameter_sets],
    }


def _sig(x: float, digits: int = 5) -> float:
    return float(f"{x:.{digits}g}")


def write(path: str | Path, document: dict[str, Any]) -> None:
    atomic_write(Path(path), yaml.safe_dump(document, sort_keys=False, width=120))


def load(path: str | Path) -> dict[str, Any]:
    """A parameter set file, checked: every value finite and positive; clear errors otherwise."""
    p = Path(path)
    try:
        doc = yaml.safe_load(p.read_text())
    except (OSError, yaml.YAMLError) as e:
        raise FerronetError(f"{p}: cannot read parameter set ({e})") from e
    if not isinstance(doc, dict) or not isinstance(doc.get("parameters"), dict):
        raise FerronetError(f"{p}: not a ferronet parameter set (needs 'fit_id' and a 'parameters' mapping)")
    problems = []
    for name, entry in doc["parameters"].items():
        v = entry.get("value") if isinstance(entry, dict) else entry
        if not isinstance(v, int | float) or not math.isfinite(v):
            problems.append(f"{name}: value {v!r} is not a finite number")
    if problems:
        raise FerronetError(f"{p}: " + "; ".join(problems))
    return doc


def values(doc: dict[str, Any]) -> dict[str, float]:
    return {k: float(e["value"] if isinstance(e, dict) else e) for k, e in doc["parameters"].items()}


def adopt(doc: dict[str, Any], parameters_yaml: Path, data_text: str, priors_yaml: Path | None = None) -> int:
    """Write the MAP values of ``doc`` into ``parameters_yaml`` (one line per parameter is rewritten in place, so
    comments and order stay) and, with ``priors_yaml``, the priors the fit started from (so the fit can be
    rerun from the same place); returns the number of parameters changed."""
    if priors_yaml is not None:
        priors = {k: {"value": e["prior"], "status": e["prior_status"]} for k, e in doc["parameters"].items()}
        header = f"# priors of the shipped fit {doc['fit_id']}: values and statuses before calibration\n"
        atomic_write(priors_yaml, header + yaml.safe_dump({"fit_id": doc["fit_id"], "priors": priors}, sort_keys=False))
    text = parameters_yaml.read_text()
    compounds_yaml = parameters_yaml.with_name("compounds.yaml")
    n = 0
    potencies = {k: e for k, e in doc["parameters"].items() if k.startswith("ic50_")}
    if potencies:
        n += _adopt_potencies(doc["fit_id"], potencies, compounds_yaml, data_text)
    for name, entry in doc["parameters"].items():
        if name in potencies:
            continue
        line_re = re.compile(rf"^{re.escape(name)}: \{{.*\}}$", re.MULTILINE)
        match = line_re.search(text)
        if match is None:
            raise FerronetError(f"{parameters_yaml}: no one-line entry for {name}")
        old = yaml.safe_load(match.group(0))[name]
        unit = old.get("unit", "dimensionless")
        source = (
            f"calibrated on {data_text} (fit id: {doc['fit_id']}; 95% interval {entry['lower95']:g}-"
            f"{entry['upper95']:g}, posterior/prior SD {entry['sd_ratio']:g}); prior {entry['prior']:g} "
            f"({entry['prior_status']})"
        )
        new = {"value": entry["value"], "unit": unit, "status": "calibrated", "source": source}
        line = f"{name}: " + yaml.safe_dump(new, default_flow_style=True, width=10_000, sort_keys=False).strip()
        text = text[: match.start()] + line + text[match.end() :]
        n += 1
    atomic_write(parameters_yaml, text)
    return n


def _adopt_potencies(fid: str, potencies: dict[str, Any], compounds_yaml: Path, data_text: str) -> int:
    """Rewrite ``ic50`` and ``potency_kind`` of the fitted mechanisms (``ic50_<COMPOUND>_<TARGET>``) in place."""
    lines: list[str | None] = list(compounds_yaml.read_text().split("\n"))
    n = 0
    for name, entry in potencies.items():
        compound, target = name[len("ic50_") :].rsplit("_", 1)
        lines = [ln for ln in lines if ln is not None]
        start = next((i for i, ln in enumerate(lines) if ln == f"{compound}:"), None)
        if start is None:
            raise FerronetError(f"{compounds_yaml}: no compound {compound} for {name}")
        text = [ln or "" for ln in lines]
        end = next((i for i in range(start + 1, len(text)) if text[i] and not text[i][0].isspace()), len(text))
        mech = next((i for i in range(start, end) if text[i].strip() == f"- target: {target}"), None)
        if mech is None:
            raise FerronetError(f"{compounds_yaml}: {compound} has no mechanism on {target}")
        stop = next((i for i in range(mech + 1, end) if text[i].strip().startswith("- target:")), end)
        kind = (
            f"calibrated on {data_text} (fit id: {fid}; 95% interval {entry['lower95']:g}-{entry['upper95']:g} uM);"
            f" prior {entry['prior']:g} uM ({entry['prior_status']})"
        )
        found = set()
        for i in range(mech, stop):
            key = text[i].strip().split(":", 1)[0]
            if key == "ic50":
                lines[i] = f"    ic50: {entry['value']}"
                found.add(key)
            elif key == "potency_kind":
                lines[i] = f"    potency_kind: '{kind}'"
                j = i + 1
                while j < stop and text[j].startswith("      "):  # wrapped continuation lines are dropped
                    lines[j] = None
                    j += 1
                found.add(key)
        if "ic50" not in found:
            raise FerronetError(f"{compounds_yaml}: {compound} -> {target} has no ic50 line")
        if "potency_kind" not in found:
            lines.insert(mech + 1, f"    potency_kind: '{kind}'")
        n += 1
    atomic_write(compounds_yaml, "\n".join(ln for ln in lines if ln is not None))
    return n
