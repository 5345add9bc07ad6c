"""Knowledge-base objects: entities, interactions, strategies, references (all carry their evidence)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reference:
    """One cited paper: the seed's citation text, its parsed parts and verified identifiers.

    ``aliases`` are the other ids of the same paper (listed by several seeds); ``verified_by`` says how the
    PMID/DOI/PMCID was checked (see ``tools/reference_ids.tsv``).
    """

    id: str
    seed: str
    number: str
    citation: str
    year: str = ""
    pmid: str = ""
    doi: str = ""
    authors: str = ""
    title: str = ""
    journal: str = ""
    pmcid: str = ""
    aliases: tuple[str, ...] = ()
    verified_by: str = ""

    def to_dict(self) -> dict[str, Any]:
        from ferronet.kb.cite import reference_url, short_citation

        d = asdict(self)
        d["aliases"] = list(self.aliases)
        d["short"], d["url"] = short_citation(self), reference_url(self)
        return d


@dataclass(frozen=True)
class Entity:
    """A gene, complex, metabolite, compound, therapy or cancer type."""

    id: str
    kind: str
    name: str
    aliases: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()
    attrs: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "aliases": list(self.aliases),
            "refs": list(self.refs),
            **self.attrs,
        }


@dataclass(frozen=True)
class Interaction:
    """A signed, typed interaction with its evidence."""

    source: str
    target: str
    type: str
    sign: str
    context: str = ""
    cancer: str = ""
    system: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()
    note: str = ""
    origin: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["system"], d["refs"] = list(self.system), list(self.refs)
        return d


@dataclass(frozen=True)
class Strategy:
    """A documented way to reverse a therapy resistance by acting on ferroptosis."""

    id: str
    therapy: str
    therapy_class: str
    cancer: str
    axis: str
    resistance_genes: tuple[str, ...]
    resistance_mechanism: str
    agent: str
    agent_type: str
    agent_target: tuple[str, ...]
    agent_action: str
    mechanism: str
    model_system: str
    refs: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("resistance_genes", "agent_target", "refs"):
            d[k] = list(d[k])
        return d


@dataclass(frozen=True)
class NRF2Target:
    id: str
    general_function: str
    role_in_ferroptosis: str
    tumor_types: tuple[str, ...]
    refs: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["tumor_types"], d["refs"] = list(self.tumor_types), list(self.refs)
        return d
