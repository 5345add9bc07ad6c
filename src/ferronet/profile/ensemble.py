"""Parameter ensembles for prediction intervals (e.g. the sets a ``ferronet fit`` run keeps).

File format (YAML)::

    fit_id: ctrp-2026-12-01
    parameter_sets:
      - {beta_expr: 0.31, gain_AIFM2: 1.4}
      - {beta_expr: 0.40, gain_AIFM2: 0.8}

Each set names model parameters and their values; parameters a set does not name keep the model's value.
Every problem is reported at once, with file and line; unknown names get the closest known ones.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from ferronet.errors import FerronetError, Problem, ValidationError
from ferronet.model.network import Model, load_model
from ferronet.names import suggest


def _check_set(
    values: Any, model: Model, where: str, line: int, name: str, problems: list[Problem]
) -> dict[str, float] | None:
    if not isinstance(values, Mapping) or not values:
        problems.append(Problem(name, line, where, "expected a non-empty mapping of parameter names to numbers"))
        return None
    out: dict[str, float] = {}
    for key, value in values.items():
        field = f"{where}: {key}"
        if str(key) not in model.parameters:
            close = suggest(str(key), list(model.parameters))
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            problems.append(Problem(name, line, field, f"unknown parameter{hint}"))
        elif isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(Problem(name, line, field, f"expected a number, found {value!r}"))
        elif not math.isfinite(value):
            problems.append(Problem(name, line, field, f"non-finite value {value}"))
        else:
            out[str(key)] = float(value)
    return out


def _set_lines(node: yaml.Node | None) -> list[int]:
    """1-based line of each item of ``parameter_sets`` in the composed YAML tree (0 where unknown)."""
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "parameter_sets" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


#: the other keys of a ``ferronet fit`` parameter-set file (ferronet.calibrate.parameter_set), accepted as is
FIT_DOCUMENT_KEYS = frozenset(
    {"ferronet_version", "model_version", "method", "seed", "cost", "data_cost", "evaluations", "seconds", "data",
     "parameters"}
)  # fmt: skip


def load_ensemble(path: str | Path, model: Model | None = None) -> tuple[str, list[dict[str, float]]]:
    """``(fit_id, parameter_sets)`` from a YAML file ``{fit_id: str, parameter_sets: [{name: value}, ...]}``."""
    path = Path(path)
    m = model or load_model()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FerronetError(f"ensemble file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FerronetError(f"cannot read ensemble file {path}: {exc}") from None
    try:
        data = yaml.safe_load(text)
        lines = _set_lines(yaml.compose(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        reason = f"not valid YAML ({getattr(exc, 'problem', None) or exc})"
        raise ValidationError([Problem(path.name, line, "", reason)]) from None
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise ValidationError([Problem(path.name, 1, "", "expected a mapping with fit_id and parameter_sets")])
    fit_id = data.get("fit_id")
    if not isinstance(fit_id, str) or not fit_id.strip():
        problems.append(Problem(path.name, 1, "fit_id", "missing or not a text"))
    unknown = sorted(set(data) - {"fit_id", "parameter_sets"} - FIT_DOCUMENT_KEYS)
    if unknown:
        problems.append(
            Problem(path.name, 1, ", ".join(map(str, unknown)), "unknown key(s); expected fit_id, parameter_sets")
        )
    raw = data.get("parameter_sets")
    sets: list[dict[str, float]] = []
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(path.name, 1, "parameter_sets", "missing or not a non-empty list"))
    else:
        for i, item in enumerate(raw):
            line = lines[i] if i < len(lines) else 0
            checked = _check_set(item, m, f"parameter_sets[{i}]", line, path.name, problems)
            if checked is not None:
                sets.append(checked)
    if problems:
        raise ValidationError(problems)
    return str(fit_id), sets


def as_parameter_sets(
    ensemble: Sequence[Mapping[str, float]] | str | Path, model: Model | None = None
) -> list[dict[str, float]]:
    """Parameter sets from a file path or a list of mappings, checked against ``model`` (all problems at once)."""
    m = model or load_model()
    if isinstance(ensemble, str | Path):
        return load_ensemble(ensemble, m)[1]
    if isinstance(ensemble, Mapping) or not isinstance(ensemble, Sequence) or not ensemble:
        raise FerronetError("an ensemble is a non-empty list of {parameter: value} mappings or a YAML file path")
    problems: list[Problem] = []
    sets = [_check_set(s, m, f"set {i}", 0, "ensemble", problems) for i, s in enumerate(ensemble)]
    if problems:
        raise ValidationError(problems)
    return [s for s in sets if s is not None]
