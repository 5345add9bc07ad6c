"""The web app: routes and templates only; every answer comes from the public API."""

from ferronet.web.app import create_app

__all__ = ["create_app"]
