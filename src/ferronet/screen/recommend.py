"""Recommendations: which ferroptosis-targeting move would bring back a therapy the tumour resists?

1. The resistant state is built from the knowledge base (the resistance genes of the documented strategies for the
   therapy and cancer, raised 1.5x), plus the given mutations and profile.
2. Every candidate (each compound of the library, each model gene inhibited) is simulated with the therapy in
   that state. ``restoration`` = death(therapy + candidate) - death(therapy); ``bliss`` = excess of
   death(therapy + candidate) over Bliss independence of the two alone. ``score = restoration + bliss +
   prior + 0.01 * log10 fold-change of lipid peroxidation``: ``prior`` (:data:`PRIOR`, :data:`AXIS_PRIOR`) credits
   documented use of the intervention and of its axis (strongest for the same therapy and cancer); the last term orders
   candidates that leave death at 0. Genetic candidates: inhibition of suppressors, overexpression of drivers.
   The list is diversified by axis (the best candidate of each axis first), unless ``diverse=False``.
3. Beside each candidate: the strategies and interactions of the knowledge base that support or contradict it;
   a candidate with neither is marked as resting on simulation alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ferronet.errors import FerronetError
from ferronet.kb.base import KnowledgeBase, load_kb
from ferronet.kb.objects import Strategy
from ferronet.model.network import Model, load_model
from ferronet.model.perturbation import Perturbation
from ferronet.screen.runner import run_conditions
from ferronet.sim.conditions import Condition

#: therapies without a compound in the model library, and the model perturbation that stands for them
THERAPY_PROXY = {
    "radiotherapy": "radiation",
    "immunotherapy": "IFNG",
    "immune-checkpoint-blockade": "IFNG",
    "anti-PD-1": "IFNG",
    "anti-PD-L1": "IFNG",
    "anti-CTLA-4": "IFNG",
    "CAR-T": "IFNG",
    "EGFR-TKI": "gefitinib",
    "osimertinib": "gefitinib",
    "platinum-drug": "cisplatin",
    "chemotherapy": "cisplatin",
}
#: effect of a cancer mutation on the model node (loss of function of suppressors, gain of oncogenes)
MUTATION_EFFECT = {
    "KEAP1": "knockout",
    "CUL3": "knockout",
    "TP53": "knockout",
    "PTEN": "knockout",
    "BTRC": "knockout",
    "NFE2L2": "activation",
    "KRAS": "activation",
    "AKT1": "activation",
    "EGFR": "activation",
    "EPAS1": "activation",
    "HIF1A": "activation",
    "MDM2": "activation",
    "SQSTM1": "overexpression",
}
#: compounds that act on other death pathways or protect from ferroptosis are not candidates
EXCLUDED_CLASSES = ("ferroptosis_inhibitor", "iron_chelator", "nrf2_activator")
CONTROLS = (
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
)


#: smallest simulated gain (restoration + Bliss, fraction of cells) that counts as a simulated effect
SIMULATED_EFFECT = 0.02
#: weight of documented use of an intervention, by how close the documented context is to the question
PRIOR = {"same therapy and cancer": 0.3, "same therapy": 0.2, "same therapy class": 0.1, "other context": 0.05}


def _context(s: Strategy, therapy: str, cancer: str | None, therapy_class: str) -> str:
    """How close a documented strategy's context is to the question (a key of :data:`PRIOR`)."""
    if s.therapy == therapy:
        return "same therapy and cancer" if s.cancer == cancer else "same therapy"
    return "same therapy class" if s.therapy_class == therapy_class else "other context"


def _priors(
    kb: KnowledgeBase, therapy: str, cancer: str | None, hidden: set[str]
) -> tuple[dict[tuple[str, ...], float], dict[str, float]]:
    """Literature priors from the documented strategies (hidden ones excluded): per agent (and per single
    target) the strongest documented use, and per axis the closest documented reversal (:data:`AXIS_PRIOR`)."""
    therapy_class = next((s.therapy_class for s in kb.strategies if s.therapy == therapy), "")
    by_agent: dict[tuple[str, ...], float] = {}
    by_axis: dict[str, float] = {}
    for s in kb.strategies:
        if s.id in hidden:
            continue
        ctx = _context(s, therapy, cancer, therapy_class)
        for key in [("agent", s.agent.partition(":")[0]), *(("target", t) for t in s.agent_target)]:
            by_agent[key] = max(by_agent.get(key, 0.0), PRIOR[ctx])
        if ctx in AXIS_PRIOR:
            by_axis[s.axis] = max(by_axis.get(s.axis, 0.0), AXIS_PRIOR[ctx])
    return by_agent, by_axis


def _prior(by_agent: dict[tuple[str, ...], float], name: str, targets: Sequence[str]) -> float:
    """The strongest documented use of this intervention, or of its only target."""
    best = by_agent.get(("agent", name), 0.0)
    if len(targets) == 1:
        best = max(best, by_agent.get(("target", targets[0]), 0.0))
    return best


#: weight of a documented strategy on the same axis (any agent), by closeness of context
AXIS_PRIOR = {"same therapy and cancer": 0.15, "same therapy": 0.1, "same therapy class": 0.05}


@dataclass
class Recommendation:
    intervention: str
    target: list[str]
    axis: str
    score: float
    restoration: float
    bliss: float
    death_with_therapy: float
    evidence: list[str]
    supporting: list[str] = field(default_factory=list)
    contradicting: list[str] = field(default_factory=list)
    basis: str = "simulation only"

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


def _therapy(kb: KnowledgeBase, model: Model, therapy: str) -> tuple[str, str]:
    ent = kb.resolve(therapy, ("compound", "therapy"))
    if ent.id in model.compounds:
        return ent.id, ent.id
    if ent.id in THERAPY_PROXY:
        return ent.id, THERAPY_PROXY[ent.id]
    cls = ent.attrs.get("class", "")
    if cls in ("radiotherapy",):
        return ent.id, "radiation"
    if cls in ("immunotherapy",):
        return ent.id, "IFNG"
    return ent.id, ""


def _strategies(kb: KnowledgeBase, therapy: str, cancer: str | None, hidden: set[str]) -> list[Strategy]:
    pool = [s for s in kb.strategies if s.id not in hidden]
    exact = [s for s in pool if s.therapy == therapy and (cancer is None or s.cancer == cancer)]
    return exact or [s for s in pool if s.therapy == therapy]


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


def _axis(kb: KnowledgeBase, ids: Sequence[str], effects: Sequence[str] = ()) -> str:
    for i in ids:
        e = kb.entities.get(i)
        if e is not None and e.attrs.get("axis"):
            return str(e.attrs["axis"])
    for eff in effects:
        if eff in EFFECT_AXIS:
            return EFFECT_AXIS[eff]
    return "other"


def diversify(recs: list[Recommendation]) -> list[Recommendation]:
    """Best candidate of each axis first (axes ordered by their best score), then the runners-up, and so on.

    Users ask "which strategy", so five GPX4 inhibitors in a row would answer one question five times.
    """
    by_axis: dict[str, list[Recommendation]] = {}
    for r in sorted(recs, key=lambda r: (-r.score, r.intervention)):
        by_axis.setdefault(r.axis, []).append(r)
    out: list[Recommendation] = []
    depth = 0
    while len(out) < len(recs):
        tier = [v[depth] for v in by_axis.values() if len(v) > depth]
        out += sorted(tier, key=lambda r: (-r.score, r.intervention))
        depth += 1
    return out


def resistant_state(
    kb: KnowledgeBase,
    model: Model,
    strategies: Sequence[Strategy],
    mutations: Sequence[str] = (),
) -> list[Perturbation]:
    """Perturbations for the documented resistance mechanisms and the given mutations."""
    out: dict[str, Perturbation] = {}
    for s in strategies:
        for gene in s.resistance_genes:
            if gene in model.nodes:
                out[gene] = Perturbation("gene", gene, "upregulation")
    for mut in mutations:
        if ":" in mut:
            p = model.resolve(mut)
        else:
            kind, gene = model.lookup(mut)
            if kind != "gene":
                raise FerronetError(f"'{mut}' is not a gene")
            if gene not in MUTATION_EFFECT:
                raise FerronetError(
                    f"no default effect for a {gene} mutation; give it as {gene}:knockout or {gene}:activation"
                )
            p = Perturbation("gene", gene, MUTATION_EFFECT[gene])
        out[p.target] = p
    return list(out.values())


def _evidence(
    kb: KnowledgeBase,
    name: str,
    targets: Sequence[str],
    is_gene: bool,
    therapy: str,
    cancer: str | None,
    hidden: set[str],
) -> tuple[list[str], list[str], list[str]]:
    matches = []
    for s in kb.strategies:
        if s.id in hidden:
            continue
        agent = s.agent.partition(":")[0]
        if agent == name or (set(targets) & set(s.agent_target)) or (is_gene and name in s.agent_target):
            priority = (s.therapy != therapy, s.cancer != cancer, agent != name)
            matches.append((priority, s))
    matches.sort(key=lambda m: m[0])
    support = [f"{s.id} ({s.therapy}, {s.cancer})" for _, s in matches]
    refs = [r for _, s in matches for r in s.refs]
    contra: list[str] = []
    for i in kb.interactions:
        if i.target == "ferroptosis" and i.source in targets and i.sign == "+":
            contra.append(f"{i.source} promotes ferroptosis ({i.context or i.cancer or 'general'})")
            refs += list(i.refs)
    return support, contra, sorted(set(refs), key=refs.index)


def recommend(
    therapy: str,
    cancer: str | None = None,
    mutations: Sequence[str] = (),
    profile: dict[str, float] | None = None,
    top: int = 10,
    kb: KnowledgeBase | None = None,
    model: Model | None = None,
    hidden: Sequence[str] = (),
    scheduler: str | None = None,
    progress: bool = False,
    diverse: bool = True,
) -> RecommendationReport:
    """Rank interventions that restore ferroptosis under ``therapy`` in a resistant ``cancer``."""
    kb = kb or load_kb()
    m = model or load_model()
    hide = set(hidden)
    tid, proxy = _therapy(kb, m, therapy)
    cid = kb.resolve(cancer, ("cancer",)).id if cancer else None
    strategies = _strategies(kb, tid, cid, hide)
    state = resistant_state(kb, m, strategies, mutations)
    therapy_arm = [m.resolve(proxy)] if proxy else []
    with m:
        for gene, level in (profile or {}).items():
            m.perturbations.append(
                Perturbation("gene", m.lookup(gene)[1], "knockdown" if level < 1 else "overexpression")
            )
        candidates: list[tuple[str, list[Perturbation], list[str], bool]] = []
        effects: dict[str, list[str]] = {}
        for c in m.compounds.values():
            entity = kb.entities.get(c.id)
            cls = entity.attrs.get("class", "") if entity else ""
            if c.id in (tid, proxy) or c.id in CONTROLS or cls in EXCLUDED_CLASSES:
                continue
            targets = sorted({mech.target for mech in c.mechanisms if not mech.target.startswith("effect:")})
            effects[c.id] = [mech.target[7:] for mech in c.mechanisms if mech.target.startswith("effect:")]
            candidates.append((c.id, [m.resolve(c.id)], targets, False))
        for gene in m.nodes:
            if gene in ("CASP3", "CASP8", "RIPK1"):
                continue
            entity = kb.entities.get(gene)
            role = entity.attrs.get("role", "") if entity else ""
            actions = {"driver": ["overexpression"], "suppressor": ["inhibition"]}.get(
                role, ["inhibition", "overexpression"]
            )
            for action in actions:
                candidates.append((f"{gene}:{action}", [Perturbation("gene", gene, action)], [gene], True))
        conds = [Condition.parse(m, [*state, *therapy_arm]), Condition.parse(m, list(state))]
        for _, pert, _, _ in candidates:
            conds.append(Condition.parse(m, [*state, *therapy_arm, *pert]))
            conds.append(Condition.parse(m, [*state, *pert]))
        values, _ = run_conditions(
            conds, ["ferroptosis", "lipid_peroxidation"], scheduler, progress, desc="recommend", model=m
        )
    death, lipid = values["ferroptosis"], values["lipid_peroxidation"]
    by_agent, axis_prior = _priors(kb, tid, cid, hide)
    base_t, base_0 = float(death[0]), float(death[1])
    recs = []
    for k, (name, _, targets, is_gene) in enumerate(candidates):
        both, alone = float(death[2 + 2 * k]), float(death[3 + 2 * k])
        e_t = base_t - base_0  # the therapy's own effect in the resistant state
        e_x = alone - base_0
        expected = base_0 + e_t + e_x - e_t * e_x
        restoration, bliss = both - base_t, both - expected
        axis = _axis(kb, targets, effects.get(name, []))
        prior = _prior(by_agent, name.partition(":")[0], targets) + axis_prior.get(axis, 0.0)
        nudge = 0.01 * float(np.log10(max(lipid[2 + 2 * k], 1e-9) / max(lipid[0], 1e-9)))
        support, contra, refs = _evidence(kb, name.partition(":")[0], targets, is_gene, tid, cid, hide)
        simulated = restoration + bliss > SIMULATED_EFFECT
        if support:
            basis = "literature and simulation" if simulated else "literature only (no simulated effect)"
        else:
            basis = "simulation only" if simulated else "no support"
        recs.append(
            Recommendation(
                name,
                targets,
                axis,
                round(restoration + bliss + nudge + prior, 4),
                round(restoration, 4),
                round(bliss, 4),
                round(both, 4),
                refs,
                support[:5],
                contra[:5],
                basis,
            )
        )
    recs = diversify(recs) if diverse else sorted(recs, key=lambda r: (-r.score, r.intervention))
    return RecommendationReport(
        tid,
        proxy or "(no model representation)",
        cid,
        [str(p) for p in state],
        round(base_t, 4),
        recs[:top],
        [s.id for s in strategies],
    )
