"""The real-time controller: connected users, live worlds, and what posbus messages do to them.

It owns the authoritative in-memory state of this process's worlds (DESIGN: one process owns a
world) and implements `odyssey.presence.Presence` for the REST API. The WebSocket endpoint
(`odyssey.controller.endpoint`) hands it each client's frames, which it dispatches to their
commands (`odyssey.controller.messages`); the bus hands it the changes made elsewhere (REST API,
other services), which it turns into posbus messages for the right clients (`_BUS_EVENTS`).

Commands parse, check, change the state and queue messages; they never wait on a client. The
only awaits are database reads on the rare paths (handshake, teleport, lock) and the bus; moves
and ticks never touch the database (`WriteBehind` persists them later).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from odyssey.bus import (
    AttributeChanged,
    Bus,
    Event,
    ObjectCreated,
    ObjectsRemoved,
    ObjectUpdated,
    SignInEnded,
    Subscription,
    UserChanged,
)
from odyssey.config import Settings
from odyssey.controller.audience import AttributeLocation, audience
from odyssey.controller.connection import CloseCode, Connection, ProtocolViolation, Transport
from odyssey.controller.guests import GuestSweep
from odyssey.controller.messages import command
from odyssey.controller.objects import wire_vec3
from odyssey.controller.signouts import EndedSignIns, covers
from odyssey.controller.slots import gotiny_value
from odyssey.controller.users import ConnectedUser, profile_of
from odyssey.controller.world import UserProfile, WorldLimits, WorldSession, WorldUser
from odyssey.controller.worlds import LiveWorlds
from odyssey.controller.writes import WriteBehind
from odyssey.core import options as opts
from odyssey.core.attributes import posbus_auto
from odyssey.core.tree import ObjectTree
from odyssey.db.realtime import RealtimeStore
from odyssey.posbus import (
    AttributeValueChanged,
    DecodeError,
    EncodeError,
    FlyToMe,
    FrameTooLarge,
    HandShake,
    MyTransform,
    Notification,
    NotificationType,
    Signal,
    SignalType,
    Vec3,
    decode,
    encode,
)
from odyssey.presence import Invitation

log = logging.getLogger(__name__)

# Sent (as a text notification) before "world does not exist" when a teleport into a private
# world is refused: the signal is what every client already handles, the text says why.
WORLD_IS_PRIVATE = "This world is private: only its members may enter"
_INVALID_TOKEN = encode(Signal(SignalType.INVALID_TOKEN))


class VerifiedToken(Protocol):
    """What the token verifier returns (`odyssey.auth.tokens.Identity` is one)."""

    @property
    def user_id(self) -> UUID: ...

    @property
    def session_id(self) -> UUID:
        """The sign-in the token belongs to (its `sid`)."""
        ...

    @property
    def token_id(self) -> str: ...


TokenVerifier = Callable[[str], Awaitable[VerifiedToken]]
"""The node's one token verifier (the API's): raises for any token it does not accept."""


class HandshakeRejected(Exception):
    """The first frame is not an acceptable ``hand_shake``; the client gets "invalid token"."""

    def __init__(self, code: CloseCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A client whose handshake was accepted."""

    user_id: UUID
    session_id: UUID
    profile: UserProfile
    # What the token checked at the handshake belongs to: a sign-out of that sign-in (or the
    # revocation of that token) closes the connection.
    sign_in_id: UUID
    token_id: str


class Controller:
    """All live worlds and connections of this process. Also the node's `Presence`."""

    def __init__(
        self,
        settings: Settings,
        store: RealtimeStore,
        bus: Bus,
        verify_token: TokenVerifier,
    ) -> None:
        self.settings = settings
        self.limits = WorldLimits.from_settings(settings)
        self.store = store
        self.bus = bus
        self._verify_token = verify_token
        self._max_frame_in = settings.controller_max_frame_in
        self._writes = WriteBehind(store, bus, interval=settings.controller_persist_interval)
        self.worlds = LiveWorlds(
            store, self._writes, self.limits, on_closed=self._world_closed, spawn=self._spawn
        )
        self._users: dict[UUID, ConnectedUser] = {}
        self._guests = GuestSweep(settings, store, bus, self._connected_guests)
        self._ended_sign_ins = EndedSignIns()
        self._subscriptions: list[Subscription] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._started = False
        # What each change made elsewhere does here (the topics subscribed to are in `start`).
        self._bus_events: dict[type[Event], Callable[[Any], Awaitable[None]]] = {
            ObjectCreated: self._object_changed,
            ObjectUpdated: self._object_changed,
            ObjectsRemoved: self._objects_removed,
            AttributeChanged: self._attribute_changed,
            UserChanged: self._user_changed,
        }

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Load the object tree and listen to the bus. Worlds come alive when entered."""
        await self.worlds.load()
        self._writes.start()
        for topic in ("object/#", "attribute/#", "user/changed"):
            self._subscriptions.append(self.bus.subscribe(topic, self._on_bus_event))
        self._subscriptions.append(self.bus.subscribe(SignInEnded.topic, self._on_sign_in_ended))
        self._spawn(self._drop_stalled_connections())
        self._spawn(self._guests.run_forever())
        self._started = True

    async def stop(self) -> None:
        """Close every client, stop the worlds, and write what is still pending."""
        for subscription in self._subscriptions:
            subscription.cancel()
        self._subscriptions.clear()
        connections = [user.connection for user in self._users.values()]
        # Whoever is still here was seen now: the next process's sweep counts from this moment.
        await self._guests.mark_seen(self._connected_guests())
        for connection in connections:
            connection.close(CloseCode.GOING_AWAY, "server shutting down")
        if connections:
            await asyncio.wait(
                [asyncio.ensure_future(c.wait_closed()) for c in connections],
                timeout=self.settings.controller_close_timeout,
            )
        await self.worlds.stop()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self._writes.close()
        self._started = False

    @property
    def tree(self) -> ObjectTree:
        return self.worlds.tree

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- connections --------------------------------------------------------------------------

    async def authenticate(self, frame: bytes | None) -> SignedIn:
        """Check the first frame: a ``hand_shake`` whose token is valid for its ``user_id``."""
        if frame is None:
            raise HandshakeRejected(
                CloseCode.UNSUPPORTED_DATA, "invalid token: the first frame must be binary"
            )
        try:
            message = decode(frame, max_frame_size=self._max_frame_in)
        except DecodeError as error:
            raise HandshakeRejected(
                CloseCode.INVALID_PAYLOAD, f"invalid token: malformed hand_shake ({error})"
            ) from None
        if not isinstance(message, HandShake):
            raise HandshakeRejected(
                CloseCode.POLICY_VIOLATION,
                f"invalid token: expected hand_shake, got {message.TYPE.type_name}",
            )
        try:
            identity = await self._verify_token(message.token)
        except Exception as error:
            log.info("posbus handshake for %s: token rejected: %s", message.user_id, error)
            raise HandshakeRejected(CloseCode.POLICY_VIOLATION, "invalid token") from None
        if identity.user_id != message.user_id:
            raise HandshakeRejected(
                CloseCode.POLICY_VIOLATION, "invalid token: it was issued to another user"
            )
        profile = profile_of(await self.store.user(message.user_id))
        if profile is None:
            raise HandshakeRejected(CloseCode.POLICY_VIOLATION, "invalid token: unknown user")
        # The sign-in may have ended while we read the profile (the event found no connection).
        ended = self._ended_sign_ins.reason(
            identity.user_id, identity.session_id, identity.token_id
        )
        if ended is not None:
            raise HandshakeRejected(CloseCode.POLICY_VIOLATION, f"invalid token: {ended}")
        return SignedIn(
            message.user_id, message.session_id, profile, identity.session_id, identity.token_id
        )

    def connect(self, signed_in: SignedIn, transport: Transport) -> Connection:
        """Register a signed-in client; an older connection of the same user is closed.

        With another session id, the old client gets ``signal`` "dual connection" first; the
        same session id is the same client reconnecting, closed without a signal.
        """
        user_id = signed_in.user_id
        connection = Connection(
            user_id,
            signed_in.session_id,
            transport,
            max_queue_bytes=self.settings.controller_send_queue_bytes,
            close_timeout=self.settings.controller_close_timeout,
            on_closed=self._connection_closed,
            sign_in_id=signed_in.sign_in_id,
            token_id=signed_in.token_id,
        )
        user = self._users.get(user_id)
        old = user.connection if user is not None else None
        if user is None:
            self._users[user_id] = ConnectedUser(connection, signed_in.profile)
        else:  # the same record: its place and rates carry over (see `ConnectedUser`)
            user.connection = connection
            user.profile = signed_in.profile
        if signed_in.profile.is_guest:
            self._spawn(self._guests.mark_seen([user_id]))
        if old is not None:
            if old.session_id != signed_in.session_id:
                log.info("posbus %s: dual connection, closing the older one", user_id)
                old.send(encode(Signal(SignalType.DUAL_CONNECTION)))
                old.close(CloseCode.NORMAL, "dual connection")
            else:
                old.close(CloseCode.NORMAL, "replaced by a reconnection")
        connection.start()
        return connection

    async def _drop_stalled_connections(self) -> None:
        """Close clients that stopped reading: their send has waited past the write timeout.

        (The server's own keepalive cannot: its close waits behind the unread data.)
        """
        timeout = self.settings.controller_write_timeout
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(min(1.0, timeout / 2))
            now = loop.time()
            for connection in [user.connection for user in self._users.values()]:
                if connection.stalled_for(now) > timeout:
                    reason = "write timeout: client not reading"
                    log.warning("posbus %s: closing the connection: %s", connection.user_id, reason)
                    connection.close(CloseCode.TRY_AGAIN_LATER, reason, flush=False)

    async def _on_sign_in_ended(self, event: Event) -> None:
        """A sign-in ended (or its user was deleted): close the connection it opened, now."""
        if not isinstance(event, SignInEnded):
            return
        self._ended_sign_ins.record(event)
        connection = self.connection_of(event.user_id)
        if connection is None or connection.closed:
            return
        if covers(event, connection.user_id, connection.sign_in_id, connection.token_id):
            log.info("posbus %s: closing the connection: %s", connection.user_id, event.reason)
            connection.send(_INVALID_TOKEN)
            connection.close(CloseCode.POLICY_VIOLATION, event.reason)

    def _connection_closed(self, connection: Connection) -> None:
        """A connection is closing: its user leaves the world now, the socket may linger."""
        user_id = connection.user_id
        user = self._users.get(user_id)
        if user is None:
            return
        if user.place_of(connection) is not None:
            self.leave_world(user_id)
        if user.connection is connection:
            # Still in a world through an older connection whose close has not come yet: the
            # user is gone all the same.
            self.leave_world(user_id)
            del self._users[user_id]
            if user.profile.is_guest:
                # Leaving is the last time it was seen: the guest sweep counts from now.
                self._spawn(self._guests.mark_seen([user_id]))

    # --- guest clean-up (`odyssey.controller.guests`) ---------------------------------------

    @property
    def guest_retention(self) -> float:
        return self._guests.retention

    def _connected_guests(self) -> list[UUID]:
        return [user_id for user_id, user in self._users.items() if user.profile.is_guest]

    async def sweep_guests(self, now: dt.datetime | None = None, *, batch: int = 500) -> int:
        """`GuestSweep.sweep`: the number of idle guests deleted."""
        return await self._guests.sweep(now, batch=batch)

    # --- frames from clients ------------------------------------------------------------------

    async def receive(self, connection: Connection, frame: bytes) -> None:
        """Act on one frame from a signed-in client. Raises `ProtocolViolation`."""
        try:
            message = decode(frame, max_frame_size=self._max_frame_in)
        except FrameTooLarge as error:
            raise ProtocolViolation(CloseCode.MESSAGE_TOO_BIG, str(error)) from None
        except DecodeError as error:
            raise ProtocolViolation(
                CloseCode.INVALID_PAYLOAD, f"malformed frame: {error}"
            ) from None
        user = self._users.get(connection.user_id)
        if user is None or user.connection is not connection:
            log.debug("posbus %s: frame from a replaced connection", connection.user_id)
            return
        await command.dispatch(self, user, message, frame)

    # --- worlds -------------------------------------------------------------------------------

    async def teleport(self, connection: Connection, world_id: UUID) -> bool:
        """Move a client into a world (leaving its current one). False if there is none."""
        world = await self.worlds.session(world_id)
        if world is None:
            connection.send(encode(Signal(SignalType.WORLD_DOES_NOT_EXIST)))
            return False
        if not await self.store.may_enter(self.tree, connection.user_id, world_id):
            log.info("posbus %s: private world %s refused", connection.user_id, world_id)
            connection.send_all(
                [
                    encode(Notification(NotificationType.TEXT_MESSAGE, WORLD_IS_PRIVATE)),
                    encode(Signal(SignalType.WORLD_DOES_NOT_EXIST)),
                ]
            )
            return False
        spawn = await self._spawn_transform(world, connection.user_id)
        user = self._users.get(connection.user_id)
        if connection.closed or user is None or user.connection is not connection:
            return False
        if self.worlds.get(world_id) is not world:  # deleted while we were loading
            connection.send(encode(Signal(SignalType.WORLD_DOES_NOT_EXIST)))
            return False
        self.leave_world(connection.user_id)
        here = WorldUser(connection, user.profile, spawn)
        world.join(here)
        user.here = (world, here)
        return True

    def leave_world(self, user_id: UUID) -> None:
        """The user leaves its world, if it is in one; its position is saved."""
        user = self._users.get(user_id)
        if user is None or user.here is None:
            return
        world, in_world = user.here
        user.here = None
        world.leave(user_id)
        if world.id in self.tree:
            self._writes.save_position(world.id, user_id, in_world.transform)

    def _world_closed(self, world: WorldSession, frames: list[bytes]) -> None:
        """The world was deleted: everyone in it is left in no world, and told so."""
        for user_id in list(world.users):
            user = self._users.get(user_id)
            here = user.here if user is not None else None
            if user is not None:
                user.here = None
            world.leave(user_id)
            if here is not None:
                here[1].connection.send_all(frames)

    async def _spawn_transform(self, world: WorldSession, user_id: UUID) -> MyTransform:
        """Where a user appears: its last known position there, else the world's spawn point."""
        last = self._writes.pending_position(world.id, user_id)
        if last is None:
            last = await self.store.last_position(world.id, user_id)
        if last is not None:
            return last
        if world.id in self.tree:
            spawn = opts.spawn_point(self.tree.effective_options(world.id))
            if spawn is not None:
                return MyTransform(wire_vec3(spawn.position), wire_vec3(spawn.rotation))
        return MyTransform(Vec3(0.0, 0.0, 0.0), Vec3(0.0, 0.0, 0.0))

    # --- changes made elsewhere (the bus) -----------------------------------------------------

    async def _on_bus_event(self, event: Event) -> None:
        # One at a time, in publication order, and never while a world is being loaded.
        async with self.worlds.lock:
            if not self.worlds.loaded:
                return
            apply = self._bus_events.get(type(event))
            if apply is None:
                return
            try:
                await apply(event)
            except Exception:
                log.exception("controller: could not apply %s", event)

    async def _object_changed(self, event: ObjectCreated | ObjectUpdated) -> None:
        await self.worlds.object_changed(event.object_id)

    async def _objects_removed(self, event: ObjectsRemoved) -> None:
        self.worlds.objects_removed(event.object_ids)

    async def _attribute_changed(self, event: AttributeChanged) -> None:
        key = (event.plugin_id, event.attribute_name)
        instance = (
            await self.store.instance_options(event)
            if event.change_type == "attribute_changed"
            else None
        )
        options = await self.worlds.attribute_options(key, instance)
        auto = posbus_auto(options)
        if auto is not None:
            self._announce_attribute(event, auto)
        await self.worlds.attribute_changed(event, options)

    def _announce_attribute(self, event: AttributeChanged, auto: Any) -> None:
        """``attribute_value_changed`` to the audiences of ``posbus_auto``."""
        tree = self.tree
        location = AttributeLocation(
            scope=event.scope,
            object_id=event.object_id,
            user_id=event.user_id,
            source_user_id=event.source_user_id,
            target_user_id=event.target_user_id,
        )
        found = audience(
            location,
            auto,
            node_id=tree.node.id,
            world_of_object=lambda o: tree.world_of(o) if o in tree else None,
            world_of_user=self.world_of_user,
        )
        if found is None or found.empty:
            return
        try:
            value = gotiny_value(event.value) if event.value is not None else None
            frame = encode(
                AttributeValueChanged(
                    plugin_id=event.plugin_id,
                    attribute_name=event.attribute_name,
                    change_type=event.change_type,
                    value=value if isinstance(value, dict) else None,
                    target_id=found.target_id,
                )
            )
        except (ValueError, EncodeError):
            log.warning("attribute %s: value cannot travel over posbus", event.attribute_name)
            return
        recipients: dict[UUID, Connection] = {}
        if found.everyone:
            recipients.update((user_id, u.connection) for user_id, u in self._users.items())
        for world_id in found.worlds:
            world = self.worlds.get(world_id)
            if world is not None:
                for in_world in world.users.values():
                    recipients[in_world.user_id] = in_world.connection
        for user_id in found.users:
            connection = self.connection_of(user_id)
            if connection is not None:
                recipients[user_id] = connection
        for connection in recipients.values():
            connection.send(frame)

    async def _user_changed(self, event: UserChanged) -> None:
        if event.user_id not in self._users:
            return
        profile = profile_of(await self.store.user(event.user_id))
        user = self._users.get(event.user_id)
        if profile is None or user is None:
            return
        user.profile = profile
        if user.here is not None:
            user.here[0].update_profile(event.user_id, profile)

    # --- Presence (what the REST API asks) ----------------------------------------------------

    def online_users(self, world_id: UUID) -> list[UUID]:
        world = self.worlds.get(world_id)
        return list(world.users) if world is not None else []

    def world_of_user(self, user_id: UUID) -> UUID | None:
        user = self._users.get(user_id)
        return user.here[0].id if user is not None and user.here is not None else None

    async def fly_to_me(self, world_id: UUID, pilot_id: UUID, pilot_name: str) -> bool:
        pilot = self._users.get(pilot_id)
        here = pilot.here if pilot is not None else None
        if here is None or here[0].id != world_id:
            return False
        here[0].broadcast_message(FlyToMe(pilot_id, pilot_name, world_id))
        return True

    async def invite_user(
        self, world_id: UUID, user_id: UUID, inviter_id: UUID, inviter_name: str
    ) -> Invitation:
        """``fly_to_me`` to that user alone, naming the inviter and the world: an invitation the
        client may accept by sending ``teleport_request`` (nobody is moved without consent)."""
        connection = self.connection_of(user_id)
        if connection is None:
            return Invitation.NOT_CONNECTED
        # A world made by another process is not in our tree yet: loading it finds it.
        if not self.worlds.is_world(world_id) and await self.worlds.session(world_id) is None:
            return Invitation.NO_WORLD
        if not await self.store.may_enter(self.tree, user_id, world_id):
            return Invitation.NOT_ALLOWED
        if self.connection_of(user_id) is not connection:
            return Invitation.NOT_CONNECTED  # left while we asked the database
        connection.send(encode(FlyToMe(inviter_id, inviter_name, world_id)))
        return Invitation.SENT

    # --- introspection (bench, tests) ---------------------------------------------------------

    def world(self, world_id: UUID) -> WorldSession | None:
        return self.worlds.get(world_id)

    def connection_of(self, user_id: UUID) -> Connection | None:
        user = self._users.get(user_id)
        return user.connection if user is not None else None

    async def flush_writes(self) -> None:
        await self._writes.flush()
