"""A write that breaks a constraint leaves storage as the domain's Conflict, which the API answers
with 409 and the one error body, logging what the database said."""

from __future__ import annotations

import logging
import uuid

import httpx
import pytest
from fastapi import FastAPI

from odyssey.api.errors import install_error_handlers
from odyssey.core.errors import Conflict
from odyssey.db.auth_tables import RefreshToken
from odyssey.db.tables import utcnow
from odyssey.services import Services


async def test_a_write_breaking_a_foreign_key_is_a_conflict(services: Services) -> None:
    with pytest.raises(Conflict) as raised:
        async with services.db.write() as session:
            session.add(
                RefreshToken(token_hash="x" * 64, family_id=uuid.uuid4(), expires_at=utcnow())
            )
    assert raised.value.reason == "conflict"
    assert raised.value.detail  # the database's own words, for the log


async def test_the_api_answers_a_conflict_with_409(caplog: pytest.LogCaptureFixture) -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    async def boom() -> None:
        raise Conflict("the change conflicts with the current data", detail="FOREIGN KEY failed")

    transport = httpx.ASGITransport(app=app)
    with caplog.at_level(logging.INFO, logger="odyssey.api.errors"):
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/boom")
    assert response.status_code == 409
    assert response.json() == {
        "error": {"reason": "conflict", "message": "the change conflicts with the current data"}
    }
    assert "integrity error: FOREIGN KEY failed" in caplog.text
