"""Load test of the web app on loopback only (bounded in requests and time; stops by itself).

Usage: ``uv run python benchmarks/bench_web_load.py [--requests 400] [--concurrency 16]`` starts a server on a
free 127.0.0.1 port, sends a mix of search (75 %) and simulation (25 %) requests, and prints throughput, p50/p95
latency, errors, and whether the server still answers afterwards.
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

SEARCHES = ["NRF2", "FSP1", "GPX4", "erastin", "ferritin", "HCC", "sorafenib", "xCT", "ACSL4", "iron"]
SIMS = [["erastin"], ["RSL3"], ["erastin", "NRF2:knockdown"], ["RSL3", "FSP1:overexpression"], ["cystine_deprivation"]]


def _request(base: str, i: int) -> tuple[float, bool]:
    rnd = random.Random(i)
    t0 = time.perf_counter()
    try:
        if i % 4 == 0:  # a simulation at one of 40 doses: mostly distinct requests (the app caches repeats)
            first, *rest = rnd.choice(SIMS)
            if first in ("erastin", "RSL3"):
                first += f"@{round(10 ** rnd.uniform(-1, 1.3), 1)}uM"
            body = json.dumps({"perturbations": [first, *rest]}).encode()
            req = urllib.request.Request(
                base + "/api/simulate", data=body, headers={"Content-Type": "application/json"}
            )
        else:
            req = urllib.request.Request(base + "/api/search?q=" + rnd.choice(SEARCHES))
        with urllib.request.urlopen(req, timeout=60) as res:
            ok = res.status == 200 and len(res.read()) > 2
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        ok = False
    return time.perf_counter() - t0, ok


def run_load(base: str, n_requests: int = 400, concurrency: int = 16, time_limit: float = 300.0) -> dict[str, float]:
    """Send ``n_requests`` (stopping early after ``time_limit`` s) with ``concurrency`` parallel clients."""
    if not base.startswith(("http://127.", "http://localhost")):
        raise ValueError("load tests only target loopback addresses")
    latencies, errors = [], 0
    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        futures = [pool.submit(_request, base, i) for i in range(n_requests)]
        for f in futures:
            remaining = max(0.1, time_limit - (time.perf_counter() - t0))
            try:
                dt, ok = f.result(timeout=remaining)
            except TimeoutError:
                errors += 1
                continue
            latencies.append(dt)
            errors += not ok
    wall = time.perf_counter() - t0
    latencies.sort()
    alive = _request(base, 1)[1]
    pct = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")  # noqa: E731
    return {
        "completed": len(latencies),
        "errors": errors,
        "wall_s": wall,
        "throughput_rps": len(latencies) / wall,
        "p50_s": pct(0.5),
        "p95_s": pct(0.95),
        "alive_after": alive,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--concurrency", type=int, default=16)
    args = ap.parse_args()
    import uvicorn

    from ferronet.web import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.1)
    stats = run_load(f"http://127.0.0.1:{port}", args.requests, args.concurrency)
    server.should_exit = True
    print(
        f"{stats['completed']:.0f} requests ({args.concurrency} concurrent; 25 % simulations, 75 % searches) "
        f"in {stats['wall_s']:.1f} s: {stats['throughput_rps']:.1f} req/s, p50 {stats['p50_s'] * 1000:.0f} ms, "
        f"p95 {stats['p95_s'] * 1000:.0f} ms, errors {stats['errors']:.0f}, "
        f"server up afterwards: {stats['alive_after']}"
    )


if __name__ == "__main__":
    main()
