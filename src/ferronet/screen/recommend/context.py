"""The question behind a recommendation: the therapy (or its model proxy), the documented strategies that
describe the resistance, what is held out, and the resistant state (KB mechanisms + mutations + profile)."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ferronet.errors import FerronetError, UnknownNameError
from ferronet.kb.base import KnowledgeBase
from ferronet.kb.objects import Strategy
from ferronet.model.network import Model
from ferronet.model.perturbation import Perturbation

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
    "ferroptosis-inducer": "erastin",
    "GPX4-inhibitor": "RSL3",
}
#: fallback proxy by the therapy's class (a DNA-damaging chemotherapy is simulated as cisplatin)
CLASS_PROXY = {"radiotherapy": "radiation", "immunotherapy": "IFNG", "chemotherapy": "cisplatin"}
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
#: genes whose gain is a cancer driver alteration: never proposed as an overexpression therapy (the gained
#: genes of :data:`MUTATION_EFFECT` and the classic oncogene families the KB names outside the model)
ONCOGENES = frozenset(g for g, e in MUTATION_EFFECT.items() if e in ("activation", "overexpression")) | frozenset(
    {"RAS", "HRAS", "NRAS", "BRAF", "MYC", "PI3K", "PIK3CA"}
)


@dataclass(frozen=True)
class Holdout:
    """What an evaluation hides: strategies (from the state, priors and evidence), genes (from the state) and
    papers (canonical reference ids: KB interactions and compound annotations citing only these are hidden)."""

    strategies: frozenset[str] = frozenset()
    genes: frozenset[str] = frozenset()
    papers: frozenset[str] = frozenset()

    def hides(self, kb: KnowledgeBase, refs: Iterable[str]) -> bool:
        """Whether a KB fact citing ``refs`` comes only from held-out papers (an uncited fact is kept)."""
        ids = {paper(kb, r) for r in refs}
        return bool(ids) and ids <= self.papers


#: nothing held out (the default for a user's question)
OPEN = Holdout()


def members(kb: KnowledgeBase, ids: Iterable[str]) -> set[str]:
    """Ids plus the member genes of complexes (system_xc -> SLC7A11, SLC3A2)."""
    out: set[str] = set()
    for i in ids:
        out.add(i)
        e = kb.entities.get(i)
        if e is not None:
            out.update(e.attrs.get("members") or [])
    return out


def paper(kb: KnowledgeBase, ref: str) -> str:
    """The canonical id of the paper behind a reference id (one paper cited by two seeds has two ids)."""
    r = kb.references.get(ref)
    return r.id if r is not None else ref


def is_review(kb: KnowledgeBase, ref: str) -> bool:
    """Whether a reference id is a seed review itself (number 0 of its seed), not a paper it cites."""
    r = kb.references.get(ref)
    return r is not None and r.number == "0"


def primary_paper(kb: KnowledgeBase, s: Strategy) -> str | None:
    """The paper behind a strategy: its first reference that is not the seed review (a strategy citing the
    review and the paper it summarises, ``000:0; 000:122``, is 000:122's finding), else its first one."""
    refs = [r for r in s.refs if not is_review(kb, r)] or list(s.refs)
    return paper(kb, refs[0]) if refs else None


def leave_one_paper_out(kb: KnowledgeBase, s: Strategy) -> Holdout:
    """Hide every strategy that shares ``s``'s primary paper (:func:`primary_paper`; reference aliases across
    seeds merged) or its therapy + cancer + agent (the same paper curated twice), every KB interaction or
    compound annotation citing only the hidden strategies' papers (the seed reviews themselves excepted,
    unless a hidden strategy cites nothing else), and keep the agent's targets out of the resistant state
    built from the others."""
    agent = s.agent.partition(":")[0]
    primary = primary_paper(kb, s)
    hidden = {
        o.id
        for o in kb.strategies
        if (primary is not None and primary_paper(kb, o) == primary)
        or (o.therapy, o.cancer, o.agent.partition(":")[0]) == (s.therapy, s.cancer, agent)
    } | {s.id}
    papers = {
        paper(kb, r)
        for o in kb.strategies
        if o.id in hidden
        for r in ([x for x in o.refs if not is_review(kb, x)] or o.refs)
    }
    genes = members(kb, [*s.agent_target, agent])
    return Holdout(frozenset(hidden), frozenset(genes), frozenset(papers))


def resolve_therapy(kb: KnowledgeBase, model: Model, therapy: str) -> tuple[str, str, str]:
    """(KB id, model compound or condition standing for it or "", therapy class)."""
    ent = kb.resolve(therapy, ("compound", "therapy"))
    cls = str(ent.attrs.get("class", ""))
    documented = next((s.therapy_class for s in kb.strategies if s.therapy == ent.id), "")
    if ent.id in model.compounds:
        return ent.id, ent.id, documented or cls
    proxy = THERAPY_PROXY.get(ent.id) or CLASS_PROXY.get(cls) or CLASS_PROXY.get(documented, "")
    return ent.id, proxy, documented or cls


def documented(
    kb: KnowledgeBase, therapy: str, cancer: str | None, therapy_class: str, holdout: Holdout
) -> list[Strategy]:
    """Strategies describing this resistance: same therapy and cancer, else same therapy, else same class
    and cancer (held-out strategies excluded)."""
    pool = [s for s in kb.strategies if s.id not in holdout.strategies]
    tiers = (
        [s for s in pool if s.therapy == therapy and (cancer is None or s.cancer == cancer)],
        [s for s in pool if s.therapy == therapy],
        [s for s in pool if cancer is not None and s.therapy_class == therapy_class and s.cancer == cancer],
    )
    return next((t for t in tiers if t), [])


def mutation_perturbations(model: Model, mutations: Sequence[str]) -> list[Perturbation]:
    """A mutation given as a gene (default effect of :data:`MUTATION_EFFECT`) or as ``GENE:action``."""
    out = []
    for mut in mutations:
        if ":" in mut:
            out.append(model.resolve(mut))
            continue
        kind, gene = model.lookup(mut)
        if kind != "gene":
            raise FerronetError(f"mutation '{mut}' is a {kind}, not a gene")
        if gene not in MUTATION_EFFECT:
            raise FerronetError(
                f"no default effect for a {gene} mutation; give it as {gene}:knockout or {gene}:activation"
            )
        out.append(Perturbation("gene", gene, MUTATION_EFFECT[gene]))
    return out


def resistant_state(
    model: Model,
    strategies: Sequence[Strategy],
    mutations: Sequence[Perturbation] = (),
    holdout: Holdout = OPEN,
) -> list[Perturbation]:
    """The documented resistance genes raised (``upregulation``, 1.5x), minus held-out genes, then the
    mutations (a mutation overrides the documented change of its gene)."""
    out: dict[str, Perturbation] = {}
    for s in strategies:
        for gene in s.resistance_genes:
            if gene in model.nodes and gene not in holdout.genes:
                out[gene] = Perturbation("gene", gene, "upregulation")
    for p in mutations:
        out[p.target] = p
    return list(out.values())


@dataclass(frozen=True)
class ProfileLevels:
    """A tumour's relative gene levels mapped onto model nodes (1 = default cell)."""

    levels: tuple[tuple[str, float], ...] = ()
    ignored: tuple[str, ...] = field(default=())


def profile_levels(model: Model, profile: Mapping[str, float] | None) -> ProfileLevels:
    """Map ``gene -> level`` onto model nodes; genes the model lacks are skipped with one warning (with a
    count); an error only when none is usable or a level is not a finite number >= 0."""
    if not profile:
        return ProfileLevels()
    bad = [f"{g}={v}" for g, v in profile.items() if not (v == v and 0 <= float(v) < float("inf"))]
    if bad:
        raise FerronetError(f"profile levels must be finite numbers >= 0: {', '.join(bad[:10])}")
    levels: dict[str, float] = {}
    ignored = []
    for gene, level in profile.items():
        try:
            kind, node = model.lookup(gene)
        except UnknownNameError:
            kind, node = "", ""
        if kind != "gene":
            ignored.append(gene)
            continue
        levels[node] = levels.get(node, 1.0) * float(level)
    if not levels:
        raise FerronetError(
            f"none of the {len(profile)} profile genes is a model node (e.g. {', '.join(list(model.nodes)[:6])})"
        )
    if ignored:
        warnings.warn(
            f"{len(ignored)} of {len(profile)} profile genes are not model nodes and were ignored: "
            + ", ".join(ignored[:10])
            + (" ..." if len(ignored) > 10 else ""),
            stacklevel=3,
        )
    return ProfileLevels(tuple(sorted(levels.items())), tuple(ignored))
