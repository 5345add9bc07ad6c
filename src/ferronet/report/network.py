"""The model network (model nodes linked by the knowledge base's signed interactions), coloured by a state."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np

from ferronet.kb.base import KnowledgeBase
from ferronet.model.network import Model
from ferronet.report.figures import save


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
    return g


def network_figure(g: nx.DiGraph, state: dict[str, float], title: str, fmt: str = "svg") -> bytes:
    """Nodes coloured by log2 activity relative to the untreated default cell (red up, blue down)."""
    pos = nx.spring_layout(g, seed=7, k=0.9)
    values = np.array([np.log2(max(state.get(n, 1.0), 1e-3)) for n in g.nodes])
    fig, ax = plt.subplots(figsize=(11, 8.5))
    edges_pos = [(u, v) for u, v, d in g.edges(data=True) if d["sign"] == "+"]
    edges_neg = [(u, v) for u, v, d in g.edges(data=True) if d["sign"] == "-"]
    nx.draw_networkx_edges(g, pos, edgelist=edges_pos, edge_color="#4a9c4a", alpha=0.35, arrowsize=8, ax=ax)
    nx.draw_networkx_edges(
        g, pos, edgelist=edges_neg, edge_color="#b04040", alpha=0.35, arrowsize=8, style="dashed", ax=ax
    )
    lim = max(1.0, float(np.nanmax(np.abs(values))))
    nodes = nx.draw_networkx_nodes(
        g,
        pos,
        node_color=values,
        cmap="RdBu_r",
        vmin=-lim,
        vmax=lim,
        node_size=420,
        edgecolors="#333",
        linewidths=0.5,
        ax=ax,
    )
    nx.draw_networkx_labels(g, pos, font_size=6, ax=ax)
    fig.colorbar(nodes, ax=ax, fraction=0.03, label="log2 activity vs untreated default cell")
    ax.set_title(title, fontsize=10)
    ax.axis("off")
    return save(fig, None, fmt)
