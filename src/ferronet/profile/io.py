"""Reading sample tables: CSV/TSV (optionally gzipped) or .h5ad; samples as rows, genes as columns.

Every problem is reported at once with file and line; nothing is silently dropped.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
import warnings
import zlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ferronet.errors import FerronetError, Problem, ValidationError
from ferronet.names import suggest


@dataclass(frozen=True)
class Limits:
    """Bounds on one input table (the web app sets them; the CLI reads cohorts without row or column limits)."""

    max_bytes: int | None = None  # after decompression
    max_rows: int | None = None  # samples
    max_cols: int | None = None  # genes


NO_LIMITS = Limits()
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
#: cells read as missing values where a table may have gaps (proteins)
MISSING = frozenset({"", "NA", "NAN", "N/A", "NULL", "NONE"})
EXPECTED = "a samples x genes table: CSV/TSV text (optionally gzipped) or .h5ad"


def _inflate(name: str, raw: bytes, max_bytes: int | None) -> bytes:
    """Decompress gzip data in bounded steps: never more than ``max_bytes`` are inflated (gzip bombs)."""
    out = bytearray()
    step = 1 << 20
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as fh:
            while chunk := fh.read(step):
                out += chunk
                if max_bytes is not None and len(out) > max_bytes:
                    raise FerronetError(
                        f"{name}: more than {max_bytes / 1e6:g} MB once decompressed (the limit for one table)"
                    )
    except EOFError:
        raise FerronetError(f"{name}: truncated gzip file (it ends before its end marker); copy it again") from None
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise FerronetError(f"{name}: corrupt gzip file ({exc}); expected {EXPECTED}") from None
    return bytes(out)


def _open_text(path: Path, limits: Limits = NO_LIMITS) -> str:
    name = path.name
    try:
        size = path.stat().st_size
        if not limits.max_bytes or size <= limits.max_bytes:
            raw = path.read_bytes()
        else:
            raise FerronetError(f"{name}: larger than {limits.max_bytes / 1e6:g} MB (the limit for one table)")
    except OSError as exc:
        raise FerronetError(f"cannot read {path}: {exc.strerror or exc}") from None
    if raw[:2] == b"\x1f\x8b":
        raw = _inflate(name, raw, limits.max_bytes)
    if raw.startswith(HDF5_SIGNATURE):
        raise FerronetError(f"{name}: an HDF5 file; name it .h5ad if it is an AnnData file (expected {EXPECTED})")
    head = raw[:65536]
    controls = sum(b < 9 or 13 < b < 32 for b in head)
    if b"\x00" in head or controls > len(head) // 100:
        raise FerronetError(f"{name}: binary data, not a text table (expected {EXPECTED})")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")  # legacy spreadsheets; gene symbols are ASCII either way


def _read_h5ad(
    path: Path, limits: Limits = NO_LIMITS, var_symbols: str | None = None, allow_missing: bool = False
) -> pd.DataFrame:
    try:
        import anndata
    except ImportError:  # pragma: no cover - optional dependency
        raise FerronetError(f"{path.name}: reading .h5ad needs the 'anndata' package (pip install anndata)") from None
    try:
        with path.open("rb") as fh:
            signature = fh.read(8)
    except OSError as exc:
        raise FerronetError(f"cannot read {path}: {exc.strerror or exc}") from None
    if signature != HDF5_SIGNATURE:
        raise FerronetError(f"{path.name}: not an HDF5/AnnData file (no HDF5 signature); expected {EXPECTED}")
    try:
        backed = anndata.read_h5ad(path, backed="r")
        n_obs, n_vars = backed.shape
        backed.file.close()
        _check_shape(path.name, n_obs, n_vars, limits)
        ad = anndata.read_h5ad(path)
    except FerronetError:
        raise
    except Exception as exc:  # h5py/anndata raise many types for damaged files
        raise FerronetError(
            f"{path.name}: not a readable .h5ad file ({type(exc).__name__}: {str(exc)[:160]})"
        ) from None
    return anndata_frame(ad, var_symbols, path.name, allow_missing)


def _check_shape(name: str, n_rows: int, n_cols: int, limits: Limits) -> None:
    if limits.max_rows is not None and n_rows > limits.max_rows:
        raise FerronetError(f"{name}: {n_rows} samples; at most {limits.max_rows} are accepted here")
    if limits.max_cols is not None and n_cols > limits.max_cols:
        raise FerronetError(f"{name}: {n_cols} columns; at most {limits.max_cols} genes are accepted here")


ENSEMBL = re.compile(r"^ENSG\d{11}(\.\d+)?$")


@cache
def ensembl_to_symbol() -> dict[str, str]:
    """Ensembl gene id -> HGNC symbol for the genes of FerrDb V2 (``data/hgnc_genes.tsv``, HGNC data, CC0)."""
    text = resources.files("ferronet.data").joinpath("hgnc_genes.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith(("#", "hgnc_id"))]
    return {ens: sym for _, sym, ens in rows if ens}


def anndata_frame(
    adata: Any, var_symbols: str | None = None, name: str = "AnnData", allow_missing: bool = False
) -> pd.DataFrame:
    """A samples x genes frame from an AnnData object (scanpy layout: cells/samples = obs, genes = var).

    Gene symbols come from ``adata.var[var_symbols]`` when given (e.g. ``"gene_symbols"``), else from
    ``var_names``; Ensembl ids (``ENSG...``, version suffix allowed) are mapped to HGNC symbols with the shipped
    table. Columns sharing a symbol are averaged; unmapped genes are dropped with a warning giving the count.
    """
    if var_symbols is not None:
        if var_symbols not in adata.var.columns:
            cols = [str(c) for c in adata.var.columns]
            close = suggest(var_symbols, cols)
            hint = f"; did you mean {', '.join(close)}?" if close else f" (columns: {', '.join(cols) or 'none'})"
            raise FerronetError(f"{name}: no var column '{var_symbols}'{hint}")
        genes = [str(g) if isinstance(g, str) else "" for g in adata.var[var_symbols]]
    else:
        genes = [str(g) for g in adata.var_names]
    n_ens = sum(bool(ENSEMBL.match(g)) for g in genes)
    if n_ens and n_ens >= len(genes) / 2:
        table = ensembl_to_symbol()
        genes = [table.get(g.split(".")[0], "") for g in genes]
        if not any(genes):
            raise FerronetError(
                f"{name}: genes are Ensembl ids and none is in the shipped HGNC table; give the var column "
                "holding gene symbols (--var-symbols COLUMN / var_symbols=...)"
            )
    x = adata.X.toarray() if hasattr(adata.X, "toarray") else np.asarray(adata.X)
    frame = pd.DataFrame(np.asarray(x, dtype=float), index=[str(i) for i in adata.obs_names], columns=genes)
    dropped = frame.columns == ""
    if dropped.any():
        warnings.warn(f"{name}: {int(dropped.sum())} gene(s) without a symbol were dropped", stacklevel=2)
        frame = frame.loc[:, ~dropped]
    if frame.columns.duplicated().any():
        n = int(frame.columns.duplicated().sum())
        warnings.warn(f"{name}: {n} column(s) repeat a gene symbol; repeated columns are averaged", stacklevel=2)
        frame = frame.T.groupby(level=0, sort=False).mean().T
    _check_frame(name, frame, allow_missing)
    return frame


def as_expression_frame(data: Any, var_symbols: str | None = None) -> pd.DataFrame:
    """``data`` as a samples x genes DataFrame: a DataFrame is returned as is, an AnnData object converted."""
    if isinstance(data, pd.DataFrame):
        return data
    if hasattr(data, "obs_names") and hasattr(data, "var_names") and hasattr(data, "X"):
        return anndata_frame(data, var_symbols)
    raise FerronetError(f"expression must be a pandas DataFrame or an AnnData object, not {type(data).__name__}")


def read_gmt(path: str | Path) -> dict[str, list[str]]:
    """Gene sets from a GMT file (one set per line: name, description, genes; TAB-separated).

    Empty trailing fields are ignored (padded files); every problem is reported with its line, all at once.
    """
    path = Path(path)
    if not path.exists():
        raise FerronetError(f"gene-set file not found: {path}")
    sets: dict[str, list[str]] = {}
    first_line: dict[str, int] = {}
    problems: list[Problem] = []
    for i, raw in enumerate(_open_text(path).splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = [c.strip() for c in raw.split("\t")]
        if len(cells) < 3:
            problems.append(Problem(path.name, i, "", "expected name, description and genes separated by TABs"))
            continue
        name, genes = cells[0], [g for g in cells[2:] if g]
        if not name:
            problems.append(Problem(path.name, i, "", "empty gene-set name"))
        elif name in first_line:
            problems.append(Problem(path.name, i, name, f"gene set appears twice (also line {first_line[name]})"))
        elif not genes:
            problems.append(Problem(path.name, i, name, "gene set has no genes"))
        else:
            first_line[name] = i
            sets[name] = list(dict.fromkeys(genes))
    if problems:
        raise ValidationError(problems)
    if not sets:
        raise ValidationError([Problem(path.name, 0, "", "no gene sets found")])
    return sets


def read_samples(
    path: str | Path,
    kind: str = "expression",
    binary: bool = False,
    limits: Limits = NO_LIMITS,
    var_symbols: str | None = None,
    allow_missing: bool = False,
) -> pd.DataFrame:
    """A samples x genes table of numbers. ``binary`` requires 0/1 values (mutations).

    ``allow_missing`` (proteins): empty cells and ``NA``/``NaN`` are kept as missing values (NaN) instead of
    being refused; text and infinite values are still errors. ``.h5ad`` files are read with
    :func:`anndata_frame` (``var_symbols``: the var column holding symbols).
    """
    path = Path(path)
    if not path.exists():
        raise FerronetError(f"{kind} file not found: {path}")
    if path.is_dir():
        raise FerronetError(f"{kind} file {path} is a folder; expected {EXPECTED}")
    if path.suffix == ".h5ad":
        return _read_h5ad(path, limits, var_symbols, allow_missing)
    if var_symbols is not None:
        raise FerronetError(f"{path.name}: --var-symbols applies to .h5ad files only")
    text = _open_text(path, limits)
    first = text.partition("\n")[0].rstrip("\r")
    delim = "\t" if first.count("\t") >= first.count(",") else ","
    if limits.max_rows is not None or limits.max_cols is not None:
        lines = text.count("\n") + (not text.endswith("\n"))
        blank = sum(1 for line in text.splitlines() if not line.strip())
        _check_shape(path.name, max(0, lines - 1 - blank), first.count(delim), limits)
    rows = list(csv.reader(io.StringIO(text), delimiter=delim))
    if len(rows) < 2:
        raise ValidationError([Problem(path.name, 1, "", f"{kind} table needs a header and at least one sample")])
    header = [h.strip() for h in rows[0]]
    genes = header[1:]
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for j, g in enumerate(genes):
        if not g:
            problems.append(Problem(path.name, 1, f"column {j + 2}", "empty gene name"))
        elif g in seen:
            problems.append(Problem(path.name, 1, g, f"gene appears twice (columns {seen[g] + 2} and {j + 2})"))
        seen.setdefault(g, j)
    samples: list[str] = []
    values = np.full((len(rows) - 1, len(genes)), np.nan)
    sample_line: dict[str, int] = {}
    for i, row in enumerate(rows[1:], start=2):
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            problems.append(Problem(path.name, i, "", f"expected {len(header)} fields, found {len(row)}"))
            continue
        sid = row[0].strip()
        if sid in sample_line:
            problems.append(Problem(path.name, i, sid, f"sample id appears twice (also line {sample_line[sid]})"))
        sample_line.setdefault(sid, i)
        samples.append(sid)
        fast = _clean_row(row[1:], binary)
        if fast is not None:  # every cell a finite number (and 0/1 for mutations): no per-cell checks needed
            values[len(samples) - 1] = fast
            continue
        bad = []
        for j, cell in enumerate(row[1:]):
            if allow_missing and cell.strip().upper() in MISSING:
                continue  # stays NaN
            try:
                v = float(cell)
            except ValueError:
                bad.append(f"{genes[j]}='{cell}'")
                continue
            if math.isnan(v) or math.isinf(v):
                bad.append(f"{genes[j]}={cell or 'empty'}")
            elif binary and v not in (0.0, 1.0):
                bad.append(f"{genes[j]}={cell} (mutations must be 0 or 1)")
            values[len(samples) - 1, j] = v
        if bad:
            shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
            problems.append(Problem(path.name, i, sid, f"non-numeric or missing value(s): {shown}"))
    _check_orientation(path.name, header, samples, problems)
    if problems:
        raise ValidationError(problems)
    return pd.DataFrame(values[: len(samples)], index=samples, columns=genes)


def _clean_row(cells: list[str], binary: bool) -> np.ndarray | None:
    """The row's values when every cell is a finite number (0/1 if ``binary``), else None (checked cell by cell)."""
    try:
        v = np.array(cells, dtype=float)
    except ValueError:
        return None
    if not np.isfinite(v).all() or (binary and not np.isin(v, (0.0, 1.0)).all()):
        return None
    return v


def _check_frame(fname: str, frame: pd.DataFrame, allow_missing: bool = False) -> None:
    """Duplicated genes or samples and non-finite values (NaN allowed with ``allow_missing``), all together."""
    found = [Problem(fname, 0, g, "gene appears twice") for g in frame.columns[frame.columns.duplicated()]]
    found += [Problem(fname, 0, x, "sample id appears twice") for x in frame.index[frame.index.duplicated()]]
    x = frame.to_numpy(float)
    bad = np.isinf(x) if allow_missing else ~np.isfinite(x)
    for i, j in zip(*np.nonzero(bad), strict=True):
        found.append(Problem(fname, 0, str(frame.index[i]), f"non-finite value for {frame.columns[j]}"))
    if found:
        raise ValidationError(found)


def _check_orientation(fname: str, header: list[str], samples: list[str], problems: list[Problem]) -> None:
    """Genes down the first column and samples across is the commonest mistake: say so plainly."""
    from ferronet.model.network import load_model

    nodes = set(load_model().nodes)
    in_rows = sum(s in nodes for s in samples)
    in_cols = sum(h in nodes for h in header[1:])
    if in_rows >= 3 and in_rows > in_cols:
        problems.insert(
            0,
            Problem(
                fname,
                1,
                "",
                f"samples appear to be columns: {in_rows} first-column entries are "
                "gene symbols. Put samples as rows and genes as columns (transpose the table).",
            ),
        )
