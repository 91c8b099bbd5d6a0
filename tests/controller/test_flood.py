"""A client that floods `/posbus` is closed; one that moves like the web client is not (issue 11,
point 8). Against a running node with the default inbound rate (60 a second, burst 120)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import pytest
from websockets.exceptions import ConnectionClosed

from odyssey.controller.messages import TOO_MANY_TELEPORTS
from odyssey.posbus import MyTransform, Notification, SetWorld, TeleportRequest, Vec3, encode

from .conftest import LiveNode, PosbusClient, connect, live_node_fixture

live_node = live_node_fixture()

CLOSE_WITHIN = 30.0


async def _in_world(node: LiveNode, clients: list[PosbusClient]) -> PosbusClient:
    user = await node.guest()
    world_id = await node.create_world(f"flood {uuid.uuid4().hex[:6]}", user.id)
    client = await connect(node, user)
    clients.append(client)
    await client.handshake()
    await client.teleport(world_id)
    await client.expect(SetWorld, id=world_id)
    return client


def _move(step: int) -> bytes:
    return encode(MyTransform(Vec3(float(step % 100), 1.0, 2.0), Vec3(0.0, 0.0, 0.0)))


async def test_a_client_sending_ten_thousand_messages_at_once_is_closed(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    flooder = await _in_world(live_node, clients)
    with contextlib.suppress(ConnectionClosed):
        for step in range(10_000):
            await flooder.ws.send(_move(step))
    with pytest.raises(ConnectionClosed):
        while True:
            await flooder.recv(within=CLOSE_WITHIN)
    assert flooder.ws.close_code == 1008
    assert (flooder.ws.close_reason or "").startswith("too many messages")
    assert "too many messages" in live_node.log()


async def test_a_client_moving_at_the_web_clients_rate_is_not(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    """Moves at the web client's fastest rate (20 a second), after a backlog of 100 at once
    (a network hiccup): more messages in all than the burst and the flood allowance together,
    so only a refilling allowance lets them all through."""
    mover = await _in_world(live_node, clients)
    world = mover.received[-1]
    assert isinstance(world, SetWorld)
    for step in range(100):
        await mover.ws.send(_move(step))
    for step in range(250):
        await mover.ws.send(_move(step))
        await asyncio.sleep(0.05)
    await mover.teleport(world.id)
    await mover.expect(SetWorld, id=world.id)  # still served
    assert mover.ws.close_code is None


async def test_world_entries_are_rate_limited_per_user(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    """Each entry sends the whole world and tells everyone there: 30 teleport requests at once
    give the burst (5) of entries, then a notification for each refused one; the client stays
    connected and in its world."""
    client = await _in_world(live_node, clients)  # one entry of the burst used
    world = client.received[-1]
    assert isinstance(world, SetWorld)
    client.received.clear()
    for _ in range(30):
        await client.ws.send(encode(TeleportRequest(world.id)))
    entries: list[SetWorld] = []
    notes: list[Notification] = []
    while len(entries) + len(notes) < 30:  # every request is answered, one way or the other
        message = await client.recv(within=CLOSE_WITHIN)
        if isinstance(message, SetWorld):
            entries.append(message)
        elif isinstance(message, Notification):
            notes.append(message)
    # The rest of the burst (4), and at most a few more if the rate (0.5 a second) refilled.
    assert 4 <= len(entries) <= 8, len(entries)
    assert {note.value for note in notes} == {TOO_MANY_TELEPORTS}
    assert client.ws.close_code is None
