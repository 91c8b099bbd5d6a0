"""The controller against a running node: real WebSocket clients, real tokens, real database.

Each test makes its own guests and, where it matters, its own world, so the tests share one
node (started once for the module) without seeing each other. No assertion here is about speed.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
import uuid

import pytest
from websockets.exceptions import ConnectionClosed

from odyssey.core import ids
from odyssey.core.ids import NIL_ID
from odyssey.posbus import (
    AddObjects,
    AddUsers,
    AttributeValueChanged,
    HandShake,
    HighFive,
    LockObject,
    LockObjectResponse,
    Message,
    MyTransform,
    Notification,
    ObjectData,
    ObjectTransform,
    RemoveObjects,
    RemoveUsers,
    SetWorld,
    Signal,
    SignalType,
    TeleportRequest,
    Transform,
    UnlockObject,
    UsersTransformList,
    Vec3,
    encode,
)

from .conftest import Guest, LiveNode, PosbusClient, connect, live_node_fixture

# Small bounds, so that clients that stop reading or answering are found out quickly. The
# websockets clients of the tests answer pings by themselves.
live_node = live_node_fixture(
    {
        "ODYSSEY_CONTROLLER_SEND_QUEUE_BYTES": "262144",
        "ODYSSEY_CONTROLLER_PING_INTERVAL": "1",
        "ODYSSEY_CONTROLLER_PING_TIMEOUT": "2",
        "ODYSSEY_CONTROLLER_WRITE_TIMEOUT": "3",
        # The stalled client below floods teleports to fill its buffers: the inbound rate
        # (test_flood.py) would close it first, and this module tests the slow-client paths.
        "ODYSSEY_CONTROLLER_MESSAGES_PER_SECOND": "100000",
        "ODYSSEY_CONTROLLER_MESSAGES_BURST": "100000",
        "ODYSSEY_CONTROLLER_TELEPORTS_PER_SECOND": "100000",
        "ODYSSEY_CONTROLLER_TELEPORTS_BURST": "100000",
    }
)

# Golden frames of the spec (posbus.md §4, V14).
SIGNAL_DUAL_CONNECTION = bytes.fromhex("4d96c1ad01b2693e52")
SIGNAL_WORLD_DOES_NOT_EXIST = bytes.fromhex("4d96c1ad09b2693e52")


def transform(x: float, y: float, z: float, yaw: float = 0.0) -> MyTransform:
    # Values exactly representable in float32, so what comes back compares equal.
    return MyTransform(Vec3(x, y, z), Vec3(0.0, yaw, 0.0))


async def joined(
    node: LiveNode, clients: list[PosbusClient], world_id: uuid.UUID, user: Guest | None = None
) -> tuple[PosbusClient, list[Message]]:
    """A signed-in client inside the world, and the messages of its join, up to add_users."""
    client = await connect(node, user or await node.guest())
    clients.append(client)
    await client.handshake()
    await client.teleport(world_id)
    messages: list[Message] = []
    while True:
        message = await client.recv()
        messages.append(message)
        if isinstance(message, AddUsers) and message.users[0].id == client.user.id:
            break
    return client, messages


async def own_world(node: LiveNode, owner: Guest) -> uuid.UUID:
    return await node.create_world(f"test world {uuid.uuid4().hex[:6]}", owner.id)


async def wait_for_transform(
    client: PosbusClient, user_id: uuid.UUID, expected: MyTransform, within: float = 5.0
) -> UsersTransformList:
    """The first tick holding that user's transform with these values."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        left = deadline - asyncio.get_running_loop().time()
        message = await client.expect(UsersTransformList, within=max(left, 0.01))
        for entry in message.value:
            if (
                entry.id == user_id
                and entry.transform.position == expected.position
                and entry.transform.rotation == expected.rotation
            ):
                return message


async def test_join_order_and_two_clients_see_each_others_transforms(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    owner = await live_node.guest()
    world_id = await own_world(live_node, owner)
    alice, join = await joined(live_node, clients, world_id, owner)
    kinds = [type(m) for m in join]
    # set_world, my_transform, the world's objects (batched), their object_data, add_users.
    assert kinds[0] is SetWorld and kinds[1] is MyTransform and kinds[2] is AddObjects
    assert kinds[-1] is AddUsers
    assert set(kinds[3:-1]) <= {AddObjects, ObjectData}
    first_data = kinds.index(ObjectData) if ObjectData in kinds else len(kinds) - 1
    assert AddObjects not in kinds[first_data:]
    set_world = join[0]
    assert isinstance(set_world, SetWorld)
    assert set_world.id == world_id and set_world.owner == owner.id
    add_objects = join[2]
    assert isinstance(add_objects, AddObjects) and add_objects.objects[0].id == world_id
    spawn = join[1]
    assert isinstance(spawn, MyTransform)
    assert spawn.position == Vec3(0.0, 3.0, -18.0)  # the seeded worlds' spawn point

    bob, bob_join = await joined(live_node, clients, world_id)
    others = bob_join[-1]
    assert isinstance(others, AddUsers)
    assert [u.id for u in others.users] == [bob.user.id]  # self first...
    rest = await bob.expect(AddUsers)
    assert [u.id for u in rest.users] == [alice.user.id]  # ...then the others
    announced = await alice.expect_user(bob.user.id)
    assert announced.name == bob.user.name and announced.is_guest

    await bob.send(transform(1.5, 2.0, -3.25, 90.0))
    await wait_for_transform(alice, bob.user.id, transform(1.5, 2.0, -3.25, 90.0))
    await alice.send(transform(-10.5, 0.0, 42.0))
    await wait_for_transform(bob, alice.user.id, transform(-10.5, 0.0, 42.0))

    # Leaving keeps the socket; rejoining starts from the last known position.
    await bob.send(Signal(SignalType.LEAVE_WORLD))
    await alice.expect(RemoveUsers, users=(bob.user.id,))
    await bob.teleport(world_id)
    assert await bob.expect(SetWorld)
    back = await bob.expect(MyTransform)
    assert back == transform(1.5, 2.0, -3.25, 90.0)


async def test_unknown_world_and_teleport_between_worlds(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    owner = await live_node.guest()
    first, second = await own_world(live_node, owner), await own_world(live_node, owner)
    watcher, _ = await joined(live_node, clients, first)
    traveller, _ = await joined(live_node, clients, first)
    await traveller.send(TeleportRequest(uuid.uuid4()))
    frame = await traveller.expect_frame(SIGNAL_WORLD_DOES_NOT_EXIST[:4])
    assert frame == SIGNAL_WORLD_DOES_NOT_EXIST
    await traveller.teleport(second)
    await traveller.expect(SetWorld, id=second)
    gone = await watcher.expect(RemoveUsers)
    assert gone.users == (traveller.user.id,)
    online = await _online(live_node, traveller.user.token, second)
    assert online == [traveller.user.id]
    assert traveller.user.id not in await _online(live_node, traveller.user.token, first)


async def _online(node: LiveNode, token: str, world_id: uuid.UUID) -> list[uuid.UUID]:
    async with node.api(token) as api:
        response = await api.get(f"/api/v4/worlds/{world_id}/online-users")
        assert response.status_code == 200, response.text
        return [uuid.UUID(user["id"]) for user in response.json()]


async def _create_object(node: LiveNode, token: str, world_id: uuid.UUID, name: str) -> uuid.UUID:
    async with node.api(token) as api:
        response = await api.post(
            "/api/v4/objects",
            json={
                "object_name": name,
                "parent_id": str(world_id),
                "object_type_id": str(ids.CUSTOM_TYPE_ID),
                "transform": {"position": {"x": 1, "y": 2, "z": 3}},
            },
        )
        assert response.status_code == 201, response.text
        return uuid.UUID(response.json()["object_id"])


async def test_api_changes_reach_connected_clients(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    admin = await live_node.guest()
    await live_node.make_admin(admin.id)
    world_id = await own_world(live_node, admin)
    client, _ = await joined(live_node, clients, world_id, admin)
    viewer, _ = await joined(live_node, clients, world_id)

    object_id = await _create_object(live_node, admin.token, world_id, "Lamp")
    for who in (client, viewer):
        added = await who.expect(AddObjects)
        (definition,) = [d for d in added.objects if d.id == object_id]
        assert definition.name == "Lamp" and definition.parent_id == world_id
        assert definition.transform.position == Vec3(1.0, 2.0, 3.0)

    async with live_node.api(admin.token) as api:
        response = await api.patch(f"/api/v4/objects/{object_id}", json={"object_name": "Lantern"})
        assert response.status_code == 200, response.text
        renamed = await viewer.expect(AddObjects)
        assert [d.name for d in renamed.objects if d.id == object_id] == ["Lantern"]

        # An attribute with posbus_auto [world] and render_auto audio (seeded spatial_audio).
        value = {"volume": 0.5, "track": "abc"}
        response = await api.post(
            f"/api/v4/objects/{object_id}/attributes",
            json={
                "plugin_id": str(ids.CORE_PLUGIN_ID),
                "attribute_name": "spatial_audio",
                "attribute_value": value,
            },
        )
        assert response.status_code in (200, 202), response.text
        changed = await viewer.expect(AttributeValueChanged, attribute_name="spatial_audio")
        assert changed.change_type == "attribute_changed" and changed.value == value
        assert changed.target_id == object_id and changed.plugin_id == ids.CORE_PLUGIN_ID
        data = await viewer.expect(ObjectData, id=object_id)
        assert data.entries == {"audio": {"spatial": value}}

        # A profile change is an add_users update.
        response = await api.patch("/api/v4/profile", json={"name": "Renamed admin"})
        assert response.status_code == 200, response.text
        await viewer.expect_user(admin.id, name="Renamed admin")

        response = await api.delete(f"/api/v4/objects/{object_id}")
        assert response.status_code == 200, response.text
        removed = await viewer.expect(RemoveObjects)
        assert removed.objects == (object_id,)


async def test_lock_contention_between_two_admins_and_object_moves(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    first, second = await live_node.guest(), await live_node.guest()
    await live_node.make_admin(first.id)
    await live_node.make_admin(second.id)
    world_id = await own_world(live_node, first)
    a, _ = await joined(live_node, clients, world_id, first)
    b, _ = await joined(live_node, clients, world_id, second)
    object_id = await _create_object(live_node, first.token, world_id, "Crate")
    await a.expect(AddObjects)
    await b.expect(AddObjects)

    await a.send(LockObject(object_id))
    for who in (a, b):
        granted = await who.expect(LockObjectResponse)
        assert granted == LockObjectResponse(object_id, 1, first.id)
    await b.send(LockObject(object_id))
    refused = await b.expect(LockObjectResponse)
    assert refused == LockObjectResponse(object_id, 0, first.id)  # to the requester only

    # Only the holder moves it; the move reaches everyone, sender included.
    await b.send(ObjectTransform(object_id, _object_transform(9.0)))
    moved_to = _object_transform(4.5)
    await a.send(ObjectTransform(object_id, moved_to))
    for who in (a, b):
        moved = await who.expect(ObjectTransform)
        assert moved == ObjectTransform(object_id, moved_to)  # b's move never shows up
    await a.send(UnlockObject(object_id))
    for who in (a, b):
        assert await who.expect(LockObjectResponse) == LockObjectResponse(object_id, 1, NIL_ID)

    await b.send(LockObject(object_id))
    assert await a.expect(LockObjectResponse) == LockObjectResponse(object_id, 1, second.id)
    # The holder leaves: the lock is released (the reference says so with result 0).
    await b.close()
    assert await a.expect(LockObjectResponse) == LockObjectResponse(object_id, 0, NIL_ID)
    await a.expect(RemoveUsers, users=(second.id,))

    # The move was persisted (batched off the hot path): the API reads it back.
    async with live_node.api(first.token) as api:
        for _ in range(100):
            body = (await api.get(f"/api/v4/objects/{object_id}")).json()
            if body.get("transform", {}).get("position", {}).get("x") == 4.5:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(f"transform not persisted: {body}")


def _object_transform(x: float) -> Transform:
    return Transform(Vec3(x, 1.0, 2.0), Vec3(0.0, 0.5, 0.0), Vec3(2.0, 2.0, 2.0))


async def test_a_non_admin_cannot_lock_or_move(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    admin = await live_node.guest()
    await live_node.make_admin(admin.id)
    world_id = await own_world(live_node, admin)
    watcher, _ = await joined(live_node, clients, world_id, admin)
    object_id = await _create_object(live_node, admin.token, world_id, "Statue")
    await watcher.expect(AddObjects)
    intruder, _ = await joined(live_node, clients, world_id)

    await intruder.send(LockObject(object_id))
    refused = await intruder.expect(LockObjectResponse)
    assert refused == LockObjectResponse(object_id, 0, NIL_ID)
    await intruder.send(ObjectTransform(object_id, _object_transform(99.0)))
    # Frames of one client are handled in order: once the watcher sees the intruder's next
    # move in a tick, the object move before it would have been broadcast already.
    await intruder.send(transform(7.0, 7.0, 7.0))
    seen: list[Message] = []
    while True:
        message = await watcher.recv()
        seen.append(message)
        if isinstance(message, UsersTransformList) and any(
            e.id == intruder.user.id and e.transform.position == Vec3(7.0, 7.0, 7.0)
            for e in message.value
        ):
            break
    assert not any(isinstance(m, ObjectTransform | LockObjectResponse) for m in seen)


async def test_dual_connection_closes_the_older_one(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    user = await live_node.guest()
    world_id = await own_world(live_node, user)
    watcher, _ = await joined(live_node, clients, world_id)
    old, _ = await joined(live_node, clients, world_id, user)
    await watcher.expect_user(user.id)
    new = await connect(live_node, user)
    clients.append(new)
    await new.handshake()  # same user, another session id
    frame = await old.expect_frame(SIGNAL_DUAL_CONNECTION[:4])
    assert frame == SIGNAL_DUAL_CONNECTION
    with pytest.raises(ConnectionClosed):
        await asyncio.wait_for(old.ws.recv(), 5)
    assert old.ws.close_code == 1000 and old.ws.close_reason == "dual connection"
    await watcher.expect(RemoveUsers, users=(user.id,))
    await new.teleport(world_id)
    await new.expect(SetWorld)
    await watcher.expect_user(user.id)


async def test_handshake_refusals_close_with_a_clear_code(live_node: LiveNode) -> None:
    user, other = await live_node.guest(), await live_node.guest()
    cases = [
        (other.token, user.id, 1008),  # a valid token, but for somebody else
        ("not-a-token", user.id, 1008),
    ]
    for token, claimed, code in cases:
        client = await connect(live_node, Guest(claimed, token, ""))
        await client.handshake()
        signal = await client.expect(Signal)
        assert signal.value == SignalType.INVALID_TOKEN
        with pytest.raises(ConnectionClosed):
            await client.recv()
        assert client.ws.close_code == code
        assert "invalid token" in (client.ws.close_reason or "")
    # Something else than a handshake first.
    client = await connect(live_node, user)
    await client.send(TeleportRequest(uuid.uuid4()))
    assert (await client.expect(Signal)).value == SignalType.INVALID_TOKEN
    with pytest.raises(ConnectionClosed):
        await client.recv()
    assert client.ws.close_code == 1008


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (b"\x00\x01garbage frame", 1007),  # not a posbus frame
        (bytes.fromhex("4d96c1ad09b2693e53"), 1007),  # footer is not ~header
        (encode(HighFive(NIL_ID, NIL_ID, "x" * 70000)), 1009),  # over 64 KiB
        (encode(LockObject(NIL_ID)), 1008),  # an edit before teleport_request
        ("a text frame", 1003),
    ],
)
async def test_a_bad_frame_closes_only_its_sender(
    live_node: LiveNode, clients: list[PosbusClient], bad: bytes | str, code: int
) -> None:
    owner = await live_node.guest()
    world_id = await own_world(live_node, owner)
    bystander, _ = await joined(live_node, clients, world_id, owner)
    culprit = await connect(live_node, await live_node.guest())
    clients.append(culprit)
    await culprit.handshake()
    if not (isinstance(bad, bytes) and bad.startswith(encode(LockObject(NIL_ID))[:4])):
        await culprit.teleport(world_id)
        await culprit.expect(AddUsers)
        await bystander.expect_user(culprit.user.id)
    await culprit.ws.send(bad)
    with pytest.raises(ConnectionClosed):
        while True:
            await culprit.recv()
    assert culprit.ws.close_code == code and culprit.ws.close_reason
    # The world and the others carry on.
    newcomer, _ = await joined(live_node, clients, world_id)
    await newcomer.send(transform(3.0, 4.0, 5.0))
    await wait_for_transform(bystander, newcomer.user.id, transform(3.0, 4.0, 5.0))
    assert "closing the connection" in live_node.log() or code == 1009


async def test_high_five_reaches_the_world_and_unknown_targets_are_notified(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    owner = await live_node.guest()
    world_id = await own_world(live_node, owner)
    a, _ = await joined(live_node, clients, world_id, owner)
    b, _ = await joined(live_node, clients, world_id)
    await a.expect_user(b.user.id)
    # The claimed sender is ignored: the server puts the real one.
    await a.send(HighFive(uuid.uuid4(), b.user.id, "High five!"))
    for who in (a, b):
        five = await who.expect(HighFive)
        assert five == HighFive(a.user.id, b.user.id, "High five!")
    await a.send(HighFive(a.user.id, uuid.uuid4(), "anyone?"))
    note = await a.expect(Notification)
    assert note.value == "Target user not found"


async def test_a_client_that_stops_reading_does_not_delay_the_others(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    owner = await live_node.guest()
    world_id = await own_world(live_node, owner)
    async with live_node.api(owner.token) as api:
        worlds = (await api.get("/api/v4/worlds")).json()
    seeded = uuid.UUID(next(w["id"] for w in worlds if w["name"] == "Odyssey"))
    mover, _ = await joined(live_node, clients, world_id, owner)
    watcher, _ = await joined(live_node, clients, world_id)
    stalled_user = await live_node.guest()
    stalled = _stalled_client(live_node, stalled_user)
    stop = threading.Event()

    def flood() -> None:
        # Never reading, the stalled client asks again and again for the state of this world
        # and of the seeded one (bigger): its TCP window fills up, then its send queue.
        _send_masked(
            stalled, encode(HandShake(1, 1, stalled_user.token, stalled_user.id, uuid.uuid4()))
        )
        teleports = [encode(TeleportRequest(world_id)), encode(TeleportRequest(seeded))]
        try:
            while not stop.is_set():
                for _ in range(20):
                    for teleport in teleports:
                        _send_masked(stalled, teleport)
                time.sleep(0.1)
        except OSError:
            pass  # cut by the server

    async def move() -> None:
        step = 0
        while True:
            step += 1
            await mover.send(transform(float(step), 1.0, 1.0))
            await asyncio.sleep(0.05)

    async def evicted() -> None:
        """Returns once the stalled client has been in a world, and is in none any more."""
        was_in = False
        while True:
            online = [
                *await _online(live_node, owner.token, world_id),
                *await _online(live_node, owner.token, seeded),
            ]
            if stalled_user.id in online:
                was_in = True
            elif was_in:
                return
            await asyncio.sleep(0.25)

    flooding = asyncio.create_task(asyncio.to_thread(flood))
    moving = asyncio.create_task(move())
    eviction = asyncio.create_task(evicted())
    try:
        loop = asyncio.get_running_loop()
        start = loop.time()
        ticks = 0
        # Count the ticks carrying the mover's moves while the stalled client is in the way.
        while loop.time() - start < 3.0 or not eviction.done():
            assert loop.time() - start < 30, "the stalled client was never disconnected"
            message = await watcher.recv()
            if isinstance(message, UsersTransformList) and any(
                entry.id == mover.user.id for entry in message.value
            ):
                ticks += 1
        elapsed = loop.time() - start
    finally:
        stop.set()
        moving.cancel()
        eviction.cancel()
        await flooding
        stalled.close()
    # The configured rate is 10 ticks a second; allow for a busy test machine.
    # It was disconnected (missed pongs, write timeout or send queue overflow, whichever came
    # first; each has its own test), and meanwhile the watcher got its ticks.
    assert ticks >= elapsed * 10 * 0.5, (ticks, elapsed)


async def test_a_client_that_does_not_answer_pings_is_dropped(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    owner = await live_node.guest()
    world_id = await own_world(live_node, owner)
    watcher, _ = await joined(live_node, clients, world_id, owner)
    silent_user = await live_node.guest()
    host, port = live_node.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        (
            f"GET /posbus HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101")
    for message in (
        HandShake(1, 1, silent_user.token, silent_user.id, uuid.uuid4()),
        TeleportRequest(world_id),
    ):
        writer.write(_masked(encode(message)))
    try:
        # It reads everything (pings included) but never answers a ping.
        await watcher.expect_user(silent_user.id)
        gone = await watcher.expect(RemoveUsers, within=10)
        assert gone.users == (silent_user.id,)
        await asyncio.wait_for(_read_to_the_end(reader), 10)  # the server closed it
    finally:
        writer.close()


async def _read_to_the_end(reader: asyncio.StreamReader) -> None:
    while await reader.read(65536):
        pass


def _stalled_client(node: LiveNode, user: Guest) -> socket.socket:
    """A raw WebSocket client with a tiny receive buffer that will never read."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    host, port = node.url.removeprefix("http://").split(":")
    sock.connect((host, int(port)))
    sock.sendall(
        (
            "GET /posbus HTTP/1.1\r\n"
            f"Host: {host}:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        response += sock.recv(1)
    assert response.startswith(b"HTTP/1.1 101"), response
    sock.setblocking(False)
    return sock


def _masked(payload: bytes) -> bytes:
    """A client's binary WebSocket frame (clients must mask what they send)."""
    mask = b"\x11\x22\x33\x44"
    length = len(payload)
    if length < 126:
        header = bytes([0x82, 0x80 | length])
    else:
        header = bytes([0x82, 0x80 | 126]) + struct.pack("!H", length)
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def _send_masked(sock: socket.socket, payload: bytes) -> None:
    sock.setblocking(True)
    try:
        sock.sendall(_masked(payload))
    finally:
        sock.setblocking(False)
