"""Model routes: the network (coloured by the state this request asks for), simulations and dose-response."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from ferronet.errors import FerronetError
from ferronet.model.perturbation import check_dose
from ferronet.report.network import model_graph
from ferronet.sim import Condition
from ferronet.web.context import Context, clean, get_ctx
from ferronet.web.schemas import DoseResponseRequest, SimulateRequest

router = APIRouter()
Ctx = Annotated[Context, Depends(get_ctx)]
DEFAULT_READOUTS = ("ferroptosis", "lipid_peroxidation", "GSH", "labile_iron")


@router.get("/api/network", tags=["model"])
def api_network(
    ctx: Ctx,
    perturbations: Annotated[list[str], Query(max_length=12)] = [],  # noqa: B006 - FastAPI query list
    cell: Annotated[str | None, Query(max_length=40)] = None,
) -> dict[str, Any]:
    """Model nodes and cited signed edges, each node coloured by its activity in the state given by *this*
    request (``perturbations`` and ``cell``; default the untreated default cell), relative to the untreated
    default cell. Nothing depends on what other users simulated."""
    g = model_graph(ctx.kb, ctx.model)
    cell = clean(cell, "cell")
    values: dict[str, float] = {}
    label = "untreated default cell"
    if perturbations or cell:
        cond = Condition.parse(ctx.model, [clean(p, "perturbation") or "" for p in perturbations], cell)
        _, values = ctx.simulated(cond, DEFAULT_READOUTS)
        label = str(cond)
    return {
        "state_of": label,
        "nodes": [{"id": n, "activity": values.get(n, 1.0)} for n in g.nodes],
        "edges": [
            {"source": u, "target": v, "sign": d["sign"], "refs": d["refs"][:5]} for u, v, d in g.edges(data=True)
        ],
    }


@router.post("/api/simulate", tags=["model"])
def api_simulate(ctx: Ctx, req: SimulateRequest) -> dict[str, Any]:
    """A 24 h exposure of a cell to perturbations, next to the untreated cell: time courses and readouts."""
    cond = Condition.parse(
        ctx.model, [clean(p, "perturbation") or "" for p in req.perturbations], clean(req.cell, "cell")
    )
    names = tuple(ctx.model.resolve_readout(r) for r in req.readouts) or DEFAULT_READOUTS
    body, _ = ctx.simulated(cond, names)
    return body


@router.post("/api/dose-response", tags=["screens"])
def api_dose_response(ctx: Ctx, req: DoseResponseRequest) -> dict[str, Any]:
    """Fraction of cells dying by ferroptosis across doses (0 to 1 M) of a drug."""
    model = ctx.model
    kind, drug = model.lookup(clean(req.drug, "drug") or req.drug)
    if kind != "compound":
        raise FerronetError(f"'{req.drug}' is a {kind}, not a compound")
    if req.doses is not None and not req.doses:
        raise FerronetError("doses must be a non-empty list of numbers from 0 to 1e6 uM (1 M)")
    doses = [check_dose(d, "doses") for d in req.doses] if req.doses else list(model.compounds[drug].standard_doses(10))
    conds = [Condition.parse(model, [f"{drug}@{d:g}uM", *req.extra], clean(req.cell, "cell")) for d in doses]
    res, idx = ctx.batcher.run(conds, ["ferroptosis"])
    death = res.readout("ferroptosis")[idx]
    return {"drug": drug, "doses_uM": doses, "ferroptosis": death.tolist()}
