"""Every HTTP route of the sign-in service, on one router for `create_app` to include."""

from __future__ import annotations

from fastapi import APIRouter

from odyssey.auth import routes_oidc, routes_v4

router = APIRouter()
router.include_router(routes_oidc.router)
router.include_router(routes_v4.router)
