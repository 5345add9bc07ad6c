"""What the model says about one node: its rules, reactions, parameters (with provenance) and citations."""

from __future__ import annotations

from dataclasses import dataclass, field

from ferronet.errors import FerronetError
from ferronet.model.network import CONDITIONS, Model, ident


@dataclass
class NodeDescription:
    """Everything about one node, gathered from the model files."""

    id: str
    aliases: tuple[str, ...]
    readout: str
    rules: list[tuple[str, str, tuple[str, ...], str]] = field(default_factory=list)  # id, expr, refs, note
    reactions: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)  # id, rate, refs
    parameters: list[tuple[str, float, str, str, str]] = field(default_factory=list)  # id, value, unit, status, src
    compounds: list[tuple[str, str, float, str]] = field(default_factory=list)  # compound, action, ic50, ref
    cells: list[tuple[str, float]] = field(default_factory=list)

    @property
    def refs(self) -> list[str]:
        seen = [r for _, _, refs, _ in self.rules for r in refs] + [r for _, _, refs in self.reactions for r in refs]
        return list(dict.fromkeys(seen))


def describe_node(model: Model, name: str) -> NodeDescription:
    """Rules and reactions that mention the node (directly or through its level ``e_X``/``g_X``), with sources.

    A condition is described by the rules that read its ``cond_<name>`` input and the rules those feed.
    """
    kind, node_id = model.lookup(name)
    if kind == "condition":
        return describe_condition(model, node_id)
    if kind != "gene":
        raise FerronetError(
            f"'{name}' is a {kind}: model show takes a node or a condition (see `ferronet model names`)"
        )
    node = model.nodes[node_id]
    x = ident(node_id)
    own = {f"g_{x}", f"e_{x}", f"fl_{x}", f"fa_{x}", f"x_{x}"}
    out = NodeDescription(node.id, node.aliases, node.readout)
    names: set[str] = set()
    for r in model.rules:
        if r.generated and r.id in own:
            continue
        if r.expr.names & own or r.id in own:
            out.rules.append((r.id, r.expr.text, r.refs, r.note))
            names |= r.expr.names
    rule_ids = {r[0] for r in out.rules} | own
    for rx in model.reactions:
        if rx.rate.names & rule_ids:
            out.reactions.append((rx.id, rx.rate.text, rx.refs))
            names |= rx.rate.names
    for n in sorted(names):
        if n in model.parameters:
            p = model.parameters[n]
            out.parameters.append((p.id, p.value, p.unit, p.status, p.source))
    for c in model.compounds.values():
        for m in c.mechanisms:
            if m.target == node_id:
                out.compounds.append((c.id, m.action, m.ic50, m.potency_ref or m.ref))
    out.cells = [(c.id, c.genes[node_id]) for c in model.cells.values() if node_id in c.genes]
    return out


def describe_condition(model: Model, condition: str) -> NodeDescription:
    """The rules that read ``cond_<condition>``, the rules they feed (one step), and their parameters."""
    key = f"cond_{ident(condition)}"
    out = NodeDescription(condition, (), f"{key}: {CONDITIONS[condition]}")
    direct = {r.id for r in model.rules if key in r.expr.names}
    used = {n for r in model.rules if r.id in direct for n in r.expr.names}
    helpers = {r.id for r in model.rules if r.id in used and not r.generated}  # e.g. the reference-dose signal
    names: set[str] = set()
    for r in model.rules:
        if r.id in direct or r.id in helpers or r.expr.names & direct:
            out.rules.append((r.id, r.expr.text, r.refs, r.note))
            names |= r.expr.names
    for rx in model.reactions:
        if rx.rate.names & (direct | {key}):
            out.reactions.append((rx.id, rx.rate.text, rx.refs))
            names |= rx.rate.names
    out.parameters = [
        (p.id, p.value, p.unit, p.status, p.source) for n in sorted(names) if (p := model.parameters.get(n)) is not None
    ]
    return out
