"""Prediction routes: uploads are bounded (bytes, inflated size, rows, columns) and parsed in the job pool."""

from __future__ import annotations

import hashlib
import io
import os
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from ferronet.profile.io import Limits
from ferronet.web import jobs
from ferronet.web.context import Context, clean, get_ctx

router = APIRouter()
Ctx = Annotated[Context, Depends(get_ctx)]
MAX_UPLOAD = int(os.environ.get("FERRONET_MAX_UPLOAD", 2_000_000))  # bytes, as sent (maybe gzipped)
MAX_UPLOAD_SAMPLES = 200
UPLOAD_LIMITS = Limits(max_bytes=10 * MAX_UPLOAD, max_rows=MAX_UPLOAD_SAMPLES, max_cols=60_000)


@router.post("/api/predict", tags=["predictions"])
async def api_predict(
    ctx: Ctx,
    drug: Annotated[str, Form(max_length=80)],
    expression: Annotated[UploadFile, File()],
    mutations: Annotated[UploadFile | None, File()] = None,
    readout: Annotated[Literal["auto", "model", "signed"], Form()] = "auto",
) -> dict[str, Any]:
    """Predictions for an uploaded expression (and optional mutation) table: samples as rows, at most
    200 samples and 2 MB per file (20 MB once decompressed). ``readout``: the mechanism-signed readout where the drug
    has one (ML210, ML162), else the simulated model (``auto``, default), or either one by name."""
    uploads: dict[str, bytes] = {}
    for key, upload in (("expression", expression), ("mutations", mutations)):
        if upload is None or not upload.filename:
            continue
        data = await upload.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise HTTPException(413, f"{key} upload is larger than {MAX_UPLOAD // 1000} kB")
        uploads[key] = data
    drug = clean(drug, "drug") or drug
    cache_key = (
        "predict",
        drug,
        readout,
        *(f"{k}:{hashlib.sha256(v).hexdigest()}" for k, v in sorted(uploads.items())),
    )
    result: dict[str, Any] = await ctx.pool.cached(cache_key, jobs.predict_job, drug, uploads, UPLOAD_LIMITS, readout)
    return result


@router.get("/api/predict/example", tags=["predictions"], include_in_schema=False)
async def example_table() -> Response:
    rows = pd.DataFrame(
        {"AIFM2": [1.5, -1.0, 0.0], "GPX4": [0.3, 0.1, -0.2], "ACSL4": [-1.0, 1.2, 0.0], "NQO1": [2.0, -0.5, 0.1]},
        index=pd.Index(["tumour_1", "tumour_2", "tumour_3"], name="sample"),
    )
    buf = io.StringIO()
    rows.to_csv(buf, sep="\t")
    return Response(buf.getvalue(), media_type="text/tab-separated-values")


@router.get("/api/status", tags=["predictions"])
async def api_status(ctx: Ctx) -> dict[str, int]:
    """Load of the heavy-job pool (the pages show it while a long request waits)."""
    return ctx.pool.status()
