"""Micro-batching of concurrent simulation requests: requests arriving within a short window are simulated as
one batch (whose cost barely grows with batch width), then answered individually.

The batch runs in a dedicated simulation process (``SimulationProcess``), so the server's event loop is not
starved of the GIL while the ODEs integrate; only plain arrays (:class:`Readouts`) come back.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ferronet.sim.conditions import Condition


@dataclass
class Readouts:
    """What the web answers need from a batch: final readouts, time courses, provenance (picklable)."""

    times: np.ndarray
    final: dict[str, np.ndarray]
    courses: dict[str, np.ndarray] = field(default_factory=dict)  # (n_times, n_conditions)
    provenance: dict[str, Any] = field(default_factory=dict)

    def readout(self, name: str) -> np.ndarray:
        return self.final[name]

    def timecourse(self, name: str) -> np.ndarray:
        return self.courses[name]


def simulate_batch(conditions: Sequence[Condition], finals: Sequence[str], courses: Sequence[str]) -> Readouts:
    """Simulate ``conditions`` (runs in the simulation process, or in-process)."""
    from ferronet.model import load_model
    from ferronet.sim.base import get_simulator

    model = load_model()
    res = get_simulator(model).run(list(conditions))
    return Readouts(
        np.asarray(res.times),
        {n: np.asarray(res.readout(n)) for n in dict.fromkeys([*finals, *courses])},
        {n: np.asarray(res.timecourse(n)) for n in courses},
        dict(res.provenance),
    )


def _warm_simulator() -> None:
    from ferronet.model import load_model
    from ferronet.sim.base import get_simulator

    model = load_model()
    get_simulator(model).run([Condition()])  # compiles the model once


Runner = Callable[[list[Condition], list[str], list[str]], Readouts]


class SimulationProcess:
    """One spawned process that runs simulation batches (started lazily, warmed up on start)."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._pool is None:
                ctx = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(1, mp_context=ctx, initializer=_warm_simulator)
                self._pool.submit(int)  # starts the process now

    def __call__(self, conditions: list[Condition], finals: list[str], courses: list[str]) -> Readouts:
        self.start()
        assert self._pool is not None
        return self._pool.submit(simulate_batch, conditions, finals, courses).result()

    def shutdown(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


class SimulationBatcher:
    def __init__(self, runner: Runner = simulate_batch, window_s: float = 0.03, max_batch: int = 256) -> None:
        self.runner, self.window, self.max_batch = runner, window_s, max_batch
        self._queue: queue.Queue[tuple[list[Condition], tuple[str, ...], tuple[str, ...], Future[Any]]]
        self._queue = queue.Queue()
        threading.Thread(target=self._loop, name="ferronet-batcher", daemon=True).start()

    def run(
        self, conditions: list[Condition], finals: Sequence[str] = ("ferroptosis",), courses: Sequence[str] = ()
    ) -> tuple[Readouts, list[int]]:
        """Simulate ``conditions`` (possibly together with other requests); returns the shared readouts and the
        indices of these conditions in them."""
        fut: Future[tuple[Readouts, list[int]]] = Future()
        self._queue.put((conditions, tuple(finals), tuple(courses), fut))
        return fut.result(timeout=300.0)

    def _loop(self) -> None:
        while True:
            batch = [self._queue.get()]
            deadline = time.monotonic() + self.window
            while len(batch) < self.max_batch and (left := deadline - time.monotonic()) > 0:
                try:
                    batch.append(self._queue.get(timeout=left))
                except queue.Empty:
                    break
            unique: dict[Condition, int] = {}
            finals: dict[str, None] = {}
            courses: dict[str, None] = {}
            for conds, f, c, _ in batch:
                for cond in conds:
                    unique.setdefault(cond, len(unique))
                finals.update(dict.fromkeys(f))
                courses.update(dict.fromkeys(c))
            try:
                result = self.runner(list(unique), list(finals), list(courses))
            except Exception as exc:  # answered to every waiting request
                for *_, fut in batch:
                    with contextlib.suppress(Exception):
                        fut.set_exception(exc)
                continue
            for conds, _, _, fut in batch:
                fut.set_result((result, [unique[c] for c in conds]))
