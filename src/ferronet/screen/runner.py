"""Run many conditions in chunks: one process with a progress bar by default, a Dask cluster on request.

A chunk is simulated as one batch by the default engine; a chunk that fails does not stop the screen: its rows
come back with NaN readouts and the error as their status.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from tqdm.auto import tqdm

from ferronet.model.network import Model
from ferronet.sim.base import get_simulator
from ferronet.sim.conditions import Condition
from ferronet.sim.protocol import Protocol

CHUNK = 400


def _simulate_chunk(
    conditions: Sequence[Condition], readouts: Sequence[str], model: Model, protocol: Protocol | None = None
) -> tuple[dict[str, list[float]], list[str]]:
    """Readouts and statuses of one chunk of ``model`` (the caller's object, or its copy in a Dask worker)."""
    try:
        result = get_simulator(model).run(list(conditions), protocol)
    except Exception as exc:  # a failed chunk becomes rows with a status, never a crash
        nan = [float("nan")] * len(conditions)
        return {r: nan for r in readouts}, [f"failed: {type(exc).__name__}: {exc}"] * len(conditions)
    values = {r: [float(x) for x in result.readout(r)] for r in readouts}
    return values, list(result.status)


def run_conditions(
    conditions: Sequence[Condition],
    readouts: Sequence[str],
    scheduler: str | None = None,
    progress: bool = True,
    chunk: int = CHUNK,
    desc: str = "simulating",
    model: Model | None = None,
    protocol: Protocol | None = None,
) -> tuple[dict[str, np.ndarray], list[str]]:
    """Readouts (arrays aligned with ``conditions``) and a status per condition, simulated with ``model``.

    Conditions carry their perturbations (including the model's ``with model:`` ones, see
    :meth:`Condition.parse`); ``model`` supplies the parameter set (the packaged one when None).
    """
    from ferronet.model.network import load_model

    m = model if model is not None else load_model()
    chunks = [list(conditions[i : i + chunk]) for i in range(0, len(conditions), chunk)]
    results: list[tuple[dict[str, list[float]], list[str]]]
    if scheduler:
        from dask.distributed import Client, as_completed

        with Client(scheduler) as client:
            remote = client.scatter(m, broadcast=True)
            futures = client.map(
                _simulate_chunk, chunks, [list(readouts)] * len(chunks), [remote] * len(chunks),
                [protocol] * len(chunks), pure=False,
            )  # fmt: skip
            index = {f.key: i for i, f in enumerate(futures)}
            slots: list[tuple[dict[str, list[float]], list[str]] | None] = [None] * len(chunks)
            for fut in tqdm(as_completed(futures), total=len(futures), desc=desc, disable=not progress):
                slots[index[fut.key]] = fut.result()
            results = [s for s in slots if s is not None]
    else:
        bar = tqdm(total=len(conditions), desc=desc, disable=not progress, unit="cond")
        results = []
        for c in chunks:
            results.append(_simulate_chunk(c, readouts, m, protocol))
            bar.update(len(c))
        bar.close()
    values = {r: np.array([v for res in results for v in res[0][r]]) for r in readouts}
    status = [s for res in results for s in res[1]]
    return values, status
