"""The controller in-process on a real database, with real tokens and in-memory sockets."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio

from odyssey.bus import Event, StakeReported
from odyssey.config import Settings
from odyssey.controller import Controller
from odyssey.controller.connection import Connection, ProtocolViolation
from odyssey.controller.controller import WORLD_IS_PRIVATE, HandshakeRejected
from odyssey.core import ids
from odyssey.core.geometry import Transform as CoreTransform
from odyssey.core.geometry import Vec3 as CoreVec3
from odyssey.core.permissions import AttributeScope
from odyssey.db import AttributeRef
from odyssey.db.realtime import RealtimeStore
from odyssey.posbus import (
    AddObjects,
    AddUsers,
    AttributeValueChanged,
    FlyToMe,
    HandShake,
    LockObject,
    LockObjectResponse,
    MyTransform,
    Notification,
    NotificationType,
    ObjectTransform,
    RemoveObjects,
    SetWorld,
    Signal,
    SignalType,
    TeleportRequest,
    Transform,
    UserStakedToOdyssey,
    Vec3,
    encode,
)
from odyssey.presence import Invitation
from odyssey.services import Services
from tests.live_node import fresh_database

from .fakes import FakeTransport, settle

pytestmark = pytest.mark.asyncio(loop_scope="module")


@dataclass
class Client:
    user_id: uuid.UUID
    token: str
    connection: Connection
    out: FakeTransport


class Harness:
    """One test's view of the shared node: its own world, its clients closed afterwards."""

    def __init__(self, services: Services, controller: Controller, world: uuid.UUID) -> None:
        self.services = services
        self.controller = controller
        self.world = world
        self.clients: list[Client] = []

    async def world_id(self) -> uuid.UUID:
        return self.world

    async def guest(self) -> tuple[uuid.UUID, str]:
        signed = await self.services.auth.sign_in_guest()
        return signed.user.user_id, signed.tokens.access_token

    async def connect(self, user: tuple[uuid.UUID, str] | None = None) -> Client:
        user_id, token = user or await self.guest()
        signed_in = await self.controller.authenticate(
            encode(HandShake(1, 1, token, user_id, uuid.uuid4()))
        )
        out = FakeTransport()
        client = Client(user_id, token, self.controller.connect(signed_in, out), out)
        self.clients.append(client)
        return client

    async def send(self, client: Client, message: object) -> None:
        await self.controller.receive(client.connection, encode(message))  # type: ignore[arg-type]
        await settle()

    async def drain(self) -> None:
        bus = self.services.bus
        await bus.drain()  # type: ignore[attr-defined]
        await settle()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def node(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[Services, Controller]]:
    """One migrated, seeded database and a started controller for the whole module."""
    tmp = tmp_path_factory.mktemp("controller")
    with fresh_database(tmp, None) as database_url:
        settings = Settings(
            data_dir=tmp / "data",
            database_url=database_url,
            port=0,
            controller_guest_cleanup_seconds=0.2,
            controller_persist_interval=0.05,
            controller_write_timeout=0.3,
            controller_close_timeout=0.2,
        )
        services = Services.create(settings)
        await services.migrate()
        await services.seed()
        controller = Controller(
            settings, RealtimeStore(services.db), services.bus, services.auth.verify_token
        )
        await controller.start()
        services.presence = controller
        try:
            yield services, controller
        finally:
            await controller.stop()
            await services.close()


@pytest_asyncio.fixture(loop_scope="module")
async def harness(node: tuple[Services, Controller]) -> AsyncIterator[Harness]:
    services, controller = node
    world = await services.objects.create_world(f"w{uuid.uuid4().hex[:6]}", ids.DEITY_USER_ID)
    await services.bus.drain()  # type: ignore[attr-defined]
    harness = Harness(services, controller, world.id)
    try:
        yield harness
    finally:
        for client in harness.clients:
            client.connection.transport_lost()
        await settle()


async def test_handshake_needs_a_valid_token_for_that_user(harness: Harness) -> None:
    user_id, token = await harness.guest()
    other_id, _ = await harness.guest()
    refusals = [
        None,
        b"\x01\x02",
        encode(TeleportRequest(uuid.uuid4())),
        encode(HandShake(1, 1, token, other_id, uuid.uuid4())),
        encode(HandShake(1, 1, token + "x", user_id, uuid.uuid4())),
    ]
    for frame in refusals:
        with pytest.raises(HandshakeRejected) as refused:
            await harness.controller.authenticate(frame)
        assert refused.value.reason.startswith("invalid token")
    signed_in = await harness.controller.authenticate(
        encode(HandShake(1, 1, token, user_id, uuid.uuid4()))
    )
    assert signed_in.user_id == user_id and signed_in.profile.is_guest


async def test_teleport_presence_and_last_position_saved_in_the_database(
    harness: Harness,
) -> None:
    world_id = await harness.world_id()
    alice = await harness.connect()
    await harness.send(alice, TeleportRequest(world_id))
    assert isinstance(alice.out.messages()[0], SetWorld)
    assert harness.controller.online_users(world_id) == [alice.user_id]
    assert harness.controller.world_of_user(alice.user_id) == world_id
    spot = MyTransform(Vec3(12.5, 3.0, -4.0), Vec3(0.0, 1.5, 0.0))
    await harness.send(alice, spot)
    await harness.send(alice, Signal(SignalType.LEAVE_WORLD))
    assert harness.controller.online_users(world_id) == []
    await harness.controller.flush_writes()
    stored = await harness.services.attributes.get_value(
        AttributeRef(
            AttributeScope.OBJECT_USER,
            ids.CORE_PLUGIN_ID,
            "last_known_position",
            object_id=world_id,
            user_id=alice.user_id,
        )
    )
    assert stored == {
        "position": {"x": 12.5, "y": 3.0, "z": -4.0},
        "rotation": {"x": 0.0, "y": 1.5, "z": 0.0},
    }
    # A new controller (a restart) puts the user back there.
    fresh = Controller(
        harness.controller.settings,
        RealtimeStore(harness.services.db),
        harness.services.bus,
        harness.services.auth.verify_token,
    )
    await fresh.start()
    try:
        again = await Harness(harness.services, fresh, world_id).connect(
            (alice.user_id, alice.token)
        )
        await fresh.receive(again.connection, encode(TeleportRequest(world_id)))
        await settle()
        assert again.out.of(MyTransform)[0] == spot
    finally:
        await fresh.stop()


async def test_unknown_world_and_out_of_order_edits(harness: Harness) -> None:
    client = await harness.connect()
    await harness.send(client, TeleportRequest(uuid.uuid4()))
    assert client.out.messages() == [Signal(SignalType.WORLD_DOES_NOT_EXIST)]
    with pytest.raises(ProtocolViolation) as violation:
        await harness.send(client, LockObject(uuid.uuid4()))
    assert violation.value.code == 1008 and "before teleport_request" in violation.value.reason
    with pytest.raises(ProtocolViolation) as violation:
        await harness.controller.receive(client.connection, b"\x00" * 12)
    assert violation.value.code == 1007


async def test_a_private_world_admits_its_owner_admins_and_members_only(
    harness: Harness,
) -> None:
    """The attack: a guest teleports into a world its owner made private."""
    public_world = await harness.world_id()
    owner_user = await harness.guest()
    world = await harness.services.objects.create_world("Private", owner_user[0])
    await harness.services.objects.update_object(world.id, options={"private": True})
    await harness.drain()
    stranger = await harness.connect()
    member = await harness.connect()
    admin = await harness.connect()
    owner = await harness.connect(owner_user)
    await harness.services.users.set_role(world.id, member.user_id, "member")
    await harness.services.users.set_role(world.id, admin.user_id, "admin")

    await harness.send(stranger, TeleportRequest(public_world))
    stranger.out.take()
    await harness.send(stranger, TeleportRequest(world.id))
    # Refused with the signal clients handle, after a notification saying why; the connection
    # stays open and the guest stays where it was.
    assert stranger.out.take() == [
        Notification(NotificationType.TEXT_MESSAGE, WORLD_IS_PRIVATE),
        Signal(SignalType.WORLD_DOES_NOT_EXIST),
    ]
    assert not stranger.connection.closed
    assert harness.controller.world_of_user(stranger.user_id) == public_world
    assert stranger.user_id not in harness.controller.online_users(world.id)

    for allowed in (owner, member, admin):
        await harness.send(allowed, TeleportRequest(world.id))
        assert isinstance(allowed.out.messages()[0], SetWorld), allowed
        assert harness.controller.world_of_user(allowed.user_id) == world.id
    # Membership taken away: refused next time.
    await harness.services.users.remove_role(world.id, member.user_id)
    await harness.send(member, Signal(SignalType.LEAVE_WORLD))
    member.out.take()
    await harness.send(member, TeleportRequest(world.id))
    assert Signal(SignalType.WORLD_DOES_NOT_EXIST) in member.out.take()
    # Made public again: anyone may enter.
    await harness.services.objects.update_object(world.id, options={"private": False})
    await harness.drain()
    await harness.send(stranger, TeleportRequest(world.id))
    assert harness.controller.world_of_user(stranger.user_id) == world.id


async def test_guests_are_removed_after_they_leave_unless_they_come_back(
    harness: Harness,
) -> None:
    stays = await harness.connect()
    returns = await harness.connect()
    member_id = (await harness.services.users.create_user(name="member")).user_id
    stays.connection.transport_lost()
    returns.connection.transport_lost()
    await settle()
    again = await harness.connect((returns.user_id, returns.token))
    # The durable sweep (tests/controller/test_guest_sweep.py), with the clock moved on.
    retention = harness.controller.guest_retention
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=retention + 60)
    await settle()  # the connect's own "seen now" is written first
    await harness.controller.sweep_guests(later)
    with pytest.raises(Exception, match="not found"):
        await harness.services.users.get(stays.user_id)
    assert (await harness.services.users.get(returns.user_id)).user_id == again.user_id
    assert (await harness.services.users.get(member_id)).user_id == member_id


async def test_changes_made_elsewhere_reach_the_right_clients(harness: Harness) -> None:
    world_id = await harness.world_id()
    inside = await harness.connect()
    outside = await harness.connect()
    await harness.send(inside, TeleportRequest(world_id))
    inside.out.take()

    node = await harness.services.objects.create_object(
        world_id,
        ids.CUSTOM_TYPE_ID,
        name="From the API",
        transform=CoreTransform(CoreVec3(5.0, 0.0, 5.0)),
    )
    await harness.drain()
    added = inside.out.of(AddObjects)
    assert [d.name for a in added for d in a.objects if d.id == node.id] == ["From the API"]
    assert outside.out.messages() == []  # not in the world

    # posbus_auto [user] (seeded skybox_ai): only that user's connection.
    for who in (inside, outside):
        await harness.services.attributes.set_value(
            AttributeRef(AttributeScope.USER, ids.CORE_PLUGIN_ID, "skybox_ai", user_id=who.user_id),
            {"status": "done"},
        )
    await harness.drain()
    for who in (inside, outside):
        (changed,) = who.out.of(AttributeValueChanged)
        assert changed.target_id == who.user_id and changed.value == {"status": "done"}
    # posbus_auto [object] on the world (seeded soundtrack): everyone in the world.
    await harness.services.attributes.set_value(
        AttributeRef(AttributeScope.OBJECT, ids.CORE_PLUGIN_ID, "soundtrack", object_id=world_id),
        {"tracks": ["a"]},
    )
    await harness.drain()
    assert [m.attribute_name for m in inside.out.of(AttributeValueChanged)][-1] == "soundtrack"
    assert [m.attribute_name for m in outside.out.of(AttributeValueChanged)] == ["skybox_ai"]

    await harness.services.objects.delete_subtree(node.id)
    await harness.drain()
    assert inside.out.of(RemoveObjects)[-1] == RemoveObjects((node.id,))


async def test_a_lock_holder_moves_an_object_and_the_move_is_persisted_once(
    harness: Harness,
) -> None:
    world_id = await harness.world_id()
    admin = await harness.connect()
    await harness.services.users.make_node_admin(admin.user_id)
    await harness.send(admin, TeleportRequest(world_id))
    node = await harness.services.objects.create_object(world_id, ids.CUSTOM_TYPE_ID, name="Box")
    await harness.drain()
    await harness.send(admin, LockObject(node.id))
    assert admin.out.of(LockObjectResponse) == [LockObjectResponse(node.id, 1, admin.user_id)]
    target = Transform(Vec3(7.0, 1.0, 2.0), Vec3(0.0, 0.5, 0.0), Vec3(2.0, 2.0, 2.0))
    admin.out.take()
    await harness.send(admin, ObjectTransform(node.id, target))
    assert admin.out.of(ObjectTransform) == [ObjectTransform(node.id, target)]
    await harness.controller.flush_writes()
    await harness.drain()
    stored = await harness.services.objects.get(node.id)
    assert stored.transform == CoreTransform(
        CoreVec3(7.0, 1.0, 2.0), CoreVec3(0.0, 0.5, 0.0), CoreVec3(2.0, 2.0, 2.0)
    )
    # Hearing back about its own write sends nothing more about the object.
    assert admin.out.of(ObjectTransform) == [ObjectTransform(node.id, target)]
    assert not admin.out.of(AddObjects)


async def test_presence_actions_and_stakes(harness: Harness) -> None:
    world_id = await harness.world_id()
    pilot = await harness.connect()
    follower = await harness.connect()
    for who in (pilot, follower):
        await harness.send(who, TeleportRequest(world_id))
    follower.out.take()
    assert await harness.controller.fly_to_me(world_id, pilot.user_id, "Pilot")
    await settle()
    assert follower.out.of(FlyToMe) == [FlyToMe(pilot.user_id, "Pilot", world_id)]
    assert not await harness.controller.fly_to_me(uuid.uuid4(), pilot.user_id, "Pilot")
    other_world = await harness.services.objects.create_world("Second", pilot.user_id)
    await harness.drain()
    follower.out.take()
    pilot.out.take()
    # An invitation: fly_to_me to that user alone, naming the inviter and the world. The
    # attack was that it moved the user without asking.
    invite = harness.controller.invite_user
    sent = await invite(other_world.id, follower.user_id, pilot.user_id, "Pilot")
    await settle()
    assert sent is Invitation.SENT
    assert follower.out.take() == [FlyToMe(pilot.user_id, "Pilot", other_world.id)]
    assert harness.controller.world_of_user(follower.user_id) == world_id
    assert not pilot.out.of(FlyToMe)
    # Accepting is the user's own teleport_request.
    await harness.send(follower, TeleportRequest(other_world.id))
    assert harness.controller.world_of_user(follower.user_id) == other_world.id
    assert await invite(world_id, uuid.uuid4(), pilot.user_id, "Pilot") is Invitation.NOT_CONNECTED
    # Never into a private world the user may not enter.
    await harness.services.objects.update_object(world_id, options={"private": True})
    await harness.drain()
    follower.out.take()
    sent = await invite(world_id, follower.user_id, pilot.user_id, "Pilot")
    assert sent is Invitation.NOT_ALLOWED
    await settle()
    assert follower.out.take() == []

    heard: list[Event] = []

    async def listen(event: Event) -> None:
        heard.append(event)

    harness.services.bus.subscribe("chain/#", listen)
    await harness.send(pilot, UserStakedToOdyssey("0xabc", "0x123", world_id, "1000", "hi", 1))
    await harness.drain()
    assert heard == [
        StakeReported(
            user_id=pilot.user_id,
            object_id=world_id,
            transaction_hash="0xabc",
            wallet="0x123",
            amount="1000",
            comment="hi",
            kind=1,
        )
    ]


async def test_dual_connection(harness: Harness) -> None:
    world_id = await harness.world_id()
    user = await harness.guest()
    watcher = await harness.connect()
    first = await harness.connect(user)
    for who in (watcher, first):
        await harness.send(who, TeleportRequest(world_id))
    second = await harness.connect(user)
    await settle(20)
    assert first.out.of(Signal) == [Signal(SignalType.DUAL_CONNECTION)]
    assert first.out.closed == (1000, "dual connection")
    assert harness.controller.online_users(world_id) == [watcher.user_id]
    assert harness.controller.connection_of(user[0]) is second.connection
    await asyncio.sleep(0.3)  # arrivals are announced with the next tick
    assert user[0] in [u.id for m in watcher.out.of(AddUsers) for u in m.users]


async def test_a_client_that_stops_taking_messages_is_dropped(harness: Harness) -> None:
    world_id = await harness.world_id()
    stuck = await harness.connect()
    watcher = await harness.connect()
    for who in (stuck, watcher):
        await harness.send(who, TeleportRequest(world_id))
    stuck.out.stall()  # the peer stopped reading: its next send never completes
    await harness.send(watcher, MyTransform(Vec3(1.0, 2.0, 3.0), Vec3(0.0, 0.0, 0.0)))
    for _ in range(40):
        if stuck.connection.closed:
            break
        await asyncio.sleep(0.05)
    assert stuck.connection.closing == (1013, "write timeout: client not reading")
    await settle()
    assert harness.controller.online_users(world_id) == [watcher.user_id]
    await asyncio.sleep(0.4)
    assert stuck.out.aborted  # the close frame could not get through either: cut
