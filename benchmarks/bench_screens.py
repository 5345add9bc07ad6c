"""Screen wall times on this machine: every single knockout under 5 drugs, and 10x10 dose matrices for 20 pairs.

Usage: ``uv run python benchmarks/bench_screens.py``
"""

from __future__ import annotations

import time
from itertools import combinations

from ferronet.model import load_model
from ferronet.screen import combo_screen, gene_scan

DRUGS = ["erastin", "RSL3", "sorafenib", "cisplatin", "FIN56"]
PAIR_DRUGS = ["erastin", "RSL3", "sorafenib", "cisplatin", "iFSP1", "brusatol", "artesunate"]


def main() -> None:
    model = load_model()
    t0 = time.perf_counter()
    table = gene_scan(model, actions=["knockout"], drugs=DRUGS, progress=False)
    t_scan = time.perf_counter() - t0
    n_ok = int((table.status == "ok").sum())
    print(
        f"single knockouts x {len(DRUGS)} drugs: {len(table)} conditions in {t_scan:.1f} s "
        f"({len(table) / t_scan:.0f} conditions/s; {n_ok} ok)"
    )
    pairs = list(combinations(PAIR_DRUGS, 2))[:20]
    t0 = time.perf_counter()
    n_wells = 0
    best = []
    for a, b in pairs:
        res = combo_screen([a, b], model=model, n_doses=10, progress=False)[0]
        n_wells += res.response.size
        best.append((res.scores()["Bliss"], a, b))
    t_combo = time.perf_counter() - t0
    print(
        f"10x10 dose matrices for {len(pairs)} pairs: {n_wells} wells + synergy in {t_combo:.1f} s "
        f"({n_wells / t_combo:.0f} wells/s)"
    )
    for s, a, b in sorted(best, reverse=True)[:5]:
        print(f"  most synergistic (Bliss): {a} + {b}: {s:+.3f}")


if __name__ == "__main__":
    main()
