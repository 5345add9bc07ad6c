"""Stand-in jobs for the pool tests (a light module: worker processes import it quickly)."""

from __future__ import annotations

import time


def slow_recommend(therapy: str, cancer: str | None, mutations: list[str], top: int) -> dict[str, object]:
    time.sleep(3)
    return {"therapy": therapy}


def fake_report(therapy: str, cancer: str | None, mutations: list[str]) -> str:
    return f"<html>{therapy} {cancer} {' '.join(mutations)}</html>"
