"""Small helpers for printing tables and JSON, and for output-file options checked before any work."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import click

from ferronet.errors import FerronetError
from ferronet.io.atomic import check_writable


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def echo_table(rows: Sequence[Sequence[Any]], header: Sequence[str], max_width: int = 60) -> None:
    cells = [[str(c) if len(str(c)) <= max_width else str(c)[: max_width - 1] + "…" for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    click.echo("  ".join("-" * w for w in widths))
    for r in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


def writable(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Click callback: an output file option is checked when the command line is parsed, before computing."""
    if value is None:
        return None
    name = max(param.opts, key=len) if param.opts else f"--{param.name}"  # --summary-out, not --summary_out
    check_writable(value, name)  # a FerronetError: "error: ..." and exit status 2
    return value


def out_option(*decls: str, **kwargs: Any) -> Any:
    """An output-file option (``--out``, ``--plot``, ``--heatmap``) whose target is checked up front."""
    return click.option(*decls, callback=writable, **kwargs)


def parse_doses(text: str, what: str) -> list[float]:
    """Comma-separated doses in uM: finite numbers from 0 to 1 M, at least one."""
    from ferronet.model.perturbation import PerturbationSyntaxError, check_dose

    parts = [x.strip() for x in text.split(",") if x.strip()]
    if not parts:
        raise FerronetError(f"{what}: no doses given (expected numbers in uM separated by commas, e.g. 0,1,10)")
    out = []
    for x in parts:
        try:
            out.append(check_dose(float(x), x[:40]))
        except ValueError as exc:  # PerturbationSyntaxError is a ValueError
            detail = (
                str(exc)
                if isinstance(exc, PerturbationSyntaxError)
                else f"'{x[:40]}' is not a number (expected numbers separated by commas)"
            )
            raise FerronetError(f"{what}: {detail}") from None
    return out


def check_scheduler(address: str | None, timeout_s: float = 3.0) -> None:
    """A Dask scheduler address that answers within ``timeout_s``, checked before any work (clear error fast)."""
    if not address:
        return
    import socket
    from urllib.parse import urlsplit

    url = urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        host, port = url.hostname, url.port
    except ValueError:
        host, port = None, None
    if url.scheme not in ("tcp", "tls", "ws", "wss") or not host or not port:
        raise FerronetError(f"--scheduler '{address}': expected an address like tcp://127.0.0.1:8786")
    try:
        socket.create_connection((host, port), timeout=timeout_s).close()
    except OSError as exc:
        reason = "timed out" if isinstance(exc, TimeoutError) else (exc.strerror or str(exc))
        raise FerronetError(f"--scheduler {address}: cannot connect to {host}:{port} ({reason})") from None
    try:  # something answers: check it is a Dask scheduler (a proxy or another service is not)
        from dask.distributed import Client

        Client(address, timeout=f"{timeout_s + 2:g}s").close()
    except Exception as exc:
        raise FerronetError(
            f"--scheduler {address}: {host}:{port} answers but is not a usable Dask scheduler "
            f"({type(exc).__name__}: {str(exc)[:120]})"
        ) from None


def scheduler_checked(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Click callback for ``--scheduler``: the address must answer (checked before any work)."""
    check_scheduler(value)
    return value


def text_file(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Click callback for input text files (YAML, TSV): a readable UTF-8 file, or one clear message."""
    if value is None:
        return None
    from pathlib import Path

    path = Path(value)
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise FerronetError(f"'{value}' is a folder; expected a text file") from None
    except OSError as exc:
        raise FerronetError(f"cannot read '{value}': {exc.strerror or exc}") from None
    if b"\x00" in raw[:65536]:
        raise FerronetError(f"'{value}' holds binary data; expected a UTF-8 text file")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start]
        raise FerronetError(f"'{value}' line {line}: not UTF-8 text (byte 0x{byte:02x}); save it as UTF-8") from None
    return value
