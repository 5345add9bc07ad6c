"""Simulated effect of each move with the therapy in the resistant state, and the best dose pair.

``restoration`` = death(therapy + move) - death(therapy); ``bliss`` = death(therapy + move) minus Bliss
independence of the two alone (Bliss 1939 Ann Appl Biol). A move is simulated through its genetic
action and its most potent tool compound at the reference dose (the better one counts). Conditions are
batched into one engine call and remembered (a repeated question costs nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ferronet.model.network import Model
from ferronet.model.perturbation import Perturbation
from ferronet.screen.recommend.moves import Move, Tool
from ferronet.screen.runner import run_conditions
from ferronet.screen.synergy import score
from ferronet.sim.base import get_simulator
from ferronet.sim.conditions import Condition

READOUTS = ("ferroptosis", "lipid_peroxidation")
#: weight of the log10 fold-change of lipid peroxidation (orders moves that leave death at 0)
LIPID_NUDGE = 0.01
#: a dose matrix whose response spans less than this (fraction of cells) has no synergy to score
FLAT = 0.01
_MEMO: dict[tuple[object, ...], tuple[float, float]] = {}
_MEMO_MAX = 200_000


def run(model: Model, conditions: Sequence[Condition], scheduler: str | None = None) -> np.ndarray:
    """(n, 2) array of ferroptosis and lipid peroxidation, simulated once per distinct condition."""
    base = (model.fingerprint, tuple(model.perturbations))
    keys = [(*base, c) for c in conditions]
    todo = list(dict.fromkeys(k for k in keys if k not in _MEMO))
    if todo:
        conds = [k[-1] for k in todo]
        if scheduler:
            if model.perturbations:
                conds = [Condition(c.cell, (*model.perturbations, *c.perturbations), c.levels) for c in conds]
            values, _ = run_conditions(conds, READOUTS, scheduler, progress=False)
            cols = [values[r] for r in READOUTS]
        else:
            res = get_simulator(model).run(conds)
            cols = [res.readout(r) for r in READOUTS]
        if len(_MEMO) + len(todo) > _MEMO_MAX:
            _MEMO.clear()
        for i, k in enumerate(todo):
            _MEMO[k] = (float(cols[0][i]), float(cols[1][i]))
    return np.array([_MEMO[k] for k in keys], dtype=float).reshape(len(keys), 2)


@dataclass(frozen=True)
class Effect:
    restoration: float
    bliss: float
    death_with_therapy: float
    death_alone: float
    lipid_log10_fc: float
    via: str  # the version of the move that was best: "genetic" or "compound@dose"

    @property
    def sim(self) -> float:
        """The simulation score: restoration + Bliss excess + a small lipid-peroxidation term."""
        return self.restoration + self.bliss + LIPID_NUDGE * self.lipid_log10_fc


Version = tuple[str, tuple[Perturbation, ...], tuple[tuple[str, float], ...]]


def _versions(move: Move) -> list[Version]:
    """The genetic action of a target move and its most potent tool compound (at its reference dose); all
    compounds of a compound move; the node-level changes (and conditions) of a regulator move.
    Each version: (label, perturbations, factors on node levels)."""
    tools = [max(move.tools, key=lambda t: t.potency)] if move.genetic is not None and move.tools else move.tools
    out: list[Version] = [("genetic", (move.genetic,), ())] if move.genetic is not None else []
    if move.levels or move.extra:
        extra = [f"{p.target}" for p in move.extra]
        out.append(("via " + ", ".join([*move.via, *extra]), move.extra, move.levels))
    return out + [(f"{t.compound}@{t.dose_uM:g}uM", (t.perturbation(),), ()) for t in tools]


def _merge(
    levels: tuple[tuple[str, float], ...], factors: tuple[tuple[str, float], ...]
) -> tuple[tuple[str, float], ...]:
    """The profile's node levels times a move's factors."""
    if not factors:
        return levels
    out = dict(levels)
    for node, f in factors:
        out[node] = out.get(node, 1.0) * f
    return tuple(sorted(out.items()))


def effects(
    model: Model,
    moves: Sequence[Move],
    state: Sequence[Perturbation],
    therapy: Sequence[Perturbation],
    levels: tuple[tuple[str, float], ...] = (),
    scheduler: str | None = None,
) -> tuple[float, float, dict[str, Effect]]:
    """Death with the therapy and without it in the resistant state, and the best effect of each move."""

    def cond(ps: Sequence[Perturbation], factors: tuple[tuple[str, float], ...] = ()) -> Condition:
        return Condition("default", tuple(ps), _merge(levels, factors))

    conds = [cond(state), cond([*state, *therapy])]
    index: list[tuple[str, str]] = []
    for m in moves:
        for label, ps, factors in _versions(m):
            conds += [cond([*state, *therapy, *ps], factors), cond([*state, *ps], factors)]
            index.append((m.key, label))
    out = run(model, conds, scheduler)
    base_0, base_t, lipid_t = float(out[0, 0]), float(out[1, 0]), float(out[1, 1])
    e_t = base_t - base_0
    best: dict[str, Effect] = {}
    for k, (key, label) in enumerate(index):
        both, alone, lipid = float(out[2 + 2 * k, 0]), float(out[3 + 2 * k, 0]), float(out[2 + 2 * k, 1])
        e_x = alone - base_0
        expected = base_0 + e_t + e_x - e_t * e_x
        fc = float(np.log10(max(lipid, 1e-9) / max(lipid_t, 1e-9)))
        eff = Effect(both - base_t, both - expected, both, alone, fc, label)
        if key not in best or eff.sim > best[key].sim:
            best[key] = eff
    return base_t, base_0, best


@dataclass(frozen=True)
class DosePair:
    """The best dose pair of the therapy with a tool compound, and the synergy scores there."""

    compound: str
    therapy_uM: float
    compound_uM: float
    death: float
    scores: dict[str, float]  # Bliss, Loewe, ZIP at the pair (fraction-of-cells units)
    compound_range_uM: tuple[float, float]


def dose_pairs(
    model: Model,
    therapy: Perturbation,
    tools: Sequence[Tool],
    state: Sequence[Perturbation],
    levels: tuple[tuple[str, float], ...] = (),
    scheduler: str | None = None,
    methods: Sequence[str] = ("Bliss", "Loewe", "ZIP"),
) -> list[DosePair]:
    """For each tool: a 4 x 4 dose matrix with the therapy (0 and three doses up to its reference dose),
    synergy by each method, and the pair with the highest Bliss excess."""
    ref = float(therapy.dose_uM or model.compounds[therapy.target].default_uM)
    d_t = np.array([0.0, ref / 9, ref / 3, ref])
    grids, conds = [], []
    for t in tools:
        lo, hi = t.range_uM
        d_x = np.array([0.0, lo, float(np.sqrt(lo * hi)), hi]) if hi > lo else np.array([0.0, hi / 3, hi])
        grids.append(d_x)
        for a in d_t:
            for b in d_x:
                ps = [*state, Perturbation("compound", therapy.target, "", a), t.perturbation(b)]
                conds.append(Condition("default", tuple(p for p in ps if p.dose_uM != 0.0), levels))
    death = run(model, conds, scheduler)[:, 0]
    out, pos = [], 0
    for t, d_x in zip(tools, grids, strict=True):
        e = death[pos : pos + len(d_t) * len(d_x)].reshape(len(d_t), len(d_x))
        pos += e.size
        flat = float(np.ptp(e)) < FLAT  # no response to fit: no synergy (and no slow ZIP fit)
        syn = {m: np.zeros_like(e) if flat else score(m, d_t, d_x, np.clip(e, 0.0, 1.0)) for m in methods}
        flat_ij = np.unravel_index(int(np.argmax(syn["Bliss"][1:, 1:])), (len(d_t) - 1, len(d_x) - 1))
        i, j = int(flat_ij[0]) + 1, int(flat_ij[1]) + 1
        out.append(
            DosePair(
                t.compound,
                float(d_t[i]),
                float(d_x[j]),
                float(e[i, j]),
                {m: round(float(s[i, j]), 4) for m, s in syn.items()},
                t.range_uM,
            )
        )
    return out
