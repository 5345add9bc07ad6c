"""Build the calibration data as a PEtab v1 problem and lint it.

Usage: ``uv run python scripts/build_petab.py [--out out/petab] [--small] [--doses 8] [--seed 0] [--no-lint]``

Reads ``../shared/data/external`` (or ``$FERRONET_SHARED``); the output is built at run time and not committed.
``--small`` writes the CI version (20 CTRPv2 lines x ML210/ML162 plus the GSH points). Exit status 2 on
missing shared data, 1 when the linter reports problems.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ferronet.calibrate.petab_problem import lint, write_problem
from ferronet.errors import FerronetError


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("out/petab"))
    ap.add_argument("--small", action="store_true", help="CI-sized problem (20 lines x 2 drugs)")
    ap.add_argument("--doses", type=int, default=8, help="doses per CTRPv2 curve (log-spaced in its range)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the --small line sample")
    ap.add_argument("--no-lint", action="store_true")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    try:
        summary = write_problem(args.out, small=args.small, n_doses=args.doses, seed=args.seed)
    except (FerronetError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"wrote {summary.yaml_path}: {summary.n_lines} lines, {summary.n_conditions} conditions, "
        f"{summary.n_measurements} measurements ({', '.join(f'{k} {v}' for k, v in summary.datasets.items())}), "
        f"{summary.n_estimated} estimated parameters [{time.perf_counter() - t0:.1f} s]"
    )
    if args.no_lint:
        return 0
    ok = lint(summary.yaml_path)
    print(f"petab lint: {'clean' if ok else 'PROBLEMS (see log above)'} [{time.perf_counter() - t0:.1f} s]")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
