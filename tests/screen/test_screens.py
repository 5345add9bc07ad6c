"""Gene scans, combination screens and recommendations (tables, statuses, bad input, Dask)."""

from __future__ import annotations

import numpy as np
import pytest

from ferronet.errors import FerronetError, UnknownNameError
from ferronet.screen import combo_screen, gene_scan


def test_gene_scan_table(model):
    t = gene_scan(model, genes=["GPX4", "AIFM2", "ACSL4"], actions=["knockout"], drugs=["RSL3"], progress=False)
    assert {"cell", "drug", "perturbation", "ferroptosis", "delta_ferroptosis", "status"} <= set(t.columns)
    assert len(t) == 4 and (t.status == "ok").all()
    acsl4 = t[t.genes == "ACSL4"].iloc[0]
    assert acsl4.delta_ferroptosis < -0.05  # ACSL4 loss protects against RSL3
    fsp1 = t[t.genes == "AIFM2"].iloc[0]
    assert fsp1.delta_ferroptosis > 0.05


def test_gene_scan_pairs(model):
    t = gene_scan(model, genes=["GPX4", "AIFM2", "ACSL4"], actions=["knockdown"], pairs=True, progress=False)
    assert len(t) == 1 + 3 + 3


def test_failed_chunk_is_a_row_not_a_crash(monkeypatch, model):
    from ferronet.sim.engine import BatchSimulator

    def boom(self, conditions, *args, **kw):
        raise FloatingPointError("synthetic failure")

    monkeypatch.setattr(BatchSimulator, "run", boom)
    t = gene_scan(model, genes=["GPX4"], actions=["knockout"], progress=False)
    assert t.status.str.startswith("failed").all()
    assert t.ferroptosis.isna().all()


def test_combo_screen_and_bad_input(model):
    res = combo_screen(["erastin", "RSL3"], {"erastin": [0, 1, 10], "RSL3": [0, 0.1]}, model=model, progress=False)[0]
    assert res.response.shape == (3, 2) and set(res.synergy) == {"HSA", "Bliss", "Loewe", "ZIP"}
    assert res.response[0, 0] < 0.01 and np.all(np.diff(res.response[:, 0]) >= -1e-6)
    with pytest.raises(FerronetError, match="twice"):
        combo_screen(["erastin", "erastin"], model=model)
    with pytest.raises(FerronetError, match="impossible dose"):
        combo_screen(["erastin", "RSL3"], {"erastin": [-1, 1]}, model=model)
    with pytest.raises(UnknownNameError):
        combo_screen(["erastin", "RSL33"], model=model)
    with pytest.raises(FerronetError, match="not a compound"):
        combo_screen(["erastin", "hypoxia"], model=model)


def test_dask_local_cluster(model):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as lc:
        t = gene_scan(
            model, genes=["GPX4", "ACSL4"], actions=["knockout"], scheduler=lc.scheduler_address, progress=False
        )
    local = gene_scan(model, genes=["GPX4", "ACSL4"], actions=["knockout"], progress=False)
    assert np.allclose(t.ferroptosis, local.ferroptosis)
