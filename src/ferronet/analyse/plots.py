"""Figures of the analyses (headless matplotlib; each returns PNG or SVG bytes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ferronet.report.figures import plt, save

if TYPE_CHECKING:
    from ferronet.analyse.bifurcation import Bifurcation


def sensitivity_bars(table: pd.DataFrame, top: int = 20, fmt: str = "png") -> bytes:
    """Horizontal bars of the ``top`` factors: Morris mu* (+ sigma), or Sobol S1 and ST, with 95 % intervals."""
    a = table.attrs
    morris = "mu_star" in set(table["metric"])
    metrics = ["mu_star", "sigma"] if morris else ["S1", "ST"]
    key = metrics[0] if morris else "ST"
    wide = table.pivot_table(index="factor", columns="metric", values="value", sort=False)
    conf = table.pivot_table(index="factor", columns="metric", values="conf", sort=False)
    order = wide[key].sort_values(ascending=False).index[:top][::-1]
    fig, ax = plt.subplots(figsize=(5.2, 0.24 * len(order) + 1.3))
    y = np.arange(len(order))
    h = 0.4
    for j, metric in enumerate(metrics):
        err = conf.loc[order, metric].to_numpy() if metric in conf else None
        err = None if err is None or np.all(np.isnan(err)) else np.nan_to_num(err)
        ax.barh(y + (0.5 - j) * h, wide.loc[order, metric], height=h, xerr=err, capsize=2, label=metric,
                color=["#3b6ea8", "#d08c35"][j], error_kw={"lw": 0.7})  # fmt: skip
    ax.set_yticks(y, order, fontsize=7)
    ax.axvline(0, color="k", lw=0.5)
    title = f"{a.get('method', '')} sensitivity of {a.get('readout', '')}"
    ax.set_title(f"{title}\n{a.get('condition', '')}", fontsize=8)
    ax.set_xlabel("per unit ln(factor)" if morris else "fraction of variance", fontsize=8)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return save(fig, fmt=fmt)


def bifurcation_diagram(b: Bifurcation, readout: str | None = None, fmt: str = "png") -> bytes:
    """Readout against the parameter: stable states solid, unstable dashed, folds marked, sweeps as arrows."""
    name = readout or b.readouts[0]
    pts = b.points
    fig, ax = plt.subplots(figsize=(5.2, 3.6))
    cont = pts[pts["branch"] == "continuation"]
    x, yv, stable = cont["value"].to_numpy(), cont[name].to_numpy(), cont["stable"].to_numpy()
    labelled: set[str] = set()
    for i in range(len(x) - 1):  # a segment takes the stability of its two ends (mixed: dashed)
        s = bool(stable[i] and stable[i + 1])
        label = "stable" if s else "unstable"
        ax.plot(x[i : i + 2], yv[i : i + 2], "-" if s else "--", color="k", lw=1.6 if s else 1.1,
                label=None if label in labelled else label)  # fmt: skip
        labelled.add(label)
    for branch, colour, marker in (("sweep down", "#c0392b", "v"), ("sweep up", "#2874a6", "^")):
        sw = pts[pts["branch"] == branch]
        ax.plot(sw["value"], sw[name], linestyle="none", marker=marker, ms=3.5, color=colour, alpha=0.7,
                label=f"{branch} (quasi-static)")  # fmt: skip
    if len(b.folds):
        ax.plot(b.folds["value"], b.folds[name], "o", mfc="white", mec="#7d3c98", mew=1.5, ms=7, label="fold")
    ax.set_xscale("log")
    if np.nanmax(yv) / max(np.nanmin(yv[yv > 0]), 1e-12) > 30:
        ax.set_yscale("log")
    ax.set_xlabel(f"{b.swept.name} {b.swept.kind} ({b.swept.unit})", fontsize=8)
    ax.set_ylabel(f"{name} at steady state (relative)", fontsize=8)
    ax.set_title(f"steady states along {b.swept.name}: {b.condition}", fontsize=8)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return save(fig, fmt=fmt)


def dose_response_figure(drug: str, table: pd.DataFrame, summary: pd.DataFrame, fmt: str = "png") -> bytes:
    """Simulated points and the fitted log-logistic curve of each arm, EC50 marked."""
    from ferronet.analyse.dose_response import log_logistic

    fig, ax = plt.subplots(figsize=(5.2, 3.5))
    positive = table.loc[table["dose_uM"] > 0, "dose_uM"]
    lo, hi = (float(positive.min()), float(positive.max())) if len(positive) else (1e-3, 1.0)
    grid = np.geomspace(lo, hi, 200)
    for j, (arm, g) in enumerate(table.groupby("arm", sort=False)):
        colour = f"C{j}"
        ax.semilogx(np.maximum(g["dose_uM"], lo / 3), g["viability"], "o", ms=3.5, color=colour)
        s = summary[summary["arm"] == arm].iloc[0]
        label = str(arm)
        if s["status"] == "ok":
            ax.semilogx(grid, log_logistic(grid, s["lower"], s["upper"], s["ec50_uM"], s["hill"]), color=colour)
            label += f": EC50 {s['ec50_uM']:.3g} uM, Emax {s['emax']:.2f}, AUC {s['auc']:.2f}"
            ax.axvline(s["ec50_uM"], color=colour, lw=0.6, ls=":")
        else:
            label += f": {s['status']}"
        ax.plot([], [], color=colour, label=label)
    ax.set_xlabel(f"{drug} (uM)", fontsize=8)
    ax.set_ylabel("viability (1 - fraction dead)", fontsize=8)
    ax.set_ylim(-0.02, 1.05)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=6.5)
    fig.tight_layout()
    return save(fig, fmt=fmt)


def figure_format(path: str) -> str:
    """``svg`` for .svg paths, else ``png``."""
    return "svg" if path.lower().endswith(".svg") else "png"


def scorer_bars(table: pd.DataFrame, title: str = "", target: float | None = None, fmt: str = "png") -> bytes:
    """Grouped horizontal bars of an evaluation table: rows = scorers (top to bottom as given), columns = drugs,
    values = out-of-fold Spearman (NaN: not available, no bar); ``target`` draws a dashed line."""
    rows, cols = list(table.index), list(table.columns)
    fig, ax = plt.subplots(figsize=(6.0, 0.32 * len(rows) * max(1, len(cols)) / 2 + 1.4))
    h = 0.8 / max(1, len(cols))
    y = np.arange(len(rows))[::-1].astype(float)
    colours = ["#3b6ea8", "#d08c35", "#6a9f58", "#8e6bb0"]
    for j, col in enumerate(cols):
        values = table[col].to_numpy(dtype=float)
        ax.barh(y + (len(cols) / 2 - j - 0.5) * h, np.nan_to_num(values), height=h, label=col,
                color=colours[j % len(colours)])  # fmt: skip
    ax.set_yticks(y, rows, fontsize=7)
    ax.axvline(0, color="k", lw=0.5)
    if target is not None:
        ax.axvline(target, color="#555555", lw=0.8, ls="--", label=f"target {target:g}")
    ax.set_xlabel("Spearman with measured AUC (out-of-fold)", fontsize=8)
    ax.set_title(title, fontsize=8)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return save(fig, fmt=fmt)
