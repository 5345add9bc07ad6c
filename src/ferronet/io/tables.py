"""Tables to files by extension: ``.tsv`` (default), ``.csv`` or ``.json`` (records), written atomically."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from ferronet.io.atomic import atomic_write

FORMATS = (".tsv", ".csv", ".json")


def table_text(table: pd.DataFrame, path: str | Path | None = None, extra: dict[str, Any] | None = None) -> str:
    """The table as text in the format named by ``path``'s extension (TSV when None or unknown).

    JSON is ``{"rows": [...], **extra}`` when ``extra`` is given, else a list of records; NaN becomes null.
    """
    suffix = Path(path).suffix.lower() if path else ".tsv"
    if suffix == ".json":
        rows = json.loads(table.to_json(orient="records") or "[]")
        data: Any = {**_clean(extra), "rows": rows} if extra else rows
        return json.dumps(data, indent=1, allow_nan=False) + "\n"
    return table.to_csv(sep="," if suffix == ".csv" else "\t", index=False)


def write_table(
    table: pd.DataFrame, path: str | Path, what: str = "--out", extra: dict[str, Any] | None = None
) -> Path:
    """Write ``table`` atomically (temporary file + rename) in the format of ``path``'s extension."""
    return atomic_write(path, table_text(table, path, extra), what)


def _clean(value: Any) -> Any:
    """JSON-safe copy: NaN and infinities become None, NumPy scalars plain numbers."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
