"""``ferronet serve``: a FastAPI app serving pages and a JSON API (OpenAPI document at /openapi.json).

Front-end assets are served from the package (plotly.js from the plotly wheel, our own app.js): no CDN.
"""

from __future__ import annotations

import io
import os
import tempfile
import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from ferronet import __version__
from ferronet.errors import FerronetError, UnknownNameError, ValidationError
from ferronet.kb import load_kb
from ferronet.model import load_model
from ferronet.model.network import CONDITIONS, READOUTS
from ferronet.model.perturbation import PerturbationSyntaxError
from ferronet.report.network import model_graph
from ferronet.screen import combo_screen, recommend
from ferronet.sim import Condition
from ferronet.sim.engine import BatchEngine
from ferronet.web.batcher import SimulationBatcher
from ferronet.web.schemas import ComboRequest, DoseResponseRequest, RecommendRequest, SimulateRequest

MAX_UPLOAD = int(os.environ.get("FERRONET_MAX_UPLOAD", 2_000_000))  # bytes
MAX_UPLOAD_SAMPLES = 200
TEMPLATES = Jinja2Templates(directory=str(resources.files("ferronet.web").joinpath("templates")))
STATIC = Path(str(resources.files("ferronet.web").joinpath("static")))


def _plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


class State:
    """Per-app state: the last simulation's node activities colour the network view."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last_state: dict[str, float] = {}
        self.last_label = "untreated default cell"


def create_app() -> FastAPI:
    app = FastAPI(
        title="ferronet",
        version=__version__,
        description="Ferroptosis in cancer drug resistance: knowledge base, kinetic model, screens, predictions.",
        docs_url=None,
        redoc_url=None,
    )
    state = State()
    kb, model = load_kb(), load_model()

    # ---- errors: clear JSON, never a traceback --------------------------------------------------------------
    @app.exception_handler(UnknownNameError)
    async def unknown_name(_: Request, exc: UnknownNameError) -> JSONResponse:
        return JSONResponse({"error": str(exc), "suggestions": exc.suggestions}, status_code=404)

    @app.exception_handler(ValidationError)
    async def invalid(_: Request, exc: ValidationError) -> JSONResponse:
        return JSONResponse({"error": "invalid input", "problems": [str(p) for p in exc.problems]}, status_code=400)

    @app.exception_handler(FerronetError)
    async def user_error(_: Request, exc: FerronetError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=400)

    @app.exception_handler(PerturbationSyntaxError)
    async def syntax_error(_: Request, exc: PerturbationSyntaxError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"error": f"internal error ({type(exc).__name__})"}, status_code=500)

    # ---- static assets --------------------------------------------------------------------------------------
    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(_plotly_js(), media_type="text/javascript")

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> FileResponse:
        path = (STATIC / name).resolve()
        if path.parent != STATIC.resolve() or not path.is_file():
            raise StarletteHTTPException(404, f"no static file '{name}'")
        return FileResponse(path)

    # ---- JSON API -------------------------------------------------------------------------------------------
    @app.get("/api/search", tags=["knowledge base"])
    async def api_search(q: str, limit: int = 30) -> list[dict[str, str]]:
        """Genes, aliases, compounds, cancers and strategies matching ``q``."""
        if not q.strip() or len(q) > 80:
            raise FerronetError("query must be 1 to 80 characters")
        return kb.search(q, limit=max(1, min(limit, 100)))

    @app.get("/api/entity/{name}", tags=["knowledge base"])
    def api_entity(name: str) -> dict[str, Any]:
        """Roles, interactions, strategies and references of a gene, alias, compound, therapy or cancer."""
        return kb.show(name)

    @app.get("/api/names", tags=["model"])
    def api_names() -> dict[str, list[str]]:
        """Names accepted by the simulation API (for autocompletion)."""
        aliases = [a for n in model.nodes.values() for a in n.aliases]
        return {
            "genes": list(model.nodes),
            "gene_aliases": aliases,
            "compounds": list(model.compounds),
            "conditions": list(CONDITIONS),
            "cells": list(model.cells),
            "readouts": [*READOUTS, *model.nodes],
            "therapies": sorted({s.therapy for s in kb.strategies}),
            "cancers": sorted(e.id for e in kb.entities.values() if e.kind == "cancer"),
        }

    @app.get("/api/network", tags=["model"])
    def api_network() -> dict[str, Any]:
        """Model nodes and cited signed edges, with each node's activity in the last simulation."""
        g = model_graph(kb, model)
        with state.lock:
            values, label = dict(state.last_state), state.last_label
        return {
            "state_of": label,
            "nodes": [{"id": n, "activity": values.get(n, 1.0)} for n in g.nodes],
            "edges": [
                {"source": u, "target": v, "sign": d["sign"], "refs": d["refs"][:5]} for u, v, d in g.edges(data=True)
            ],
        }

    batcher = SimulationBatcher(BatchEngine.for_model(model))

    @lru_cache(maxsize=256)
    def simulated(cond: Condition, names: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, float]]:
        """Simulations are deterministic: identical requests are answered from this cache; concurrent distinct
        requests are simulated together (micro-batching)."""
        conds = [Condition(cond.cell), cond]
        res, idx = batcher.run(conds)
        activity = {n: float(res.readout(n)[idx[1]]) for n in model.nodes}
        activity["ferroptosis"] = 1.0 + float(res.readout("ferroptosis")[idx[1]])
        body = {
            "conditions": [str(c) for c in conds],
            "times_h": res.times.tolist(),
            "timecourses": {n: res.timecourse(n)[:, idx].T.tolist() for n in names},
            "final": {n: res.readout(n)[idx].tolist() for n in names},
            "provenance": res.provenance,
        }
        return body, activity

    @app.post("/api/simulate", tags=["model"])
    def api_simulate(req: SimulateRequest) -> dict[str, Any]:
        """A 24 h exposure of a cell to perturbations, next to the untreated cell: time courses and readouts."""
        cond = Condition.parse(model, req.perturbations, req.cell)
        default = ("ferroptosis", "lipid_peroxidation", "GSH", "labile_iron")
        names = tuple(model.resolve_readout(r) for r in req.readouts) or default
        body, activity = simulated(cond, names)
        with state.lock:
            state.last_state, state.last_label = activity, str(cond)
        return body

    @app.post("/api/dose-response", tags=["screens"])
    def api_dose_response(req: DoseResponseRequest) -> dict[str, Any]:
        kind, drug = model.lookup(req.drug)
        if kind != "compound":
            raise FerronetError(f"'{req.drug}' is a {kind}, not a compound")
        if req.doses is not None and (any(d < 0 for d in req.doses) or not req.doses):
            raise FerronetError("doses must be a non-empty list of numbers >= 0")
        doses = req.doses or list(model.compounds[drug].standard_doses(10))
        conds = [Condition.parse(model, [f"{drug}@{d:g}uM", *req.extra], req.cell) for d in doses]
        death = BatchEngine.for_model(model).run(conds).readout("ferroptosis")
        return {"drug": drug, "doses_uM": doses, "ferroptosis": death.tolist()}

    @app.post("/api/combo", tags=["screens"])
    def api_combo(req: ComboRequest) -> dict[str, Any]:
        """Dose matrix of two drugs with HSA, Bliss, Loewe and ZIP synergy."""
        res = combo_screen(req.drugs, model=model, cell=req.cell, n_doses=req.n_doses, progress=False)[0]
        return {
            "drug_a": res.drug_a,
            "drug_b": res.drug_b,
            "doses_a": res.doses_a.tolist(),
            "doses_b": res.doses_b.tolist(),
            "response": res.response.tolist(),
            "synergy": {k: v.tolist() for k, v in res.synergy.items()},
            "scores": res.scores(),
        }

    @app.post("/api/recommend", tags=["screens"])
    def api_recommend(req: RecommendRequest) -> dict[str, Any]:
        """Ranked interventions that restore ferroptosis under a therapy, with their evidence."""
        rep = recommend(req.therapy, req.cancer, req.mutations, req.profile, top=req.top, kb=kb, model=model)
        return {
            "therapy": rep.therapy,
            "therapy_model": rep.therapy_model,
            "cancer": rep.cancer,
            "resistant_state": rep.resistant_state,
            "baseline_death": rep.baseline_death,
            "recommendations": [r.to_dict() for r in rep.recommendations],
        }

    @app.get("/api/report", tags=["screens"], response_class=HTMLResponse)
    def api_report(therapy: str, cancer: str | None = None) -> Response:
        """The self-contained HTML report, as a download."""
        from ferronet.report.html import build_report

        with tempfile.TemporaryDirectory() as tmp:
            path = build_report(therapy, cancer or None, [], Path(tmp) / "report.html")
            body = path.read_text(encoding="utf-8")
        fname = f"ferronet-report-{therapy}-{cancer or 'any'}.html".replace("/", "_").replace(" ", "_")
        return HTMLResponse(body, headers={"Content-Disposition": f'attachment; filename="{fname}"'})

    @app.post("/api/predict", tags=["predictions"])
    async def api_predict(
        drug: Annotated[str, Form(max_length=80)],
        expression: Annotated[UploadFile, File()],
        mutations: Annotated[UploadFile | None, File()] = None,
    ) -> dict[str, Any]:
        """Predictions for an uploaded expression (and optional mutation) table: samples as rows."""
        from ferronet.profile.io import read_samples
        from ferronet.profile.personalise import predict

        frames = {}
        with tempfile.TemporaryDirectory() as tmp:
            for key, upload in (("expression", expression), ("mutations", mutations)):
                if upload is None or not upload.filename:
                    continue
                data = await upload.read(MAX_UPLOAD + 1)
                if len(data) > MAX_UPLOAD:
                    raise StarletteHTTPException(413, f"{key} upload is larger than {MAX_UPLOAD // 1000} kB")
                suffix = ".gz" if data[:2] == b"\x1f\x8b" else ".txt"
                path = Path(tmp) / f"{Path(upload.filename).name or key}{suffix}"
                path.write_bytes(data)
                frames[key] = read_samples(path, key, binary=key == "mutations")
        expr = frames["expression"]
        if len(expr) > MAX_UPLOAD_SAMPLES:
            raise FerronetError(
                f"at most {MAX_UPLOAD_SAMPLES} samples per upload (got {len(expr)}); use the CLI for cohorts"
            )
        import warnings

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            table = predict(drug, expr, frames.get("mutations"), progress=False)
        table = table.replace({np.nan: None})
        return {
            "drug": drug,
            "columns": list(table.columns),
            "rows": table.to_dict(orient="records"),
            "warnings": [str(w.message) for w in caught],
            "tsv": table.to_csv(sep="\t", index=False),
        }

    # ---- pages ----------------------------------------------------------------------------------------------
    def page(request: Request, template: str, **ctx: Any) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(
            request, template, {"version": __version__, "model_version": model.version, "kb_version": kb.version, **ctx}
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, q: str = "") -> HTMLResponse:
        hits = kb.search(q, limit=50) if q.strip() and len(q) <= 80 else []
        return page(request, "search.html", q=q, hits=hits, counts=kb.counts())

    @app.get("/entity/{name}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(request: Request, name: str) -> HTMLResponse:
        try:
            info = kb.show(name)
        except UnknownNameError as exc:
            return page(request, "notfound.html", name=name, suggestions=exc.suggestions)
        return page(request, "entity.html", info=info, refs={r["id"]: r for r in info["references"]})

    for route, template in [
        ("/network", "network.html"),
        ("/simulate", "simulate.html"),
        ("/combo", "combo.html"),
        ("/recommend", "recommend.html"),
        ("/predict", "predict.html"),
    ]:

        def make(t: str):
            def view(request: Request) -> HTMLResponse:
                return page(request, t)

            return view

        app.get(route, response_class=HTMLResponse, include_in_schema=False)(make(template))

    @app.get("/api/predict/example", tags=["predictions"], include_in_schema=False)
    def example_table() -> Response:
        rows = pd.DataFrame(
            {"AIFM2": [1.5, -1.0, 0.0], "GPX4": [0.3, 0.1, -0.2], "ACSL4": [-1.0, 1.2, 0.0], "NQO1": [2.0, -0.5, 0.1]},
            index=pd.Index(["tumour_1", "tumour_2", "tumour_3"], name="sample"),
        )
        buf = io.StringIO()
        rows.to_csv(buf, sep="\t")
        return Response(buf.getvalue(), media_type="text/tab-separated-values")

    return app


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    import uvicorn

    uvicorn.run(create_app(), host=host, port=port, log_level="warning")
