"""A world session driven by hand: joins, ticks, area of interest, latest-wins, locks."""

from __future__ import annotations

import asyncio
import math
import uuid
from collections.abc import AsyncIterator

import pytest

from odyssey.controller.connection import CloseCode, Connection
from odyssey.controller.world import UserProfile, WorldInfo, WorldLimits, WorldSession, WorldUser
from odyssey.core.ids import NIL_ID
from odyssey.posbus import (
    AddObjects,
    AddUsers,
    LockObjectResponse,
    MyTransform,
    ObjectDefinition,
    RemoveUsers,
    SetWorld,
    Transform,
    UsersTransformList,
    Vec3,
    encode,
)

from .fakes import FakeTransport, fake_connection, settle

WORLD = uuid.UUID("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa")
NODE = uuid.UUID("00000000-0000-0000-0000-00000000000a")
OBJ = uuid.UUID("33333333-3333-4333-8333-333333333333")
ORIGIN = MyTransform(Vec3(0.0, 0.0, 0.0), Vec3(0.0, 0.0, 0.0))
# Ticks are driven by the tests: the automatic ticker would first fire after 1,000 s.
MANUAL = WorldLimits(tick_rate=0.001, idle_refresh_seconds=1e6)


def definition(object_id: uuid.UUID, parent: uuid.UUID, name: str) -> ObjectDefinition:
    unit = Vec3(1.0, 1.0, 1.0)
    zero = Vec3(0.0, 0.0, 0.0)
    return ObjectDefinition(
        object_id, parent, NIL_ID, 1, name, Transform(zero, zero, unit), True, False, False
    )


def make_world(limits: WorldLimits = MANUAL) -> WorldSession:
    return WorldSession(
        WorldInfo(WORLD, "Test", owner=NODE),
        limits,
        {WORLD: definition(WORLD, NODE, "Test"), OBJ: definition(OBJ, WORLD, "Thing")},
        {},
    )


@pytest.fixture
async def world() -> AsyncIterator[WorldSession]:
    session = make_world()
    yield session
    await session.stop()


def add_user(
    world: WorldSession, name: str, at: MyTransform = ORIGIN
) -> tuple[WorldUser, FakeTransport]:
    connection, transport = fake_connection()
    user = WorldUser(connection, UserProfile(name), at)
    world.join(user)
    return user, transport


def move(world: WorldSession, user: WorldUser, x: float, z: float = 0.0) -> MyTransform:
    message = MyTransform(Vec3(x, 0.0, z), Vec3(0.0, 0.0, 0.0))
    world.user_moved(user, encode(message), message)
    return message


def seen(transport: FakeTransport) -> list[dict[uuid.UUID, float]]:
    """Per transform frame received: user id -> x."""
    return [
        {e.id: e.transform.position.x for e in m.value}
        for m in transport.take()
        if isinstance(m, UsersTransformList)
    ]


async def test_join_sends_the_state_in_order_and_announces_the_newcomer(
    world: WorldSession,
) -> None:
    _alice, alice_out = add_user(world, "alice")
    world.announce_arrivals_and_departures()
    await settle()
    kinds = [type(m) for m in alice_out.take()]
    assert kinds[:3] == [SetWorld, MyTransform, AddObjects] and kinds[-1] is AddUsers
    bob, bob_out = add_user(world, "bob")
    carol, _ = add_user(world, "carol")
    await settle()
    bob_join = bob_out.take()
    assert [type(m) for m in bob_join[-2:]] == [AddUsers, AddUsers]
    assert [u.name for m in bob_join[-2:] for u in m.users] == ["bob", "alice"]  # type: ignore[attr-defined]
    assert alice_out.of(AddUsers) == []  # newcomers are announced with the next tick...
    world.broadcast_transforms()
    await settle()
    # ...together: one add_users for both, with the same bytes as the codec's.
    (announced,) = alice_out.of(AddUsers)
    assert announced == AddUsers((bob.user_data(), carol.user_data()))


async def test_ticks_carry_only_the_movers(world: WorldSession) -> None:
    _alice, alice_out = add_user(world, "alice")
    bob, bob_out = add_user(world, "bob")
    await settle()
    alice_out.take(), bob_out.take()
    world.broadcast_transforms()
    await settle()
    assert seen(alice_out) == [] and seen(bob_out) == []  # nobody moved, nothing sent
    move(world, bob, 1.0)
    move(world, bob, 2.0)  # latest wins within a tick
    world.broadcast_transforms()
    await settle()
    assert seen(alice_out) == [{bob.user_id: 2.0}]
    assert seen(bob_out) == [{bob.user_id: 2.0}]  # movers get themselves too, as in the reference
    world.broadcast_transforms()
    await settle()
    assert seen(alice_out) == []


async def test_idle_users_are_refreshed_slowly() -> None:
    world = make_world(WorldLimits(tick_rate=0.001, idle_refresh_seconds=3000))  # 3 ticks
    try:
        alice, alice_out = add_user(world, "alice")
        bob, _ = add_user(world, "bob")
        await settle()
        alice_out.take()
        frames = []
        for _ in range(4):
            world.broadcast_transforms()
            await settle()
            frames.append(seen(alice_out))
        assert frames[:2] == [[], []]
        refreshed = {user for tick in frames[2:] for frame in tick for user in frame}
        assert refreshed == {alice.user_id, bob.user_id}
    finally:
        await world.stop()


async def test_frames_stay_under_the_limit() -> None:
    world = make_world(WorldLimits(tick_rate=0.001, max_frame_size=1024, aoi_threshold=1000))
    try:
        users = [add_user(world, f"u{i}") for i in range(60)]
        await settle()
        for i, (user, _) in enumerate(users):
            move(world, user, i + 0.123)
        users[0][1].take()
        world.broadcast_transforms()
        await settle()
        frames = users[0][1].frames
        got = seen(users[0][1])
        assert len(got) > 1 and all(len(frame) <= 1024 for frame in frames)
        assert {u for frame in got for u in frame} == {u.user_id for u, _ in users}
    finally:
        await world.stop()


async def test_area_of_interest_bounds_each_client_and_everyone_still_converges() -> None:
    # Cells of 5 m: each user alone in one, nearest to itself and then its two neighbours.
    limits = WorldLimits(
        tick_rate=0.001,
        aoi_threshold=5,
        aoi_near_users=3,
        aoi_cell_size=5.0,
        aoi_far_per_tick=2,
        idle_refresh_seconds=1e6,
    )
    world = make_world(limits)
    try:
        # Twelve users on a line, 10 m apart.
        users = [
            add_user(world, f"u{i}", MyTransform(Vec3(i * 10.0, 0, 0), Vec3(0, 0, 0)))
            for i in range(12)
        ]
        await settle()
        for _, out in users:
            out.take()
        latest: dict[uuid.UUID, float] = {}
        for tick in range(6):
            for i, (user, _) in enumerate(users):
                latest[user.user_id] = move(world, user, i * 10.0 + tick * 0.25).position.x
            world.broadcast_transforms()
            await settle()
            for i, (_, out) in enumerate(users):
                frames = seen(out)
                entries = [u for frame in frames for u in frame]
                assert len(entries) <= 3 + 2  # near + far per tick, whatever the world size
                neighbours = {users[j][0].user_id for j in (i - 1, i, i + 1) if 0 <= j < 12}
                if 0 < i < 11:
                    assert neighbours <= set(entries)  # the nearest ones, every tick
        # They stop; within users / far_per_tick ticks every client has everyone's last spot.
        views: list[dict[uuid.UUID, float]] = [{} for _ in users]
        for _ in range(12 // 2 + 1):
            world.broadcast_transforms()
            await settle()
            for view, (_, out) in zip(views, users, strict=True):
                for frame in seen(out):
                    view.update(frame)
        for view in views:
            for user_id, x in latest.items():
                if user_id in view:
                    assert view[user_id] == x
        assert sum(len(view) for view in views) >= 12 * 11 * 0.5
    finally:
        await world.stop()


async def test_a_stalled_client_gets_the_latest_transforms_once_it_reads_again(
    world: WorldSession,
) -> None:
    alice, alice_out = add_user(world, "alice")
    _bob, bob_out = add_user(world, "bob")
    await settle()
    alice_out.take(), bob_out.take()
    bob_out.stall()
    for step in range(5):
        move(world, alice, float(step))
        world.broadcast_transforms()
        await settle()
    assert len(seen(alice_out)) == 5  # the others are not held back
    bob_out.resume()
    await settle(20)
    frames = seen(bob_out)
    # The first tick was already in flight; the four after it merged into one, latest wins.
    assert frames[-1] == {alice.user_id: 4.0} and len(frames) <= 2


async def test_a_client_too_far_behind_is_closed_and_the_world_goes_on(
    world: WorldSession,
) -> None:
    closed: list[Connection] = []
    _alice, alice_out = add_user(world, "alice")
    connection, slow_out = fake_connection(max_queue_bytes=2000, closed=closed)
    slow = WorldUser(connection, UserProfile("slow"), ORIGIN)
    world.join(slow)
    await settle()
    slow_out.stall()
    for i in range(50):
        world.apply_definitions([definition(uuid.uuid4(), WORLD, f"object {i:02d}")])
    await settle()
    assert connection.closing is not None and connection.closing[0] == CloseCode.TRY_AGAIN_LATER
    assert closed == [connection]  # reported once, after the broadcast that overflowed
    assert len(alice_out.of(AddObjects)) >= 50
    assert slow_out.aborted or slow_out.closed is None  # its socket is cut, not waited for


async def test_locks_one_holder_released_on_leave(world: WorldSession) -> None:
    alice, alice_out = add_user(world, "alice")
    bob, bob_out = add_user(world, "bob")
    world.announce_arrivals_and_departures()
    await settle()
    alice_out.take(), bob_out.take()
    assert world.lock(OBJ, alice)
    assert not world.lock(OBJ, bob)
    assert not world.lock(OBJ, alice)  # holding it already counts as taken, as in the reference
    world.refuse_lock(OBJ, bob)
    assert not world.unlock(OBJ, bob)
    await settle()
    assert alice_out.of(LockObjectResponse) == [
        LockObjectResponse(OBJ, 1, alice.user_id),
        LockObjectResponse(OBJ, 0, alice.user_id),
    ]
    assert bob_out.of(LockObjectResponse) == [
        LockObjectResponse(OBJ, 1, alice.user_id),
        LockObjectResponse(OBJ, 0, alice.user_id),
        LockObjectResponse(OBJ, 0, alice.user_id),
        LockObjectResponse(OBJ, 0, alice.user_id),
    ]
    bob_out.take()
    world.leave(alice.user_id)
    world.broadcast_transforms()
    await settle()
    assert bob_out.take() == [LockObjectResponse(OBJ, 0, NIL_ID), RemoveUsers((alice.user_id,))]
    assert world.lock(OBJ, bob)


def test_world_limits_follow_the_settings() -> None:
    from odyssey.config import Settings

    limits = WorldLimits.from_settings(
        Settings(controller_tick_rate=20, controller_idle_refresh_seconds=2)
    )
    assert limits.tick_rate == 20 and limits.idle_refresh_ticks == 40
    assert math.isclose(1 / limits.tick_rate, 0.05)


async def test_clients_behind_together_share_one_merge() -> None:
    from odyssey.controller.connection import TransformBatch

    entry = {name: bytes([n]) * 16 + b"\x00" * 6 for n, name in enumerate("abc", start=1)}
    newer_a = bytes([1]) * 16 + b"\x40" + b"\x00" * 5
    first = TransformBatch([entry["a"], entry["b"]], 32768)
    second = TransformBatch([newer_a, entry["c"]], 32768)
    merged = first.merged_with(second)
    assert merged.entries == [newer_a, entry["b"], entry["c"]]  # latest wins, nobody lost
    assert first.merged_with(second) is merged  # the next client behind reuses it
    connections = [fake_connection() for _ in range(3)]
    for _, transport in connections:
        transport.stall()
    for batch in (first, first, second):
        for connection, _ in connections:
            connection.send_transforms(batch)
    await settle()
    for _, transport in connections:
        transport.resume()
    await settle(10)
    sent = {tuple(transport.frames) for _, transport in connections}
    assert len(sent) == 1  # every client got the same frames: the first batch, then the merge


async def test_sends_go_out_at_once_and_keep_their_order_when_the_peer_is_slow() -> None:
    connection, transport = fake_connection()
    await settle()
    connection.send(b"first")
    assert transport.frames == [b"first"]  # no task switch needed when the socket takes it
    transport.stall()
    connection.send(b"second")  # starts, then waits for the peer
    connection.send(b"third")  # queued behind it
    await settle()
    assert transport.frames == [b"first"]
    assert connection.stalled_for(asyncio.get_running_loop().time() + 1) >= 1
    transport.resume()
    await settle(10)
    assert transport.frames == [b"first", b"second", b"third"]
    assert connection.stalled_for(asyncio.get_running_loop().time()) == 0
