"""Output files written atomically: the target's folder is checked before the work, data goes to a temporary
file in the same folder, then ``os.replace`` puts it in place (a reader never sees half a file)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ferronet.errors import FerronetError

Writer = Callable[[Path], object]


def check_writable(path: str | Path, what: str = "output") -> Path:
    """``path`` as a Path if a file can be written there; else a clear :class:`FerronetError` (before any work)."""
    p = Path(path)
    if not str(path).strip():
        raise FerronetError(f"{what}: empty file name")
    if "\x00" in str(path):
        raise FerronetError(f"{what}: file name contains a NUL character")
    if p.is_dir():
        raise FerronetError(f"{what} '{p}' is a folder; give a file name, e.g. {p / 'out.tsv'}")
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.exists():
        raise FerronetError(f"{what} '{p}': folder '{folder}' does not exist (create it first)")
    if not folder.is_dir():
        raise FerronetError(f"{what} '{p}': '{folder}' is not a folder")
    if p.exists() and not os.access(p, os.W_OK):
        raise FerronetError(f"{what} '{p}' exists and is read-only")
    try:  # os.access is not enough (read-only mounts, /proc, /sys): try creating a file there
        fd, probe = tempfile.mkstemp(prefix=f".{p.name[:40]}.", suffix=".probe", dir=folder)
    except OSError as exc:
        raise FerronetError(f"{what} '{p}': cannot write in '{folder}' ({exc.strerror or exc})") from None
    os.close(fd)
    os.unlink(probe)
    return p


def atomic_write(path: str | Path, data: bytes | str | Writer, what: str = "output") -> Path:
    """Write ``data`` (bytes, text, or a function writing to the temporary path it is given) to ``path``."""
    p = check_writable(path, what)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{p.name[:40]}.", suffix=p.suffix or ".tmp", dir=p.parent or ".")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, str):
                fh.write(data.encode("utf-8"))
            elif isinstance(data, bytes | bytearray):
                fh.write(data)
        if callable(data):
            data(tmp)
        if p.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, p.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, p)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FerronetError(f"{what} '{p}': cannot write ({exc.strerror or exc})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return p
