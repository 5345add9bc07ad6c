"""The knowledge base: one object model looked up by id, with alias resolution and queries."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ferronet.errors import UnknownNameError
from ferronet.kb.cite import external_reference
from ferronet.kb.loader import default_dir, load_rows, split_list
from ferronet.kb.objects import Entity, Interaction, NRF2Target, Reference, Strategy
from ferronet.kb.schema import ENTITY_TABLES
from ferronet.names import normalize, suggest

_ENTITY_FIELDS = {"id", "name", "aliases", "refs", "kind"}


@dataclass
class KnowledgeBase:
    """Entities, interactions, NRF2 targets, strategies and references, each record with its evidence."""

    entities: dict[str, Entity]
    interactions: list[Interaction]
    nrf2_targets: dict[str, NRF2Target]
    strategies: list[Strategy]
    references: dict[str, Reference]
    version: str
    _aliases: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for e in self.entities.values():
            for name in (e.id, *e.aliases):
                self._aliases.setdefault(normalize(name), e.id)

    # ---- lookup ----------------------------------------------------------------------------------
    def resolve(self, name: str, kinds: tuple[str, ...] | None = None) -> Entity:
        """The entity named ``name`` (id or alias, case- and punctuation-insensitive)."""
        eid = self._aliases.get(normalize(name))
        if eid is not None and (kinds is None or self.entities[eid].kind in kinds):
            return self.entities[eid]
        pool = [e for e in self.entities.values() if kinds is None or e.kind in kinds]
        names = [e.id for e in pool] + [a for e in pool for a in e.aliases]
        kind = "/".join(kinds) if kinds else "name"
        raise UnknownNameError(kind, name, suggest(name, names))

    def interactions_of(self, eid: str) -> list[Interaction]:
        return [i for i in self.interactions if eid in (i.source, i.target)]

    def strategies_of(self, eid: str) -> list[Strategy]:
        out = []
        for s in self.strategies:
            agent = s.agent.partition(":")[0]
            if eid in (s.therapy, agent, s.cancer) or eid in s.agent_target or eid in s.resistance_genes:
                out.append(s)
        return out

    def show(self, name: str) -> dict[str, Any]:
        """Everything known about one entity: roles, interactions, strategies and the references cited."""
        e = self.resolve(name)
        inter = self.interactions_of(e.id)
        strat = self.strategies_of(e.id)
        cited = set(e.refs) | {r for i in inter for r in i.refs} | {r for s in strat for r in s.refs}
        out: dict[str, Any] = {"entity": e.to_dict()}
        if e.id in self.nrf2_targets:
            out["nrf2_target"] = self.nrf2_targets[e.id].to_dict()
        out["interactions"] = [i.to_dict() for i in inter]
        out["strategies"] = [s.to_dict() for s in strat]
        out["references"] = [r.to_dict() for r in self.cited(cited)]
        return out

    def cited(self, ids: Iterable[str]) -> list[Reference]:
        """The papers behind reference ids (aliases merged, one entry per paper, ordered by id).

        Ids outside the seeds (``PMID:n``, ``DOI:x``) become references of their own.
        """
        out: dict[str, Reference] = {}
        for rid in ids:
            ref = self.references.get(rid) or external_reference(rid)
            if ref is not None:
                out.setdefault(ref.id, ref)
        return [out[k] for k in sorted(out)]

    @property
    def papers(self) -> list[Reference]:
        """Each referenced paper once (``references`` also maps every alias id to its paper)."""
        return list({r.id: r for r in self.references.values()}.values())

    def search(self, text: str, limit: int = 50) -> list[dict[str, str]]:
        """Entities and strategies whose id, name, aliases or description mention ``text``."""
        key = normalize(text)
        low = text.lower().strip()
        hits: list[tuple[int, dict[str, str]]] = []
        for e in self.entities.values():
            names = [e.id, e.name, *e.aliases]
            if any(normalize(n) == key for n in names):
                rank = 0
            elif any(key and key in normalize(n) for n in names):
                rank = 1
            elif low and low in str(e.attrs.get("description", "")).lower():
                rank = 2
            else:
                continue
            hits.append((rank, {"type": e.kind, "id": e.id, "name": e.name}))
        for s in self.strategies:
            blob = " ".join([s.id, s.therapy, s.cancer, s.agent, s.mechanism, s.resistance_mechanism]).lower()
            if low and low in blob:
                hits.append((3, {"type": "strategy", "id": s.id, "name": f"{s.therapy} / {s.cancer}: {s.agent}"}))
        hits.sort(key=lambda h: (h[0], h[1]["type"], h[1]["id"]))
        return [h for _, h in hits[:limit]]

    def filter_strategies(
        self, therapy: str | None = None, cancer: str | None = None, axis: str | None = None
    ) -> list[Strategy]:
        """Strategies for a therapy (id, alias or therapy class), a cancer and/or an axis."""
        out = self.strategies
        if therapy:
            classes = {s.therapy_class for s in self.strategies}
            if therapy in classes:
                out = [s for s in out if s.therapy_class == therapy]
            else:
                tid = self.resolve(therapy, ("compound", "therapy")).id
                out = [s for s in out if s.therapy == tid]
        if cancer:
            cid = self.resolve(cancer, ("cancer",)).id
            out = [s for s in out if s.cancer == cid]
        if axis:
            axes = sorted({s.axis for s in self.strategies})
            match = [a for a in axes if normalize(a) == normalize(axis)]
            if not match:
                raise UnknownNameError("axis", axis, suggest(axis, axes))
            out = [s for s in out if s.axis == match[0]]
        return out

    # ---- export ----------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """One JSON-able object with entities, interactions, nrf2_targets, strategies and references."""
        return {
            "version": self.version,
            "entities": [e.to_dict() for e in self.entities.values()],
            "interactions": [i.to_dict() for i in self.interactions],
            "nrf2_targets": [t.to_dict() for t in self.nrf2_targets.values()],
            "strategies": [s.to_dict() for s in self.strategies],
            "references": [r.to_dict() for r in self.papers],
        }

    def counts(self) -> dict[str, int]:
        by_kind: dict[str, int] = defaultdict(int)
        for e in self.entities.values():
            by_kind[e.kind] += 1
        return {
            **dict(by_kind),
            "interactions": len(self.interactions),
            "nrf2_targets": len(self.nrf2_targets),
            "strategies": len(self.strategies),
            "references": len(self.papers),
        }


def _digest(directory: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(directory.glob("*.tsv")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def build(directory: Path | None = None) -> KnowledgeBase:
    """Load and validate the tables in ``directory`` (the packaged ones by default)."""
    directory = directory or default_dir()
    rows = load_rows(directory)
    refs: dict[str, Reference] = {}
    for r in rows["references"]:
        v = r.values
        ref = Reference(
            v["ref_id"],
            v["seed"],
            v["number"],
            v["citation"],
            v["year"],
            v["pmid"],
            v["doi"],
            v["authors"],
            v["title"],
            v["journal"],
            v["pmcid"],
            split_list(v["aliases"]),
            v["verified_by"],
        )
        for rid in (ref.id, *ref.aliases):
            refs[rid] = ref
    entities: dict[str, Entity] = {}
    for table, kind in ENTITY_TABLES.items():
        for r in rows[table]:
            v = r.values
            attrs = {
                k: (list(split_list(x)) if k in ("members", "targets") else x)
                for k, x in v.items()
                if k not in _ENTITY_FIELDS
            }
            if table == "genes":
                attrs["gene_kind"] = v["kind"]
            if "class" in v:
                attrs["class"] = v["class"]
            entities[v["id"]] = Entity(
                v["id"], kind, v["name"], split_list(v.get("aliases", "")), split_list(v.get("refs", "")), attrs
            )
    interactions = [
        Interaction(
            v["source"],
            v["target"],
            v["type"],
            v["sign"],
            v["context"],
            v["cancer"],
            split_list(v["system"]),
            split_list(v["refs"]),
            v["note"],
            r.file,
        )
        for r in rows["interactions"]
        for v in [r.values]
    ]
    targets = {
        v["id"]: NRF2Target(
            v["id"],
            v["general_function"],
            v["role_in_ferroptosis"],
            split_list(v["tumor_types"]),
            split_list(v["refs"]),
        )
        for r in rows["nrf2_targets"]
        for v in [r.values]
    }
    strategies = [
        Strategy(
            v["id"],
            v["therapy"],
            v["therapy_class"],
            v["cancer"],
            v["axis"],
            split_list(v["resistance_genes"]),
            v["resistance_mechanism"],
            v["agent"],
            v["agent_type"],
            split_list(v["agent_target"]),
            v["agent_action"],
            v["mechanism"],
            v["model_system"],
            split_list(v["refs"]),
        )
        for r in rows["strategies"]
        for v in [r.values]
    ]
    return KnowledgeBase(entities, interactions, targets, strategies, refs, _digest(directory))


@cache
def _packaged() -> KnowledgeBase:
    return build()


def load_kb(directory: str | Path | None = None) -> KnowledgeBase:
    """The knowledge base (packaged tables by default; cached)."""
    return build(Path(directory)) if directory else _packaged()
