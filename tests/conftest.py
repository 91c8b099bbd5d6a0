"""Shared pytest configuration and fixtures.

The database engine is picked by one environment variable: `ODYSSEY_TEST_DATABASE_URL`. Unset, every
test gets a fresh SQLite file; set to a PostgreSQL URL (for example
`postgresql://postgres@127.0.0.1:5432/test`), every test gets a fresh PostgreSQL database created
next to that one and dropped afterwards. Either way the fresh database is a copy of one migrated
and seeded once per session (`empty_database_url` gives an empty one). If the PostgreSQL server
is unreachable the tests fail, never skip.

`--long` turns on the slow tests (marked `long`): the 1,000,000-frame posbus fuzz and friends.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from odyssey.config import Settings
from odyssey.services import Services
from tests.live_node import (
    TEST_DATABASE_URL,
    LiveServer,
    fresh_database,
    postgres_execute,
    postgres_url_for,
    run_coroutine,
)

DATA_DIR = Path(__file__).parent / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--long", action="store_true", default=False, help="run the long tests")


def pytest_report_header(config: pytest.Config) -> str:
    engine = "postgresql" if TEST_DATABASE_URL.startswith("postgres") else "sqlite"
    return f"odyssey test database: {engine}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--long"):
        return
    skip_long = pytest.mark.skip(reason="long test: run with --long")
    for item in items:
        if "long" in item.keywords:
            item.add_marker(skip_long)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA_DIR


@pytest.fixture(scope="session")
def prepared_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated and seeded database, made once per session; tests get copies of it.

    Copying (SQLite: the file; PostgreSQL: CREATE DATABASE … TEMPLATE) costs a fraction of
    migrating and seeding each test's database, which is what keeps the suite quick on both engines.
    """
    work = tmp_path_factory.mktemp("template")
    if TEST_DATABASE_URL.startswith("postgres"):
        name = f"odyssey_tpl_{uuid.uuid4().hex[:12]}"
        run_coroutine(lambda: postgres_execute(f'CREATE DATABASE "{name}"'))
        url = postgres_url_for(name)
    else:
        url = f"sqlite:///{work / 'template.db'}"

    async def prepare() -> None:
        services = Services.create(Settings(data_dir=work / "data", database_url=url))
        try:
            await services.migrate()
            await services.seed()
        finally:
            await services.close()

    run_coroutine(prepare)
    try:
        yield url
    finally:
        if TEST_DATABASE_URL.startswith("postgres"):
            drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
            run_coroutine(lambda: postgres_execute(drop))


@pytest.fixture
def database_url(tmp_path: Path, prepared_template: str) -> Iterator[str]:
    """A fresh database, already migrated and seeded (a copy of the session's template)."""
    with fresh_database(tmp_path, prepared_template) as url:
        yield url


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database (no schema), for migration tests."""
    with fresh_database(tmp_path, None) as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url, port=0)


@pytest.fixture
async def services(settings: Settings) -> AsyncIterator[Services]:
    """Services on a migrated and seeded database."""
    services = Services.create(settings)
    await services.migrate()
    await services.seed()
    try:
        yield services
    finally:
        await services.close()


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process (startup migrates and seeds)."""
    from odyssey.app import create_app

    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as http,
    ):
        yield http


@pytest.fixture
def live_server(settings: Settings, tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(settings, tmp_path / "server.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()
