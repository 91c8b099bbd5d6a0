"""Signing in for the media tests: a guest token from the auth module's own route."""

from __future__ import annotations

import uuid
from typing import Any, Protocol

import httpx


class Caller:
    """A signed-in guest: their id and the Authorization header."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.user_id = uuid.UUID(body["id"])
        self.token: str = body["token"]
        self.headers = {"Authorization": f"Bearer {self.token}"}


async def sign_in(client: httpx.AsyncClient) -> Caller:
    response = await client.post("/api/v4/auth/guest-token")
    assert response.status_code == 200, response.text
    return Caller(response.json())


class LiveServerLike(Protocol):
    """What the media tests use of tests/conftest.py's `live_server`."""

    url: str
    port: int
