"""Name normalisation and close-match suggestions shared by the knowledge base and the model."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "κ": "kappa"}


def normalize(name: str) -> str:
    """Case- and punctuation-insensitive key: ``'Fer-1'`` and ``'fer 1'`` give ``'fer1'``."""
    text = name.strip().lower()
    for greek, latin in _GREEK.items():
        text = text.replace(greek, latin)
    return re.sub(r"[\s\-_.,'()]+", "", text)


def suggest(name: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The ``n`` known names closest to ``name`` (by normalised spelling, then raw spelling)."""
    known = list(dict.fromkeys(known))
    by_key: dict[str, str] = {}
    for k in known:
        by_key.setdefault(normalize(k), k)
    hits = difflib.get_close_matches(normalize(name), list(by_key), n=n, cutoff=0.6)
    out = [by_key[h] for h in hits]
    if len(out) < n:
        key = normalize(name)
        out += [k for k in known if key and key in normalize(k) and k not in out][: n - len(out)]
    return out
