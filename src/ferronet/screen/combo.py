"""Dose matrices for two or more drugs and their synergy scores (HSA, Bliss, Loewe, ZIP)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd

from ferronet.errors import FerronetError
from ferronet.model.network import Model, load_model
from ferronet.screen.runner import run_conditions
from ferronet.screen.synergy import METHODS, score_wells, summary
from ferronet.sim.conditions import Condition


@dataclass
class ComboResult:
    """Response matrix (fraction dead) and synergy matrices of one drug pair."""

    drug_a: str
    drug_b: str
    doses_a: np.ndarray
    doses_b: np.ndarray
    response: np.ndarray
    synergy: dict[str, np.ndarray] = field(default_factory=dict)
    cell: str = "default"
    background: tuple[str, ...] = ()
    status: np.ndarray | None = None  # per well: "ok" or "failed: ..." (None: all ok)

    def failed_wells(self) -> int:
        return 0 if self.status is None else int(np.sum(self.status != "ok"))

    def scores(self) -> dict[str, float]:
        return {k: summary(v) for k, v in self.synergy.items()}

    def tidy(self) -> pd.DataFrame:
        rows = []
        for i, a in enumerate(self.doses_a):
            for j, b in enumerate(self.doses_b):
                row = {
                    "cell": self.cell,
                    "drug_a": self.drug_a,
                    "dose_a_uM": a,
                    "drug_b": self.drug_b,
                    "dose_b_uM": b,
                    "ferroptosis": self.response[i, j],
                    "status": "ok" if self.status is None else str(self.status[i, j]),
                }
                row.update({f"synergy_{k}": v[i, j] for k, v in self.synergy.items()})
                rows.append(row)
        return pd.DataFrame(rows)


def default_doses(model: Model, drug: str, n: int = 6) -> np.ndarray:
    """0 plus ``n - 1`` log-spaced doses spanning 1/30 to 3x the compound's reference dose."""
    ref = model.compounds[drug].default_uM
    return np.concatenate([[0.0], ref * np.logspace(np.log10(1 / 30), np.log10(3), n - 1)])


def combo_screen(
    drugs: Sequence[str],
    doses: Mapping[str, Sequence[float]] | None = None,
    model: Model | None = None,
    cell: str | None = None,
    background: Sequence[str] = (),
    methods: Sequence[str] = tuple(METHODS),
    n_doses: int = 6,
    scheduler: str | None = None,
    progress: bool = True,
) -> list[ComboResult]:
    """Dose matrix and synergy for every pair of ``drugs`` (all pairs when more than two)."""
    m = model or load_model()
    ids = [m.resolve(d) for d in drugs]
    if any(p.kind != "compound" for p in ids):
        bad = [d for d, p in zip(drugs, ids, strict=True) if p.kind != "compound"]
        raise FerronetError(f"not a compound: {', '.join(bad)} (combination screens take compounds)")
    names = [p.target for p in ids]
    if len(set(names)) != len(names):
        raise FerronetError(f"a drug is listed twice: {', '.join(drugs)}")
    if len(names) < 2:
        raise FerronetError("a combination screen needs at least two drugs")
    grids: dict[str, np.ndarray] = {}
    for raw, name in zip(drugs, names, strict=True):
        given = (doses or {}).get(raw, (doses or {}).get(name))
        if given is None:
            grids[name] = default_doses(m, name, n_doses)
            continue
        g = np.asarray(sorted({float(x) for x in given}), float)
        if (g < 0).any() or not np.isfinite(g).all():
            raise FerronetError(f"impossible dose for {name}: doses must be finite and >= 0")
        grids[name] = g if g[0] == 0 else np.concatenate([[0.0], g])
    bad_methods = [x for x in methods if x not in METHODS]
    if bad_methods:
        raise FerronetError(f"unknown synergy method(s) {', '.join(bad_methods)}; known: {', '.join(METHODS)}")
    pairs = list(combinations(names, 2))
    conditions, index = [], []
    for a, b in pairs:
        for i, da in enumerate(grids[a]):
            for j, db in enumerate(grids[b]):
                arms = [f"{a}@{da:g}uM", f"{b}@{db:g}uM", *background]
                conditions.append(Condition.parse(m, arms, cell))
                index.append((a, b, i, j))
    values, status = run_conditions(conditions, ["ferroptosis"], scheduler, progress, desc="dose matrices", model=m)
    out = []
    for a, b in pairs:
        shape = (len(grids[a]), len(grids[b]))
        resp = np.full(shape, np.nan)
        well_status = np.full(shape, "failed: not simulated", dtype=object)
        for k, (pa, pb, i, j) in enumerate(index):
            if (pa, pb) == (a, b):
                resp[i, j] = values["ferroptosis"][k]
                ok = status[k] == "ok" and np.isfinite(resp[i, j])
                well_status[i, j] = status[k] if status[k] != "ok" or ok else "failed: non-finite response"
        res = ComboResult(
            a,
            b,
            grids[a],
            grids[b],
            resp,
            cell=m.resolve_cell(cell).id,
            background=tuple(background),
            status=well_status,
        )
        ok_wells = well_status == "ok"
        for method in methods:  # failed wells are never scored (they keep their status)
            res.synergy[method] = score_wells(method, grids[a], grids[b], resp, ok_wells)
        out.append(res)
    return out
