"""Out-of-fold validation on CTRPv2 (ML210, ML162, CIL56) beside baselines, all under the SAME folds.

Usage: ``uv run python benchmarks/bench_predict_ctrp.py [--drugs ML210,ML162,CIL56] [--limit N] [--no-ferronet]
[--no-fit] [--fit-lines 160] [--max-evals 100] [--figure PNG]``

Folds: 5 folds by cell line (seed 0, stratified by tissue; :func:`ferronet.calibrate.folds.line_splits`) over
every line with GDSC expression and a CTRPv2 AUC; each drug uses the lines of those folds it has. The table is
the pooled out-of-fold Spearman between each score and the measured AUC (mean fitted viability; higher = more
resistant), with the mean of the 5 per-fold values in brackets. Rows:

- ``ferronet (calibrated, OOF)``: ``ferronet.calibrate.crossval.cross_validate`` under the SAME folds: in each
  fold the global parameters are fitted (``ferronet fit``'s objective: CTRPv2 ML210 + ML162 curves of at most
  ``--fit-lines`` training lines, breast-panel RSL3 + FIN56, GSH points, lethal facts) and the test lines are
  simulated with the fold's parameters; score = mean simulated viability over the line's measured doses.
- ``ferronet predict, model``: ``ferronet.profile.predict(readout="model")`` (no axis explanations) with the
  shipped parameters (fitted on 200 of these lines: not out-of-fold). It uses no other response data; each
  line is normalised against the shipped GDSC reference, computed once, looked up per fold.
  Drugs without a mechanism in the compound library (CIL56) print n/a. Predictions are cached in ``out/cache``
  (keyed by model version and inputs; about 2 s per drug on the 2-core machine).
- ``ferronet signed (default)``: the readout ``predict`` uses by default for ML210 and ML162, refitted within
  each fold's training lines: the 30 inputs ``personalise`` builds for a line (z of each GDSC-measured
  personalised gene against the shipped reference, NRF2-target and EMT footprint scores, and the CCLE protein of
  GPX4, AIFM2 and SLC7A11 in reference SDs, 0 where the line has none) in a ridge regression
  whose weights are held to the sign of each input's simulated effect on the drug
  (``ferronet.profile.personalise.effect_signs``), fitted within the training lines
  (``ferronet.calibrate.evaluate.signed_readout_scorer``). ``ridge, model inputs``: the same inputs, signs free.
  Together they show how much of the response the model's inputs carry beyond the simulated score.
- NQO1 / AIFM2 mRNA, NRF2-target score (mean z of the NRF2 footprint, standardised on the training lines),
  epithelial-state score (mean z of CDH1, EPCAM, ESRP1 minus that of ZEB1, VIM, CDH2: the EMT footprint, sign
  flipped so that positive = resistant),
  tissue of origin (training-fold mean AUC per tissue), ridge on all expression genes (fitted within the
  training lines; alpha by inner 5-fold CV), and the same with the three protein inputs added (the
  signed readout's extra information, given to the baseline too).

Any ``scorer(train_lines, test_lines) -> scores`` slots in (see :mod:`ferronet.calibrate.evaluate`). The median
out-of-fold RMSE of viability curves is printed for the training-fold mean curve; a curve scorer
(``ferronet.calibrate.evaluate.CurveScorer``) slots in beside it once the model returns curves.
"""

from __future__ import annotations

import argparse
import hashlib
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

import ferronet
from ferronet.calibrate import data
from ferronet.calibrate.crossval import cross_validate
from ferronet.calibrate.evaluate import (
    OutOfFold,
    Scorer,
    feature_scorer,
    group_mean_scorer,
    mean_curve_scorer,
    mean_z_scorer,
    out_of_fold,
    out_of_fold_rmse,
    ridge_scorer,
    signed_readout_scorer,
)
from ferronet.calibrate.folds import line_splits
from ferronet.calibrate.objective import default_data
from ferronet.calibrate.petab_problem import compound_ids
from ferronet.model import load_model
from ferronet.profile.personalise import (
    EMT_EPITHELIAL,
    EMT_MESENCHYMAL,
    NRF2_FOOTPRINT,
    effect_signs,
    expression_scores,
    model_inputs,
    predict,
    protein_inputs,
)

CACHE = Path(__file__).resolve().parents[1] / "out" / "cache"


def ferronet_scorer(drug: str, lines: list[str], cl: data.CellLineData, model_version: str) -> Scorer:
    """``ferronet.profile.predict`` on all lines once (no responses used), looked up per test fold.

    Predictions are cached in ``out/cache`` under a hash of the model version, the engine/personalisation source,
    the drug and the input tables.
    """
    expr, muts, prot = cl.expression.loc[lines], cl.mutations.reindex(lines).fillna(0), cl.proteins.reindex(lines)
    digest = hashlib.sha256(f"{model_version}|{drug}|readout=model".encode())
    package = Path(ferronet.__file__).parent
    for src in sorted(p for d in ("sim", "profile", "screen", "model") for p in (package / d).glob("*.py")):
        digest.update(src.read_bytes())  # engine or personalisation code changes invalidate the cache
    for frame in (expr, muts, prot):
        digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    path = CACHE / f"predict_{drug}_{digest.hexdigest()[:16]}.csv"
    cache: dict[str, pd.Series] = {}

    def score(train: Sequence[str], test: Sequence[str]) -> pd.Series:
        if "all" not in cache and path.is_file():
            cache["all"] = pd.read_csv(path, index_col=0)["score"]
            print(f"  [ferronet predict {drug}: cached {path.name}]")
        if "all" not in cache:
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pred = predict(drug, expr, muts, prot, axes=False, progress=False, readout="model")
            cache["all"] = pred.set_index("sample")["score"]
            dt = time.perf_counter() - t0
            print(f"  [ferronet predict {drug}: {len(lines)} lines in {dt:.0f} s, {len(lines) / dt:.1f} lines/s]")
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            cache["all"].to_frame("score").to_csv(tmp)
            tmp.replace(path)
        return cache["all"].reindex(list(test))

    return score


def lookup_scorer(values: pd.Series) -> Scorer:
    """Out-of-fold values computed beforehand under the same folds, looked up per test fold."""

    def score(train: Sequence[str], test: Sequence[str]) -> pd.Series:
        return values.reindex(list(test))

    return score


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--drugs", default="ML210,ML162,CIL56")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N lines (quick look)")
    ap.add_argument("--no-ferronet", action="store_true", help="baselines only")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-fit", action="store_true", help="skip the cross-validated calibration row")
    ap.add_argument("--fit-lines", type=int, default=160, help="training lines each fold's fit sees")
    ap.add_argument("--max-evals", type=int, default=100, help="model evaluations per fold's fit")
    ap.add_argument("--figure", default="", help="also write the table as a bar chart (PNG) to this path")
    args = ap.parse_args()
    drugs = [d.strip().upper() for d in args.drugs.split(",") if d.strip()]
    t0 = time.perf_counter()
    auc = data.ctrp_auc(drugs)
    expr = data.expression()
    lines = sorted(k for k in auc.index if k in expr.index)
    if args.limit:
        lines = lines[: args.limit]
    cl = data.cell_line_data(lines)
    tissue = cl.info["tissue"]
    splits = line_splits(lines, k=5, seed=args.seed, strata=tissue.to_dict())
    print(
        f"{len(lines)} lines with expression and a CTRPv2 AUC; 5 folds by line (seed {args.seed}, "
        f"stratified by tissue; sizes {', '.join(str(len(s.test)) for s in splits)}) [{time.perf_counter() - t0:.0f} s]"
    )
    model = load_model()
    in_model = compound_ids(model, drugs)
    oof = None
    if not args.no_fit:
        t1 = time.perf_counter()
        fitted_drugs = [d for d in ("ML210", "ML162") if d in drugs]
        fit_data = default_data(ctrp=fitted_drugs, breast=("RSL3", "FIN56"), lines=None)
        cv = cross_validate(
            model, fit_data, splits, fit_lines=args.fit_lines, max_evals=args.max_evals, seed=args.seed, progress=True
        )
        oof = cv.oof[cv.oof["source"] == "CTRPv2"].set_index(["drug", "line"])["predicted_auc"]
        print(
            f"  [calibrated: {len(splits)} fold fits, {sum(f.n_evaluations for f in cv.fits)} evaluations in "
            f"{time.perf_counter() - t1:.0f} s; median OOF curve RMSE "
            + ", ".join(f"{d} {v:.3f}" for (_, d), v in cv.median_rmse().items())
            + "]"
        )
    # the model's inputs as personalise builds them: z per personalised gene (against the shipped reference)
    # and the footprint scores (NRF2 targets, EMT markers)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        z, footprints, _ = expression_scores(cl.expression.loc[lines], "reference")
    prot = protein_inputs(cl.proteins, z.index)  # measured CCLE protein in reference SDs, 0 where not measured
    inputs = model_inputs(z, footprints, prot)
    expr_prot = pd.concat([expr.reindex(lines), prot], axis=1)
    table: dict[str, dict[str, OutOfFold | None]] = {}
    counts = {}
    for drug in drugs:
        y = auc[drug].reindex(lines).dropna()
        counts[drug] = len(y)
        have = list(y.index)
        scorers: dict[str, Scorer | None] = {
            "ferronet (calibrated, OOF)": None
            if oof is None or drug not in set(oof.index.get_level_values(0))
            else lookup_scorer(oof.loc[drug]),
            "ferronet predict, model": None
            if args.no_ferronet or drug not in in_model
            else ferronet_scorer(drug, have, cl, model.version),
            "ferronet signed (default)": None
            if drug not in in_model
            else signed_readout_scorer(inputs, y, effect_signs(drug, list(inputs.columns), model), seed=args.seed),
            "ridge, model inputs": ridge_scorer(inputs, y, seed=args.seed),
            "NQO1 mRNA": feature_scorer(expr["NQO1"]),
            "AIFM2 mRNA": feature_scorer(expr["AIFM2"]),
            "NRF2-target score": mean_z_scorer(expr, NRF2_FOOTPRINT),
            "epithelial-state score": mean_z_scorer(expr, EMT_EPITHELIAL, minus=EMT_MESENCHYMAL),
            "tissue of origin": group_mean_scorer(tissue, y),
            "ridge, all genes": ridge_scorer(expr, y, seed=args.seed),
            "ridge, all genes + proteins": ridge_scorer(expr_prot, y, seed=args.seed),
        }
        for name, sc in scorers.items():
            table.setdefault(name, {})[drug] = None if sc is None else out_of_fold(sc, y, splits)
    print(f"\nout-of-fold Spearman with measured AUC (pooled; [mean of 5 folds])  [{time.perf_counter() - t0:.0f} s]")
    print(f"{'score':30s}" + "".join(f"{d + f' (n={counts[d]})':>22s}" for d in drugs))
    for name, row in table.items():
        cells = []
        for d in drugs:
            r = row[d]
            cells.append(f"{'n/a':>22s}" if r is None else f"{f'{r.spearman:+.3f} [{_mean(r.per_fold):+.3f}]':>22s}")
        print(f"{name:30s}" + "".join(cells))
    if args.figure:
        from ferronet.analyse.plots import scorer_bars
        from ferronet.io.atomic import atomic_write

        values = pd.DataFrame(
            {d: {name: (row[d].spearman if row[d] is not None else float("nan")) for name, row in table.items()}
             for d in drugs}
        )  # fmt: skip
        title = f"CTRPv2, 5 folds by line (seed {args.seed}); " + ", ".join(f"{d} n={counts[d]}" for d in drugs)
        atomic_write(args.figure, scorer_bars(values, title, target=0.60))  # issue #11's ML210 target
        print(f"figure: {args.figure}")
    print("\nmedian out-of-fold RMSE of the viability curves (8 doses between the median lowest and highest dose)")
    for drug in drugs:
        curves = data.ctrp_curve_matrix(drug).reindex(lines).dropna(how="all")
        rmse = out_of_fold_rmse(mean_curve_scorer(curves), curves, splits)
        print(f"  {drug}: training-fold mean curve {rmse.median():.3f} (n={len(rmse)}); ferronet n/a (score only)")
    print(f"wall time {time.perf_counter() - t0:.0f} s")


def _mean(xs: Sequence[float]) -> float:
    return float(pd.Series(xs, dtype=float).mean())


if __name__ == "__main__":
    main()
