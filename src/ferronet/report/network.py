"""The model network (model nodes linked by the knowledge base's signed interactions), coloured by a state.

:func:`focused_graph` keeps only the nodes on the paths that matter (from the resistant state, the therapy
and the top moves to ferroptosis); :func:`axis_layout` places nodes in one column per axis.
"""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np

from ferronet.kb.base import KnowledgeBase
from ferronet.model.network import Model
from ferronet.report.figures import save

#: column order of the axes (left to right), ferroptosis last
AXIS_ORDER = ("NRF2", "system_xc", "GPX4", "FSP1", "iron", "lipid", "autophagy", "TP53", "AMPK", "hypoxia", "other")


def model_graph(kb: KnowledgeBase, model: Model) -> nx.DiGraph:
    """Directed signed graph of model nodes (+ the ferroptosis phenotype) from cited interactions."""
    g = nx.DiGraph()
    nodes = set(model.nodes) | {"ferroptosis"}
    g.add_nodes_from(nodes)
    for i in kb.interactions:
        if i.source in nodes and i.target in nodes and i.source != i.target:
            data = g.get_edge_data(i.source, i.target)
            if data is None:
                g.add_edge(i.source, i.target, sign=i.sign, refs=list(i.refs))
            else:
                data["refs"] = sorted(set(data["refs"]) | set(i.refs))
    for n in g.nodes:
        e = kb.entities.get(n)
        g.nodes[n]["axis"] = "ferroptosis" if n == "ferroptosis" else str((e.attrs.get("axis") if e else "") or "other")
    return g


def focused_graph(g: nx.DiGraph, sources: Iterable[str], target: str = "ferroptosis", cutoff: int = 4) -> nx.DiGraph:
    """Subgraph of the nodes on shortest paths (at most ``cutoff`` edges) from each source to ``target``."""
    keep = {target}
    for s in sources:
        if s not in g or s == target:
            continue
        keep.add(s)
        try:
            for path in nx.all_shortest_paths(g, s, target):
                if len(path) - 1 <= cutoff:
                    keep.update(path)
        except nx.NetworkXNoPath:
            continue
    return g.subgraph(keep).copy()


def axis_layout(g: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """One column per axis (:data:`AXIS_ORDER`), nodes spread vertically; ferroptosis on the right."""
    columns: dict[str, list[str]] = {}
    for n in sorted(g.nodes):
        columns.setdefault(g.nodes[n].get("axis", "other"), []).append(n)
    order = [a for a in AXIS_ORDER if a in columns] + sorted(set(columns) - set(AXIS_ORDER) - {"ferroptosis"})
    pos: dict[str, tuple[float, float]] = {}
    for x, axis in enumerate(order):
        names = columns[axis]
        for k, n in enumerate(names):
            pos[n] = (float(x), (len(names) - 1) / 2.0 - k + 0.25 * (x % 2))
    pos["ferroptosis"] = (float(len(order)), 0.0)
    return pos


def network_figure(g: nx.DiGraph, state: dict[str, float], title: str, fmt: str = "svg") -> bytes:
    """Nodes coloured by log2 activity relative to the untreated default cell (red up, blue down)."""
    focused = all("axis" in g.nodes[n] for n in g.nodes)
    pos = axis_layout(g) if focused else nx.spring_layout(g, seed=7, k=0.9)
    values = np.array([np.log2(max(state.get(n, 1.0), 1e-3)) for n in g.nodes])
    ncol = 1 + max((p[0] for p in pos.values()), default=0.0)
    nrow = 1 + max((abs(p[1]) * 2 for p in pos.values()), default=0.0)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.5 * ncol), max(4.0, 0.55 * nrow + 1.5)))
    edges_pos = [(u, v) for u, v, d in g.edges(data=True) if d["sign"] == "+"]
    edges_neg = [(u, v) for u, v, d in g.edges(data=True) if d["sign"] == "-"]
    kw = {"arrowsize": 10, "ax": ax, "connectionstyle": "arc3,rad=0.08", "node_size": 900}
    nx.draw_networkx_edges(g, pos, edgelist=edges_pos, edge_color="#4a9c4a", alpha=0.6, **kw)
    nx.draw_networkx_edges(g, pos, edgelist=edges_neg, edge_color="#b04040", alpha=0.6, style="dashed", **kw)
    lim = max(1.0, float(np.nanmax(np.abs(values)))) if len(values) else 1.0
    nodes = nx.draw_networkx_nodes(
        g, pos, node_color=values, cmap="RdBu_r", vmin=-lim, vmax=lim, node_size=900, edgecolors="#333", ax=ax
    )
    nx.draw_networkx_labels(g, pos, {n: "death" if n == "ferroptosis" else n for n in g.nodes}, font_size=7, ax=ax)
    if focused:
        axes = sorted({(p[0], g.nodes[n]["axis"]) for n, p in pos.items() if n != "ferroptosis"})
        ys = [p[1] for p in pos.values()]
        bottom = min(ys, default=0.0) - 0.9
        for x, axis in axes:
            ax.text(x, bottom, axis, ha="center", va="top", fontsize=8, color="#555", fontweight="bold")
        ax.set_ylim(bottom - 0.5, max(ys, default=0.0) + 0.6)
    fig.colorbar(nodes, ax=ax, fraction=0.03, label="log2 activity vs untreated default cell")
    ax.set_title(title + "\ngreen: activates, red dashed: inhibits (cited KB interactions)", fontsize=9)
    ax.axis("off")
    return save(fig, None, fmt)
