"""Matplotlib figures for the CLI (written to files; headless backend)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def timecourses(path: str, times: np.ndarray, series: dict[str, np.ndarray], labels: Sequence[str]) -> None:
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
    fig.savefig(path, dpi=120)
    plt.close(fig)


def dose_response(path: str, drug: str, doses: np.ndarray, curves: dict[str, np.ndarray], ylabel: str) -> None:
    fig, ax = plt.subplots(figsize=(5, 3.6))
    for label, y in curves.items():
        ax.semilogx(doses, y, marker="o", ms=3, label=label)
    ax.set_xlabel(f"{drug} (uM)")
    ax.set_ylabel(ylabel)
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
