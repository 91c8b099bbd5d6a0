"""Helpers for tests that need a database or a running node (imported by the conftests).

A plain module, not a conftest: several test folders have a conftest of their own, so
`import conftest` would be ambiguous.
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
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx

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
