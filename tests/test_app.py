"""The HTTP skeleton: health, version, and the error shape for unknown routes."""

from __future__ import annotations

import httpx


async def test_health(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_version_has_the_reference_shape(client: httpx.AsyncClient) -> None:
    body = (await client.get("/version")).json()
    assert body["api"] == {"major": 4, "minor": 0, "patch": 0}
    assert set(body["controller"]) == {"major", "minor", "patch"}


async def test_unknown_route_is_a_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v4/does-not-exist")
    assert response.status_code == 404
    assert response.json()["error"]["reason"] == "not_found"
