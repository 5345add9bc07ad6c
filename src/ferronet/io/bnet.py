"""The gene network as a Boolean network in BoolNet / MaBoSS / PyBoolNet ``bnet`` form (``targets, factors``).

One node per model node (HGNC symbol, or complex / pathway node). Edges are the knowledge base's signed
interactions whose source and target are model nodes (a complex in the KB, e.g. KEAP1-CUL3-RBX1, stands for its
members that are model nodes). A target is on when any activator is on and no inhibitor is:
``T, (A | B) & !(C | D)``; a node with no regulator keeps its value (``X, X``).

A pair the KB cites with both signs is resolved by the kinetic model: the sign of the change in the target's
activity when the source is knocked down (pre-culture equilibrium of the default cell); a pair the model shows no
effect for is left out. Both lists are written as comments at the top of the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ferronet.errors import UnknownNameError
from ferronet.model.network import Model, ident

#: smallest relative change in a target's activity that counts as a model sign
MODEL_SIGN_MIN = 1e-3


@dataclass
class BooleanNetwork:
    nodes: list[str]
    activators: dict[str, set[str]] = field(default_factory=dict)
    inhibitors: dict[str, set[str]] = field(default_factory=dict)
    resolved: list[tuple[str, str, str]] = field(default_factory=list)  # (source, target, model sign)
    dropped: list[tuple[str, str]] = field(default_factory=list)

    def rule(self, node: str) -> str:
        act = sorted(ident(x) for x in self.activators.get(node, ()))
        inh = sorted(ident(x) for x in self.inhibitors.get(node, ()))
        if not act and not inh:
            return ident(node)
        parts = []
        if act:
            parts.append(act[0] if len(act) == 1 else "(" + " | ".join(act) + ")")
        if inh:
            parts.append("!" + (inh[0] if len(inh) == 1 else "(" + " | ".join(inh) + ")"))
        return " & ".join(parts)

    def to_text(self, header: str = "") -> str:
        lines = [f"# {ln}" for ln in header.splitlines()] if header else []
        if self.resolved:
            lines.append("# pairs with both signs in the knowledge base, resolved by the kinetic model's sign:")
            lines += [f"#   {s} -> {t}: {sign}" for s, t, sign in self.resolved]
        if self.dropped:
            lines.append("# pairs with both signs and no effect in the kinetic model (left out):")
            lines += [f"#   {s} -> {t}" for s, t in self.dropped]
        lines.append("targets, factors")
        lines += [f"{ident(n)}, {self.rule(n)}" for n in self.nodes]
        return "\n".join(lines) + "\n"


def _model_nodes(model: Model, kb: object, name: str) -> list[str]:
    """Model nodes an interaction partner stands for (itself, or a KB complex's members)."""
    try:
        kind, target = model.lookup(name)
        if kind == "gene":
            return [target]
    except UnknownNameError:
        pass
    try:
        entity = kb.resolve(name)  # type: ignore[attr-defined]
    except UnknownNameError:
        return []
    out = []
    for member in entity.attrs.get("members") or []:
        try:
            kind, target = model.lookup(member)
        except UnknownNameError:
            continue
        if kind == "gene":
            out.append(target)
    return out


def model_signs(model: Model, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """'+' / '-' for each (source, target) by the model's response to a source knockdown; '' for no effect."""
    from ferronet.sim import simulate

    sources = sorted({s for s, _ in pairs})
    if not sources:
        return {}
    res = simulate([[], *[[f"{s}:knockdown"] for s in sources]], model=model, t_end=1.0, n_points=2)
    out: dict[tuple[str, str], str] = {}
    for s, t in pairs:
        values = res.readout(t)
        base, kd = float(values[0]), float(values[1 + sources.index(s)])
        change = (kd - base) / max(abs(base), 1e-12)
        out[(s, t)] = "" if abs(change) < MODEL_SIGN_MIN else ("+" if change < 0 else "-")
    return out


def boolean_network(model: Model) -> BooleanNetwork:
    """The KB's signed gene interactions among the model nodes, as a Boolean network."""
    from ferronet.kb import load_kb

    kb = load_kb()
    signs: dict[tuple[str, str], set[str]] = {}
    for i in kb.interactions:
        if i.sign not in ("+", "-"):
            continue
        for s in _model_nodes(model, kb, i.source):
            for t in _model_nodes(model, kb, i.target):
                signs.setdefault((s, t), set()).add(i.sign)
    both = sorted(p for p, v in signs.items() if len(v) > 1)
    resolved = model_signs(model, both)
    net = BooleanNetwork(list(model.nodes))
    for (s, t), v in sorted(signs.items()):
        sign = resolved[(s, t)] if len(v) > 1 else next(iter(v))
        if len(v) > 1:
            if sign:
                net.resolved.append((s, t, sign))
            else:
                net.dropped.append((s, t))
                continue
        (net.activators if sign == "+" else net.inhibitors).setdefault(t, set()).add(s)
    return net


def to_bnet(model: Model) -> str:
    """The Boolean network as bnet text (with its provenance as comments)."""
    header = (
        f"ferronet Boolean network (model version {model.version}): knowledge-base signs among model nodes;\n"
        "a target is on when any activator is on and no inhibitor is (ferronet.io.bnet)"
    )
    return boolean_network(model).to_text(header)
