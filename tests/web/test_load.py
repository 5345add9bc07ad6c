"""A short load test on loopback: concurrent simulation and search requests, 0 errors, server still up."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from bench_web_load import run_load


def test_short_load(live_server):
    stats = run_load(live_server, n_requests=40, concurrency=8, time_limit=120)
    assert stats["errors"] == 0, stats
    assert stats["completed"] == 40
    assert stats["alive_after"]
