"""Figures of evaluation tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ferronet.analyse.plots import scorer_bars


def test_scorer_bars_draw_a_table_with_gaps():
    table = pd.DataFrame(
        {"ML210": [0.545, 0.598, 0.558], "CIL56": [np.nan, np.nan, 0.357]},
        index=["ferronet", "mechanism-signed inputs", "ridge, all genes"],
    )
    png = scorer_bars(table, "CTRPv2", target=0.60)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000
    assert scorer_bars(table, fmt="svg").lstrip().startswith(b"<?xml")
