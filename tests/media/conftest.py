"""Media test fixtures: every test that uses `settings` runs once per store.

`store` is "filesystem" (a directory under the test's data dir) or "s3": a moto S3 server in
server mode, started once per session on 127.0.0.1 and a free port, with a fresh bucket per test.
The S3 settings are also put in the environment, so a `live_server` child process uses them.
The upload limits are lowered so that the oversized-upload tests stay small.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from odyssey.config import Settings
from odyssey.services import Services
from tests.media.media_client import Caller, sign_in

SMALL_LIMITS = {
    "ODYSSEY_MEDIA_MAX_IMAGE_BYTES": str(2 * 1024 * 1024),
    "ODYSSEY_MEDIA_MAX_AUDIO_BYTES": str(1024 * 1024),
    "ODYSSEY_MEDIA_MAX_VIDEO_BYTES": str(24 * 1024 * 1024),
    "ODYSSEY_MEDIA_MAX_ASSET_BYTES": str(1024 * 1024),
    "ODYSSEY_MEDIA_MAX_PLUGIN_BYTES": str(1024 * 1024),
    "ODYSSEY_MEDIA_MAX_IMAGE_PIXELS": str(4096 * 4096),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(params=["filesystem", "s3"])
def store(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture
def settings(
    tmp_path: Path,
    database_url: str,
    store: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Settings:
    env = dict(SMALL_LIMITS)
    if store == "s3":
        endpoint: str = request.getfixturevalue("moto_endpoint")
        env.update(
            ODYSSEY_MEDIA_STORE="s3",
            ODYSSEY_MEDIA_S3_ENDPOINT_URL=endpoint,
            ODYSSEY_MEDIA_S3_BUCKET=f"media-{uuid.uuid4().hex[:12]}",
            ODYSSEY_MEDIA_S3_PREFIX="node",
            ODYSSEY_MEDIA_S3_ACCESS_KEY_ID="testing",
            ODYSSEY_MEDIA_S3_SECRET_ACCESS_KEY="testing",
        )
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings(data_dir=tmp_path / "data", database_url=database_url, port=0)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    from odyssey.app import create_app

    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        yield http


@pytest.fixture
def app_services(app: FastAPI) -> Services:
    services: Services = app.state.services
    return services


@pytest.fixture
async def alice(client: httpx.AsyncClient) -> Caller:
    return await sign_in(client)


@pytest.fixture
async def bob(client: httpx.AsyncClient) -> Caller:
    return await sign_in(client)
