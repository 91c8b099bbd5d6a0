"""The one table from domain reasons to HTTP: limits become 429 with Retry-After, outages 503."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from odyssey.api.errors import install_error_handlers
from odyssey.core.errors import DomainError, QuotaExceeded, RateLimited, Unavailable


def _app_raising(error: DomainError) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    async def boom() -> None:
        raise error

    return app


@pytest.mark.parametrize(
    ("error", "status", "reason", "retry_after"),
    [
        (RateLimited("slow down", retry_after=7), 429, "too_many_requests", "7"),
        (RateLimited("slow down", retry_after=0), 429, "too_many_requests", "1"),
        (QuotaExceeded("no more objects"), 429, "quota_exceeded", None),
        (QuotaExceeded("bytes today", retry_after=3600), 429, "quota_exceeded", "3600"),
        (Unavailable("database is down"), 503, "service_unavailable", "5"),
    ],
)
async def test_limits_and_outages_map_to_status_and_retry_after(
    error: DomainError, status: int, reason: str, retry_after: str | None
) -> None:
    transport = httpx.ASGITransport(app=_app_raising(error))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/boom")
    assert response.status_code == status
    assert response.json() == {"error": {"reason": reason, "message": error.message}}
    assert response.headers.get("retry-after") == retry_after
