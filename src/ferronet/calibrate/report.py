"""The fit report: one self-contained HTML page (fits vs data, residuals, parameter intervals, cross-validation)."""

from __future__ import annotations

import datetime as dt
import html
import math
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ferronet import __version__
from ferronet.calibrate.crossval import CrossValidation
from ferronet.calibrate.fit import FitResult
from ferronet.calibrate.objective import FitData, Simulated, residuals
from ferronet.io.atomic import atomic_write
from ferronet.report.figures import save
from ferronet.report.html import CSS, _img

#: posterior / prior SD above which a parameter counts as not identified by the data (the data shrink its
#: uncertainty by less than 30 %)
UNIDENTIFIED_RATIO = 0.7


def identifiability(sd_ratio: float) -> str:
    if sd_ratio < 0.3:
        return "well identified"
    return "weakly identified" if sd_ratio < UNIDENTIFIED_RATIO else "not identified (prior-dominated)"


def curve_figure(fit_data: FitData, sim: Simulated) -> bytes:
    """Median measured vs simulated viability per compound against dose (IQR shaded), one panel each."""
    n = len(fit_data.curves)
    fig, axes = plt.subplots(1, n, figsize=(3.2 * n, 2.8), squeeze=False)
    for ax, c, s in zip(axes[0], fit_data.curves, sim.curves, strict=True):
        doses = np.nanmedian(c.doses, axis=0)
        for values, colour, label in ((c.viability, "k", "measured"), (s, "tab:red", "model")):
            v = np.where(np.isfinite(c.viability), values, np.nan)
            ax.plot(doses, np.nanmedian(v, axis=0), "-o", color=colour, ms=3, label=label)
            ax.fill_between(
                doses, np.nanpercentile(v, 25, axis=0), np.nanpercentile(v, 75, axis=0), color=colour, alpha=0.15
            )
        ax.set_xscale("log")
        ax.set_ylim(-0.05, 1.25)
        ax.set_title(f"{c.source}: {c.drug} (n={len(c.lines)})", fontsize=9)
        ax.set_xlabel("dose (uM)")
    axes[0][0].set_ylabel("viability")
    axes[0][0].legend(fontsize=7)
    return save(fig)


def auc_figure(table: pd.DataFrame, title: str) -> bytes:
    """Predicted vs measured AUC, one panel per source x compound, with Spearman."""
    groups = list(table.groupby(["source", "drug"]))
    fig, axes = plt.subplots(1, len(groups), figsize=(3.0 * len(groups), 2.9), squeeze=False)
    for ax, ((source, drug), g) in zip(axes[0], groups, strict=True):
        rho = g["predicted_auc"].corr(g["measured_auc"], method="spearman")
        ax.scatter(g["measured_auc"], g["predicted_auc"], s=6, alpha=0.6)
        ax.set_title(f"{source} {drug}\nSpearman {rho:+.2f} (n={len(g)})", fontsize=8)
        ax.set_xlabel("measured AUC")
    axes[0][0].set_ylabel("model AUC")
    fig.suptitle(title, fontsize=9)
    return save(fig)


def parameter_figure(result: FitResult) -> bytes:
    """Prior (grey, 95 %) and posterior (red, 95 %) of each estimated parameter, relative to its prior median."""
    ints = result.intervals()
    names = [p.name for p in result.parameters]
    fig, ax = plt.subplots(figsize=(6.0, 0.28 * len(names) + 1.0))
    for i, p in enumerate(result.parameters):
        ax.plot([math.exp(-1.96 * p.prior_sigma), math.exp(1.96 * p.prior_sigma)], [i, i], color="0.75", lw=5)
        lo, hi, _ = ints[p.name]
        ax.plot([lo / p.nominal, hi / p.nominal], [i, i], color="tab:red", lw=2)
        ax.plot(result.values[p.name] / p.nominal, i, "o", color="tab:red", ms=4)
    ax.set_xscale("log")
    ax.axvline(1.0, color="k", lw=0.5)
    ax.set_yticks(range(len(names)), names, fontsize=7)
    ax.set_xlabel("value / prior median (grey: prior 95 %; red: posterior 95 %, Laplace)")
    return save(fig)


def residual_figure(fit_data: FitData, sim: Simulated, history: list[float]) -> bytes:
    fig, (a, b) = plt.subplots(1, 2, figsize=(7.5, 2.6))
    a.hist(residuals(fit_data, sim), bins=50, color="tab:blue")
    a.set_xlabel("weighted residual")
    a.set_title("residuals at the optimum", fontsize=9)
    b.plot(np.minimum.accumulate(history) if history else [], color="k")
    b.set_yscale("log")
    b.set_xlabel("evaluation")
    b.set_title("best cost so far", fontsize=9)
    return save(fig)


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, border=0, float_format=lambda x: f"{x:.4g}", escape=True)


def _cv_summary(cv: CrossValidation) -> pd.DataFrame:
    rho, rmse = cv.spearman(), cv.median_rmse()
    return pd.DataFrame(
        [
            {"source": s, "compound": d, "out-of-fold Spearman": rho[(s, d)], "median out-of-fold RMSE": rmse[(s, d)]}
            for s, d in rho.index
        ]
    )


def write_report(
    path: str | Path,
    document: dict[str, Any],
    result: FitResult,
    fit_data: FitData,
    sim: Simulated,
    in_sample: pd.DataFrame,
    cv: CrossValidation | None = None,
    checks: dict[str, str] | None = None,
    by_source: CrossValidation | None = None,
) -> None:
    """Write the HTML fit report for ``result`` (``document`` is its parameter-set file content)."""
    ints = result.intervals()
    params = pd.DataFrame(
        [
            {
                "parameter": p.name,
                "prior median": p.nominal,
                "prior (status)": p.status,
                "MAP": result.values[p.name],
                "lower 95%": ints[p.name][0],
                "upper 95%": ints[p.name][1],
                "posterior/prior SD": ints[p.name][2],
                "identifiability": identifiability(ints[p.name][2]),
            }
            for p in result.parameters
        ]
    )
    facts = pd.DataFrame(
        [
            {
                "fact": f.name,
                "bound": (f">= {f.at_least:g}" if f.at_least is not None else f"<= {f.at_most:g}"),
                "simulated dead": float(v),
                "holds": (f.at_least is None or v >= f.at_least) and (f.at_most is None or v <= f.at_most),
            }
            for f, v in zip(fit_data.facts, sim.facts, strict=True)
        ]
    )
    parts = [
        f"<h1>ferronet fit {html.escape(document['fit_id'])}</h1>",
        f"<p class='meta'>ferronet {__version__}, model {html.escape(str(document['model_version']))}, method "
        f"{html.escape(result.method)}, seed {document['seed']}, {result.n_evaluations} evaluations in "
        f"{result.seconds:.0f} s; written {dt.datetime.now().isoformat(timespec='seconds')}. Cost (data + prior) "
        f"{result.cost:.1f}, data part {result.data_cost:.1f}.</p>",
        "<h2>Data</h2>",
        _table(pd.DataFrame([{"data set": k, "points": v} for k, v in fit_data.n_points().items()])),
        "<h2>Fits against data (training lines)</h2>",
        _img(curve_figure(fit_data, sim)),
        _img(auc_figure(in_sample, "in-sample (the lines this fit saw)")),
    ]
    if sim.gsh is not None and fit_data.gsh is not None:
        g = fit_data.gsh.assign(model=sim.gsh)
        parts += ["<h3>GSH after erastin (5 h, relative to untreated)</h3>", _table(g)]
    parts += [
        "<h3>Lethal facts (HT1080, 24 h; one-sided)</h3>",
        _table(facts),
        "<h2>Residuals and convergence</h2>",
        _img(residual_figure(fit_data, sim, result.history)),
        "<h2>Parameters</h2>",
        "<p>Intervals: Laplace approximation (inverse Fisher information of the weighted residuals, log scale). "
        f"A posterior/prior SD ratio above {UNIDENTIFIED_RATIO} means the data barely constrain the parameter.</p>",
        _img(parameter_figure(result)),
        _table(params),
    ]
    if cv is not None:
        parts += [
            "<h2>Cross-validation by cell line</h2>",
            f"<p>{len(cv.fits)} folds, disjoint by line; each fold fitted on its training lines only.</p>",
            _table(_cv_summary(cv)),
            _img(auc_figure(cv.oof, "out-of-fold")),
        ]
    if by_source is not None:
        parts += [
            "<h2>Leave one data source out</h2>",
            "<p>Each data source's curves predicted by a fit that never saw that source (GSH points, lethal facts "
            "and literature cases are in every fit).</p>",
            _table(_cv_summary(by_source)),
            _img(auc_figure(by_source.oof, "held-out source")),
        ]
    if checks:
        parts += [
            "<h2>Checks after the fit</h2>",
            _table(pd.DataFrame([{"check": k, "result": v} for k, v in checks.items()])),
        ]
    page = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>ferronet fit</title><style>{CSS}</style></head><body>"
    )
    atomic_write(Path(path), page + "\n".join(parts) + "</body></html>")
