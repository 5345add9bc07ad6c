"""Cross-validation folds by cell line and leave-one-source-out."""

from __future__ import annotations

import pytest

from ferronet.calibrate.folds import leave_one_source_out, line_folds, line_splits
from ferronet.errors import FerronetError

LINES = [f"L{i:03d}" for i in range(103)]
TISSUE = {x: ("lung", "breast", "blood", "skin")[i % 4] if i < 100 else "rare" for i, x in enumerate(LINES)}


def test_folds_are_disjoint_by_line_and_cover_every_line():
    splits = line_splits(LINES, k=5, seed=0, strata=TISSUE)
    tests = [set(s.test) for s in splits]
    for s in splits:
        assert not set(s.train) & set(s.test)
        assert set(s.train) | set(s.test) == set(LINES)
    for i in range(5):
        for j in range(i + 1, 5):
            assert not tests[i] & tests[j]
    assert sorted(x for t in tests for x in t) == sorted(LINES)


def test_folds_are_balanced_seeded_and_stratified():
    fold = line_folds(LINES, k=5, seed=3, strata=TISSUE)
    sizes = [sum(v == f for v in fold.values()) for f in range(5)]
    assert max(sizes) - min(sizes) <= 1
    assert fold == line_folds(list(reversed(LINES)), k=5, seed=3, strata=TISSUE)  # input order does not matter
    assert fold != line_folds(LINES, k=5, seed=4, strata=TISSUE)
    for t in ("lung", "breast", "blood", "skin"):
        per = [sum(1 for x, v in fold.items() if v == f and TISSUE[x] == t) for f in range(5)]
        assert max(per) - min(per) <= 1, (t, per)


def test_bad_fold_requests_are_errors():
    with pytest.raises(FerronetError, match="duplicated"):
        line_folds(["A", "A", "B"], k=2)
    with pytest.raises(FerronetError, match="cannot make 5 folds"):
        line_folds(["A", "B"], k=5)


def test_leave_one_source_out():
    splits = leave_one_source_out(["ctrpv2", "breast", "gsh"])
    assert [s.test for s in splits] == [("ctrpv2",), ("breast",), ("gsh",)]
    assert all(not set(s.train) & set(s.test) for s in splits)
    with pytest.raises(FerronetError):
        leave_one_source_out(["ctrpv2"])
