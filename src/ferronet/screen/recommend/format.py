"""Plain-text descriptions of a recommendation (shared by the CLI, the web app and the HTML report)."""

from __future__ import annotations

from ferronet.screen.recommend import FUSION_K, FUSION_WEIGHT, Recommendation
from ferronet.screen.recommend.moves import REGULATOR_FOLD

#: every part of the score, in the order the legend lists them
SCORE_PARTS = (
    ("restoration", "death(therapy + move) - death(therapy), fraction of cells, simulated at reachable doses"),
    ("Bliss", "death(therapy + move) - Bliss independence of the two alone"),
    ("lipid term", "0.01 x log10 fold-change of lipid peroxidation (orders moves that leave death at 0)"),
    ("sim", "restoration + Bliss + lipid term"),
    (
        "lit: use",
        "documented use of the move, 1 - prod(1 - w) over the papers documenting it; w = 0.3 same therapy and "
        "cancer, 0.2 same therapy, 0.1 same therapy class, 0.05 other context",
    ),
    (
        "lit: axis",
        "closest documented reversal on the move's axis: 0.15 same therapy and cancer, 0.1 same therapy, "
        "0.05 same therapy class",
    ),
    ("score", "sim + lit: use + lit: axis (shown; the order is below)"),
    (
        "order",
        "moves with a simulated effect (restoration + Bliss > 0.02) first, moves on model nodes before regulator "
        f"moves (assumed fold); then {FUSION_WEIGHT:g} / ({FUSION_K:g} + rank by sim) + {1 - FUSION_WEIGHT:g} / "
        f"({FUSION_K:g} + rank by lit) (reciprocal-rank fusion; weight chosen by nested leave-one-paper-out), "
        "ties by sim",
    ),
)


def tools_text(r: Recommendation) -> str:
    """Tool compounds with their dose ranges, then the modalities the knowledge base documents; for a
    regulator outside the model, what it does to the model first."""
    parts = [f"model effect: {', '.join(r.via)} (KB interactions; {REGULATOR_FOLD:g}-fold, assumed)"] if r.via else []
    parts += [f"{t['compound']} ({t['range_uM'][0]:.3g}-{t['range_uM'][1]:.3g} uM)" for t in r.tools]
    parts += r.modalities
    if r.alternatives:
        parts.append("also: " + ", ".join(r.alternatives[:5]))
    if r.kb_compounds:
        parts.append("not simulated: " + ", ".join(r.kb_compounds[:4]))
    return "; ".join(parts)


def dose_pair_text(r: Recommendation, therapy: str) -> str:
    p = r.dose_pair
    if not p:
        return ""
    scores = ", ".join(f"{k} {p[k]:+.3f}" for k in ("Bliss", "Loewe", "ZIP") if k in p)
    doses = f"{p['compound']} {p['compound_uM']:.3g} uM + {therapy} {p['therapy_uM']:.3g} uM"
    return f"{doses}: {p['death']:.2f} dead ({scores})"


def describe_move(r: Recommendation, therapy: str = "therapy") -> str:
    pair = dose_pair_text(r, therapy)
    tools = tools_text(r)
    return f"{pair}; {tools}" if pair and tools else pair or tools
