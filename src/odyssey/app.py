"""Composition root: the ASGI application with every service mounted on one port."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp

from odyssey import __version__
from odyssey.api.docs import router as api_docs_router
from odyssey.api.docs import stable_operation_id
from odyssey.api.errors import install_error_handlers
from odyssey.api.headers import SecurityHeaders
from odyssey.api.paths import PathGuard
from odyssey.api.routes import ROUTERS as API_ROUTERS
from odyssey.api.routes import auth as auth_routes
from odyssey.api.routes import media as media_routes
from odyssey.api.routes import oidc as oidc_routes
from odyssey.config import Settings
from odyssey.controller import Controller, PosbusMiddleware
from odyssey.core.errors import Unavailable
from odyssey.db.realtime import RealtimeStore
from odyssey.services import Services
from odyssey.webapp import install_web_app

log = logging.getLogger(__name__)

API_VERSION = {"major": 4, "minor": 0, "patch": 0}


class NodeApp(FastAPI):
    """FastAPI with the node's outermost middleware around Starlette's whole stack.

    `add_middleware` places a middleware inside ServerErrorMiddleware, whose 500 answer would
    then go out without it; the security headers must be on every response, that one included.
    Odd paths are refused before anything routes them.
    """

    def __init__(self, *, settings: Settings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = settings

    def build_middleware_stack(self) -> ASGIApp:
        guarded = PathGuard(
            super().build_middleware_stack(),
            max_path_bytes=self.settings.http_max_path_bytes,
            max_segment_bytes=self.settings.http_max_path_segment_bytes,
        )
        return SecurityHeaders(guarded, public_url=self.settings.resolved_public_url)


def create_app(settings: Settings | None = None, *, prepare_database: bool = True) -> FastAPI:
    """Build the app. With `prepare_database`, startup migrates and seeds (idempotent)."""
    settings = settings or Settings()
    services = Services.create(settings)
    controller = Controller(
        settings, RealtimeStore(services.db), services.bus, services.auth.verify_token
    )
    services.presence = controller

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if prepare_database:
            await services.migrate()
            await services.seed()
        await controller.start()
        log.info("odyssey %s ready on %s", __version__, settings.resolved_public_url)
        try:
            yield
        finally:
            await controller.stop()
            await services.close()

    app = NodeApp(
        settings=settings,
        title="Odyssey node",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        generate_unique_id_function=stable_operation_id,
    )
    app.state.services = services
    install_error_handlers(app)
    app.add_middleware(PosbusMiddleware, controller=controller)
    app.include_router(media_routes.router)
    app.include_router(oidc_routes.router)
    app.include_router(auth_routes.router)
    for router in API_ROUTERS:
        app.include_router(router)
    app.include_router(api_docs_router)

    @app.get("/health", tags=["infra"], response_model=None)
    async def health() -> dict[str, str] | JSONResponse:
        """Ready to serve: the database answers (503 with Retry-After while it does not)."""
        try:
            await services.db.ping()
        except Unavailable as error:
            return JSONResponse(
                {"status": "unavailable", "database": "unreachable"},
                status_code=503,
                headers={"Retry-After": str(error.retry_after)},
            )
        return {"status": "ok"}

    @app.get("/version", tags=["infra"])
    async def version() -> dict[str, dict[str, int]]:
        major, minor, patch = (int(part) for part in __version__.split(".")[:3])
        return {
            "api": API_VERSION,
            "controller": {"major": major, "minor": minor, "patch": patch},
        }

    # The web client's catch-all GET route: keep it after every other route.
    install_web_app(app, settings)
    return app
