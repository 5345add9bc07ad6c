"""HTML pages (Jinja templates; every number on them comes from the JSON API)."""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ferronet import __version__
from ferronet.errors import UnknownNameError
from ferronet.web.context import Context, get_ctx

router = APIRouter(include_in_schema=False)
Ctx = Annotated[Context, Depends(get_ctx)]
TEMPLATES = Jinja2Templates(directory=str(resources.files("ferronet.web").joinpath("templates")))
SIMPLE = {
    "/network": "network.html",
    "/simulate": "simulate.html",
    "/combo": "combo.html",
    "/recommend": "recommend.html",
    "/predict": "predict.html",
}


def page(ctx: Context, request: Request, template: str, **values: Any) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {"version": __version__, "model_version": ctx.model.version, "kb_version": ctx.kb.version, **values},
    )


@router.get("/", response_class=HTMLResponse)
def home(ctx: Ctx, request: Request, q: str = "") -> HTMLResponse:
    hits = list(ctx.search(q.strip(), 50)) if q.strip() and len(q) <= 80 else []
    return page(ctx, request, "search.html", q=q, hits=hits, counts=ctx.kb.counts())


@router.get("/entity/{name}", response_class=HTMLResponse)
def entity_page(ctx: Ctx, request: Request, name: str) -> HTMLResponse:
    try:
        info = ctx.kb.show(name[:80])
    except UnknownNameError as exc:
        return page(ctx, request, "notfound.html", name=name[:80], suggestions=exc.suggestions)
    refs = {i: r for r in info["references"] for i in (r["id"], *r["aliases"])}
    return page(ctx, request, "entity.html", info=info, refs=refs)


def _simple(template: str) -> Any:
    def view(ctx: Ctx, request: Request) -> HTMLResponse:
        return page(ctx, request, template)

    return view


for _route, _template in SIMPLE.items():
    router.get(_route, response_class=HTMLResponse)(_simple(_template))
