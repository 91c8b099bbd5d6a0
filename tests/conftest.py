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

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from odyssey.config import Settings
from odyssey.services import Services

T = TypeVar("T")

DATA_DIR = Path(__file__).parent / "data"
TEST_DATABASE_URL = os.environ.get("ODYSSEY_TEST_DATABASE_URL", "")


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


def _postgres_admin_dsn() -> str:
    return TEST_DATABASE_URL.replace("postgresql+asyncpg://", "postgresql://")


def run_coroutine(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion on a private loop in another thread.

    Usable from sync fixtures whatever loop the test runner (or sync Playwright) has running.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()


async def _postgres(sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(_postgres_admin_dsn())
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _postgres_url_for(name: str) -> str:
    base, _, _ = _postgres_admin_dsn().rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def prepared_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated and seeded database, made once per session; tests get copies of it.

    Copying (SQLite: the file; PostgreSQL: CREATE DATABASE … TEMPLATE) costs a fraction of
    migrating and seeding each test's database, which is what keeps the suite quick on both engines.
    """
    work = tmp_path_factory.mktemp("template")
    if TEST_DATABASE_URL.startswith("postgres"):
        name = f"odyssey_tpl_{uuid.uuid4().hex[:12]}"
        run_coroutine(lambda: _postgres(f'CREATE DATABASE "{name}"'))
        url = _postgres_url_for(name)
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
            run_coroutine(lambda: _postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def fresh_database(tmp_path: Path, template: str | None) -> Iterator[str]:
    """A database of the engine under test for one test: a copy of `template`, or empty."""
    if not TEST_DATABASE_URL.startswith("postgres"):
        target = tmp_path / "odyssey.db"
        if template is not None:
            shutil.copyfile(template.removeprefix("sqlite:///"), target)
        yield f"sqlite:///{target}"
        return
    name = f"odyssey_test_{uuid.uuid4().hex[:12]}"
    clause = f' TEMPLATE "{template.rpartition("/")[2]}"' if template else ""
    run_coroutine(lambda: _postgres(f'CREATE DATABASE "{name}"{clause}'))
    try:
        yield _postgres_url_for(name)
    finally:
        run_coroutine(lambda: _postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """`odyssey serve` in a child process on 127.0.0.1, on the test's database."""

    def __init__(
        self, settings: Settings, log_path: Path, *, extra_env: dict[str, str] | None = None
    ) -> None:
        self.settings = settings
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            ODYSSEY_DATA_DIR=str(self.settings.data_dir),
            ODYSSEY_DATABASE_URL=str(self.settings.database_url),
            ODYSSEY_HOST="127.0.0.1",
            ODYSSEY_PORT=str(self.port),
            ODYSSEY_PUBLIC_URL=self.url,
            ODYSSEY_LOG_LEVEL="info",
        )
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 30.0) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "odyssey.cli", "serve"],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log_path.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers run, like a crash or the OOM killer."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def cli(self, *args: str) -> str:
        """Run an `odyssey` command against this server's storage; its output, or raise."""
        done = subprocess.run(
            [sys.executable, "-m", "odyssey.cli", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0:
            raise RuntimeError(f"odyssey {' '.join(args)} failed: {done.stderr[-2000:]}")
        return done.stdout


@pytest.fixture
def live_server(settings: Settings, tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(settings, tmp_path / "server.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()
