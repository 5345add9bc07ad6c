"""Gene sets derived from the knowledge base: drivers, suppressors, NRF2 targets, one set per axis."""

from __future__ import annotations

from ferronet.kb.base import KnowledgeBase, load_kb

#: KB axes merged into the four scoring axes of the issue (GPX4/GSH includes system xc- and GSH synthesis)
AXIS_SETS = {
    "GPX4_GSH": ("GPX4", "system_xc"),
    "FSP1": ("FSP1",),
    "iron": ("iron",),
    "lipid": ("lipid",),
}


def gene_sets(kb: KnowledgeBase | None = None) -> dict[str, list[str]]:
    """Named gene sets (HGNC symbols; complexes expanded to their members)."""
    kb = kb or load_kb()
    genes = [e for e in kb.entities.values() if e.kind == "gene" and e.attrs.get("gene_kind") == "gene"]
    out: dict[str, list[str]] = {
        "drivers": sorted(e.id for e in genes if e.attrs.get("role") == "driver"),
        "suppressors": sorted(e.id for e in genes if e.attrs.get("role") == "suppressor"),
    }
    nrf2: set[str] = set()
    for t in kb.nrf2_targets:
        members = kb.entities[t].attrs.get("members") or []
        nrf2 |= set(members) if members else {t}
    out["nrf2_targets"] = sorted(nrf2)
    for name, axes in AXIS_SETS.items():
        out[f"axis_{name}"] = sorted(e.id for e in genes if e.attrs.get("axis") in axes)
    return out
