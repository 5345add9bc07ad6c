"""Micro-batching of concurrent simulation requests: requests arriving within a short window are simulated as
one batch by the default engine (whose cost barely grows with batch width), then answered individually."""

from __future__ import annotations

import queue
import threading
import time
from concurrent.futures import Future

from ferronet.sim.conditions import Condition
from ferronet.sim.engine import BatchEngine, Result


class SimulationBatcher:
    def __init__(self, engine: BatchEngine, window_s: float = 0.03, max_batch: int = 256) -> None:
        self.engine, self.window, self.max_batch = engine, window_s, max_batch
        self._queue: queue.Queue[tuple[list[Condition], Future[tuple[Result, list[int]]]]] = queue.Queue()
        threading.Thread(target=self._loop, name="ferronet-batcher", daemon=True).start()

    def run(self, conditions: list[Condition], timeout: float = 300.0) -> tuple[Result, list[int]]:
        """Simulate ``conditions`` (possibly together with other requests); returns the shared result and the
        indices of these conditions in it."""
        fut: Future[tuple[Result, list[int]]] = Future()
        self._queue.put((conditions, fut))
        return fut.result(timeout=timeout)

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
            for conds, _ in batch:
                for c in conds:
                    unique.setdefault(c, len(unique))
            try:
                result = self.engine.run(list(unique))
            except Exception as exc:  # answered to every waiting request
                for _, fut in batch:
                    fut.set_exception(exc)
                continue
            for conds, fut in batch:
                fut.set_result((result, [unique[c] for c in conds]))
