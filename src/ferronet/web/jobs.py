"""Heavy requests (predictions, recommendations, combination screens, reports) run in a bounded process pool so
that the event loop keeps answering search and entity pages. When every worker is busy and the waiting line is
full the request is refused at once (503 with ``Retry-After``) instead of piling up.

The job functions are thin: they call the public API and return JSON-ready dicts (no science here).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import multiprocessing
import os
import tempfile
import threading
import warnings
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from ferronet.errors import FerronetError


class ServerBusy(Exception):
    """Every worker is busy and the waiting line is full."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"the server is busy with other long jobs; retry in {retry_after} s")
        self.retry_after = retry_after


def _worker_init(warm: bool) -> None:
    """Workers run at a lower CPU priority, so that the server process (search, pages) is scheduled first."""
    with contextlib.suppress(OSError):
        os.nice(int(os.environ.get("FERRONET_WEB_WORKER_NICE", 10)))
    if warm:
        _warm()


def _warm() -> None:
    """Worker start-up: import the job modules and load the knowledge base and model once per process."""
    import ferronet.profile.personalise
    import ferronet.report.html
    import ferronet.screen  # noqa: F401
    from ferronet.kb import load_kb
    from ferronet.model import load_model

    load_kb()
    load_model()


class HeavyPool:
    """A process pool with at most ``workers`` running and ``queue`` waiting jobs."""

    def __init__(self, workers: int | None = None, queue: int | None = None, warm: bool = True) -> None:
        self.warm = warm
        self.workers = workers or int(os.environ.get("FERRONET_WEB_WORKERS", max(1, min(2, (os.cpu_count() or 2) - 1))))
        self.capacity = self.workers + (queue if queue is not None else int(os.environ.get("FERRONET_WEB_QUEUE", 6)))
        self._lock = threading.Lock()
        self._active = 0
        self._pool: ProcessPoolExecutor | None = None
        self._mean_s = 10.0  # running estimate of a job's duration, for Retry-After
        self.cache_size = 64
        self._results: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._inflight: dict[tuple[Any, ...], asyncio.Future[Any]] = {}

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                ctx = multiprocessing.get_context("spawn")  # no fork of a threaded server
                self._pool = ProcessPoolExecutor(
                    self.workers, mp_context=ctx, initializer=_worker_init, initargs=(self.warm,)
                )
            return self._pool

    def start(self) -> None:
        """Start the workers now (they warm up in the background)."""
        pool = self._executor()
        if self.warm:
            for _ in range(self.workers):
                pool.submit(_warm)  # starts the worker processes (each warms up in its initializer)

    def status(self) -> dict[str, int]:
        with self._lock:
            return {
                "workers": self.workers,
                "running": min(self._active, self.workers),
                "waiting": max(0, self._active - self.workers),
                "capacity": self.capacity,
            }

    async def run(self, fn: Any, *args: Any) -> Any:
        with self._lock:
            if self._active >= self.capacity:
                waits = self._active - self.workers + 1
                raise ServerBusy(max(1, math.ceil(self._mean_s * waits / self.workers)))
            self._active += 1
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        try:
            return await asyncio.wrap_future(self._executor().submit(fn, *args))
        finally:
            with self._lock:
                self._active -= 1
                self._mean_s = 0.8 * self._mean_s + 0.2 * (loop.time() - t0)

    async def cached(self, key: tuple[Any, ...], fn: Any, *args: Any) -> Any:
        """``run`` for deterministic jobs: answers are kept (LRU) and identical requests in flight share one job."""
        if key in self._results:
            self._results.move_to_end(key)
            return self._results[key]
        if key in self._inflight:
            return await asyncio.shield(self._inflight[key])
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            value = await self.run(fn, *args)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning when nobody else waits
            raise
        finally:
            self._inflight.pop(key, None)
        future.set_result(value)
        self._results[key] = value
        while len(self._results) > self.cache_size:
            self._results.popitem(last=False)
        return value

    def shutdown(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


# ---- jobs (run in a worker process) ---------------------------------------------------------------------------


def predict_job(drug: str, uploads: dict[str, bytes], limits: Any, readout: str = "auto") -> dict[str, Any]:
    """Read the uploaded tables (bounded) and predict; the upload's own file name is never used as a path."""
    from ferronet.profile.io import read_samples

    frames = {}
    with tempfile.TemporaryDirectory() as tmp:
        for key, data in uploads.items():
            path = Path(tmp) / (f"{key}.gz" if data[:2] == b"\x1f\x8b" else f"{key}.txt")
            path.write_bytes(data)
            frames[key] = read_samples(path, key, binary=key == "mutations", limits=limits)
    if "expression" not in frames:
        raise FerronetError("an expression table is required")
    import numpy as np

    from ferronet.profile.personalise import predict  # after the checks: bad uploads are refused quickly

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = predict(drug, frames["expression"], frames.get("mutations"), progress=False, readout=readout)
    table = table.replace({np.nan: None})
    return {
        "drug": drug,
        "columns": list(table.columns),
        "rows": table.to_dict(orient="records"),
        "warnings": [str(w.message) for w in caught],
        "tsv": table.to_csv(sep="\t", index=False),
    }


def recommend_job(therapy: str, cancer: str | None, mutations: Sequence[str], top: int) -> dict[str, Any]:
    from ferronet.screen import recommend

    rep = recommend(therapy, cancer, list(mutations), top=top)
    return {
        "therapy": rep.therapy,
        "therapy_model": rep.therapy_model,
        "cancer": rep.cancer,
        "resistant_state": rep.resistant_state,
        "baseline_death": rep.baseline_death,
        "recommendations": [r.to_dict() for r in rep.recommendations],
    }


def _finite(x: Any) -> Any:
    """NaN (failed wells) as JSON null."""
    if isinstance(x, list):
        return [_finite(v) for v in x]
    return None if isinstance(x, float) and not math.isfinite(x) else x


def combo_job(drugs: list[str], cell: str | None, n_doses: int, doses: dict[str, list[float]]) -> dict[str, Any]:
    from ferronet.screen import combo_screen

    res = combo_screen(drugs, doses or None, cell=cell, n_doses=n_doses, progress=False)[0]
    return {
        "drug_a": res.drug_a,
        "drug_b": res.drug_b,
        "cell": res.cell,
        "doses_a": res.doses_a.tolist(),
        "doses_b": res.doses_b.tolist(),
        "response": _finite(res.response.tolist()),
        "status": res.status.tolist() if res.status is not None else None,
        "failed_wells": res.failed_wells(),
        "synergy": {k: _finite(v.tolist()) for k, v in res.synergy.items()},
        "scores": {k: _finite(v) for k, v in res.scores().items()},
    }


def report_job(therapy: str, cancer: str | None, mutations: Sequence[str]) -> str:
    from ferronet.report.html import build_report

    with tempfile.TemporaryDirectory() as tmp:
        return build_report(therapy, cancer, list(mutations), Path(tmp) / "report.html").read_text(encoding="utf-8")
