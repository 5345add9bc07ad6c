"""``ferronet serve``: a FastAPI app serving pages and a JSON API (OpenAPI document at /openapi.json).

``create_app`` only wires things together: the edge middleware (Host check, body caps, security headers), error
handlers, and the routers in :mod:`ferronet.web.routes` (which hold no science: they call the public API).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ferronet import __version__
from ferronet.errors import FerronetError, UnknownNameError, ValidationError
from ferronet.model.perturbation import PerturbationSyntaxError
from ferronet.web.context import Context
from ferronet.web.jobs import HeavyPool, ServerBusy
from ferronet.web.routes import kb, model, pages, predict, screens, static
from ferronet.web.security import EdgeMiddleware, allowed_hosts

MAX_JSON_BODY = 64_000  # bytes; JSON requests are small
MAX_SHOWN_PROBLEMS = 50


def _errors(app: FastAPI) -> None:
    """Clear JSON errors, never a traceback (nor a 159 MB list of problems)."""

    @app.exception_handler(UnknownNameError)
    async def unknown_name(_: Request, exc: UnknownNameError) -> JSONResponse:
        return JSONResponse({"error": str(exc), "suggestions": exc.suggestions}, status_code=404)

    @app.exception_handler(ValidationError)
    async def invalid(_: Request, exc: ValidationError) -> JSONResponse:
        shown = [str(p) for p in exc.problems[:MAX_SHOWN_PROBLEMS]]
        if len(exc.problems) > MAX_SHOWN_PROBLEMS:
            shown.append(f"... and {len(exc.problems) - MAX_SHOWN_PROBLEMS} more problems")
        return JSONResponse({"error": f"invalid input ({len(exc.problems)} problems)", "problems": shown}, 400)

    @app.exception_handler(FerronetError)
    async def user_error(_: Request, exc: FerronetError) -> JSONResponse:
        return JSONResponse({"error": str(exc)[:2000]}, status_code=400)

    @app.exception_handler(PerturbationSyntaxError)
    async def syntax_error(_: Request, exc: PerturbationSyntaxError) -> JSONResponse:
        return JSONResponse({"error": str(exc)[:2000]}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        # the offending input is not echoed back (it may be huge or not JSON-serialisable, e.g. Infinity)
        detail = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))[:300]} for e in exc.errors()[:20]]
        return JSONResponse({"error": "invalid request", "detail": detail}, status_code=422)

    @app.exception_handler(ServerBusy)
    async def busy(_: Request, exc: ServerBusy) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=503, headers={"Retry-After": str(exc.retry_after)})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"error": f"internal error ({type(exc).__name__})"}, status_code=500)


def create_app(
    host: str | None = "127.0.0.1",
    hosts: Iterable[str] = (),
    pool: HeavyPool | None = None,
    simulate_in_process: bool = False,
) -> FastAPI:
    """The app. ``host`` is the interface served: the Host header must be a loopback name or ``host``
    (any name when ``host`` is a wildcard such as 0.0.0.0); ``hosts`` adds accepted names. ``pool`` replaces the
    heavy-job pool; ``simulate_in_process`` runs simulations in this process (no simulation worker)."""
    ctx = Context.create(pool, in_process=simulate_in_process)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        ctx.pool.start()  # workers load the model in the background, before the first heavy request
        if ctx.simulator is not None:
            ctx.simulator.start()
        yield
        ctx.pool.shutdown()
        if ctx.simulator is not None:
            ctx.simulator.shutdown()

    app = FastAPI(
        title="ferronet",
        version=__version__,
        description="Ferroptosis in cancer drug resistance: knowledge base, kinetic model, screens, predictions.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    _errors(app)
    for module in (static, kb, model, screens, predict, pages):
        app.include_router(module.router)
    app.add_middleware(
        EdgeMiddleware,
        hosts=allowed_hosts(host, hosts),
        max_body=MAX_JSON_BODY,
        max_upload_body=2 * predict.MAX_UPLOAD + MAX_JSON_BODY,
    )
    return app


def serve(host: str = "127.0.0.1", port: int = 8000, hosts: Iterable[str] = ()) -> None:
    import uvicorn

    uvicorn.run(create_app(host, hosts), host=host, port=port, log_level="warning")
