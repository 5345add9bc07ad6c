"""Front-end assets from the package (plotly.js from the plotly wheel, our own app.js and CSS): no CDN."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from starlette.exceptions import HTTPException

router = APIRouter(include_in_schema=False)
STATIC = Path(str(resources.files("ferronet.web").joinpath("static")))
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def _plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@router.get("/static/plotly.min.js")
def plotly_js() -> FileResponse:
    return FileResponse(_plotly_js(), media_type="text/javascript")


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    if not SAFE_NAME.match(name) or ".." in name:
        raise HTTPException(404, "no such static file")
    path = STATIC / name
    if not path.is_file():
        raise HTTPException(404, f"no static file '{name}'")
    return FileResponse(path)
