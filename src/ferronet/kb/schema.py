"""Schemas of the knowledge-base source tables (``ferronet/data/kb/*.tsv``; see SCHEMA.md there)."""

from __future__ import annotations

from dataclasses import dataclass, field

AXES = (
    "GPX4",
    "system_xc",
    "NRF2",
    "iron",
    "lipid",
    "FSP1",
    "TP53",
    "AMPK",
    "hypoxia",
    "PI3K-AKT-mTOR",
    "RAS",
    "autophagy",
    "other",
)
INTERACTION_TYPES = (
    "transcriptional_activation",
    "transcriptional_repression",
    "activation",
    "inhibition",
    "catalysis",
    "transport",
    "degradation",
    "sequestration",
    "binding",
    "production",
    "consumption",
)
THERAPY_CLASSES = ("chemotherapy", "targeted_therapy", "immunotherapy", "radiotherapy", "ferroptosis_inducer", "other")
SYSTEMS = ("in_vitro", "in_vivo", "clinical", "review")


@dataclass(frozen=True)
class TableSpec:
    """Columns of one table: which are required, which hold `;` lists, which take a fixed vocabulary."""

    columns: tuple[str, ...]
    required: tuple[str, ...]
    lists: tuple[str, ...] = ()
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    key: str = "id"
    #: column -> regular expression a non-empty value must match in full (database identifiers)
    patterns: dict[str, str] = field(default_factory=dict)


TABLES: dict[str, TableSpec] = {
    "references": TableSpec(
        (
            "ref_id",
            "seed",
            "number",
            "citation",
            "authors",
            "title",
            "journal",
            "year",
            "pmid",
            "doi",
            "pmcid",
            "aliases",
            "verified_by",
        ),
        ("ref_id", "citation"),
        ("aliases",),
        key="ref_id",
    ),
    "genes": TableSpec(
        ("id", "name", "kind", "members", "aliases", "role", "axis", "description", "refs", "hgnc_id", "ensembl_id"),
        ("id", "name", "kind", "refs"),
        ("members", "aliases", "refs"),
        {
            "kind": ("gene", "complex", "pathway"),
            "role": ("suppressor", "driver", "dual", "regulator", ""),
            "axis": (*AXES, ""),
        },
        patterns={"hgnc_id": r"HGNC:\d+", "ensembl_id": r"ENSG\d{11}"},
    ),
    "metabolites": TableSpec(
        ("id", "name", "kind", "aliases", "description", "refs"),
        ("id", "name", "refs"),
        ("aliases", "refs"),
        {"kind": ("metabolite", "state", "")},
    ),
    "compounds": TableSpec(
        ("id", "name", "aliases", "class", "targets", "action", "description", "refs", "pubchem_cid"),
        ("id", "name", "class", "refs"),
        ("aliases", "targets", "refs"),
        patterns={"pubchem_cid": r"\d+"},
    ),
    "therapies": TableSpec(
        ("id", "name", "class", "aliases", "description", "refs"), ("id", "name", "class"), ("aliases", "refs")
    ),
    "cancers": TableSpec(("id", "name", "aliases", "refs"), ("id", "name"), ("aliases", "refs")),
    "nrf2_targets": TableSpec(
        ("id", "general_function", "role_in_ferroptosis", "tumor_types", "refs"),
        ("id", "general_function", "role_in_ferroptosis", "refs"),
        ("tumor_types", "refs"),
    ),
    "interactions": TableSpec(
        ("source", "target", "type", "sign", "context", "cancer", "system", "refs", "note"),
        ("source", "target", "type", "sign", "refs"),
        ("system", "refs"),
        {"type": INTERACTION_TYPES, "sign": ("+", "-")},
        key="",
    ),
    "strategies": TableSpec(
        (
            "id",
            "therapy",
            "therapy_class",
            "cancer",
            "axis",
            "resistance_genes",
            "resistance_mechanism",
            "agent",
            "agent_type",
            "agent_target",
            "agent_action",
            "mechanism",
            "model_system",
            "refs",
        ),
        ("id", "therapy", "therapy_class", "cancer", "axis", "agent", "agent_type", "refs"),
        ("resistance_genes", "agent_target", "refs"),
        {"therapy_class": THERAPY_CLASSES, "axis": AXES, "agent_type": ("compound", "genetic")},
    ),
}

#: entity tables and the kind each gives its entities
ENTITY_TABLES = {
    "genes": "gene",
    "metabolites": "metabolite",
    "compounds": "compound",
    "therapies": "therapy",
    "cancers": "cancer",
}
