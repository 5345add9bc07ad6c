"""Cross-validation splits: K folds by cell line (stratified by tissue) and leave-one-data-source-out.

Folds by line keep every measurement of a line (all drugs, all doses) on the same side, so an out-of-fold score
never sees the line it predicts. Stratification deals the lines of each tissue round-robin over the folds, so
each fold has about the same tissue mix (a tissue with fewer lines than folds lands in fewer folds).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ferronet.errors import FerronetError


@dataclass(frozen=True)
class Split:
    """One train/test split; ``train`` and ``test`` are disjoint (line keys, or data-source names)."""

    name: str
    train: tuple[str, ...]
    test: tuple[str, ...]


def line_folds(
    lines: Sequence[str], k: int = 5, seed: int = 0, strata: Mapping[str, str] | None = None
) -> dict[str, int]:
    """Fold number (0..k-1) of each line: seeded, balanced sizes, stratified by ``strata`` (e.g. tissue)."""
    unique = list(dict.fromkeys(str(x) for x in lines))
    if len(unique) != len(lines):
        raise FerronetError(f"{len(lines) - len(unique)} duplicated line ids in the fold input")
    if k < 2 or k > len(unique):
        raise FerronetError(f"cannot make {k} folds from {len(unique)} lines (need 2 <= k <= number of lines)")
    rng = np.random.default_rng(seed)
    groups: dict[str, list[str]] = {}
    for line in unique:
        groups.setdefault((strata or {}).get(line, "") or "", []).append(line)
    # largest strata first; ties broken by name so the result depends only on the input set and the seed
    order = sorted(groups, key=lambda g: (-len(groups[g]), g))
    fold_of: dict[str, int] = {}
    position = int(rng.integers(k))
    for g in order:
        members = sorted(groups[g])
        for i in rng.permutation(len(members)):
            fold_of[members[i]] = position % k
            position += 1
    return {line: fold_of[line] for line in unique}


def line_splits(
    lines: Sequence[str], k: int = 5, seed: int = 0, strata: Mapping[str, str] | None = None
) -> list[Split]:
    """The k (train, test) splits of :func:`line_folds`."""
    fold = line_folds(lines, k, seed, strata)
    return [
        Split(
            name=f"fold{f}",
            train=tuple(x for x, v in fold.items() if v != f),
            test=tuple(x for x, v in fold.items() if v == f),
        )
        for f in range(k)
    ]


def leave_one_source_out(sources: Iterable[str]) -> list[Split]:
    """One split per data source: fit on all the others, evaluate on the held-out one."""
    names = list(dict.fromkeys(sources))
    if len(names) < 2:
        raise FerronetError("leave-one-source-out needs at least two data sources")
    return [Split(name=f"without_{s}", train=tuple(n for n in names if n != s), test=(s,)) for s in names]
