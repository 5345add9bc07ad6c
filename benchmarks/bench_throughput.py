"""Throughput of the default engine vs libRoadRunner on the exported SBML (same protocol, same process).

Usage: ``uv run python benchmarks/bench_throughput.py [N]`` (default N = 10000 conditions, each a 24 h
exposure after genotype equilibration, each simulated as the model's 7 subpopulations). libRoadRunner is timed
on a random subset (``--rr``, default 300 conditions) and its rate extrapolated; both use their default
tolerances (ferronet: rtol 1e-4; CVODE: rtol 1e-6) and the round-trip test checks they agree within 1 %.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from ferronet.model import load_model
from ferronet.sim import Condition
from ferronet.sim.engine import BatchEngine
from ferronet.sim.roadrunner_engine import RoadRunnerEngine


def conditions(model, n: int, seed: int = 0) -> list[Condition]:  # type: ignore[no-untyped-def]
    """Random perturbation conditions: a compound at a log-uniform dose, half of them with a gene action."""
    rng = np.random.default_rng(seed)
    drugs, genes = list(model.compounds), list(model.nodes)
    out = []
    for _ in range(n):
        p = [f"{drugs[rng.integers(len(drugs))]}@{10 ** rng.uniform(-2, 2):.3g}uM"]
        if rng.random() < 0.5:
            p.append(f"{genes[rng.integers(len(genes))]}:{rng.choice(['knockdown', 'overexpression', 'knockout'])}")
        out.append(Condition.parse(model, p, str(rng.choice(list(model.cells)))))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=10_000)
    ap.add_argument("--rr", type=int, default=300, help="conditions timed with libRoadRunner")
    args = ap.parse_args()
    model = load_model()
    conds = conditions(model, args.n)
    engine = BatchEngine.for_model(model)
    _ = engine.y_default  # reference steady state, shared by both engines
    t0 = time.perf_counter()
    result = engine.run(conds)
    t_batch = time.perf_counter() - t0
    rr = RoadRunnerEngine(model)
    subset = conds[: args.rr]
    t0 = time.perf_counter()
    rr.run(subset)
    t_rr = time.perf_counter() - t0
    ours, theirs = args.n / t_batch, len(subset) / t_rr
    print(
        f"conditions: {args.n} (x {engine.caps.size} subpopulations), 24 h exposure each; failed: {(~result.ok).sum()}"
    )
    print(f"ferronet BatchEngine : {t_batch:8.2f} s  {ours:9.1f} conditions/s")
    print(f"libRoadRunner (SBML) : {t_rr:8.2f} s  {theirs:9.1f} conditions/s  (timed on {len(subset)})")
    print(f"ratio                : {ours / theirs:8.1f}x")


if __name__ == "__main__":
    main()
