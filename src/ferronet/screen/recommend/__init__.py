"""Recommendations: which ferroptosis-targeting move would bring back a therapy the tumour resists?

Mechanism first:

1. The resistant state: the resistance genes of the documented strategies for the therapy (and cancer)
   raised 1.5x, the given mutations, and the tumour's profile (relative gene levels carried by every
   simulated condition) (:mod:`.context`).
2. Every move (:mod:`.moves`: a target with its tool compounds and modalities, a multi-target compound, or
   a regulator outside the model acting on model nodes through cited KB interactions) is simulated with
   the therapy at reachable doses; ``sim = restoration + Bliss + 0.01 log10 FC(lipid peroxidation)``
   (:mod:`.simulation`). The top moves with a tool compound get a 4 x 4 dose matrix with the therapy:
   Bliss, Loewe and ZIP at the best dose pair, with the doses.
3. ``literature`` = documented use of the move + documented reversal on its axis (:mod:`.literature`);
   ``score = sim + literature`` (shown). The combined order is mechanism first (moves with a simulated
   effect rank first; among each, moves on model nodes before regulator moves, whose effect is an assumed
   fold, :data:`ASSUMED_LAST`), then a weighted reciprocal-rank fusion of the simulation and literature
   rankings (:func:`fusion`; one global weight, :data:`FUSION_WEIGHT`, chosen by nested
   leave-one-paper-out; ties by simulation).
   Moves the model has no mechanism for are labelled "literature only" and kept out of the top list unless
   ``include_literature_only``. A move on a target already covered by a better row, or a regulator whose
   model effect a better row has, is folded into it as an alternative.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from scipy.stats import rankdata

from ferronet.errors import FerronetError
from ferronet.kb.base import KnowledgeBase, load_kb
from ferronet.model.network import Model, load_model
from ferronet.screen.recommend.context import (
    Holdout,
    documented,
    leave_one_paper_out,
    members,
    mutation_perturbations,
    profile_levels,
    resistant_state,
    resolve_therapy,
)
from ferronet.screen.recommend.literature import evidence, priors
from ferronet.screen.recommend.moves import Move, acts_up, build_moves, effect_keys
from ferronet.screen.recommend.simulation import DosePair, Effect, dose_pairs, effects

#: smallest simulated gain (restoration + Bliss, fraction of cells) that counts as a simulated effect
SIMULATED_EFFECT = 0.02
RANKINGS = ("combined", "simulation", "literature")
#: reciprocal-rank fusion (Cormack, Clarke & Buettcher 2009 SIGIR 758-759, DOI:10.1145/1571941.1572114):
#: ``w / (k + rank_sim) + (1 - w) / (k + rank_lit)``; k = 60 as in that paper
FUSION_K = 60.0
#: weight of the simulation ranking in the fusion: the weight the nested leave-one-paper-out rule picks on all
#: the documented strategies (``benchmarks/bench_recommend_loo.py``; each outer fold picks it on its training
#: papers only: 133 of 138 folds picked 0 on model 3cd48c80e0eb, 135 of 138 picked 0.05 on model 61ecfa8d2699
#: after the calibration fit e71e1ffd, 131 of 138 picked 0 and all papers 0 on model 22cb6c213937 after fit
#: e10ea1f1; 135 of 138 and all papers picked 0.3 on model d834e791a091 after fit 21b3b530). Weight 0 would mean
#: the simulation orders the moves through the mechanism-first tiers only and the literature credit orders them
#: inside a tier. Choosing it on the benchmark makes it a calibration; the benchmark reports the nested figures.
FUSION_WEIGHT = 0.3
#: candidate weights the nested choice scans
FUSION_GRID = (0.0, 0.05, *(round(0.1 * i, 1) for i in range(1, 11)))
LITERATURE_ONLY = "literature only (no model mechanism)"


@dataclass
class Recommendation:
    intervention: str
    kind: str  # target | compound | regulator | literature
    target: list[str]
    action: str
    axis: str
    score: float  # sim + literature
    simulated_effect: bool  # restoration + Bliss > SIMULATED_EFFECT: the model has a mechanism that works here
    sim: float  # restoration + bliss + lipid term
    literature: float  # use + axis
    literature_use: float
    literature_axis: float
    restoration: float
    bliss: float
    lipid_term: float
    death_with_therapy: float | None  # None: not simulated
    best_version: str  # the simulated version that scored best ("genetic" or compound@dose)
    tools: list[dict[str, Any]]  # model tool compounds: compound, dose_uM, range_uM
    modalities: list[str]
    kb_compounds: list[str]
    evidence: list[str]
    supporting: list[str] = field(default_factory=list)
    contradicting: list[str] = field(default_factory=list)
    basis: str = "simulation only"
    #: the targets with the subunits of a complex target (GCL: GCLC, GCLM); rows sharing one are one mechanism
    units: list[str] = field(default_factory=list)
    fusion: float = 0.0  # reciprocal-rank fusion of the simulation and literature ranks (set by :func:`rank`)
    dose_pair: dict[str, Any] | None = None
    names: list[str] = field(default_factory=list)  # agent names this move stands for
    alternatives: list[str] = field(default_factory=list)  # lower-ranked moves on the same targets, folded in
    covers: list[str] = field(default_factory=list)  # targets of this move and of its alternatives
    via: list[str] = field(default_factory=list)  # regulator move: what it does in the model ("ACSL4 up")
    #: (name, raises it?) of the row and of its folded alternatives, each in its own direction
    keys: list[tuple[str, bool]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RecommendationReport:
    therapy: str
    therapy_model: str
    cancer: str | None
    resistant_state: list[str]
    baseline_death: float
    recommendations: list[Recommendation]
    strategies_used: list[str]
    profile_genes: list[str] = field(default_factory=list)
    ranked_by: str = "combined"
    all: list[Recommendation] = field(default_factory=list, repr=False)


#: rank moves whose model effect is assumed (regulators outside the model: an assumed fold on each node
#: they touch) after the moves acting on model nodes, in the simulation ranking and its share of the fusion
ASSUMED_LAST = True


def _assumed(r: Recommendation) -> bool:
    return ASSUMED_LAST and r.kind == "regulator"


def _sim_order(r: Recommendation) -> float:
    """The simulation ranking's key: sim, with assumed-effect moves below every move on model nodes."""
    return r.sim - 1e3 * _assumed(r)


def fusion(recs: Sequence[Recommendation], weight: float = FUSION_WEIGHT, k: float = FUSION_K) -> list[float]:
    """Weighted reciprocal-rank fusion of the rows' simulation and literature rankings (tied ranks averaged,
    so the alphabetical tie-break of equal literature credit carries no weight)."""
    if not 0.0 <= weight <= 1.0:
        raise FerronetError(f"fusion weight must be in [0, 1] (got {weight})")
    if not recs:
        return []
    r_sim = rankdata([-_sim_order(r) for r in recs], "average")
    r_lit = rankdata([-r.literature for r in recs], "average")
    return [float(x) for x in weight / (k + r_sim) + (1.0 - weight) / (k + r_lit)]


def rank(
    recs: Sequence[Recommendation],
    by: str = "combined",
    include_literature_only: bool = False,
    weight: float = FUSION_WEIGHT,
) -> list[Recommendation]:
    """Moves best first by ``combined`` order, ``simulation`` alone or ``literature`` alone (ties by name).

    ``combined`` is mechanism first: moves with a simulated effect come before those without one, and within
    each, moves on model nodes before regulator moves (:data:`ASSUMED_LAST`); each group is ordered by the
    reciprocal-rank fusion of the two rankings (:func:`fusion`, simulation ``weight``) computed over the moves
    shown (literature-only moves enter it only when included), ties by simulation. ``simulation`` orders
    regulator moves after the moves on model nodes too.

    A move acting on a target already covered by a better move is folded into that row as an alternative
    (FIN56 under GPX4 inhibition once GPX4 inhibition ranks higher; a complex and its subunit are one target:
    GCL inhibition under GCLC inhibition), and so is a regulator move whose model
    effect a better row already has (DPP9 inhibition, "NFE2L2 down", under NFE2L2 inhibition): one row per
    mechanism, not per compound or regulator. The rows are copies; ``recs`` is left as it is.
    """
    if by not in RANKINGS:
        raise FerronetError(f"unknown ranking '{by}'; known: {', '.join(RANKINGS)}")
    pool = [r for r in recs if include_literature_only or r.kind != "literature"]
    if by == "combined":
        pool = [replace(r, fusion=round(f, 6)) for r, f in zip(pool, fusion(pool, weight), strict=True)]
    keys: dict[str, Callable[[Recommendation], tuple[float, ...]]] = {
        "combined": lambda r: (-float(r.simulated_effect), float(_assumed(r)), -r.fusion, -_sim_order(r)),
        "simulation": lambda r: (-_sim_order(r),),
        "literature": lambda r: (-r.literature,),
    }
    out: list[Recommendation] = []
    effect: dict[int, set[str]] = {}
    for r in sorted(pool, key=lambda r: (*keys[by](r), r.intervention)):
        mine = set(r.via) if r.kind == "regulator" else effect_keys(r.target, r.action)
        units = set(r.units or r.target)
        host = next(
            (h for h in out if set(h.units or h.target) & units or (r.kind == "regulator" and mine <= effect[id(h)])),
            None,
        )
        if host is None:
            row = replace(r, alternatives=[], covers=list(r.target), names=list(r.names), keys=list(r.keys))
            effect[id(row)] = mine
            out.append(row)
            continue
        # the alternative's names are listed in the row; its other targets are not the row's mechanism,
        # except for a regulator, whose name is the move
        own = [n for n in r.names if r.kind == "regulator" or n not in r.target]
        host.alternatives.append(r.intervention)
        host.covers += [t for t in r.target if t not in host.covers]
        host.names += [n for n in own if n not in host.names]
        host.keys += [k for k in r.keys if k[0] in own and k not in host.keys]
    return out


def _basis(move: Move, simulated: bool, supported: bool) -> str:
    if move.kind == "literature":
        return LITERATURE_ONLY
    if simulated:
        return "literature and simulation" if supported else "simulation only"
    return "literature; no simulated effect" if supported else "no support"


def _row(
    kb: KnowledgeBase, move: Move, eff: Effect | None, lit: tuple[float, float], ev: tuple[list, list, list]
) -> Recommendation:
    support, contra, refs = ev
    sim = eff.sim if eff else 0.0
    simulated = eff is not None and eff.restoration + eff.bliss > SIMULATED_EFFECT
    return Recommendation(
        intervention=move.key,
        kind=move.kind,
        target=list(move.targets),
        action=move.action,
        axis=move.axis,
        score=round(sim + lit[0] + lit[1], 4),
        simulated_effect=simulated,
        sim=round(sim, 4),
        literature=round(lit[0] + lit[1], 4),
        literature_use=lit[0],
        literature_axis=lit[1],
        restoration=round(eff.restoration, 4) if eff else 0.0,
        bliss=round(eff.bliss, 4) if eff else 0.0,
        lipid_term=round(sim - eff.restoration - eff.bliss, 4) if eff else 0.0,
        death_with_therapy=round(eff.death_with_therapy, 4) if eff else None,
        best_version=eff.via if eff else "not simulated",
        tools=[{"compound": t.compound, "dose_uM": t.dose_uM, "range_uM": list(t.range_uM)} for t in move.tools],
        modalities=list(move.modalities),
        kb_compounds=list(move.kb_compounds),
        evidence=refs,
        supporting=support[:5],
        contradicting=contra[:5],
        basis=_basis(move, simulated, bool(support)),
        names=sorted(move.names),
        via=list(move.via),
        keys=sorted({(n, acts_up(n, move.action)) for n in (*move.names, *move.targets)}),
        units=sorted(members(kb, move.targets)) if move.kind != "regulator" else list(move.targets),
    )


def recommend(
    therapy: str,
    cancer: str | None = None,
    mutations: Sequence[str] = (),
    profile: Mapping[str, float] | None = None,
    top: int = 10,
    kb: KnowledgeBase | None = None,
    model: Model | None = None,
    holdout: Holdout | None = None,
    scheduler: str | None = None,
    progress: bool = False,
    rank_by: str = "combined",
    include_literature_only: bool = False,
    doses: bool = True,
) -> RecommendationReport:
    """Rank moves that restore ferroptosis under ``therapy`` in a resistant ``cancer`` (see the module doc).

    ``profile``: relative gene levels of the tumour (1 = default cell). ``holdout``: strategies and genes an
    evaluation hides. ``doses``: compute the best dose pair of the top moves (off in benchmarks).
    ``progress`` is accepted for interface compatibility (the simulation is one batch).
    """
    if top < 1:
        raise FerronetError(f"top must be at least 1 (got {top})")
    if rank_by not in RANKINGS:
        raise FerronetError(f"unknown ranking '{rank_by}'; known: {', '.join(RANKINGS)}")
    kb = kb or load_kb()
    m = model or load_model()
    hold = holdout or Holdout()
    tid, proxy, tclass = resolve_therapy(kb, m, therapy)
    cid = kb.resolve(cancer, ("cancer",)).id if cancer else None
    strategies = documented(kb, tid, cid, tclass, hold)
    state = resistant_state(m, strategies, mutation_perturbations(m, mutations), hold)
    levels = profile_levels(m, profile).levels
    therapy_arm = [m.resolve(proxy)] if proxy else []
    moves = build_moves(kb, m, {tid, proxy}, hold)
    base_t, _, eff = effects(m, [mv for mv in moves if mv.simulated], state, therapy_arm, levels, scheduler)
    pri = priors(kb, tid, cid, tclass, hold)
    recs = [_row(kb, mv, eff.get(mv.key), pri.of(mv), evidence(kb, mv, tid, cid, hold)) for mv in moves]
    best = rank(recs, rank_by, include_literature_only)[:top]
    if doses and therapy_arm and therapy_arm[0].kind == "compound":
        by_key = {mv.key: mv for mv in moves}
        chosen = [(r, by_key[r.intervention]) for r in best if by_key[r.intervention].tools]
        tools = [max(mv.tools, key=lambda t: t.potency) for _, mv in chosen]
        for (r, _), pair in zip(chosen, dose_pairs(m, therapy_arm[0], tools, state, levels, scheduler), strict=True):
            r.dose_pair = _pair_dict(pair)
    return RecommendationReport(
        tid,
        proxy or "(no model representation)",
        cid,
        [str(p) for p in state],
        round(base_t, 4),
        best,
        [s.id for s in strategies],
        [g for g, _ in levels],
        rank_by,
        recs,
    )


def _pair_dict(p: DosePair) -> dict[str, Any]:
    return {
        "compound": p.compound,
        "therapy_uM": round(p.therapy_uM, 4),
        "compound_uM": round(p.compound_uM, 4),
        "death": round(p.death, 4),
        "compound_range_uM": [round(x, 4) for x in p.compound_range_uM],
        **p.scores,
    }


__all__ = [
    "FUSION_WEIGHT",
    "LITERATURE_ONLY",
    "RANKINGS",
    "Holdout",
    "Recommendation",
    "RecommendationReport",
    "fusion",
    "leave_one_paper_out",
    "rank",
    "recommend",
    "resistant_state",
]
