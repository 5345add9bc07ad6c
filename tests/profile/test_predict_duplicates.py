"""`predict` simulates identical conditions once: repeated samples get exactly the rows of their first copy."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ferronet.profile.personalise import predict


def test_repeated_samples_get_the_same_prediction(model):
    rows = {"a": [3.0, 0.0, 0.0], "b": [-3.0, 0.0, 2.0], "c": [0.0, 1.0, -1.0]}
    base = pd.DataFrame.from_dict(rows, orient="index", columns=["AIFM2", "GPX4", "ACSL4"])
    # the same three profiles, each repeated: the per-gene centring and scaling are unchanged by repetition
    repeated = pd.concat([base, base.iloc[[2, 0, 1]]])
    repeated.index = ["a", "b", "c", "c2", "a2", "b2"]
    once = predict("RSL3", base, n_doses=3, model=model, progress=False).set_index("sample")
    twice = predict("RSL3", repeated, n_doses=3, model=model, progress=False).set_index("sample")
    cols = [c for c in once.columns if c not in ("status", "readout")]
    for copy, orig in [("a", "a"), ("a2", "a"), ("b2", "b"), ("c2", "c")]:
        np.testing.assert_allclose(twice.loc[copy, cols].astype(float), once.loc[orig, cols].astype(float),
                                   rtol=1e-12, atol=1e-15)  # fmt: skip
    assert not np.isclose(once.loc["a", "score"], once.loc["b", "score"])  # the samples differ: mapping tested
