"""Fixtures of the controller tests: one live node per module, real tokens, a posbus client.

Starting a node (migrate, seed, serve) takes seconds, so the integration tests share one per
module (`live_node`), each test making its own guests and, where it matters, its own world.
Tokens come from the node's real `/api/v4/auth/guest-token` route. Every frame a test receives
goes through `PosbusClient.recv`, which decodes it with the project codec and checks that
encoding the result gives back the exact bytes (the byte layout of the spec).

With ``ODYSSEY_RECORD_FRAMES=/path/file`` set, every frame a client receives is also appended
to that file (`FrameRecorder`), in a form that does not change from run to run: compare the
records of two runs to show that a refactor left the controller's frames as they were.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import json
import os
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import websockets
from sqlalchemy.exc import OperationalError
from websockets.asyncio.client import ClientConnection

from node_process import NodeProcess
from odyssey.bus import InProcessBus
from odyssey.db import Database, ObjectStore, UserStore
from odyssey.posbus import AddUsers, HandShake, Message, TeleportRequest, UserData, decode, encode
from tests.live_node import fresh_database

M = TypeVar("M", bound=Message)
RECV_LIMIT = 1 << 20  # the tests read frames of any size; the server's own limit is checked

# What differs between two runs of the same test: ids (binary or as text), guest names, the
# random hex suffixes of the tests' world names, and timestamps.
_RANDOM_TEXT = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|Visitor_\d{7}"
    r"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?"
    r"|\b[0-9a-f]{6,}\b"
)


class FrameRecorder:
    """Appends each received frame to a file, as one JSON line: the test, the client (in order
    of connection within the test), the message type, the frame's length, and the decoded
    message with every random value replaced by a placeholder numbered in order of first
    appearance to that client (``<1>``, ``<2>``...), so the same behaviour gives the same lines.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._clients: dict[str, int] = {}

    def client(self) -> tuple[str, int]:
        """A new client of the current test: (test id, its number in the test)."""
        test = os.environ.get("PYTEST_CURRENT_TEST", "?").rsplit(" (", 1)[0]
        number = self._clients[test] = self._clients.get(test, 0) + 1
        return test, number

    def record(self, owner: tuple[str, int], seen: dict[str, int], frame: bytes) -> None:
        message = decode(frame, max_frame_size=RECV_LIMIT)
        line = {
            "test": owner[0],
            "client": owner[1],
            "type": message.TYPE.type_name,
            "bytes": len(frame),
            "frame": _canonical(message, seen),
        }
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(line, sort_keys=True) + "\n")


def _placeholder(value: str, seen: dict[str, int]) -> str:
    return f"<{seen.setdefault(value, len(seen) + 1)}>"


def _canonical(value: Any, seen: dict[str, int]) -> Any:
    if isinstance(value, uuid.UUID):
        return _placeholder(str(value), seen)
    if isinstance(value, str):
        return _RANDOM_TEXT.sub(lambda found: _placeholder(found.group(0).lower(), seen), value)
    if isinstance(value, enum.Enum):
        return value.name
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: _canonical(getattr(value, field.name), seen)
            for field in dataclasses.fields(value)
        }
    if isinstance(value, dict):
        return {_canonical(key, seen): _canonical(item, seen) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item, seen) for item in value]
    if isinstance(value, bytes):
        return value.hex()
    return value


_RECORDER = (
    FrameRecorder(os.environ["ODYSSEY_RECORD_FRAMES"])
    if os.environ.get("ODYSSEY_RECORD_FRAMES")
    else None
)


class LiveNode(NodeProcess):
    """`odyssey serve` in a child process, and direct access to its database."""

    database_url: str

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    async def guest(self) -> Guest:
        async with httpx.AsyncClient(base_url=self.url) as http:
            response = await http.post("/api/v4/auth/guest-token")
            assert response.status_code == 200, response.text
            body = response.json()
        return Guest(uuid.UUID(body["id"]), body["token"], body["name"])

    async def make_admin(self, user_id: uuid.UUID) -> None:
        """Make the user a node admin, straight in the database the node uses."""

        async def work(db: Database) -> None:
            await UserStore(db, InProcessBus()).make_node_admin(user_id)

        await self._write_beside_the_node(work)

    async def create_world(self, name: str, owner: uuid.UUID) -> uuid.UUID:
        """A new world made outside the node process (the node finds it on first teleport)."""
        made: list[uuid.UUID] = []

        async def work(db: Database) -> None:
            made.append((await ObjectStore(db, InProcessBus()).create_world(name, owner)).id)

        await self._write_beside_the_node(work)
        return made[-1]

    async def _write_beside_the_node(self, work: Callable[[Database], Awaitable[None]]) -> None:
        # SQLite refuses a second process's write transaction that started reading before the
        # node's latest write ("database is locked", SQLITE_BUSY_SNAPSHOT): try again.
        for attempt in range(20):
            db = Database(self.database_url)
            try:
                await work(db)
                return
            except OperationalError:
                if attempt == 19:
                    raise
                await asyncio.sleep(0.1)
            finally:
                await db.dispose()

    def api(self, token: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=10.0
        )


@dataclass(frozen=True)
class Guest:
    id: uuid.UUID
    token: str
    name: str


def _start_node(tmp: Path, database_url: str, extra_env: dict[str, str]) -> LiveNode:
    # Tests sign many guests in from one address.
    limits = {
        "ODYSSEY_AUTH_GUESTS_PER_ADDRESS_PER_MINUTE": "100000",
        "ODYSSEY_AUTH_GUESTS_PER_ADDRESS_PER_HOUR": "100000",
        "ODYSSEY_AUTH_GUESTS_PER_ADDRESS_PER_DAY": "100000",
    }
    node = LiveNode(
        tmp / "data",
        database_url=database_url,
        env={**limits, **extra_env},
        log_path=tmp / "server.log",
        log_level="info",
    )
    return node.start()


def live_node_fixture(
    extra_env: dict[str, str] | None = None, variants: dict[str, dict[str, str]] | None = None
) -> Any:
    """A module-scoped live node fixture, on the engine the test run uses; with ``variants``
    (name: more environment), the module's tests run once on a node of each."""

    @pytest.fixture(scope="module", params=list(variants) if variants else None)
    def fixture(
        tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
    ) -> Iterator[LiveNode]:
        tmp = tmp_path_factory.mktemp("node")
        env = {**(extra_env or {}), **(variants[request.param] if variants else {})}
        with (
            fresh_database(tmp, None) as database_url,
            _start_node(tmp, database_url, env) as node,
        ):
            yield node

    return fixture


class PosbusClient:
    """A posbus client on a real WebSocket; every frame received is checked byte for byte."""

    def __init__(self, ws: ClientConnection, user: Guest) -> None:
        self.ws = ws
        self.user = user
        self.session_id = uuid.uuid4()
        self.received: list[Message] = []
        self._recorded_as = _RECORDER.client() if _RECORDER is not None else ("", 0)
        self._placeholders: dict[str, int] = {}

    async def send(self, message: Message) -> None:
        await self.ws.send(encode(message))

    async def recv(self, within: float = 5.0) -> Message:
        frame = await self.recv_frame(within)
        assert isinstance(frame, bytes), "posbus frames are binary"
        message = decode(frame, max_frame_size=RECV_LIMIT)
        assert encode(message) == frame, f"{type(message).__name__} is not in canonical form"
        assert len(frame) <= 32768, f"{type(message).__name__} frame of {len(frame)} bytes"
        self.received.append(message)
        return message

    async def recv_frame(self, within: float = 5.0) -> bytes:
        frame = await asyncio.wait_for(self.ws.recv(decode=False), within)
        assert isinstance(frame, bytes), "posbus frames are binary"
        if _RECORDER is not None:
            _RECORDER.record(self._recorded_as, self._placeholders, frame)
        return frame

    async def expect_frame(self, header: bytes, within: float = 5.0) -> bytes:
        """The next raw frame starting with this type id header; others are skipped."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            frame = await self.recv_frame(max(deadline - asyncio.get_running_loop().time(), 0.01))
            if frame.startswith(header):
                return frame

    async def expect(self, kind: type[M], within: float = 5.0, **fields: Any) -> M:
        """The next message of this type (and these field values); others are skipped."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise AssertionError(f"no {kind.__name__} {fields} within {within} s")
            message = await self.recv(left)
            if isinstance(message, kind) and all(
                getattr(message, name) == value for name, value in fields.items()
            ):
                return message

    async def expect_user(self, user_id: uuid.UUID, within: float = 5.0, **fields: Any) -> UserData:
        """The next ``add_users`` entry for that user (with these field values)."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            left = max(deadline - asyncio.get_running_loop().time(), 0.0)
            message = await self.expect(AddUsers, within=left)
            for user in message.users:
                if user.id == user_id and all(
                    getattr(user, name) == value for name, value in fields.items()
                ):
                    return user

    async def handshake(self, session_id: uuid.UUID | None = None) -> None:
        if session_id is not None:
            self.session_id = session_id
        await self.send(HandShake(1, 1, self.user.token, self.user.id, self.session_id))

    async def teleport(self, world_id: uuid.UUID) -> None:
        await self.send(TeleportRequest(world_id))

    async def close(self) -> None:
        await self.ws.close()


async def connect(node: LiveNode, user: Guest, **options: Any) -> PosbusClient:
    options.setdefault("close_timeout", 1)
    # Read everything as it comes (and so answer pings at once), however slow the test is.
    options.setdefault("max_queue", None)
    ws = await websockets.connect(node.ws_url, max_size=RECV_LIMIT, **options)
    return PosbusClient(ws, user)


@pytest.fixture
async def clients() -> AsyncIterator[list[PosbusClient]]:
    """Clients opened by a test, closed after it."""
    opened: list[PosbusClient] = []
    yield opened
    await asyncio.gather(*(client.close() for client in opened))
