"""Reading a YAML file whose top level is one list of cases (observations or measurements), with line numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ferronet.errors import FerronetError, Problem, ValidationError


def read_case_list(path: Path, key: str) -> tuple[list[Any], list[int]]:
    """The list under top-level ``key`` and the line of each entry; unreadable or malformed files raise clearly."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FerronetError(f"cannot read {path}: {exc.strerror}") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ValidationError(
            [Problem(str(path), mark.line + 1 if mark else 0, "", f"not valid YAML: {exc}")]
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise ValidationError([Problem(str(path), 1, key, f"expected a top-level list '{key}:'")])
    lines: list[int] = []
    if root is not None and hasattr(root, "value"):
        for k, value in root.value:
            if getattr(k, "value", None) == key and hasattr(value, "value"):
                lines = [n.start_mark.line + 1 for n in value.value]
    return data[key], lines
