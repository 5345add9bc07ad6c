"""Leave-one-out over the knowledge base's resistance-reversal strategies.

For each strategy: hide it (from the resistant state and from the evidence), run ``recommend`` for its therapy
and cancer, and count a hit when the documented agent (the compound, or the gene it acts on) or the strategy's
axis is among the top 5. Prints recall@5 overall and per axis.

Usage: ``uv run python benchmarks/bench_recommend_loo.py [--top 5] [--limit N]``
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from tqdm import tqdm

from ferronet.kb import load_kb
from ferronet.model import load_model
from ferronet.screen.recommend import recommend

MAIN_AXES = ("GPX4", "system_xc", "NRF2", "iron", "lipid", "FSP1")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", type=int, default=5)
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    kb, model = load_kb(), load_model()
    strategies = kb.strategies[: args.limit or None]
    hits: dict[str, list[bool]] = defaultdict(list)
    agent_hits: list[bool] = []
    t0 = time.perf_counter()
    for s in tqdm(strategies, desc="leave-one-out"):
        rep = recommend(s.therapy, s.cancer, top=args.top, kb=kb, model=model, hidden=[s.id])
        agent = s.agent.partition(":")[0]
        names = {r.intervention.partition(":")[0] for r in rep.recommendations}
        targets = {t for r in rep.recommendations for t in r.target}
        agent_hit = agent in names or bool(set(s.agent_target) & (names | targets))
        axis_hit = s.axis in {r.axis for r in rep.recommendations}
        hits["all"].append(agent_hit or axis_hit)
        hits[s.axis if s.axis in MAIN_AXES else "other axes"].append(agent_hit or axis_hit)
        agent_hits.append(agent_hit)
    dt = time.perf_counter() - t0
    print(f"leave-one-out over {len(strategies)} strategies in {dt:.0f} s ({dt / len(strategies):.1f} s each)")
    print(f"recall@{args.top} (agent or axis): {sum(hits['all']) / len(hits['all']):.3f}")
    print(f"recall@{args.top} (agent/target only): {sum(agent_hits) / len(agent_hits):.3f}")
    for axis in (*MAIN_AXES, "other axes"):
        v = hits.get(axis, [])
        if v:
            print(f"  {axis:12s} {sum(v):3d}/{len(v):<3d} {sum(v) / len(v):.3f}")


if __name__ == "__main__":
    main()
