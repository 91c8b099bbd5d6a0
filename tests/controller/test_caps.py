"""At most N open `/posbus` connections per client address (issue 11, point 8), against a running
node configured with a small cap. Before the fix a script could open sockets without bound."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import InvalidStatus

from odyssey.posbus import SetWorld

from .conftest import LiveNode, PosbusClient, connect, live_node_fixture

PER_ADDRESS = 4
live_node = live_node_fixture(
    {
        "ODYSSEY_CONTROLLER_CONNECTIONS_PER_ADDRESS": str(PER_ADDRESS),
        # Sockets that never hand-shake hold their slot for the whole test.
        "ODYSSEY_CONTROLLER_HANDSHAKE_TIMEOUT": "120",
    }
)


async def _open(node: LiveNode, **options: Any) -> ClientConnection:
    return await websockets.connect(node.ws_url, close_timeout=1, **options)


async def _open_when_free(node: LiveNode) -> ClientConnection:
    """Open one, once the node has seen the sockets closed before go (that takes a moment)."""
    for _ in range(200):
        try:
            return await _open(node)
        except InvalidStatus:
            await asyncio.sleep(0.05)
    raise AssertionError("no slot came free")


async def _refused(node: LiveNode, **options: Any) -> InvalidStatus:
    with pytest.raises(InvalidStatus) as refused:
        extra = await _open(node, **options)
        await extra.close()
    return refused.value


async def test_connections_per_address_are_capped(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    held = [await _open_when_free(live_node) for _ in range(PER_ADDRESS)]
    try:
        refused = await _refused(live_node)
        assert refused.response.status_code == 429
        assert refused.response.headers["Retry-After"] == "5"
        body = json.loads(refused.response.body)
        assert body["error"]["reason"] == "too_many_connections"
        assert "too many connections" in body["error"]["message"]

        # Counted per address: another loopback address still gets in.
        other = await _open(live_node, local_addr=("127.0.0.2", 0))
        await other.close()
        # Behind the trusted proxy (127.0.0.1, uvicorn's default) the forwarded address counts.
        forwarded = await _open(live_node, additional_headers={"X-Forwarded-For": "203.0.113.7"})
        await forwarded.close()

        # A slot freed is a slot to take again (once the node has seen the socket go).
        await held.pop().close()
        held.append(await _open_when_free(live_node))
    finally:
        await asyncio.gather(*(ws.close() for ws in held))


async def test_signed_in_clients_count_too_and_their_world_goes_on(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    user = await live_node.guest()
    world_id = await live_node.create_world(f"caps {uuid.uuid4().hex[:6]}", user.id)
    held = [await _open_when_free(live_node) for _ in range(PER_ADDRESS - 1)]
    try:
        for _ in range(200):
            try:
                client = await connect(live_node, user)
                break
            except InvalidStatus:
                await asyncio.sleep(0.05)
        else:
            raise AssertionError("no slot came free")
        clients.append(client)
        await client.handshake()
        await client.teleport(world_id)
        await client.expect(SetWorld, id=world_id)
        assert (await _refused(live_node)).response.status_code == 429
        await client.teleport(world_id)
        await client.expect(SetWorld, id=world_id)  # the connected client is unaffected
    finally:
        await asyncio.gather(*(ws.close() for ws in held))
