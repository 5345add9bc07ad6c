"""Load test of the web app on loopback only (bounded in requests and time; stops by itself).

Usage::

    uv run python benchmarks/bench_web_load.py --requests 2000 --concurrency 32 --soak-seconds 600

starts ``ferronet serve`` as a child process on a free 127.0.0.1 port, sends a mix of searches (70 %), entity
pages (8 %), simulations (15 %), recommendations (3 %) and predictions (4 %), and prints throughput, latency
percentiles, errors, the **search p95 while predictions run**, and the server's RSS (server plus its job
workers). A well-behaved client honours ``503 Retry-After`` (it waits and retries, at most 5 times); such
refusals are counted separately from errors. ``--soak-seconds`` then keeps the same mix running (still bounded:
at most ``--soak-requests``) and samples RSS every 10 s to show whether memory is stable.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field

SEARCHES = ["NRF2", "FSP1", "GPX4", "erastin", "ferritin", "HCC", "sorafenib", "xCT", "ACSL4", "iron"]
ENTITIES = ["GPX4", "NRF2", "SLC7A11", "AIFM2", "erastin", "sorafenib"]
SIMS = [["erastin"], ["RSL3"], ["erastin", "NRF2:knockdown"], ["RSL3", "FSP1:overexpression"], ["cystine_deprivation"]]
THERAPIES = [("sorafenib", "HCC"), ("cisplatin", None), ("gefitinib", None)]
GENES = ["GPX4", "AIFM2", "ACSL4", "NQO1", "SLC7A11", "FTH1"]
# (kind, share) for the full mix; "basic" is the older search + simulation mix (used by tests/web/test_load.py)
MIXES = {
    "basic": [("search", 0.75), ("simulate", 0.25)],
    "full": [("search", 0.70), ("entity", 0.08), ("simulate", 0.15), ("recommend", 0.03), ("predict", 0.04)],
    "warmup-simulate": [("simulate", 1.0)],
    "warmup-predict": [("predict", 1.0)],
}
MAX_RETRIES = 5


@dataclass
class Sample:
    kind: str
    start: float
    end: float
    ok: bool
    rejected: int = 0  # 503/429 answers before the final one
    failure: str = ""  # why a request failed: HTTP status, "gave up after N refusals", or the connection error


@dataclass
class Stats:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, s: Sample) -> None:
        with self.lock:
            self.samples.append(s)


def _table(rnd: random.Random, n: int = 5) -> bytes:
    rows = ["sample\t" + "\t".join(GENES)]
    rows += [f"s{i}\t" + "\t".join(f"{rnd.uniform(-2, 2):.2f}" for _ in GENES) for i in range(n)]
    return ("\n".join(rows) + "\n").encode()


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for k, v in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    for k, (name, data) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename="{name}"\r\n'
        parts.append(head.encode() + b"Content-Type: text/tab-separated-values\r\n\r\n" + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _build(base: str, kind: str, rnd: random.Random) -> urllib.request.Request:
    if kind == "search":
        return urllib.request.Request(base + "/api/search?q=" + rnd.choice(SEARCHES))
    if kind == "entity":
        return urllib.request.Request(base + "/api/entity/" + rnd.choice(ENTITIES))
    if kind == "simulate":  # one of ~40 doses: mostly distinct requests (the app caches repeats)
        first, *rest = rnd.choice(SIMS)
        if first in ("erastin", "RSL3"):
            first += f"@{round(10 ** rnd.uniform(-1, 1.3), 1)}uM"
        body = json.dumps({"perturbations": [first, *rest]}).encode()
        return urllib.request.Request(base + "/api/simulate", data=body, headers={"Content-Type": "application/json"})
    if kind == "recommend":
        therapy, cancer = rnd.choice(THERAPIES)
        body = json.dumps({"therapy": therapy, "cancer": cancer, "top": 5}).encode()
        return urllib.request.Request(base + "/api/recommend", data=body, headers={"Content-Type": "application/json"})
    fields = {"drug": rnd.choice(["ML210", "erastin", "RSL3"]), "readout": "model"}  # the heavy path: simulated
    data, ctype = _multipart(fields, {"expression": ("t.tsv", _table(rnd))})
    return urllib.request.Request(base + "/api/predict", data=data, headers={"Content-Type": ctype})


def _request(base: str, i: int, mix: str = "basic", stats: Stats | None = None) -> tuple[float, bool]:
    rnd = random.Random(i)
    kinds, shares = zip(*MIXES[mix], strict=True)
    kind = rnd.choices(kinds, shares)[0] if mix != "basic" else ("simulate" if i % 4 == 0 else "search")
    t0 = time.perf_counter()
    ok, rejected, failure = False, 0, ""
    for _ in range(MAX_RETRIES + 1):
        try:
            with urllib.request.urlopen(_build(base, kind, rnd), timeout=300) as res:
                ok = res.status == 200 and len(res.read()) > 2
                failure = "" if ok else f"HTTP {res.status} with an empty body"
            break
        except urllib.error.HTTPError as exc:
            if exc.code in (429, 503) and exc.headers.get("Retry-After"):
                rejected += 1
                failure = f"gave up after {rejected} refusals ({exc.code} Retry-After)"
                time.sleep(min(float(exc.headers["Retry-After"]), 10.0))
                continue
            failure = f"HTTP {exc.code}"
            break
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            failure = f"{type(exc).__name__}: {exc}"[:80]
            break
    t1 = time.perf_counter()
    if stats is not None:
        stats.add(Sample(kind, t0, t1, ok, rejected, "" if ok else failure))
    return t1 - t0, ok


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def run_load(
    base: str,
    n_requests: int = 400,
    concurrency: int = 16,
    time_limit: float = 300.0,
    mix: str = "basic",
    stats: Stats | None = None,
) -> dict[str, float]:
    """Send ``n_requests`` (stopping after ``time_limit`` s) with ``concurrency`` parallel clients."""
    if not base.startswith(("http://127.", "http://localhost")):
        raise ValueError("load tests only target loopback addresses")
    stats = stats if stats is not None else Stats()
    first = len(stats.samples)
    t0 = time.perf_counter()
    stop = threading.Event()

    started = [0]

    def one(i: int) -> None:
        if not stop.is_set() and time.perf_counter() - t0 < time_limit:
            with stats.lock:
                started[0] += 1
            _request(base, i, mix, stats)

    with ThreadPoolExecutor(concurrency) as pool:
        futures = [pool.submit(one, i) for i in range(n_requests)]
        _, pending = wait(futures, timeout=time_limit + 60)
        stop.set()
        for f in pending:
            f.cancel()
    wall = time.perf_counter() - t0
    samples = stats.samples[first:]
    latencies = [s.end - s.start for s in samples]
    alive = _request(base, 1)[1]
    return {
        "completed": len(samples),
        # a request that started but did not finish in time is an error; one never started (time limit) is not
        "errors": sum(not s.ok for s in samples) + (started[0] - len(samples)),
        "not_started": n_requests - started[0],
        "rejected_then_retried": sum(s.rejected for s in samples),
        "wall_s": wall,
        "throughput_rps": len(samples) / wall,
        "p50_s": _pct(latencies, 0.5),
        "p95_s": _pct(latencies, 0.95),
        "alive_after": alive,
        "failures": dict(Counter(f"{x.kind}: {x.failure}" for x in samples if not x.ok)),
        **search_while_predicting(samples),
    }


def search_while_predicting(samples: list[Sample]) -> dict[str, float]:
    """p95 of the searches that overlapped at least one prediction in flight."""
    heavy = [(s.start, s.end) for s in samples if s.kind == "predict"]
    overlapping = [
        s.end - s.start for s in samples if s.kind == "search" and any(a < s.end and s.start < b for a, b in heavy)
    ]
    return {"search_during_predict_n": len(overlapping), "search_during_predict_p95_s": _pct(overlapping, 0.95)}


def server_rss_mb(pid: int) -> float:
    """Resident memory of the server and its job workers."""
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
        return sum(p.memory_info().rss for p in procs if p.is_running()) / 1e6
    except psutil.Error:
        return float("nan")


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = f"from ferronet.web.app import serve; serve('127.0.0.1', {port})"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/api/names", timeout=5) as res:
                if res.status == 200:
                    return proc, base
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
    proc.kill()
    raise RuntimeError("server did not start within 180 s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--time-limit", type=float, default=900.0, help="seconds for the request run (then it stops)")
    ap.add_argument("--mix", choices=sorted(m for m in MIXES if not m.startswith("warmup")), default="full")
    ap.add_argument("--soak-seconds", type=float, default=0.0, help="then keep the load going this long (bounded)")
    ap.add_argument("--soak-requests", type=int, default=100_000, help="at most this many soak requests")
    args = ap.parse_args()
    if args.requests > 20_000 or args.concurrency > 64 or args.soak_seconds > 3600:
        ap.error("bounded benchmark: at most 20,000 requests, 64 clients and a 1 h soak")
    proc, base = start_server()
    try:
        t0 = time.perf_counter()
        for kind in ("simulate", "predict"):  # steady state: the workers have compiled the model
            _request(base, {"simulate": 0, "predict": 7}[kind], "warmup-" + kind)
        print(f"warm-up (first simulation and prediction): {time.perf_counter() - t0:.1f} s")
        rss0 = server_rss_mb(proc.pid)
        stats = run_load(base, args.requests, args.concurrency, args.time_limit, args.mix)
        rss1 = server_rss_mb(proc.pid)
        print(
            f"{stats['completed']:.0f} requests ({args.concurrency} concurrent, mix {args.mix}) in "
            f"{stats['wall_s']:.1f} s: {stats['throughput_rps']:.1f} req/s, p50 {stats['p50_s'] * 1000:.0f} ms, "
            f"p95 {stats['p95_s'] * 1000:.0f} ms, errors {stats['errors']:.0f}, "
            f"503-then-retried {stats['rejected_then_retried']:.0f}, server up afterwards: {stats['alive_after']}"
        )
        print(
            f"search p95 while predictions run: {stats['search_during_predict_p95_s'] * 1000:.0f} ms "
            f"({stats['search_during_predict_n']:.0f} searches overlapped a prediction)"
        )
        print(f"server RSS (with workers): {rss0:.0f} MB before, {rss1:.0f} MB after")
        if stats["failures"]:
            print(f"failures: {stats['failures']}")
        if args.soak_seconds > 0:
            soak(base, proc.pid, args)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def soak(base: str, pid: int, args: argparse.Namespace) -> None:
    """The same mix for ``--soak-seconds`` (at most ``--soak-requests``), RSS sampled every 10 s."""
    stats = Stats()
    rss: list[tuple[float, float]] = []
    stop = threading.Event()
    t0 = time.perf_counter()

    def sampler() -> None:
        while not stop.wait(10.0):
            rss.append((time.perf_counter() - t0, server_rss_mb(pid)))

    threading.Thread(target=sampler, daemon=True).start()
    result = run_load(base, args.soak_requests, args.concurrency, args.soak_seconds, args.mix, stats)
    stop.set()
    values = [r for _, r in rss]
    third = max(1, len(values) // 3)
    early, late = values[:third], values[-third:]
    print(
        f"soak {result['wall_s']:.0f} s: {result['completed']:.0f} requests, errors {result['errors']:.0f}, "
        f"search p95 while predicting {result['search_during_predict_p95_s'] * 1000:.0f} ms"
    )
    if values:
        print(
            f"server RSS during soak: min {min(values):.0f} MB, max {max(values):.0f} MB, "
            f"first third mean {sum(early) / len(early):.0f} MB, last third mean {sum(late) / len(late):.0f} MB "
            f"({len(values)} samples)"
        )
    if result["failures"]:
        print(f"soak failures: {result['failures']}")
    print(json.dumps({"pid": os.getpid(), "rss_samples": rss[:200]}))


if __name__ == "__main__":
    main()
