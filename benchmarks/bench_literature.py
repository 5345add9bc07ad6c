"""Accuracy on the packaged literature benchmark, overall and per readout / expected direction.

Usage: ``uv run python benchmarks/bench_literature.py [FILE.yaml]``.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from importlib import resources

from ferronet.validate import TOLERANCE, check_observations, load_observations


def main() -> None:
    path = (
        sys.argv[1]
        if len(sys.argv) > 1
        else str(resources.files("ferronet.data").joinpath("observations/literature.yaml"))
    )
    obs = load_observations(path)
    t0 = time.perf_counter()
    report = check_observations(obs)
    dt = time.perf_counter() - t0
    print(f"{report.passed}/{report.n} passed, accuracy {report.accuracy:.3f} (tolerance {TOLERANCE}); {dt:.1f} s")
    groups: dict[str, list[bool]] = defaultdict(list)
    for o, c in zip(obs, report.cases, strict=True):
        groups[f"readout={'ferroptosis' if o.readout == 'ferroptosis' else 'other'}"].append(c.passed)
        groups[f"expect={o.expect}"].append(c.passed)
        groups[f"seed={o.ref[:3] if o.ref[:3] in ('000', '002', '004') else 'other'}"].append(c.passed)
    for k in sorted(groups):
        v = groups[k]
        print(f"  {k:22s} {sum(v):4d}/{len(v):<4d} {sum(v) / len(v):.3f}")
    for c in report.failures():
        print(f"  FAIL {c.id}: expected {c.expected}, predicted {c.predicted} ({c.first:.3g} -> {c.second:.3g})")


if __name__ == "__main__":
    main()
