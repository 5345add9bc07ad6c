"""Knowledge-base routes: search, entity, and the names the simulation API accepts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from ferronet.errors import FerronetError
from ferronet.model.network import CONDITIONS, READOUTS
from ferronet.web.context import Context, clean, get_ctx

router = APIRouter()
Ctx = Annotated[Context, Depends(get_ctx)]


@router.get("/api/search", tags=["knowledge base"])
async def api_search(ctx: Ctx, q: str, limit: int = 30) -> list[dict[str, str]]:
    """Genes, aliases, compounds, cancers and strategies matching ``q``."""
    if not q.strip() or len(q) > 80:
        raise FerronetError("query must be 1 to 80 characters")
    return list(ctx.search((clean(q, "query") or q).strip(), max(1, min(limit, 100))))


@router.get("/api/entity/{name}", tags=["knowledge base"])
async def api_entity(ctx: Ctx, name: str) -> dict[str, Any]:
    """Roles, interactions, strategies and references of a gene, alias, compound, therapy or cancer."""
    if len(name) > 80:
        raise FerronetError("name must be at most 80 characters")
    return ctx.kb.show(clean(name, "name") or name)


@router.get("/api/names", tags=["model"])
async def api_names(ctx: Ctx) -> dict[str, list[str]]:
    """Names accepted by the simulation API (for autocompletion)."""
    model, kb = ctx.model, ctx.kb
    return {
        "genes": list(model.nodes),
        "gene_aliases": [a for n in model.nodes.values() for a in n.aliases],
        "compounds": list(model.compounds),
        "conditions": list(CONDITIONS),
        "cells": list(model.cells),
        "readouts": [*READOUTS, *model.nodes],
        "therapies": sorted({s.therapy for s in kb.strategies}),
        "cancers": sorted(e.id for e in kb.entities.values() if e.kind == "cancer"),
    }
