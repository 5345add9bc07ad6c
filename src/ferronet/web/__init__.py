"""The web app: routes and templates only; every answer comes from the public API.

``create_app`` is imported lazily, so that job worker processes (which import :mod:`ferronet.web.jobs`) do not
load FastAPI and the whole app.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from ferronet.web.app import create_app

        return create_app
    raise AttributeError(f"module 'ferronet.web' has no attribute {name!r}")
