"""A PostgreSQL outage: 503 with Retry-After, one log line each way, and recovery by itself.

Before: during a PostgreSQL restart every request answered 500 and logged two tracebacks.

The test runs its own throwaway PostgreSQL cluster (initdb + pg_ctl on a free port in a temporary
folder, as the `postgres` user when run as root), never the shared server the other tests use, so
it can stop it at will: `pg_ctl stop -m immediate` is the server vanishing (a crash, a restart).
It needs only the PostgreSQL server binaries, on either test leg; it fails, never skips, when they
are missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from odyssey.app import create_app
from odyssey.config import Settings
from odyssey.controller import Controller
from odyssey.core.errors import Unavailable
from odyssey.db import tables as t
from odyssey.db.engine import outage_reason
from odyssey.db.realtime import LAST_KNOWN_POSITION, position_value
from odyssey.posbus import MyTransform, Vec3

OUTAGE_LINE = "database unreachable: "
BACK_LINE = "database reachable again"


def _server_binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version, reverse=True)
    on_path = shutil.which("pg_ctl")
    if found:
        return Path(found[0]).parent
    if on_path:
        return Path(on_path).parent
    pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql")


def _version(path: str) -> float:
    try:
        return float(Path(path).parents[1].name)
    except ValueError:
        return 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Cluster:
    """A private PostgreSQL server: its folder, port and binaries."""

    root: Path
    port: int
    bin: Path

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, timeout=120, check=False)
        if done.returncode != 0:
            output = (done.stdout + done.stderr).decode(errors="replace")
            raise RuntimeError(f"{' '.join(command)} failed: {output[-2000:]}")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        data, log = str(self.root / "data"), str(self.root / "log")
        self.run("pg_ctl", "-D", data, "-o", options, "-l", log, "-w", "-t", "60", "start")

    def stop(self, mode: str = "immediate") -> None:
        self.run("pg_ctl", "-D", str(self.root / "data"), "-m", mode, "-w", "stop")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    # Not under pytest's tmp_path: as root that is private to root, and the server runs as
    # `postgres`.
    with tempfile.TemporaryDirectory(prefix="odyssey-pg-") as folder:
        root = Path(folder)
        if os.geteuid() == 0:
            shutil.chown(root, "postgres")
        server = Cluster(root, _free_port(), _server_binaries())
        server.run("initdb", "-D", str(root / "data"), "-A", "trust", "-U", "postgres", "-N")
        server.start()
        try:
            yield server
        finally:
            with contextlib.suppress(RuntimeError):  # already stopped
                server.stop("immediate")


@pytest.fixture
async def app(cluster: Cluster, tmp_path: Path) -> AsyncIterator[FastAPI]:
    settings = Settings(data_dir=tmp_path / "data", database_url=cluster.url, port=0, web_dir=None)
    node = create_app(settings)
    async with node.router.lifespan_context(node):
        yield node


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    # raise_app_exceptions=False: a 500 is seen as a browser sees it, not as a test error.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def _lines(caplog: pytest.LogCaptureFixture, start: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(start)]


async def test_an_outage_is_503_with_retry_after_and_the_node_recovers_by_itself(
    cluster: Cluster, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    guest = await http.post("/api/v4/auth/guest-token")
    assert guest.status_code == 200
    auth = {"Authorization": f"Bearer {guest.json()['token']}"}
    assert (await http.get("/api/v4/worlds", headers=auth)).status_code == 200
    assert (await http.get("/health")).json() == {"status": "ok"}

    await asyncio.to_thread(cluster.stop, "immediate")
    caplog.clear()
    requests = [
        ("GET", "/api/v4/worlds"),
        ("GET", "/api/v4/users/me"),
        ("POST", "/api/v4/auth/guest-token"),
        ("PATCH", "/api/v4/profile"),
    ] * 5
    answers = await asyncio.gather(
        *(http.request(method, path, headers=auth, json={}) for method, path in requests)
    )
    for (method, path), answer in zip(requests, answers, strict=True):
        assert answer.status_code == 503, (method, path, answer.text)
        assert answer.headers["retry-after"] == "5"
        assert answer.json()["error"]["reason"] == "service_unavailable"
    health = await http.get("/health")
    assert health.status_code == 503 and health.headers["retry-after"] == "5"
    assert health.json()["status"] == "unavailable"

    assert len(_lines(caplog, OUTAGE_LINE)) == 1, caplog.text
    assert not [r for r in caplog.records if r.exc_info], "no traceback is logged"
    assert "unhandled error" not in caplog.text

    await asyncio.to_thread(cluster.start)
    # The same app, not restarted: the pool drops its dead connections and opens new ones.
    assert (await http.get("/api/v4/worlds", headers=auth)).status_code == 200
    assert (await http.post("/api/v4/auth/guest-token")).status_code == 200
    assert (await http.get("/health")).json() == {"status": "ok"}
    assert len(_lines(caplog, BACK_LINE)) == 1, caplog.text
    assert len(_lines(caplog, OUTAGE_LINE)) == 1

    # A second outage is a second line.
    await asyncio.to_thread(cluster.stop, "fast")
    assert (await http.get("/api/v4/worlds", headers=auth)).status_code == 503
    assert (await http.get("/api/v4/worlds", headers=auth)).status_code == 503
    assert len(_lines(caplog, OUTAGE_LINE)) == 2
    await asyncio.to_thread(cluster.start)
    assert (await http.get("/api/v4/worlds", headers=auth)).status_code == 200


def test_other_errors_are_not_outages() -> None:
    from sqlalchemy import exc

    assert outage_reason(ValueError("bad")) is None
    assert outage_reason(OSError("a file of the caller")) is None
    locked = exc.OperationalError("BEGIN", {}, Exception("database is locked"))
    assert outage_reason(locked) is None  # SQLite beyond its busy timeout: not an outage


async def test_moves_made_during_an_outage_wait_for_the_database_without_a_traceback(
    cluster: Cluster, app: FastAPI, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    """The controller's write-behind keeps what it could not write and writes it once the
    database is back; the outage is the database layer's one log line, not one per value."""
    services = app.state.services
    controller = services.presence
    assert isinstance(controller, Controller)
    writes = controller._writes
    guest = (await http.post("/api/v4/auth/guest-token")).json()
    auth = {"Authorization": f"Bearer {guest['token']}"}
    user = uuid.UUID((await http.get("/api/v4/users/me", headers=auth)).json()["id"])
    worlds = (await http.get("/api/v4/worlds", headers=auth)).json()
    world = uuid.UUID(worlds[0]["id"])
    moved = MyTransform(position=Vec3(1.0, 2.0, 3.0), rotation=Vec3(0.0, 0.5, 0.0))

    await asyncio.to_thread(cluster.stop, "immediate")
    caplog.clear()
    caplog.set_level(logging.INFO)
    writes.save_position(world, user, moved)
    with pytest.raises(Unavailable):
        await writes.flush()
    assert writes.pending_position(world, user) == moved  # kept for the next try
    writes.save_position(world, user, moved)  # the background writer tries too, repeatedly
    await asyncio.sleep(3 * services.settings.controller_persist_interval + 0.5)
    assert writes.pending_position(world, user) == moved
    assert not [r for r in caplog.records if r.exc_info], caplog.text
    assert len(_lines(caplog, OUTAGE_LINE)) == 1, caplog.text

    await asyncio.to_thread(cluster.start)
    await writes.flush()
    assert writes.pending_position(world, user) is None
    async with services.db.read() as session:
        stored = await session.scalar(
            select(t.ObjectUserAttribute.value).where(
                t.ObjectUserAttribute.object_id == world,
                t.ObjectUserAttribute.user_id == user,
                t.ObjectUserAttribute.attribute_name == LAST_KNOWN_POSITION,
            )
        )
    assert stored == position_value(moved)  # written once the database was back
