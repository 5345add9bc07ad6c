"""Run many conditions in chunks: one process with a progress bar by default, a Dask cluster on request.

A chunk is simulated as one batch by the default engine; a chunk that fails does not stop the screen: its rows
come back with NaN readouts and the error as their status.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from tqdm.auto import tqdm

from ferronet.model.network import load_model
from ferronet.sim.conditions import Condition
from ferronet.sim.engine import BatchEngine

CHUNK = 400


def _simulate_chunk(
    conditions: Sequence[Condition], readouts: Sequence[str]
) -> tuple[dict[str, list[float]], list[str]]:
    """Readouts and statuses of one chunk (runs in the caller or in a Dask worker)."""
    model = load_model()
    try:
        result = BatchEngine.for_model(model).run(list(conditions))
    except Exception as exc:  # a failed chunk becomes rows with a status, never a crash
        nan = [float("nan")] * len(conditions)
        return {r: nan for r in readouts}, [f"failed: {type(exc).__name__}: {exc}"] * len(conditions)
    values = {r: [float(x) for x in result.readout(r)] for r in readouts}
    status = ["ok" if ok else "failed: integration did not converge" for ok in result.ok]
    return values, status


def run_conditions(
    conditions: Sequence[Condition],
    readouts: Sequence[str],
    scheduler: str | None = None,
    progress: bool = True,
    chunk: int = CHUNK,
    desc: str = "simulating",
) -> tuple[dict[str, np.ndarray], list[str]]:
    """Readouts (arrays aligned with ``conditions``) and a status per condition."""
    chunks = [list(conditions[i : i + chunk]) for i in range(0, len(conditions), chunk)]
    results: list[tuple[dict[str, list[float]], list[str]]]
    if scheduler:
        from dask.distributed import Client, as_completed

        with Client(scheduler) as client:
            futures = client.map(_simulate_chunk, chunks, [list(readouts)] * len(chunks), pure=False)
            index = {f.key: i for i, f in enumerate(futures)}
            slots: list[tuple[dict[str, list[float]], list[str]] | None] = [None] * len(chunks)
            for fut in tqdm(as_completed(futures), total=len(futures), desc=desc, disable=not progress):
                slots[index[fut.key]] = fut.result()
            results = [s for s in slots if s is not None]
    else:
        results = [_simulate_chunk(c, readouts) for c in tqdm(chunks, desc=desc, disable=not progress, unit="chunk")]
    values = {r: np.array([v for res in results for v in res[0][r]]) for r in readouts}
    status = [s for res in results for s in res[1]]
    return values, status
