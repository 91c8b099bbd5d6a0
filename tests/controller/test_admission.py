"""Connection caps at the `/posbus` endpoint, driven through ASGI in-process: the real endpoint,
controller, database and tokens, with sockets whose peer can stop reading at will."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator, MutableMapping
from pathlib import Path
from typing import Any

import pytest

from odyssey.config import Settings
from odyssey.controller import Controller
from odyssey.controller.admission import ConnectionCaps
from odyssey.controller.connection import Connection
from odyssey.controller.endpoint import PosbusEndpoint
from odyssey.db.realtime import RealtimeStore
from odyssey.posbus import HandShake, TeleportRequest, encode
from odyssey.services import Services
from tests.live_node import fresh_database

from .fakes import settle

Message = MutableMapping[str, Any]


class Socket:
    """One WebSocket as the ASGI server shows it to the endpoint. With `reading=False` the peer
    reads nothing: every send waits, as uvicorn's does once the buffers are full."""

    def __init__(
        self, endpoint: PosbusEndpoint, host: str, *, reading: bool = True, denial: bool = True
    ) -> None:
        self.inbox: asyncio.Queue[Message] = asyncio.Queue()
        self.sent: list[Message] = []
        self.reading = reading
        self._released = asyncio.Event()
        scope: dict[str, Any] = {"type": "websocket", "path": "/posbus", "client": (host, 5000)}
        if denial:
            scope["extensions"] = {"websocket.http.response": {}}
        self.inbox.put_nowait({"type": "websocket.connect"})
        self.task = asyncio.create_task(endpoint(scope, self.inbox.get, self._send))

    async def _send(self, message: Message) -> None:
        if message["type"] == "websocket.send" and not self.reading:
            await self._released.wait()
            raise RuntimeError("the peer is gone")
        self.sent.append(message)

    def frame(self, data: bytes) -> None:
        self.inbox.put_nowait({"type": "websocket.receive", "bytes": data})

    def types(self) -> list[str]:
        return [m["type"] for m in self.sent]

    def close_frame(self) -> Message | None:
        return next((m for m in self.sent if m["type"] == "websocket.close"), None)

    async def gone(self) -> None:
        self._released.set()
        self.inbox.put_nowait({"type": "websocket.disconnect", "code": 1006})
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.task, 10)


@pytest.fixture
async def node(tmp_path: Path) -> AsyncIterator[tuple[Services, PosbusEndpoint]]:
    with fresh_database(tmp_path, None) as database_url:
        settings = Settings(
            data_dir=tmp_path / "data",
            database_url=database_url,
            port=0,
            controller_connections_per_address=3,
            controller_connections_per_user=2,
            # A displaced client that stopped reading keeps its socket for the whole test.
            controller_close_timeout=60,
            controller_write_timeout=60,
        )
        services = Services.create(settings)
        await services.migrate()
        await services.seed()
        controller = Controller(
            settings, RealtimeStore(services.db), services.bus, services.auth.verify_token
        )
        await controller.start()
        try:
            yield services, PosbusEndpoint(controller)
        finally:
            await controller.stop()
            await services.close()


async def test_a_user_holding_its_share_is_refused_more_connections(
    node: tuple[Services, PosbusEndpoint],
) -> None:
    """A guest that keeps opening tabs (each handshake displaces the previous connection) while
    the displaced ones stop reading would hold a socket and a full send queue per tab."""
    services, endpoint = node
    signed = await services.auth.sign_in_guest()
    user_id, token = signed.user.user_id, signed.tokens.access_token
    world = await services.objects.create_world(f"w{uuid.uuid4().hex[:6]}", user_id)
    await services.bus.drain()  # type: ignore[attr-defined]
    sockets: list[Socket] = []
    try:
        controller = endpoint.controller
        served: list[Connection] = []
        for index in range(2):
            tab = Socket(endpoint, f"10.0.0.{index + 1}", reading=False)
            sockets.append(tab)
            tab.frame(encode(HandShake(1, 1, token, user_id, uuid.uuid4())))
            tab.frame(encode(TeleportRequest(world.id)))
            await _until(
                lambda: (
                    controller.connection_of(user_id) not in (None, *served)
                    and controller.world_of_user(user_id) == world.id
                )
            )
            connection = controller.connection_of(user_id)
            assert connection is not None
            served.append(connection)
            await settle()
        assert served[0].closed  # displaced...
        # The first tab was displaced but, not reading, has not finished closing: two sockets.
        assert endpoint.caps.of_user(user_id) == 2
        third = Socket(endpoint, "10.0.0.3")
        sockets.append(third)
        third.frame(encode(HandShake(1, 1, token, user_id, uuid.uuid4())))
        await _until(lambda: third.close_frame() is not None)
        closed = third.close_frame()
        assert closed is not None and closed["code"] == 1008
        assert closed["reason"].startswith("too many connections")
        assert endpoint.caps.of_user(user_id) == 2
        # The second tab is still the one served; another user is unaffected.
        assert controller.connection_of(user_id) is served[1] and not served[1].closed
        other = await services.auth.sign_in_guest()
        visitor = Socket(endpoint, "10.0.0.4")
        sockets.append(visitor)
        visitor.frame(
            encode(HandShake(1, 1, other.tokens.access_token, other.user.user_id, uuid.uuid4()))
        )
        await _until(lambda: endpoint.controller.connection_of(other.user.user_id) is not None)
        assert visitor.close_frame() is None
    finally:
        for socket in sockets:
            await socket.gone()
    assert endpoint.caps.of_user(user_id) == 0


async def test_an_ipv6_client_counts_as_its_64(node: tuple[Services, PosbusEndpoint]) -> None:
    """Any address of a /64 is the same client (a host picks its address inside it freely)."""
    _, endpoint = node
    sockets = [Socket(endpoint, f"2001:db8:1:2::{n}") for n in range(1, 4)]
    try:
        await _until(lambda: all(s.types() == ["websocket.accept"] for s in sockets))
        fourth = Socket(endpoint, "2001:db8:1:2:ffff::9")
        sockets.append(fourth)
        await _until(lambda: len(fourth.sent) >= 2)
        start, body = fourth.sent[:2]
        assert start["type"] == "websocket.http.response.start" and start["status"] == 429
        assert (b"retry-after", b"5") in start["headers"]
        assert json.loads(body["body"])["error"]["reason"] == "too_many_connections"
        # Another /64, and an IPv4 client, are counted apart.
        apart = [Socket(endpoint, "2001:db8:1:3::1"), Socket(endpoint, "192.0.2.1")]
        sockets.extend(apart)
        await _until(lambda: all(s.types() == ["websocket.accept"] for s in apart))
        # Without the denial-response extension: accepted, then closed with 1008.
        plain = Socket(endpoint, "2001:db8:1:2::77", denial=False)
        sockets.append(plain)
        await _until(lambda: plain.close_frame() is not None)
        assert plain.types() == ["websocket.accept", "websocket.close"]
        assert plain.close_frame() == {
            "type": "websocket.close",
            "code": 1008,
            "reason": "too many connections: at most 3 at once from one address",
        }
    finally:
        for socket in sockets:
            await socket.gone()
    assert endpoint.caps.from_address("2001:db8:1:2::/64") == 0


def test_counts_are_released_and_forgotten() -> None:
    caps = ConnectionCaps(per_address=1, per_user=1)
    user = uuid.uuid4()
    caps.open_from("192.0.2.1")
    with pytest.raises(Exception, match="too many connections"):
        caps.open_from("192.0.2.1")
    caps.closed_from("192.0.2.1")
    caps.open_from("192.0.2.1")
    caps.signed_in(user)
    with pytest.raises(Exception, match="one user"):
        caps.signed_in(user)
    caps.signed_out(user)
    caps.closed_from("192.0.2.1")
    assert caps.of_user(user) == 0 and caps.from_address("192.0.2.1") == 0
    assert not caps._addresses._counts and not caps._users._counts


async def _until(condition: Any, rounds: int = 2000) -> None:
    """Let the event loop run until the condition holds (a bound on turns, not on time)."""
    for _ in range(rounds):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("condition never met")
