"""Matplotlib figures shared by the CLI and the report (headless)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ferronet.screen.combo import ComboResult


def save(fig: Figure, path: str | None = None, fmt: str = "png") -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=110, bbox_inches="tight")
    plt.close(fig)
    data = buf.getvalue()
    if path:
        with open(path, "wb") as fh:
            fh.write(data)
    return data


def scan_heatmap(table: pd.DataFrame, column: str, path: str | None = None) -> bytes:
    """Genes x (drug, action) heatmap of a readout change from a gene scan."""
    t = table[table.perturbation != "reference"].copy()
    t["arm"] = t["drug"] + " | " + t["action"]
    mat = t.pivot_table(index="genes", columns="arm", values=column, aggfunc="mean")
    fig, ax = plt.subplots(figsize=(1.2 + 0.9 * mat.shape[1], 0.2 * mat.shape[0] + 1.5))
    lim = float(np.nanmax(np.abs(mat.to_numpy()))) or 1.0
    im = ax.imshow(mat.to_numpy(), cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto")
    ax.set_yticks(range(mat.shape[0]), mat.index, fontsize=7)
    ax.set_xticks(range(mat.shape[1]), mat.columns, rotation=60, ha="right", fontsize=7)
    fig.colorbar(im, ax=ax, label=column)
    return save(fig, path)


def combo_figure(res: ComboResult, path: str | None = None) -> bytes:
    """Response surface and one heatmap per synergy method."""
    panels: list[tuple[str, np.ndarray, str, tuple[float, float]]] = [
        ("fraction dead", res.response, "viridis", (0.0, 1.0))
    ]
    for name, mat in res.synergy.items():
        lim = max(0.05, float(np.nanmax(np.abs(mat))))
        panels.append((f"{name} synergy", mat, "RdBu_r", (-lim, lim)))
    fig, axes = plt.subplots(1, len(panels), figsize=(3.3 * len(panels), 3.0))
    for ax, (title, mat, cmap, (lo, hi)) in zip(np.atleast_1d(axes), panels, strict=True):
        im = ax.imshow(mat, origin="lower", cmap=cmap, vmin=lo, vmax=hi)
        ax.set_title(title, fontsize=9)
        ax.set_xticks(range(len(res.doses_b)), [f"{d:.2g}" for d in res.doses_b], fontsize=6, rotation=45)
        ax.set_yticks(range(len(res.doses_a)), [f"{d:.2g}" for d in res.doses_a], fontsize=6)
        ax.set_xlabel(f"{res.drug_b} (uM)", fontsize=8)
        ax.set_ylabel(f"{res.drug_a} (uM)", fontsize=8)
        fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    return save(fig, path)


def timecourses(
    times: np.ndarray, series: dict[str, np.ndarray], labels: Sequence[str], path: str | None = None
) -> bytes:
    """One panel per readout; one line per condition."""
    n = len(series)
    fig, axes = plt.subplots(1, n, figsize=(4.2 * n, 3.4), squeeze=False)
    for ax, (name, values) in zip(axes[0], series.items(), strict=True):
        for j, label in enumerate(labels):
            ax.plot(times, values[:, j], label=label)
        ax.set_title(name)
        ax.set_xlabel("time (h)")
        if name == "ferroptosis":
            ax.set_ylim(-0.02, 1.02)
            ax.set_ylabel("fraction of cells dead")
        else:
            ax.set_ylabel("relative to untreated default cell")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    return save(fig, path)


def dose_curves(drug: str, doses: np.ndarray, curves: dict[str, np.ndarray], path: str | None = None) -> bytes:
    fig, ax = plt.subplots(figsize=(5, 3.4))
    positive = doses[doses > 0]
    floor = positive.min() / 3 if len(positive) else 1e-3  # a zero dose is drawn a third below the lowest dose
    for label, y in curves.items():
        ax.semilogx(np.maximum(doses, floor), y, marker="o", ms=3, label=label)
    ax.set_xlabel(f"{drug} (uM)")
    ax.set_ylabel("fraction dead by ferroptosis (24 h)")
    ax.set_ylim(-0.02, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    return save(fig, path)
