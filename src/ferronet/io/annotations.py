"""Identifiers and SBO terms for the SBML export (only ids shipped with ferronet; none guessed).

* genes: HGNC ids from the knowledge base (``kb/genes.tsv``) or, failing that, a symbol with exactly one id in
  ``data/hgnc_genes.tsv`` and ``data/uniprot_genes.tsv`` (or checked by hand, :data:`VERIFIED_HGNC`); UniProtKB
  accessions from ``data/uniprot_genes.tsv`` by HGNC id (both from FerrDb V2, Zhou N et al. Nucleic Acids Res
  2023;51:D571-D582, PMID 36305826; ``tools/add_identifiers.py``, ``tools/add_uniprot.py``).
  Complexes and families (e.g. GCL, AMPK, mTORC1) list their members' ids.
* compounds: PubChem CIDs from ``kb/compounds.tsv``.
* URIs are identifiers.org compact identifiers (``https://identifiers.org/hgnc:7782``).
* SBO terms (Systems Biology Ontology, checked against the ontology's term list): 252 polypeptide chain,
  247 simple chemical, 285 material entity of unspecified nature, 290 physical compartment, 176 biochemical
  reaction, 179 degradation, 185 translocation reaction, 009 kinetic constant, 046 zeroth order rate constant,
  186 maximal velocity, 027 Michaelis constant, 261 inhibitory constant, 288 IC50, 190 Hill coefficient,
  196 concentration of an entity pool, 347 duration, 002 quantitative systems description parameter,
  064 mathematical expression.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

IDENTIFIERS = "https://identifiers.org/"

#: model species that are one gene's protein
PROTEIN_SPECIES = {"NRF2": "NFE2L2", "S7": "SLC7A11"}
#: model species that are small molecules (or pools of them)
CHEMICAL_SPECIES = {"Cys", "Gt", "Fe", "FtFe", "Heme", "P", "L", "HNE"}

SBO_PROTEIN, SBO_CHEMICAL, SBO_UNSPECIFIED = 252, 247, 285
SBO_COMPARTMENT = 290
SBO_REACTION, SBO_DEGRADATION, SBO_TRANSPORT = 176, 179, 185
SBO_EXPRESSION = 64


@dataclass(frozen=True)
class GeneIds:
    """The identifiers of one model node: HGNC and UniProt of the gene, or of each member of a complex."""

    hgnc: tuple[str, ...] = ()
    uniprot: tuple[str, ...] = ()
    members: tuple[str, ...] = field(default=())

    def uris(self) -> list[str]:
        return [f"{IDENTIFIERS}hgnc:{h.split(':')[1]}" for h in self.hgnc] + [
            f"{IDENTIFIERS}uniprot:{u}" for u in self.uniprot
        ]


def _table(name: str) -> list[dict[str, str]]:
    text = resources.files("ferronet.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader((ln for ln in text.splitlines() if not ln.startswith("#")), delimiter="\t"))


#: identifiers checked by hand where the FerrDb-derived tables are ambiguous: AIFM2 (FSP1) has HGNC:21411 in 11 of
#: its 12 FerrDb V2 rows (the other row carries ATL1's ids), and UniProt entry Q9BRQ8 names AIFM2 with HGNC:21411
VERIFIED_HGNC = {"AIFM2": "HGNC:21411"}


@cache
def _hgnc_by_symbol() -> dict[str, str]:
    """Symbol -> HGNC id where the shipped tables give exactly one id for the symbol."""
    seen: dict[str, set[str]] = {}
    for r in (*_table("hgnc_genes.tsv"), *_table("uniprot_genes.tsv")):
        seen.setdefault(r["symbol"], set()).add(r["hgnc_id"])
    return {s: next(iter(ids)) for s, ids in seen.items() if len(ids) == 1} | VERIFIED_HGNC


@cache
def _uniprot_by_hgnc() -> dict[str, str]:
    return {r["hgnc_id"]: r["uniprot"] for r in _table("uniprot_genes.tsv")}


def _gene_hgnc(symbol: str, kb_hgnc: str) -> str:
    return kb_hgnc or _hgnc_by_symbol().get(symbol, "")


def gene_ids(nodes: list[str]) -> dict[str, GeneIds]:
    """Identifiers of each model node that has any (nodes without are left out)."""
    from ferronet.kb import load_kb

    kb = load_kb()
    out: dict[str, GeneIds] = {}
    for n in nodes:
        try:
            e = kb.resolve(n)
        except Exception:  # a node the KB does not know keeps no annotation
            continue
        if e.kind != "gene":
            continue
        members = tuple(m for m in e.attrs.get("members") or [] if m)
        symbols = members or (e.id,)
        hgnc: list[str] = []
        for s in symbols:
            kb_id = ""
            if s != e.id:
                try:
                    kb_id = str(kb.resolve(s).attrs.get("hgnc_id") or "")
                except Exception:
                    kb_id = ""
            else:
                kb_id = str(e.attrs.get("hgnc_id") or "")
            h = _gene_hgnc(s, kb_id)
            if h:
                hgnc.append(h)
        uniprot = [u for h in hgnc if (u := _uniprot_by_hgnc().get(h, ""))]
        if hgnc:
            out[n] = GeneIds(tuple(hgnc), tuple(uniprot), members)
    return out


def compound_cids(compounds: list[str]) -> dict[str, str]:
    """PubChem CID of each model compound the knowledge base gives one for."""
    from ferronet.kb import load_kb

    kb = load_kb()
    out: dict[str, str] = {}
    for c in compounds:
        try:
            e = kb.resolve(c, ("compound",))
        except Exception:
            continue
        cid = str(e.attrs.get("pubchem_cid") or "")
        if cid.isdigit():
            out[c] = cid
    return out


def species_sbo(sid: str) -> int:
    if sid in PROTEIN_SPECIES:
        return SBO_PROTEIN
    return SBO_CHEMICAL if sid in CHEMICAL_SPECIES else SBO_UNSPECIFIED


def reaction_sbo(rid: str, reactants: dict[str, float], products: dict[str, float]) -> int:
    words = rid.split("_")
    if any(w in words for w in ("import", "uptake", "export")):
        return SBO_TRANSPORT
    if not products and any(w in words for w in ("degradation", "decay", "turnover", "clearance", "breakdown")):
        return SBO_DEGRADATION
    return SBO_REACTION


def parameter_sbo(pid: str, unit_id: str) -> int:
    """SBO term of a parameter from its role (name prefix) and unit."""
    prefixes = (("ic50_", 288), ("hill_", 190), ("dose_", 196), ("exposure_dose_", 196), ("Km_", 27), ("Ki_", 261))
    for prefix, term in prefixes:
        if pid.startswith(prefix):
            return term
    if pid in ("t_preculture", "t_exposure"):
        return 347
    if pid.startswith("V_") and unit_id == "relative_amount_per_hour":
        return 186
    if unit_id == "per_hour":
        return 9
    if unit_id == "relative_amount_per_hour":
        return 46
    return 2
