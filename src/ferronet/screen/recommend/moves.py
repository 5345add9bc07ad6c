"""Candidate moves: what a researcher could do to a resistant tumour.

A *target move* acts on one model node (inhibit it, or raise a non-oncogenic ferroptosis driver) and lists
the ways to do it: the model's tool compounds (simulated, each with its dose range) and the modalities the
knowledge base documents (siRNA/shRNA, CRISPR, degraders, ...). A *compound move* is a compound that acts
on several nodes or through an effect (sorafenib, artesunate, cisplatin). A *literature move* is a
documented agent the model has no mechanism for: it is labelled and kept out of the top list unless asked.
A *regulator move* acts on a gene outside the model whose KB interactions (cited) set the level of model
nodes: its loss halves the nodes it raises and doubles the nodes it represses (:data:`REGULATOR_FOLD`,
assumed), and a regulator that lowers the labile iron pool is simulated, when lost, as iron loading.
Oncogenes (gain-of-function cancer genes, :data:`~ferronet.screen.recommend.context.ONCOGENES`) are never
proposed for overexpression.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ferronet.errors import UnknownNameError
from ferronet.kb.base import KnowledgeBase
from ferronet.model.network import Compound, Model
from ferronet.model.perturbation import Perturbation
from ferronet.screen.recommend.context import ONCOGENES, OPEN, Holdout, members

#: compounds that act on other death pathways or protect from ferroptosis are not candidates
EXCLUDED_CLASSES = ("ferroptosis_inhibitor", "iron_chelator", "nrf2_activator")
CONTROLS = frozenset(
    {
        "zVAD-FMK",
        "necrostatin-1",
        "ferrostatin-1",
        "liproxstatin-1",
        "vitamin-E",
        "deferoxamine",
        "deferiprone",
        "N-acetylcysteine",
        "sulforaphane",
        "tBHQ",
    }
)
#: nodes of other death pathways: not ferroptosis moves
OTHER_DEATH = frozenset({"CASP3", "CASP8", "RIPK1"})
DOWN = frozenset({"inhibition", "degradation", "repression"})
UP = frozenset({"activation", "induction"})
#: KB strategy action -> modality a researcher would use
MODALITY = {
    "knockdown": "siRNA/shRNA",
    "knockout": "CRISPR knockout",
    "degradation": "degrader",
    "inhibition": "siRNA/shRNA",
    "overexpression": "expression vector",
    "activation": "activator",
}
#: the KB entity an effect acts on (documented agents name it as their target)
EFFECT_ENTITY = {
    "ferritinophagy": "labile-Fe2+",
    "iron_release": "labile-Fe2+",
    "GSH_conjugation": "GSH",
    "lipid_oxidation": "lipid-ROS",
    "ROS": "ROS",
}
#: assumed: losing a regulator outside the model halves the model node it raises and doubles the one it
#: represses (gaining it does the opposite); no measured fold change is used
REGULATOR_FOLD = 2.0
#: KB interaction types through which a regulator sets a model node's level or activity
REGULATORY_TYPES = frozenset(
    {
        "activation",
        "inhibition",
        "transcriptional_activation",
        "transcriptional_repression",
        "degradation",
        "sequestration",
    }
)
#: model condition standing for a rise of a KB state a regulator lowers (its loss raises it)
RAISED_STATE = {"labile-Fe2+": "iron_loading"}
#: effect entities a compound raises (GSH conjugation depletes GSH; the others raise their entity)
RAISED = frozenset({"labile-Fe2+", "lipid-ROS", "ROS"})


def effect_keys(targets: Sequence[str], action: str) -> set[str]:
    """What a move does to the model, as "node up" / "node down" (one row per mechanism in a ranking)."""
    return {f"{t} {'up' if acts_up(t, action) else 'down'}" for t in targets}


def raises(action: str) -> bool:
    """Whether an action raises its target (documented KEAP1 overexpression never credits KEAP1 inhibition)."""
    return action in ("overexpression", "activation", "induction")


def acts_up(target: str, action: str) -> bool:
    """Whether a move with ``action`` raises ``target`` (an effect entity of :data:`RAISED` is raised)."""
    return target in RAISED or raises(action)


EFFECT_AXIS = {
    "ferritinophagy": "iron",
    "iron_release": "iron",
    "chelation": "iron",
    "lipid_oxidation": "lipid",
    "radical_trapping": "lipid",
    "GSH_conjugation": "GPX4",
    "cysteine_supply": "system_xc",
    "DNA_damage": "TP53",
}


@dataclass(frozen=True)
class Tool:
    """A model compound that carries out a move, with the dose range over which it is simulated."""

    compound: str
    dose_uM: float  # the reachable dose simulated in the ranking (the compound's reference dose)
    range_uM: tuple[float, float]  # the range of the dose-pair search
    potency: float = 1.0  # reference dose / strongest IC50 (chooses the tool of a target move)

    def perturbation(self, dose: float | None = None) -> Perturbation:
        return Perturbation("compound", self.compound, "", self.dose_uM if dose is None else dose)


@dataclass(frozen=True)
class Move:
    key: str  # e.g. "GPX4 inhibition", "sorafenib", "ALDH1A3 (literature)"
    kind: str  # "target" | "compound" | "literature"
    targets: tuple[str, ...]
    action: str  # inhibition | overexpression | activation | compound | documented action
    axis: str
    genetic: Perturbation | None = None  # the genetic version of the move (simulated)
    tools: tuple[Tool, ...] = ()
    modalities: tuple[str, ...] = ()
    kb_compounds: tuple[str, ...] = ()  # KB compounds acting on the target that the model lacks
    names: frozenset[str] = field(default_factory=frozenset)  # agent names this move stands for
    levels: tuple[tuple[str, float], ...] = ()  # regulator move: factors on model node levels
    extra: tuple[Perturbation, ...] = ()  # regulator move: model conditions it stands for (iron loading)
    via: tuple[str, ...] = ()  # regulator move: what it does in the model ("ACSL4 up", "labile-Fe2+ up")

    @property
    def simulated(self) -> bool:
        return self.genetic is not None or bool(self.tools) or bool(self.levels) or bool(self.extra)


def reachable(c: Compound) -> Tool:
    """The compound at its reference dose; the dose-pair search spans 1/30 of it up to it (capped by the
    compound's assay range when declared)."""
    lo, hi = c.default_uM / 30.0, c.default_uM
    if c.dose_range_uM:
        lo, hi = max(lo, c.dose_range_uM[0]), min(hi, c.dose_range_uM[1])
    ic50 = min((m.ic50 for m in c.mechanisms), default=hi)
    return Tool(c.id, hi, (lo, hi), hi / ic50 if ic50 > 0 else float("inf"))


def axis_of(kb: KnowledgeBase, ids: Sequence[str], effects: Sequence[str] = ()) -> str:
    for i in ids:
        e = kb.entities.get(i)
        if e is not None and e.attrs.get("axis"):
            return str(e.attrs["axis"])
    return next((EFFECT_AXIS[x] for x in effects if x in EFFECT_AXIS), "other")


def _candidate_compounds(kb: KnowledgeBase, model: Model, exclude: set[str]) -> list[Compound]:
    out = []
    for c in model.compounds.values():
        entity = kb.entities.get(c.id)
        cls = entity.attrs.get("class", "") if entity else ""
        if c.id in exclude or c.id in CONTROLS or cls in EXCLUDED_CLASSES:
            continue
        if all(m.target in OTHER_DEATH for m in c.mechanisms):
            continue
        out.append(c)
    return out


def _direction(c: Compound) -> tuple[str, str] | None:
    """(node, inhibition|activation) for a compound acting on one node only; None otherwise."""
    nodes = {m.target for m in c.mechanisms}
    if len(nodes) != 1 or next(iter(nodes)).startswith("effect:"):
        return None
    actions = {m.action for m in c.mechanisms}
    if actions <= DOWN:
        return next(iter(nodes)), "inhibition"
    if actions <= UP:
        return next(iter(nodes)), "activation"
    return None


def build_moves(kb: KnowledgeBase, model: Model, exclude: set[str], holdout: Holdout = OPEN) -> list[Move]:
    """Every move for a question (``exclude``: the therapy and its proxy)."""
    compounds = _candidate_compounds(kb, model, exclude)
    by_target: dict[tuple[str, str], list[Tool]] = {}
    moves: list[Move] = []
    for c in compounds:
        d = _direction(c)
        if d is not None:
            by_target.setdefault(d, []).append(reachable(c))
            continue
        targets = sorted({m.target for m in c.mechanisms if not m.target.startswith("effect:")})
        effects = [m.target[7:] for m in c.mechanisms if m.target.startswith("effect:")]
        targets += sorted({EFFECT_ENTITY[x] for x in effects if x in EFFECT_ENTITY})
        moves.append(
            Move(
                c.id,
                "compound",
                tuple(targets),
                "compound",
                axis_of(kb, targets, effects),
                tools=(reachable(c),),
                names=frozenset({c.id}),
            )
        )
    visible = [s for s in kb.strategies if s.id not in holdout.strategies]
    kb_compounds = [e for e in kb.entities.values() if e.kind == "compound" and not holdout.hides(kb, e.refs)]
    for gene in model.nodes:
        if gene in OTHER_DEATH:
            continue
        role = (kb.entities[gene].attrs.get("role", "") if gene in kb.entities else "") or "regulator"
        for action in ("inhibition", "overexpression"):
            up = action != "inhibition"
            tools = by_target.pop((gene, "activation" if up else "inhibition"), [])
            documented = {
                s.agent_action
                for s in visible
                if s.agent_type == "genetic"
                and gene in members(kb, s.agent_target)
                and (s.agent_action in ("overexpression", "activation")) == up
            }
            if up and (role != "driver" or gene in ONCOGENES or not (documented or tools)):
                by_target.setdefault((gene, "activation"), []).extend(tools)
                continue  # raising a gene is a move only for a non-oncogenic driver with a documented way
            modalities = sorted({MODALITY.get(a, a) for a in documented})
            if not up and not modalities:
                modalities = ["siRNA/shRNA (research tool)"]
            kb_tools = sorted(
                e.id
                for e in kb_compounds
                if e.id not in model.compounds
                and gene in members(kb, e.attrs.get("targets") or [])
                and ((e.attrs.get("action") in UP) == up)
            )
            names = frozenset({gene, *(t.compound for t in tools), *kb_tools})
            moves.append(
                Move(
                    f"{gene} {action}",
                    "target",
                    (gene,),
                    action,
                    axis_of(kb, [gene]),
                    Perturbation("gene", gene, action),
                    tuple(tools),
                    tuple(modalities),
                    tuple(kb_tools),
                    names,
                )
            )
    for (gene, action), tools in by_target.items():  # compounds activating a node with no genetic move
        if not tools:
            continue
        moves.append(
            Move(
                f"{gene} {action}",
                "target",
                (gene,),
                action,
                axis_of(kb, [gene]),
                tools=tuple(tools),
                modalities=("activator",),
                names=frozenset({gene, *(t.compound for t in tools)}),
            )
        )
    moves += regulator_moves(kb, model, holdout)
    moves += literature_moves(kb, model, moves, holdout)
    return moves


def _regulator_move(
    kb: KnowledgeBase, model: Model, gene: str, edges: Sequence[tuple[str, str]], up: bool, holdout: Holdout
) -> Move | None:
    levels: dict[str, float] = {}
    extra: list[Perturbation] = []
    via: list[str] = []
    for target, sign in edges:
        rises = (sign == "-") != up  # losing a repressor (or gaining an activator) raises the target
        if target in model.nodes:
            levels[target] = levels.get(target, 1.0) * (REGULATOR_FOLD if rises else 1.0 / REGULATOR_FOLD)
            via.append(f"{target} {'up' if rises else 'down'}")
        elif target in RAISED_STATE and rises:
            extra.append(model.resolve(RAISED_STATE[target]))
            via.append(f"{target} up")
    if not via:
        return None
    action = "overexpression" if up else "inhibition"
    documented = {
        s.agent_action
        for s in kb.strategies
        if s.id not in holdout.strategies
        and s.agent_type == "genetic"
        and s.agent.partition(":")[0] == gene
        and raises(s.agent.partition(":")[2] or s.agent_action) == up
    }
    modalities = sorted({MODALITY.get(a, a) for a in documented}) or (
        ["expression vector"] if up else ["siRNA/shRNA (research tool)"]
    )
    kb_tools = sorted(
        e.id
        for e in kb.entities.values()
        if e.kind == "compound"
        and gene in (e.attrs.get("targets") or [])
        and ((e.attrs.get("action") in UP) == up)
        and not holdout.hides(kb, e.refs)
    )
    return Move(
        f"{gene} {action}",
        "regulator",
        (gene,),
        action,
        axis_of(kb, [gene]),
        modalities=tuple(modalities),
        kb_compounds=tuple(kb_tools),
        names=frozenset({gene, *kb_tools}),
        levels=tuple(sorted(levels.items())),
        extra=tuple(extra),
        via=tuple(via),
    )


def _known(model: Model, name: str) -> bool:
    try:
        model.lookup(name)
    except UnknownNameError:
        return False
    return True


def regulator_moves(kb: KnowledgeBase, model: Model, holdout: Holdout = OPEN) -> list[Move]:
    """Moves on genes outside the model that the KB links to model nodes (cited interactions): inhibition,
    and overexpression for a non-oncogenic ferroptosis driver. Only the molecular edges are used (never the
    documented effect on ferroptosis or on a therapy, which is what an evaluation hides), and none that
    cites only held-out papers."""
    edges: dict[str, list[tuple[str, str]]] = {}
    for i in kb.interactions:
        if holdout.hides(kb, i.refs):
            continue
        src = kb.entities.get(i.source)
        if src is None or src.kind not in ("gene", "complex") or _known(model, i.source):
            continue  # a model node, condition or compound (IFNG is the immunotherapy condition)
        if set(src.attrs.get("members") or []) & set(model.nodes):
            continue  # a complex of model nodes (system_xc) is moved through its members
        if i.type not in REGULATORY_TYPES or i.sign not in "+-" or not i.sign:
            continue
        if i.target in model.nodes or i.target in RAISED_STATE:
            pair = (i.target, i.sign)
            if pair not in edges.setdefault(i.source, []):
                edges[i.source].append(pair)
    out = []
    for gene, pairs in sorted(edges.items()):
        if gene in OTHER_DEATH:
            continue
        conflicting = {t for t, sg in pairs if (t, "+" if sg == "-" else "-") in pairs}
        pairs = [p for p in pairs if p[0] not in conflicting]  # context-dependent edges: no single direction
        role = kb.entities[gene].attrs.get("role", "")
        for up in (False, True):
            if up and (role != "driver" or gene in ONCOGENES):
                continue
            move = _regulator_move(kb, model, gene, pairs, up, holdout)
            if move is not None:
                out.append(move)
    return out


def literature_moves(kb: KnowledgeBase, model: Model, simulated: Sequence[Move], holdout: Holdout) -> list[Move]:
    """Documented agents (visible strategies) the model has no mechanism for."""
    covered = {n for m in simulated for n in m.names} | set(model.compounds) | set(model.nodes)
    out: dict[str, Move] = {}
    for s in kb.strategies:
        if s.id in holdout.strategies:
            continue
        agent = s.agent.partition(":")[0]
        targets = members(kb, s.agent_target)
        if agent in covered or targets & set(model.nodes) or agent in out:
            continue
        modality = MODALITY.get(s.agent_action, s.agent_action) if s.agent_type == "genetic" else "compound"
        out[agent] = Move(
            agent,
            "literature",
            tuple(s.agent_target),
            s.agent_action,
            s.axis,
            modalities=(modality,),
            names=frozenset({agent, *s.agent_target}),
        )
    return list(out.values())
