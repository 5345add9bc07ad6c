"""Literature priors and evidence for a move, from the documented strategies (held-out ones excluded).

``use`` credits documented use of the move: each paper that documents it (:func:`~.context.primary_paper`;
one paper cited by two seeds counts once) counts with a weight by how close its context is to the question
(:data:`PRIOR`), combined as ``1 - prod(1 - w)`` (several independent papers count more than one, and never
above 1). ``axis`` credits the closest documented reversal
on the move's axis (:data:`AXIS_PRIOR`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ferronet.kb.base import KnowledgeBase
from ferronet.kb.objects import Strategy
from ferronet.screen.recommend.context import Holdout, members, primary_paper
from ferronet.screen.recommend.moves import Move, acts_up, raises

#: weight of documented use of an intervention, by how close the documented context is to the question
PRIOR = {"same therapy and cancer": 0.3, "same therapy": 0.2, "same therapy class": 0.1, "other context": 0.05}
#: weight of a documented strategy on the same axis (any agent), by closeness of context
AXIS_PRIOR = {"same therapy and cancer": 0.15, "same therapy": 0.1, "same therapy class": 0.05}


def context(s: Strategy, therapy: str, cancer: str | None, therapy_class: str) -> str:
    """How close a documented strategy's context is to the question (a key of :data:`PRIOR`)."""
    if s.therapy == therapy:
        return "same therapy and cancer" if s.cancer == cancer else "same therapy"
    return "same therapy class" if s.therapy_class == therapy_class else "other context"


Papers = dict[str, float]  # primary reference -> weight of its closest context
Key = tuple[str, bool]  # (agent or target, raises it?)


def stands_for(kb: KnowledgeBase, s: Strategy) -> set[Key]:
    """What a documented strategy does, as (id, raises?) pairs: a genetic agent in the direction of its
    suffix (``KEAP1:overexpression`` raises KEAP1), a compound either way; its other targets in the
    direction of ``agent_action``."""
    agent, _, suffix = s.agent.partition(":")
    own = raises(suffix) if suffix else None
    out: set[Key] = {(agent, own)} if own is not None else {(agent, True), (agent, False)}
    for t in members(kb, s.agent_target):
        out.add((t, own) if t == agent and own is not None else (t, raises(s.agent_action)))
    return out


def move_keys(move: Move) -> set[Key]:
    """(id, raises?) pairs a move stands for: its names and targets in the move's direction."""
    return {(n, acts_up(n, move.action)) for n in (*move.names, *move.targets)}


@dataclass
class Priors:
    by_agent: dict[Key, Papers] = field(default_factory=dict)
    by_target: dict[Key, Papers] = field(default_factory=dict)
    by_axis: dict[str, float] = field(default_factory=dict)

    def of(self, move: Move) -> tuple[float, float]:
        """(documented use of the move, documented reversal on its axis)."""
        papers: Papers = {}
        up = raises(move.action)
        sources = [self.by_agent.get((n, up), {}) for n in move.names]
        if len(move.targets) == 1:
            t = move.targets[0]
            sources.append(self.by_target.get((t, acts_up(t, move.action)), {}))
        for src in sources:
            for paper, w in src.items():
                papers[paper] = max(papers.get(paper, 0.0), w)
        miss = 1.0
        for w in papers.values():
            miss *= 1.0 - w
        return round(1.0 - miss, 4), self.by_axis.get(move.axis, 0.0)


def _credit(table: dict[Key, Papers], key: Key, paper: str, w: float) -> None:
    slot = table.setdefault(key, {})
    slot[paper] = max(slot.get(paper, 0.0), w)


def priors(kb: KnowledgeBase, therapy: str, cancer: str | None, therapy_class: str, holdout: Holdout) -> Priors:
    out = Priors()
    for s in kb.strategies:
        if s.id in holdout.strategies:
            continue
        ctx = context(s, therapy, cancer, therapy_class)
        paper = primary_paper(kb, s) or s.id
        agent = s.agent.partition(":")[0]
        for key in stands_for(kb, s):
            _credit(out.by_agent if key[0] == agent else out.by_target, key, paper, PRIOR[ctx])
        if ctx in AXIS_PRIOR:
            out.by_axis[s.axis] = max(out.by_axis.get(s.axis, 0.0), AXIS_PRIOR[ctx])
    return out


def evidence(
    kb: KnowledgeBase, move: Move, therapy: str, cancer: str | None, holdout: Holdout
) -> tuple[list[str], list[str], list[str]]:
    """(supporting strategies, contradicting interactions, reference ids), closest context first."""
    matches = []
    keys = move_keys(move)
    for s in kb.strategies:
        if s.id in holdout.strategies:
            continue
        agent = s.agent.partition(":")[0]
        if stands_for(kb, s) & keys:
            matches.append(((s.therapy != therapy, s.cancer != cancer, agent not in move.names), s))
    matches.sort(key=lambda m: m[0])
    support = [f"{s.id} ({s.therapy}, {s.cancer})" for _, s in matches]
    refs = [r for _, s in matches for r in s.refs]
    contra: list[str] = []
    if move.action == "inhibition" or move.kind == "compound":
        for i in kb.interactions:
            if (
                i.target == "ferroptosis"
                and i.source in move.targets
                and i.sign == "+"
                and not holdout.hides(kb, i.refs)
            ):
                contra.append(f"{i.source} promotes ferroptosis ({i.context or i.cancer or 'general'})")
                refs += list(i.refs)
    return support, contra, sorted(set(refs), key=refs.index)
