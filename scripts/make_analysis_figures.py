"""Regenerate the figures of docs/analyses.md and the README's "Analyses" section (docs/img/analysis_*.png).

    uv run python scripts/make_analysis_figures.py [--out docs/img]

Each figure is made by the public API (the same calls as the CLI commands printed below) and printed numbers
are the ones quoted in docs/analyses.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ferronet.analyse import continuation, dose_response, sensitivity
from ferronet.analyse.plots import bifurcation_diagram, dose_response_figure, sensitivity_bars
from ferronet.io.atomic import atomic_write


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="docs/img", help="Folder for the PNGs (default docs/img).")
    out = Path(ap.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)

    # ferronet analyse sensitivity --drug ML210@1uM --cell HT1080 --method morris --n 10
    table = sensitivity("ferroptosis", "morris", "parameters", ["ML210@1uM"], "HT1080", n=10, seed=0)
    atomic_write(out / "analysis_sensitivity.png", sensitivity_bars(table, top=15))
    top = table[table.metric == "mu_star"].head(5)
    print("Morris mu* top 5:", ", ".join(f"{f} {v:.3f}" for f, v in zip(top.factor, top.value, strict=True)))
    print("samples:", table.attrs["samples"], "failed:", table.attrs["failed"])

    # ferronet analyse bifurcation --parameter GPX4 --range 2 0.02 --n 40
    b = continuation("GPX4", 2.0, 0.02, n=40)
    atomic_write(out / "analysis_bifurcation.png", bifurcation_diagram(b, "lipid_peroxidation"))
    print("GPX4 folds:", [round(v, 4) for v in b.folds["value"]], "bistable range:", b.bistable_range())

    # ferronet dose-response --drug RSL3 --with FSP1:overexpression
    dr = dose_response("RSL3", extra=["FSP1:overexpression"])
    atomic_write(out / "analysis_dose_response.png", dose_response_figure(dr.drug, dr.table, dr.summary))
    print(dr.summary[["arm", "ec50_uM", "emax", "auc", "hill", "r2"]].to_string(index=False))


if __name__ == "__main__":
    main()
