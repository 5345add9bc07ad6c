"""Wall time of a 1,000-sample cohort for one drug (expression of GDSC lines, resampled to N samples).

Usage: ``uv run python benchmarks/bench_predict_cohort.py [N] [--no-axes] [--scheduler ADDRESS]``
"""

from __future__ import annotations

import argparse
import time
import warnings

from ctrp_data import load
from ferronet.profile.personalise import predict


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=1000)
    ap.add_argument("--drug", default="ML210")
    ap.add_argument("--no-axes", action="store_true")
    ap.add_argument("--scheduler")
    args = ap.parse_args()
    expr = load()["expression"]
    cohort = expr.sample(n=args.n, replace=args.n > len(expr), random_state=0)
    cohort.index = [f"sample_{i:04d}" for i in range(len(cohort))]
    t0, c0 = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = predict(
            args.drug, cohort, axes=not args.no_axes, scheduler=args.scheduler, progress=False, readout="model"
        )  # the simulation's throughput (ML210's default readout is the linear signed one)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    ok = (table.status == "ok").sum()
    print(
        f"{args.n} samples, {args.drug}, axes={'no' if args.no_axes else 'yes'}: {dt:.1f} s "
        f"({args.n / dt:.1f} samples/s; {ok} ok; CPU {cpu:.1f} s over all threads)"
    )


if __name__ == "__main__":
    main()
