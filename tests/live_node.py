"""Helpers for tests that need a database or a running node (imported by the conftests).

A plain module, not a conftest: several test folders have a conftest of their own, so
`import conftest` would be ambiguous.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self, TypeVar

from node_process import NodeProcess
from node_process import free_port as free_port  # re-exported for the tests' fixtures
from odyssey.config import Settings

T = TypeVar("T")

TEST_DATABASE_URL = os.environ.get("ODYSSEY_TEST_DATABASE_URL", "")


def postgres_admin_dsn() -> str:
    return TEST_DATABASE_URL.replace("postgresql+asyncpg://", "postgresql://")


def run_coroutine(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion on a private loop in another thread.

    Usable from sync fixtures whatever loop the test runner (or sync Playwright) has running.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()


async def postgres_execute(sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(postgres_admin_dsn())
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def postgres_url_for(name: str) -> str:
    base, _, _ = postgres_admin_dsn().rpartition("/")
    return f"{base}/{name}"


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
    run_coroutine(lambda: postgres_execute(f'CREATE DATABASE "{name}"{clause}'))
    try:
        yield postgres_url_for(name)
    finally:
        run_coroutine(lambda: postgres_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class LiveServer(NodeProcess):
    """`odyssey serve` in a child process on 127.0.0.1, on the test's settings and database."""

    def __init__(
        self, settings: Settings, log_path: Path, *, extra_env: dict[str, str] | None = None
    ) -> None:
        super().__init__(
            settings.data_dir,
            database_url=str(settings.database_url),
            env=extra_env,
            log_path=log_path,
            log_level="info",
        )
        self.settings = settings

    def start(self, timeout: float = 30.0) -> Self:
        return super().start(timeout)
