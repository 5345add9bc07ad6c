"""Leak-free evaluation of the recommendations: leave one paper out over the documented strategies.

For each strategy: hide it and every strategy sharing its primary reference or its therapy + cancer + agent
(:func:`~ferronet.screen.recommend.context.leave_one_paper_out`), keep its agent's targets out of the
resistant state, recommend for its therapy and cancer, and find the first rank at which the documented agent
(its name, or a gene it acts on) or its axis appears. Rankings: simulation only, literature only, combined;
no axis diversification; literature-only moves out of the list (as a user sees it).

The combined ranking's one free choice, the fusion weight, is reported by nested leave-one-paper-out
(:func:`nested_fusion`): each held-out strategy is ranked with the weight that does best on the strategies
of the *other* papers (its own paper's strategies excluded), so its outcome never chose its own weight.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ferronet.kb.base import KnowledgeBase
from ferronet.kb.objects import Strategy
from ferronet.model.network import Model
from ferronet.screen.recommend import (
    FUSION_GRID,
    RANKINGS,
    Recommendation,
    RecommendationReport,
    rank,
    recommend,
)
from ferronet.screen.recommend.context import leave_one_paper_out
from ferronet.screen.recommend.literature import stands_for
from ferronet.screen.recommend.moves import acts_up


@dataclass(frozen=True)
class Outcome:
    strategy: str
    axis: str
    therapy_class: str
    ranking: str
    agent_rank: int  # 1-based rank of the first agent hit, 0 if absent
    axis_rank: int


def agent_hit(kb: KnowledgeBase, s: Strategy, r: Recommendation) -> bool:
    """The row proposes the documented agent: the same compound, or an action on its gene or one of its
    targets in the same direction (documented KEAP1 overexpression is not hit by KEAP1 inhibition); a
    folded alternative counts in its own direction."""
    keys = {(str(n), bool(u)) for n, u in r.keys} or {(n, acts_up(n, r.action)) for n in (*r.names, *r.target)}
    return bool(stands_for(kb, s) & keys)


def first_rank(ranked: Sequence[Recommendation], hit: Callable[[Recommendation], bool]) -> int:
    """1-based rank of the first row that ``hit`` accepts, 0 if none."""
    return next((i for i, r in enumerate(ranked, 1) if hit(r)), 0)


def outcome(kb: KnowledgeBase, s: Strategy, ranked: Sequence[Recommendation], ranking: str) -> Outcome:
    """Where the strategy's agent and axis first appear in a ranking."""
    return Outcome(
        s.id,
        s.axis,
        s.therapy_class,
        ranking,
        first_rank(ranked, lambda r: agent_hit(kb, s, r)),
        first_rank(ranked, lambda r: r.axis == s.axis),
    )


def reports(kb: KnowledgeBase, model: Model, strategies: Sequence[Strategy]) -> dict[str, RecommendationReport]:
    """The leave-one-paper-out recommendation of each strategy (every move scored; simulated once)."""
    return {
        s.id: recommend(s.therapy, s.cancer, kb=kb, model=model, holdout=leave_one_paper_out(kb, s), doses=False)
        for s in strategies
    }


def evaluate(
    kb: KnowledgeBase,
    model: Model,
    strategies: Sequence[Strategy],
    rankings: Sequence[str] = RANKINGS,
    reps: Mapping[str, RecommendationReport] | None = None,
) -> list[Outcome]:
    """Outcomes of each strategy under each ranking (combined at the shipped fusion weight)."""
    reps = reps if reps is not None else reports(kb, model, strategies)
    return [outcome(kb, s, rank(reps[s.id].all, by), by) for s in strategies for by in rankings]


def _by_weight(
    kb: KnowledgeBase, strategies: Sequence[Strategy], reps: Mapping[str, RecommendationReport], grid: Sequence[float]
) -> dict[float, dict[str, Outcome]]:
    return {
        w: {s.id: outcome(kb, s, rank(reps[s.id].all, "combined", weight=w), "combined") for s in strategies}
        for w in grid
    }


def _best(by_w: Mapping[float, Mapping[str, Outcome]], train: Sequence[str], k: int) -> float:
    """The weight with the best agent recall@k over ``train`` (then MRR, then the lower weight)."""

    def fit(w: float) -> tuple[float, float, float]:
        group = [by_w[w][i] for i in train]
        return (recall(group, k), mrr(group), -w)

    return max(by_w, key=fit)


def choose_weight(
    kb: KnowledgeBase,
    strategies: Sequence[Strategy],
    reps: Mapping[str, RecommendationReport],
    grid: Sequence[float] = FUSION_GRID,
    k: int = 5,
) -> float:
    """The fusion weight the nested rule picks on all the strategies (the weight to ship)."""
    return _best(_by_weight(kb, strategies, reps, grid), [s.id for s in strategies], k)


def nested_fusion(
    kb: KnowledgeBase,
    strategies: Sequence[Strategy],
    reps: Mapping[str, RecommendationReport],
    grid: Sequence[float] = FUSION_GRID,
    k: int = 5,
) -> tuple[list[Outcome], dict[str, float]]:
    """Combined-ranking outcomes with the fusion weight chosen by nested leave-one-paper-out, and the weight
    each strategy got. The weight of an outer fold maximises agent recall@k (then MRR, then the lower weight)
    over the strategies its leave-one-paper-out split keeps visible."""
    by_w = _by_weight(kb, strategies, reps, grid)
    chosen: dict[str, float] = {}
    out = []
    for s in strategies:
        hidden = leave_one_paper_out(kb, s).strategies
        chosen[s.id] = _best(by_w, [o.id for o in strategies if o.id not in hidden], k)
        out.append(by_w[chosen[s.id]][s.id])
    return out, chosen


def recall(outcomes: Sequence[Outcome], k: int = 5, level: str = "agent") -> float:
    ranks = [o.agent_rank if level == "agent" else o.axis_rank for o in outcomes]
    return sum(0 < x <= k for x in ranks) / len(ranks) if ranks else float("nan")


def mrr(outcomes: Sequence[Outcome], level: str = "agent") -> float:
    ranks = [o.agent_rank if level == "agent" else o.axis_rank for o in outcomes]
    return sum(1.0 / x for x in ranks if x > 0) / len(ranks) if ranks else float("nan")
