"""Throughput of the default engine vs libRoadRunner, fairly compared, in one process run.

Usage: ``uv run python benchmarks/bench_throughput.py [--sizes 100 1000 10000] [--rr-max 200] [--accuracy 1000]
[--engine-jax]``

Both engines run the same protocol (genotype equilibrium by Newton with integration fallback, then a 24 h
exposure sampled hourly) at the same stated tolerances (rtol 1e-4, atol 1e-6), through the same
:class:`ferronet.sim.base.Simulator` code: only the two primitives differ. libRoadRunner reuses one instance and
sets only the values that differ between lanes with one batch ``setValues`` call. It is timed on up to
``--rr-max`` conditions of each batch (its cost per condition is constant: it simulates lanes one at a time), on
one core and on two cores (two processes, each half of the conditions). Accuracy: readouts of the default engine
against libRoadRunner at rtol 1e-8 / atol 1e-10 on ``--accuracy`` random conditions, both started from the same
pre-culture states (equilibria are compared separately: Newton residual ~1e-9 vs RoadRunner's 96 h integration).
The default engine runs on ``--threads`` numba threads (1 = one core, the fair single-core comparison).
``ratio 1c CPU`` is the same one-core ratio from CPU seconds instead of wall seconds: on a machine shared with
other work it is the steadier figure (wall time counts the time a process waits for a core).
``--engine-jax`` (off by default; needs ``uv sync --extra jax``) also times the optional JAX engine on the same
conditions: a warm-up run on the first of them compiles its shapes (compilation = that run less its cost at the
compiled rate), then a fresh simulator is timed on the batch (its rate); readouts are compared with the default's.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from ferronet.model import load_model
from ferronet.sim import Condition, Tolerances, get_simulator

READOUTS = ("ferroptosis", "lipid_peroxidation", "GSH", "labile_iron")
#: readouts (death fraction; others relative to the untreated cell = 1) below this are compared absolutely
FLOOR = 1e-3


def conditions(model, n: int, seed: int = 0) -> list[Condition]:  # type: ignore[no-untyped-def]
    """Random conditions: a compound at a log-uniform dose, half of them with a gene action, a random cell."""
    rng = np.random.default_rng(seed)
    drugs, genes = list(model.compounds), list(model.nodes)
    out = []
    for _ in range(n):
        p = [f"{drugs[rng.integers(len(drugs))]}@{10 ** rng.uniform(-2, 2):.3g}uM"]
        if rng.random() < 0.5:
            p.append(f"{genes[rng.integers(len(genes))]}:{rng.choice(['knockdown', 'overexpression', 'knockout'])}")
        out.append(Condition.parse(model, p, str(rng.choice(list(model.cells)))))
    return out


def _rr_rate(args: tuple[int, int, int]) -> tuple[int, float, float]:
    """Conditions simulated, wall seconds and CPU seconds taken by a fresh libRoadRunner simulator (one process)."""
    n, offset, seed = args
    model = load_model()
    conds = conditions(model, offset + n, seed)[offset:]
    sim = get_simulator(model, "roadrunner")
    _ = sim.y_default
    t0, c0 = time.perf_counter(), time.process_time()
    sim.run(conds)
    return n, time.perf_counter() - t0, time.process_time() - c0


def _jax_row(conds: list[Condition], reference) -> str:  # type: ignore[no-untyped-def]
    """Rate of the JAX engine once compiled, its compilation, and its largest readout difference.

    A warm-up run on the first conditions (at most one compiled call of lanes) compiles the shapes; compilation is
    that run's time less its cost at the compiled rate. Then a fresh simulator (compiled functions are shared, the
    equilibrium cache is new) is timed on the whole batch.
    """
    from ferronet.sim.jax_engine import JaxSimulator
    from ferronet.sim.population import model_capacities

    model = load_model()
    k = len(model_capacities(model.default_values()))
    warm = conds[: max(1, JaxSimulator.lanes_per_call // k)]
    t0 = time.perf_counter()
    get_simulator(model, "jax").run(warm)
    t_warm = time.perf_counter() - t0
    fresh = get_simulator(load_model(), "jax")
    t0, c0 = time.perf_counter(), time.process_time()
    result = fresh.run(conds)
    t, c = time.perf_counter() - t0, time.process_time() - c0
    worst = 0.0
    for r in READOUTS:
        x, y = reference.readout(r), result.readout(r)
        ok = np.isfinite(x) & np.isfinite(y)
        worst = max(worst, float((np.abs(x[ok] - y[ok]) / np.maximum(np.abs(x[ok]), FLOOR)).max()))
    same = sum(a == b for a, b in zip(reference.status, result.status, strict=True))
    n = len(conds)
    compile_s = t_warm - t * len(warm) / n
    return (f"{n:7d} {n / t:12.1f} {n / c:12.1f} {compile_s:11.1f} s {worst:13.1e}"
            f"   (statuses equal to the default engine's: {same}/{n})")  # fmt: skip


def main() -> None:
    import numba

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10_000])
    ap.add_argument("--rr-max", type=int, default=200, help="conditions per batch timed with libRoadRunner")
    ap.add_argument("--accuracy", type=int, default=1000, help="random conditions for the accuracy check")
    ap.add_argument("--threads", type=int, default=1, help="numba threads of the default engine (1 = one core)")
    ap.add_argument("--engine-jax", action="store_true", help="also time the optional JAX engine (compilation apart)")
    args = ap.parse_args()
    numba.set_num_threads(args.threads)
    model = load_model()
    ours = get_simulator(model)
    _ = ours.y_default
    ours.run(conditions(model, 4, seed=99))  # load the compiled kernel before timing
    print(f"{'batch':>7} {'ferronet cond/s':>16} {'RR 1 core':>10} {'RR 2 cores':>11} {'ratio 1c':>9} {'ratio 2c':>9}"
          f" {'ratio 1c CPU':>13}")  # fmt: skip
    jax_rows = []
    for n in args.sizes:
        seed = 1000 + n
        conds = conditions(model, n, seed)
        fresh = get_simulator(load_model())  # a fresh equilibrium cache, as roadrunner gets
        t0, c0 = time.perf_counter(), time.process_time()
        result = fresh.run(conds)
        t_ours, c_ours = time.perf_counter() - t0, time.process_time() - c0
        m = min(n, args.rr_max)
        k, t1, c1 = _rr_rate((m, 0, seed))
        rr1 = k / t1
        with ProcessPoolExecutor(2) as pool:
            t0 = time.perf_counter()
            parts = list(pool.map(_rr_rate, [(m // 2, 0, seed), (m - m // 2, m // 2, seed)]))
            wall = time.perf_counter() - t0
        rr2 = sum(p[0] for p in parts) / max(max(p[1] for p in parts), 1e-9)
        rate = n / t_ours
        failed = int((~result.ok).sum())
        cpu_ratio = (n / c_ours) / (k / c1)
        print(f"{n:7d} {rate:16.1f} {rr1:10.1f} {rr2:11.1f} {rate / rr1:8.1f}x {rate / rr2:8.1f}x {cpu_ratio:12.1f}x"
              f"   (RR timed on {m}; ferronet failed lanes: {failed}; 2-process wall {wall:.1f} s)")  # fmt: skip
        if args.engine_jax:
            jax_rows.append(_jax_row(conds, result))
    if jax_rows:
        print("JAX engine (optional extra), the same conditions; compile = warm-up run less its compiled cost:")
        print(f"{'batch':>7} {'jax cond/s':>12} {'cond/CPU s':>12} {'compile':>13} {'max rel diff':>13}")
        print("\n".join(jax_rows))
    if args.accuracy:
        conds = conditions(model, args.accuracy, seed=7)
        a = get_simulator(model).run(conds)
        rr = get_simulator(model, "roadrunner", Tolerances(rtol=1e-8, atol=1e-10))
        rr.adopt_equilibria(get_simulator(model))  # same pre-culture states: the exposure integration is compared
        tight = rr.run(conds)
        print(f"accuracy on {args.accuracy} random conditions vs libRoadRunner at rtol 1e-8:")
        for r in READOUTS:
            x, y = a.readout(r), tight.readout(r)
            ok = np.isfinite(x) & np.isfinite(y)
            rel = np.abs(x[ok] - y[ok]) / np.maximum(np.abs(y[ok]), FLOOR)
            print(f"  {r:20s} max relative difference {rel.max():.2e}  (median {np.median(rel):.1e}; n={ok.sum()})")


if __name__ == "__main__":
    main()
