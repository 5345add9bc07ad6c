"""``ferronet fit`` end to end: data -> MAP fit -> ensemble -> cross-validation -> parameter set + HTML report.

Outputs, in ``out`` (all written atomically):

- ``<fit_id>.yaml``: the versioned parameter set (MAP values, 95 % intervals, identifiability) and its ensemble
  (``parameter_sets``: Laplace draws, then the fold fits), readable by ``ferronet predict --ensemble``;
- ``<fit_id>.html``: the fit report;
- ``<fit_id>_oof.tsv``: out-of-fold predictions per line and compound (when cross-validating).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ferronet.calibrate import parameter_set
from ferronet.calibrate.crossval import CrossValidation, cross_validate, predict_curves, subsample
from ferronet.calibrate.crossval import leave_source_out as loso
from ferronet.calibrate.fit import DEFAULT_ESTIMATED, FitResult, ensemble, fit
from ferronet.calibrate.objective import FitData, Simulated, default_data, simulate
from ferronet.calibrate.report import write_report
from ferronet.errors import FerronetError
from ferronet.io.atomic import atomic_write
from ferronet.model.network import Model


@dataclass(frozen=True)
class Preset:
    """A named problem size."""

    lines: int
    ctrp: tuple[str, ...]
    breast: tuple[str, ...]
    literature: bool
    names: tuple[str, ...]
    max_evals: int
    folds: int


#: the CI-sized problem of ``--small``: 12 lines, the two CTRPv2 GPX4 inhibitors, no breast panel or literature
#: term, four parameters, 16 evaluations per fit, 2 folds
SMALL = Preset(12, ("ML210", "ML162"), (), False, ("theta_death", "beta_expr", "gain_AIFM2", "ic50_ML210_GPX4"), 16, 2)


#: default budget: CTRPv2 lines the global fit sees and each fold's fit sees. More training lines ranked held-out
#: lines better (bench_predict_ctrp.py, 100 evaluations per fold: 80 lines ML210 0.538 / ML162 0.483 out of fold,
#: 160 lines 0.560 / 0.507); these keep the whole run near 20 min on an idle 2-core machine
FIT_LINES = 200
CV_LINES = 100


@dataclass
class FitRun:
    fit_id: str
    result: FitResult
    document: dict[str, object]
    cv: CrossValidation | None
    files: dict[str, Path]
    by_source: CrossValidation | None = None


def run_fit(
    model: Model,
    out: str | Path = "fits",
    ctrp: Sequence[str] = ("ML210", "ML162"),
    breast: Sequence[str] = ("RSL3", "FIN56"),
    gsh: bool = True,
    literature: bool = True,
    lines: int | None = None,
    names: Sequence[str] = DEFAULT_ESTIMATED,
    method: str = "lm",
    starts: int = 1,
    max_evals: int = 120,
    seed: int = 0,
    folds: int = 5,
    fit_lines: int | None = FIT_LINES,
    n_ensemble: int = 20,
    cv_lines: int | None = CV_LINES,
    cv_evals: int = 60,
    scheduler: str | None = None,
    progress: bool = True,
    say: Callable[[str], None] = print,
    leave_source_out: bool = False,
) -> FitRun:
    """Fit, cross-validate (``folds`` >= 2) and write the parameter set, report and out-of-fold table.

    The global fit sees at most ``fit_lines`` CTRPv2 lines and ``max_evals`` evaluations; each fold's fit
    ``cv_lines`` and ``cv_evals`` (see :data:`FIT_LINES`).
    ``leave_source_out`` adds one fit per data source without that source's curves (same budget as a fold)."""
    full = default_data(ctrp, breast, gsh, literature=literature)
    chosen = subsample(full.lines, lines, seed)
    fit_data = full.restrict(chosen) if lines else full
    sources = list(dict.fromkeys(c.source for c in fit_data.curves if c.lines))
    if leave_source_out and len(sources) < 2:  # say so before spending the fit's budget
        raise FerronetError(
            f"--leave-source-out needs curves from at least two data sources; this fit has {', '.join(sources)} "
            "only (add --breast RSL3,FIN56 or --ctrp ML210)"
        )
    # the lines the global fit sees: a seeded subset of the CTRPv2 lines (bounded cost) and every breast-panel line
    ctrp_lines = sorted({k for c in fit_data.curves if c.source == "CTRPv2" for k in c.lines})
    others = [k for c in fit_data.curves if c.source != "CTRPv2" for k in c.lines]
    train = sorted(set(subsample(ctrp_lines, fit_lines, seed)) | set(others))
    train_data = fit_data.restrict(train)
    fid = parameter_set.fit_id(train_data.n_points(), names, method, seed, train, model)
    say(f"{fid}: {len(train)} lines, " + ", ".join(f"{k} {v}" for k, v in train_data.n_points().items()))
    result = fit(model, train_data, names, method, starts, seed, max_evals, progress, scheduler)
    say(f"MAP after {result.n_evaluations} evaluations ({result.seconds:.0f} s): cost {result.cost:.1f}")
    cv = None
    if folds >= 2:
        say(f"cross-validation: {folds} folds by line, each fitted on at most {cv_lines} training lines")
        cv = cross_validate(model, fit_data, None, names, folds, seed, cv_lines, method, cv_evals, progress)
    by_source = None
    if leave_source_out:
        say("leave one data source out: " + ", ".join(dict.fromkeys(c.source for c in fit_data.curves)))
        by_source = loso(model, fit_data, names, seed, cv_lines, method, cv_evals, progress)
    sets = ensemble(result, n_ensemble, seed) + ([f.values for f in cv.fits] if cv else [])
    document = parameter_set.to_document(result, model, fid, seed, train_data.n_points(), sets)
    fitted = model.with_parameters(result.values, f"fit {fid}")
    sim = simulate(fitted, train_data)
    in_sample = predict_curves(fitted, train_data, fold="in-sample")
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {"parameters": out_dir / f"{fid}.yaml", "report": out_dir / f"{fid}.html"}
    parameter_set.write(files["parameters"], document)
    if cv is not None:
        files["out-of-fold"] = out_dir / f"{fid}_oof.tsv"
        atomic_write(files["out-of-fold"], cv.oof.to_csv(sep="\t", index=False))
    if by_source is not None:
        files["by-source"] = out_dir / f"{fid}_by_source.tsv"
        atomic_write(files["by-source"], by_source.oof.to_csv(sep="\t", index=False))
    write_report(files["report"], document, result, train_data, sim, in_sample, cv, checks(train_data, sim), by_source)
    return FitRun(fid, result, document, cv, files, by_source)


def checks(fit_data: FitData, sim: Simulated) -> dict[str, str]:
    """The qualitative cases and lethal facts at the optimum (what must still hold after calibration)."""
    from ferronet.validate.observations import direction

    out = {}
    if sim.literature:
        passed = sum(direction(a, b) == e for e, a, b in sim.literature)
        out["literature.yaml (soft constraint)"] = (
            f"{passed}/{len(sim.literature)} = {passed / len(sim.literature):.3f}"
        )
    held = [
        (f.at_least is None or v >= f.at_least) and (f.at_most is None or v <= f.at_most)
        for f, v in zip(fit_data.facts, sim.facts, strict=True)
    ]
    out["lethal facts"] = f"{sum(held)}/{len(held)} hold"
    out["failed simulations"] = str(sim.failed)
    return out


def summary_table(run: FitRun) -> pd.DataFrame:
    """Per-parameter MAP, interval and identifiability (what the CLI prints)."""
    from ferronet.calibrate.report import identifiability

    ints = run.result.intervals()
    return pd.DataFrame(
        [
            {
                "parameter": p.name,
                "prior": f"{p.nominal:.4g}",
                "MAP": f"{run.result.values[p.name]:.4g}",
                "95% interval": f"{ints[p.name][0]:.3g}-{ints[p.name][1]:.3g}",
                "identifiability": identifiability(ints[p.name][2]),
            }
            for p in run.result.parameters
        ]
    )


__all__ = ["SMALL", "FitData", "FitRun", "run_fit", "summary_table"]
