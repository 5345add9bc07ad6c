"""Personalise the model from a sample's profile and predict its drug response.

Expression (log scale) is centred per gene across the cohort and mapped to relative enzyme and transporter
levels, ``level = exp(beta_expr * (x - median) / sd)``; measured protein (log2 relative abundance) overrides
mRNA with ``level = 2 ** (beta_prot * p)``. Mutations become perturbations (KEAP1 loss of function, NFE2L2 gain
of function, TP53 and PTEN loss, KRAS activation, ...). The score of a sample is its predicted mean viability
(1 - fraction dead) over the drug's standard dose range: higher = more resistant.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ferronet.errors import FerronetError
from ferronet.model.network import Model, load_model
from ferronet.profile.genesets import AXIS_SETS
from ferronet.profile.io import as_expression_frame
from ferronet.screen.runner import run_conditions
from ferronet.sim.conditions import Condition

if TYPE_CHECKING:
    from anndata import AnnData

#: NRF2 activity is read from the expression of its targets (a transcriptional footprint), not from NFE2L2 mRNA
NRF2_FOOTPRINT = (
    "NQO1",
    "GCLM",
    "GCLC",
    "TXNRD1",
    "SRXN1",
    "AKR1C1",
    "AKR1C2",
    "AKR1C3",
    "AKR1B10",
    "G6PD",
    "PGD",
    "ME1",
    "TKT",
    "HMOX1",
    "SLC7A11",
    "ABCC2",
    "ABCC3",
    "OSGIN1",
    "GPX2",
    "CBR1",
    "FTL",
    "FTH1",
)
#: relative level of the node in a mutant tumour (loss-of-function alleles keep some activity)
MUTATION_LEVELS = {"KEAP1": 0.1, "CUL3": 0.3, "TP53": 0.2, "PTEN": 0.1, "NFE2L2": 3.0, "KRAS": 2.0}
#: axis -> model genes (explanation columns); NRF2 = the mutations of the KEAP1-NRF2 pathway
AXIS_GENES: dict[str, tuple[str, ...]] = {
    "GPX4_GSH": ("SLC7A11", "SLC3A2", "GCLC", "GCLM", "GSS", "GSR", "G6PD", "GPX4"),
    "FSP1": ("AIFM2", "DHODH", "GCH1", "NQO1"),
    "iron": ("TFRC", "FTH1", "FTL", "NCOA4", "HERC2", "SLC40A1", "HMOX1", "FECH", "ABCB6", "MT1G", "NFS1", "PIR"),
    "lipid": (
        "ACSL4",
        "LPCAT3",
        "ALOX5",
        "ALOX12",
        "ALOX15",
        "POR",
        "SCD",
        "ACSL3",
        "MGST1",
        "ALDH1A1",
        "ALDH3A1",
        "ACACA",
    ),
    "NRF2": ("KEAP1", "CUL3", "NFE2L2"),
}
assert set(AXIS_SETS) <= set(AXIS_GENES)
#: enzymes and transporters whose amount sets their activity (signalling nodes are not set from mRNA)
PERSONALISED = tuple(g for axis, genes in AXIS_GENES.items() if axis != "NRF2" for g in genes)


@dataclass
class Personalisation:
    """Per-sample gene levels and what was used or missing."""

    samples: list[str]
    levels: list[dict[str, float]]
    used_expression: list[str]
    missing: list[str]
    used_proteins: list[str] = field(default_factory=list)
    used_mutations: list[str] = field(default_factory=list)


def personalise(
    expression: pd.DataFrame,
    mutations: pd.DataFrame | None = None,
    proteins: pd.DataFrame | None = None,
    model: Model | None = None,
) -> Personalisation:
    """Relative levels of the model's enzymes and transporters (and mutated nodes) for each sample."""
    m = model or load_model()
    p = {k: v.value for k, v in m.parameters.items()}
    genes = [g for g in PERSONALISED if g in expression.columns]
    if not genes and (proteins is None or not set(PERSONALISED) & set(proteins.columns)):
        raise FerronetError(
            "no model gene found in the expression table; expected HGNC symbols such as "
            + ", ".join(PERSONALISED[:8])
            + " (are genes in the columns and samples in the rows?)"
        )
    missing = [g for g in PERSONALISED if g not in expression.columns]
    if missing:
        warnings.warn(
            f"{len(missing)} of {len(PERSONALISED)} model genes are missing from the expression table and stay at "
            f"the default level: {', '.join(missing)}",
            stacklevel=2,
        )
    x = expression[genes].astype(float)
    centred = x - x.median(axis=0)
    sd = x.std(axis=0, ddof=0).replace(0, 1.0).fillna(1.0)
    z = centred / sd if len(x) >= 3 else centred  # single samples: values taken as log-scale deviations
    levels = np.exp(p["beta_expr"] * z)
    table = levels.clip(p["level_floor"], p["level_cap"])
    footprint = [g for g in NRF2_FOOTPRINT if g in expression.columns]
    if len(footprint) >= 5 and len(x) >= 3:
        fx = expression[footprint].astype(float)
        fz = ((fx - fx.median(axis=0)) / fx.std(axis=0, ddof=0).replace(0, 1.0)).mean(axis=1)
        fz = fz / (fz.std(ddof=0) or 1.0)
        table["NFE2L2"] = np.exp(p["beta_nrf2"] * fz).clip(p["level_floor"], p["level_cap"])
        genes = [*genes, "NFE2L2 (target footprint)"]
    used_prot: list[str] = []
    if proteins is not None:
        prot = proteins.reindex(expression.index)
        for g in [c for c in prot.columns if c in PERSONALISED]:
            measured = prot[g].notna()
            if measured.any():
                used_prot.append(g)
                vals = (2.0 ** (p["beta_prot"] * prot.loc[measured, g])).clip(p["level_floor"], p["level_cap"])
                if g not in table.columns:
                    table[g] = 1.0
                table.loc[measured, g] = vals
    used_mut: list[str] = []
    if mutations is not None:
        mut = mutations.reindex(expression.index).fillna(0)
        for g in [c for c in mut.columns if c in MUTATION_LEVELS]:
            used_mut.append(g)
            hit = mut[g] > 0
            if g not in table.columns:
                table[g] = 1.0
            table.loc[hit, g] = table.loc[hit, g] * MUTATION_LEVELS[g]
    records = [{k: float(v) for k, v in row.items()} for _, row in table.iterrows()]
    return Personalisation(list(expression.index), records, genes, missing, used_prot, used_mut)


def predict(
    drug: str,
    expression: pd.DataFrame | AnnData,
    mutations: pd.DataFrame | None = None,
    proteins: pd.DataFrame | None = None,
    cell: str | None = None,
    axes: bool = True,
    n_doses: int = 8,
    model: Model | None = None,
    scheduler: str | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Table with ``sample``, ``score`` (predicted mean viability; higher = more resistant) and, with ``axes``,
    one column per axis: how much that axis's personalised genes raise the score (resistance they explain)."""
    m = model or load_model()
    kind, drug_id = m.lookup(drug)
    if kind != "compound":
        raise FerronetError(f"'{drug}' is a {kind}, not a compound")
    expression = as_expression_frame(expression)  # AnnData objects: symbols from var_names (Ensembl ids mapped)
    prof = personalise(expression, mutations, proteins, m)
    doses = m.compounds[drug_id].standard_doses(n_doses)
    variants: list[tuple[str, set[str]]] = [("all", set())]
    if axes:
        variants += [(a, set(g)) for a, g in AXIS_GENES.items()]
    conditions = []
    bases = [Condition.parse(m, [f"{drug_id}@{d:g}uM"], cell) for d in doses]  # parsed once per dose
    for lv in prof.levels:
        for _, reset in variants:
            kept = tuple(sorted((g, v) for g, v in lv.items() if g not in reset))
            for base in bases:
                conditions.append(Condition(base.cell, base.perturbations, kept))
    # identical conditions (repeated samples, variants that reset nothing) are simulated once
    unique = list(dict.fromkeys(conditions))
    where = {c: i for i, c in enumerate(unique)}
    inv = np.array([where[c] for c in conditions], dtype=np.intp)
    values, unique_status = run_conditions(
        unique, ["ferroptosis"], scheduler, progress, desc=f"predict {drug_id}", model=m
    )
    status = [unique_status[i] for i in inv]
    death = values["ferroptosis"][inv].reshape(len(prof.samples), len(variants), len(doses))
    viability = 1.0 - death.mean(axis=2)
    out = pd.DataFrame({"sample": prof.samples, "score": viability[:, 0]})
    for k, (name, _) in enumerate(variants[1:], start=1):
        out[f"axis_{name}"] = viability[:, 0] - viability[:, k]
    failed = np.array(status).reshape(len(prof.samples), -1)
    out["status"] = ["ok" if all(s == "ok" for s in row) else "failed" for row in failed]
    return out


def samples_from(frames: Sequence[pd.DataFrame | None]) -> list[str]:
    return [str(s) for f in frames if f is not None for s in f.index]
