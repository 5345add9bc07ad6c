"""ASGI middlewares at the edge of the app: request body caps, the Host header check (DNS rebinding), and
standard security headers. Pure ASGI, so a refused request never reaches the routes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from fastapi import HTTPException

Scope = dict[str, Any]

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})
HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        b"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def allowed_hosts(host: str | None, extra: Iterable[str] = ()) -> frozenset[str] | None:
    """Host names accepted in the Host header: loopback names, plus ``host`` when it names a specific interface.
    None (any) when the server listens on every interface (``--host 0.0.0.0``)."""
    names = set(LOOPBACK_NAMES) | {h.lower().strip("[]") for h in extra}
    if host is not None:
        if host in WILDCARDS:
            return None
        names.add(host.lower().strip("[]"))
    return frozenset(names)


def _host_name(value: str) -> str:
    value = value.strip().lower()
    if value.startswith("["):  # [::1]:8000
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


async def _send_json(send: Any, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()), *HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


class BodyTooLarge(HTTPException):
    """Raised while the body streams in; an HTTPException so that body parsing passes it on as a 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit // 1000} kB")


class EdgeMiddleware:
    """Host check, body size caps (declared and streamed) and security headers on every response."""

    def __init__(self, app: Any, hosts: frozenset[str] | None, max_body: int, max_upload_body: int) -> None:
        self.app, self.hosts, self.max_body, self.max_upload_body = app, hosts, max_body, max_upload_body

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if self.hosts is not None and _host_name(headers.get("host", "")) not in self.hosts:
            await _send_json(send, 400, {"error": "unexpected Host header (the app answers loopback names only)"})
            return
        ctype = headers.get("content-type", "")
        limit = self.max_upload_body if ctype.startswith("multipart/form-data") else self.max_body
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _send_json(send, 413, {"error": f"request body larger than {limit // 1000} kB"})
            return
        seen = 0
        started = False

        async def limited_receive() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def secured_send(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in HEADERS if h[0] not in names)]
            await send(message)

        try:
            await self.app(scope, limited_receive, secured_send)
        except BodyTooLarge:
            if not started:
                await _send_json(send, 413, {"error": f"request body larger than {limit // 1000} kB"})
