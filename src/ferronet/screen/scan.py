"""Perturbation scans: every model gene knocked out / down / overexpressed, alone or in pairs (cobrapy's
``single_gene_deletion`` pattern: a plain function returning a tidy table that never stops half-way)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import pandas as pd

from ferronet.model.network import Model, load_model
from ferronet.model.perturbation import Perturbation
from ferronet.screen.runner import run_conditions
from ferronet.sim.conditions import Condition

DEFAULT_READOUTS = ("ferroptosis", "lipid_peroxidation", "GSH", "labile_iron")
DEFAULT_ACTIONS = ("knockout", "knockdown", "overexpression")


def gene_scan(
    model: Model | None = None,
    genes: Sequence[str] | None = None,
    actions: Sequence[str] = DEFAULT_ACTIONS,
    pairs: bool = False,
    drugs: Sequence[str] = (),
    cell: str | None = None,
    readouts: Sequence[str] = DEFAULT_READOUTS,
    scheduler: str | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Tidy table: one row per (drug, perturbation) with readouts, their change vs the unperturbed reference
    under the same drug, and a status column."""
    m = model or load_model()
    gene_ids = [m.lookup(g)[1] for g in genes] if genes else list(m.nodes)
    singles = [Perturbation("gene", g, a) for g in gene_ids for a in actions]
    combos: list[tuple[Perturbation, ...]] = [(p,) for p in singles]
    if pairs:
        combos += [
            (a, b) for a, b in combinations(singles, 2) if a.target != b.target and a.action == b.action == actions[0]
        ]
    drug_arms = [[m.resolve(d)] for d in drugs] or [[]]
    conditions, meta = [], []
    for arm in drug_arms:
        label = " + ".join(str(p) for p in arm) or "none"
        conditions.append(Condition.parse(m, arm, cell))
        meta.append((label, "reference", "", ""))
        for combo in combos:
            conditions.append(Condition.parse(m, [*arm, *combo], cell))
            genes_label = "+".join(p.target for p in combo)
            meta.append((label, " + ".join(str(p) for p in combo), genes_label, combo[0].action))
    names = [m.resolve_readout(r) for r in readouts]
    values, status = run_conditions(conditions, names, scheduler, progress, desc="gene scan", model=m)
    table = pd.DataFrame(meta, columns=["drug", "perturbation", "genes", "action"])
    table.insert(0, "cell", m.resolve_cell(cell).id)
    for r in names:
        table[r] = values[r]
        ref = table[table.perturbation == "reference"].set_index("drug")[r]
        table[f"delta_{r}"] = table[r] - table["drug"].map(ref)
    table["status"] = status
    return table
