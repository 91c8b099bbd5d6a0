"""Fixtures of the API tests (helpers in `api_harness`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from odyssey.app import create_app
from odyssey.config import Settings
from tests.api.api_harness import Api


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[Api]:
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as http,
    ):
        yield Api(http, app.state.services)
