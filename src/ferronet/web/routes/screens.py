"""Screen routes: combinations, recommendations and the HTML report, run in the heavy-job pool."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from ferronet.web import jobs
from ferronet.web.context import Context, clean, get_ctx
from ferronet.web.schemas import ComboRequest, RecommendRequest

router = APIRouter()
Ctx = Annotated[Context, Depends(get_ctx)]


def _names(values: list[str], what: str) -> list[str]:
    return [v for v in (clean(x, what) for x in values) if v]


@router.post("/api/combo", tags=["screens"])
async def api_combo(ctx: Ctx, req: ComboRequest) -> dict[str, Any]:
    """Dose matrix of two drugs with HSA, Bliss, Loewe and ZIP synergy (failed wells: null, never scored)."""
    doses = {k: list(v) for k, v in (req.doses or {}).items()}
    args = (_names(req.drugs, "drug"), clean(req.cell, "cell"), req.n_doses, doses)
    key = ("combo", json.dumps(args, sort_keys=True))
    result: dict[str, Any] = await ctx.pool.cached(key, jobs.combo_job, *args)
    return result


@router.post("/api/recommend", tags=["screens"])
async def api_recommend(ctx: Ctx, req: RecommendRequest) -> dict[str, Any]:
    """Ranked interventions that restore ferroptosis under a therapy, with their evidence."""
    therapy = clean(req.therapy, "therapy") or req.therapy
    args = (therapy, clean(req.cancer, "cancer"), tuple(_names(req.mutations, "mutation")), req.top)
    result: dict[str, Any] = await ctx.pool.cached(("recommend", *args), jobs.recommend_job, *args)
    return result


@router.get("/api/report", tags=["screens"], response_class=HTMLResponse)
async def api_report(
    ctx: Ctx,
    therapy: Annotated[str, Query(min_length=1, max_length=80)],
    cancer: Annotated[str | None, Query(max_length=80)] = None,
    mutation: Annotated[list[str], Query(max_length=10)] = [],  # noqa: B006 - FastAPI query list
) -> Response:
    """The self-contained HTML report (with the given mutations, as on the recommend page), as a download."""
    therapy = clean(therapy, "therapy") or therapy
    cancer = clean(cancer, "cancer")
    args = (therapy, cancer, tuple(_names(mutation, "mutation")))
    body: str = await ctx.pool.cached(("report", *args), jobs.report_job, *args)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", f"ferronet-report-{therapy}-{cancer or 'any'}")[:100]
    return HTMLResponse(body, headers={"Content-Disposition": f'attachment; filename="{stem}.html"'})
