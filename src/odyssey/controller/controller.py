"""The real-time controller: connected users, live worlds, and what posbus messages do to them.

It owns the authoritative in-memory state of this process's worlds (DESIGN: one process owns a
world) and implements `odyssey.presence.Presence` for the REST API. The WebSocket endpoint
(`odyssey.controller.endpoint`) hands it each client's frames; the bus hands it the changes made
elsewhere (REST API, other services), which it turns into posbus messages for the right clients.

Message handlers parse, check, change the state and queue messages; they never wait on a
client. The only awaits are database reads on the rare paths (handshake, teleport, lock) and the
bus; moves and ticks never touch the database (`WriteBehind` persists them later).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable
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
    StakeReported,
    Subscription,
    UserChanged,
)
from odyssey.config import Settings
from odyssey.controller.audience import AttributeLocation, audience
from odyssey.controller.connection import CloseCode, Connection, Transport
from odyssey.controller.objects import (
    asset_format,
    assets_of_subtree,
    core_transform,
    subtree_definitions,
    wire_vec3,
)
from odyssey.controller.signouts import EndedSignIns, covers
from odyssey.controller.slots import ObjectSlots, gotiny_value
from odyssey.controller.world import (
    UserProfile,
    WorldInfo,
    WorldLimits,
    WorldSession,
    WorldUser,
    is_finite_transform,
)
from odyssey.controller.writes import WriteBehind
from odyssey.core import ids
from odyssey.core import options as opts
from odyssey.core.attributes import (
    AttributeKey,
    effective_attribute_options,
    posbus_auto,
    render_auto,
)
from odyssey.core.ids import NIL_ID, try_parse_id
from odyssey.core.tree import ObjectTree
from odyssey.db import tables as t
from odyssey.db.realtime import RealtimeStore
from odyssey.posbus import (
    AttributeValueChanged,
    DecodeError,
    EncodeError,
    FlyToMe,
    FrameTooLarge,
    HandShake,
    HighFive,
    LockObject,
    Message,
    MyTransform,
    Notification,
    NotificationType,
    ObjectTransform,
    RemoveObjects,
    Signal,
    SignalType,
    TeleportRequest,
    UnlockObject,
    UserStakedToOdyssey,
    Vec3,
    decode,
    encode,
)
from odyssey.presence import Invitation

log = logging.getLogger(__name__)

TARGET_NOT_FOUND = "Target user not found"
# Sent (as a text notification) before "world does not exist" when a teleport into a private
# world is refused: the signal is what every client already handles, the text says why.
WORLD_IS_PRIVATE = "This world is private: only its members may enter"
TOO_MANY_TELEPORTS = "Too many teleports: wait a moment and try again"
# High fives are broadcast to the whole world: cap their text and their rate per sender, so
# no client can flood everyone's send queue with them.
HIGH_FIVE_MAX_MESSAGE = 256
HIGH_FIVE_BURST = 5
HIGH_FIVE_PER_SECOND = 1.0
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


class ProtocolViolation(Exception):
    """A client broke the protocol: only that client is closed, with this code and reason."""

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


class _RateLimit:
    """A token bucket: ``burst`` events at once, refilled at ``per_second``."""

    __slots__ = ("_at", "_burst", "_per_second", "_tokens")

    def __init__(self, burst: int, per_second: float) -> None:
        self._burst = burst
        self._per_second = per_second
        self._tokens = float(burst)
        self._at = time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self._tokens = min(self._burst, self._tokens + (now - self._at) * self._per_second)
        self._at = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


def profile_of(user: t.User | None) -> UserProfile | None:
    """What ``add_users`` says about a user, from its row's JSON profile."""
    if user is None:
        return None
    profile = user.profile or {}
    name = profile.get("name")
    avatar = profile.get("avatar_hash")
    return UserProfile(
        name=name if isinstance(name, str) else "",
        avatar=avatar if isinstance(avatar, str) else "",
        is_guest=bool(user.is_guest),
    )


_Handler = Callable[[Connection, Any], Coroutine[Any, Any, None]]


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
        self._store = store
        self._bus = bus
        self._verify_token = verify_token
        self._max_frame_in = settings.controller_max_frame_in
        self._writes = WriteBehind(store, bus, interval=settings.controller_persist_interval)
        self._tree: ObjectTree | None = None
        self._asset_formats: dict[UUID, int] = {}
        self._attribute_types: dict[AttributeKey, dict[str, Any]] = {}
        self._worlds: dict[UUID, WorldSession] = {}
        self._connections: dict[UUID, Connection] = {}
        self._profiles: dict[UUID, UserProfile] = {}
        self._here: dict[UUID, tuple[WorldSession, WorldUser]] = {}
        self._high_fives: dict[UUID, _RateLimit] = {}
        self._teleports: dict[UUID, _RateLimit] = {}
        self._ended_sign_ins = EndedSignIns()
        self._state_lock = asyncio.Lock()
        self._subscriptions: list[Subscription] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._started = False
        self._handlers: dict[type[Message], _Handler] = {
            TeleportRequest: self._on_teleport_request,
            LockObject: self._on_lock_object,
            UnlockObject: self._on_unlock_object,
            ObjectTransform: self._on_object_transform,
            HighFive: self._on_high_five,
            Signal: self._on_signal,
            UserStakedToOdyssey: self._on_user_staked,
        }

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Load the object tree and listen to the bus. Worlds come alive when entered."""
        self._tree = await self._store.load_tree()
        self._attribute_types = await self._store.attribute_types()
        self._writes.start()
        for topic in ("object/#", "attribute/#", "user/changed"):
            self._subscriptions.append(self._bus.subscribe(topic, self._on_bus_event))
        self._subscriptions.append(self._bus.subscribe(SignInEnded.topic, self._on_sign_in_ended))
        self._spawn(self._drop_stalled_connections())
        self._spawn(self._sweep_guests_forever())
        self._started = True

    async def stop(self) -> None:
        """Close every client, stop the worlds, and write what is still pending."""
        for subscription in self._subscriptions:
            subscription.cancel()
        self._subscriptions.clear()
        connections = list(self._connections.values())
        # Whoever is still here was seen now: the next process's sweep counts from this moment.
        await self._mark_guests_seen(self._connected_guests())
        for connection in connections:
            connection.close(CloseCode.GOING_AWAY, "server shutting down")
        if connections:
            await asyncio.wait(
                [asyncio.ensure_future(c.wait_closed()) for c in connections],
                timeout=self.settings.controller_close_timeout,
            )
        for world in self._worlds.values():
            await world.stop()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self._writes.close()
        self._started = False

    @property
    def tree(self) -> ObjectTree:
        if self._tree is None:
            raise RuntimeError("the controller is not started")
        return self._tree

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
        profile = profile_of(await self._store.user(message.user_id))
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
        old = self._connections.get(user_id)
        self._connections[user_id] = connection
        self._profiles[user_id] = signed_in.profile
        if signed_in.profile.is_guest:
            self._spawn(self._mark_guests_seen([user_id]))
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
            for connection in list(self._connections.values()):
                if connection.stalled_for(now) > timeout:
                    reason = "write timeout: client not reading"
                    log.warning("posbus %s: closing the connection: %s", connection.user_id, reason)
                    connection.close(CloseCode.TRY_AGAIN_LATER, reason, flush=False)

    async def _on_sign_in_ended(self, event: Event) -> None:
        """A sign-in ended (or its user was deleted): close the connection it opened, now."""
        if not isinstance(event, SignInEnded):
            return
        self._ended_sign_ins.record(event)
        connection = self._connections.get(event.user_id)
        if connection is None or connection.closed:
            return
        if covers(event, connection.user_id, connection.sign_in_id, connection.token_id):
            log.info("posbus %s: closing the connection: %s", connection.user_id, event.reason)
            connection.send(_INVALID_TOKEN)
            connection.close(CloseCode.POLICY_VIOLATION, event.reason)

    def _connection_closed(self, connection: Connection) -> None:
        """A connection is closing: its user leaves the world now, the socket may linger."""
        user_id = connection.user_id
        here = self._here.get(user_id)
        if here is not None and here[1].connection is connection:
            self._leave_world(user_id)
        if self._connections.get(user_id) is connection:
            del self._connections[user_id]
            self._high_fives.pop(user_id, None)
            self._teleports.pop(user_id, None)
            profile = self._profiles.pop(user_id, None)
            if profile is not None and profile.is_guest:
                # Leaving is the last time it was seen: the guest sweep counts from now.
                self._spawn(self._mark_guests_seen([user_id]))

    # --- guest clean-up -----------------------------------------------------------------------
    # Durable: every guest row carries `last_seen_at` (sign-in, token refresh, connect, leave, and
    # a heartbeat while connected), and each process's sweep deletes the guests not seen for the
    # retention. Nothing is kept in memory, so a restart forgets nothing, and a guest connected
    # to another process is never deleted: that process marks it seen several times per
    # retention.

    @property
    def guest_retention(self) -> float:
        """Seconds a guest lives unseen: the setting, but never less than an access token's
        lifetime (a guest holding a valid token is never deleted under it)."""
        token_life = self.settings.auth_access_token_ttl + self.settings.auth_clock_skew
        return max(self.settings.controller_guest_cleanup_seconds, float(token_life))

    def _connected_guests(self) -> list[UUID]:
        return [user_id for user_id, profile in self._profiles.items() if profile.is_guest]

    async def _mark_guests_seen(self, user_ids: list[UUID], at: dt.datetime | None = None) -> None:
        try:
            await self._store.mark_seen(user_ids, at or dt.datetime.now(dt.UTC))
        except Exception:
            log.warning("could not mark %d guests as seen", len(user_ids), exc_info=True)

    async def _sweep_guests_forever(self) -> None:
        # At least three heartbeats per retention, so another process never finds one of our
        # connected guests unseen for a whole retention.
        period = min(self.settings.controller_guest_sweep_seconds, self.guest_retention / 3)
        while True:
            await asyncio.sleep(period)
            try:
                await self.sweep_guests()
            except Exception:
                log.warning("guest sweep failed; trying again later", exc_info=True)

    async def sweep_guests(self, now: dt.datetime | None = None, *, batch: int = 500) -> int:
        """Mark this process's connected guests as seen, then delete every guest not seen for
        the retention, ``batch`` at a time; the number deleted. Their objects leave the live
        worlds (`ObjectsRemoved` on the bus). ``now`` is for tests."""
        now = now or dt.datetime.now(dt.UTC)
        await self._store.mark_seen(self._connected_guests(), now)
        cutoff = now - dt.timedelta(seconds=self.guest_retention)
        total = 0
        while True:
            deleted = await self._store.delete_idle_guests(cutoff, limit=batch)
            total += deleted.users
            for world_id, object_ids in deleted.objects.items():
                await self._bus.publish(ObjectsRemoved(tuple(object_ids), world_id))
            if deleted.users < batch:
                break
        if total:
            log.info("guest sweep: %d idle guests deleted", total)
        return total

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
        if type(message) is MyTransform:  # the hot path: ~10 per second per client
            here = self._here.get(connection.user_id)
            if here is not None and is_finite_transform(message):
                here[0].user_moved(here[1], frame, message)
            return
        handler = self._handlers.get(type(message))
        if handler is None:
            log.debug("posbus %s: ignoring %s", connection.user_id, message.TYPE.type_name)
            return
        await handler(connection, message)

    def _in_world(self, connection: Connection, message: Message) -> tuple[WorldSession, WorldUser]:
        here = self._here.get(connection.user_id)
        if here is None or here[1].connection is not connection:
            raise ProtocolViolation(
                CloseCode.POLICY_VIOLATION,
                f"{message.TYPE.type_name} before teleport_request: not in a world",
            )
        return here

    async def _on_teleport_request(self, connection: Connection, message: TeleportRequest) -> None:
        # An entry sends the whole world and tells everyone there: bounded per user, far above
        # what a person clicking through worlds needs.
        limit = self._teleports.get(connection.user_id)
        if limit is None:
            limit = self._teleports[connection.user_id] = _RateLimit(
                self.settings.controller_teleports_burst,
                self.settings.controller_teleports_per_second,
            )
        if not limit.allow():
            connection.send(encode(Notification(NotificationType.TEXT_MESSAGE, TOO_MANY_TELEPORTS)))
            return
        await self.teleport(connection, message.target)

    async def _on_lock_object(self, connection: Connection, message: LockObject) -> None:
        world, user = self._in_world(connection, message)
        object_id = message.id
        if not world.has_object(object_id):
            world.refuse_lock(object_id, user)
            return
        admin = await self._store.is_admin(connection.user_id, object_id)
        if self._here.get(connection.user_id) != (world, user):
            return  # left the world while we asked the database
        if not admin or not world.has_object(object_id):
            log.info("posbus %s: lock on %s refused (not an admin)", user.user_id, object_id)
            world.refuse_lock(object_id, user)
            return
        world.lock(object_id, user)

    async def _on_unlock_object(self, connection: Connection, message: UnlockObject) -> None:
        world, user = self._in_world(connection, message)
        world.unlock(message.id, user)

    async def _on_object_transform(self, connection: Connection, message: ObjectTransform) -> None:
        world, user = self._in_world(connection, message)
        object_id = message.id
        if world.lock_holder(object_id) != user.user_id:
            log.info("posbus %s: object_transform on %s without its lock", user.user_id, object_id)
            return
        transform = core_transform(message.object_transform)
        if not (
            transform.position.is_finite()
            and transform.rotation.is_finite()
            and transform.scale.is_finite()
        ):
            log.info("posbus %s: non-finite transform for %s ignored", user.user_id, object_id)
            return
        tree = self.tree
        node = tree.get(object_id)
        if node is None:
            return
        tree.replace(dataclasses.replace(node, transform=transform))
        world.apply_definitions(subtree_definitions(tree, object_id, self._asset_formats).values())
        self._writes.save_transform(object_id, world.id, transform)

    async def _on_high_five(self, connection: Connection, message: HighFive) -> None:
        world, user = self._in_world(connection, message)
        if message.receiver_id == user.user_id:
            return
        limit = self._high_fives.setdefault(
            user.user_id, _RateLimit(HIGH_FIVE_BURST, HIGH_FIVE_PER_SECOND)
        )
        if not limit.allow():
            return
        if message.receiver_id not in world.users:
            connection.send(encode(Notification(NotificationType.TEXT_MESSAGE, TARGET_NOT_FOUND)))
            return
        # The sender is who the connection says, whatever the frame claims.
        world.broadcast_message(
            HighFive(user.user_id, message.receiver_id, message.message[:HIGH_FIVE_MAX_MESSAGE])
        )

    async def _on_signal(self, connection: Connection, message: Signal) -> None:
        if message.value == SignalType.LEAVE_WORLD:
            here = self._here.get(connection.user_id)
            if here is not None and here[1].connection is connection:
                self._leave_world(connection.user_id)
            return
        log.debug("posbus %s: signal %d ignored", connection.user_id, message.value)

    async def _on_user_staked(self, connection: Connection, message: UserStakedToOdyssey) -> None:
        await self._bus.publish(
            StakeReported(
                user_id=connection.user_id,
                object_id=message.object_id,
                transaction_hash=message.transaction_hash,
                wallet=message.wallet,
                amount=message.amount,
                comment=message.comment,
                kind=message.kind,
            )
        )

    # --- worlds -------------------------------------------------------------------------------

    async def teleport(self, connection: Connection, world_id: UUID) -> bool:
        """Move a client into a world (leaving its current one). False if there is none."""
        world = await self._world_session(world_id)
        if world is None:
            connection.send(encode(Signal(SignalType.WORLD_DOES_NOT_EXIST)))
            return False
        if not await self._store.may_enter(self.tree, connection.user_id, world_id):
            log.info("posbus %s: private world %s refused", connection.user_id, world_id)
            connection.send_all(
                [
                    encode(Notification(NotificationType.TEXT_MESSAGE, WORLD_IS_PRIVATE)),
                    encode(Signal(SignalType.WORLD_DOES_NOT_EXIST)),
                ]
            )
            return False
        spawn = await self._spawn_transform(world, connection.user_id)
        if connection.closed or self._connections.get(connection.user_id) is not connection:
            return False
        if self._worlds.get(world_id) is not world:  # deleted while we were loading
            connection.send(encode(Signal(SignalType.WORLD_DOES_NOT_EXIST)))
            return False
        self._leave_world(connection.user_id)
        user = WorldUser(connection, self._profiles[connection.user_id], spawn)
        world.join(user)
        self._here[connection.user_id] = (world, user)
        return True

    def _leave_world(self, user_id: UUID) -> None:
        here = self._here.pop(user_id, None)
        if here is None:
            return
        world, user = here
        world.leave(user_id)
        if world.id in self.tree:
            self._writes.save_position(world.id, user_id, user.transform)

    async def _spawn_transform(self, world: WorldSession, user_id: UUID) -> MyTransform:
        """Where a user appears: its last known position there, else the world's spawn point."""
        last = self._writes.pending_position(world.id, user_id)
        if last is None:
            last = await self._store.last_position(world.id, user_id)
        if last is not None:
            return last
        if world.id in self.tree:
            spawn = opts.spawn_point(self.tree.effective_options(world.id))
            if spawn is not None:
                return MyTransform(wire_vec3(spawn.position), wire_vec3(spawn.rotation))
        return MyTransform(Vec3(0.0, 0.0, 0.0), Vec3(0.0, 0.0, 0.0))

    async def _world_session(self, world_id: UUID) -> WorldSession | None:
        world = self._worlds.get(world_id)
        if world is not None:
            return world
        async with self._state_lock:
            world = self._worlds.get(world_id)
            if world is not None:
                return world
            if not self._is_world(world_id) and await self._store.parent_of(world_id) == (
                self.tree.node.id
            ):
                # Made by another process (e.g. the CLI) whose bus we do not hear: reload.
                await self._reload_tree()
            if not self._is_world(world_id):
                return None
            world = await self._load_world(world_id)
            self._worlds[world_id] = world
            return world

    def _is_world(self, object_id: UUID) -> bool:
        tree = self.tree
        return object_id in tree and tree.is_world(object_id)

    async def _load_world(self, world_id: UUID) -> WorldSession:
        tree = self.tree
        await self._ensure_asset_formats(assets_of_subtree(tree, world_id))
        definitions = subtree_definitions(tree, world_id, self._asset_formats)
        slots: dict[UUID, ObjectSlots] = {}
        for row in await self._store.object_attributes(definitions):
            options = effective_attribute_options(
                await self._attribute_type_options((row.plugin_id, row.attribute_name)),
                row.options,
            )
            render = render_auto(options, row.attribute_name)
            if render is not None:
                object_slots = slots.setdefault(row.object_id, ObjectSlots(row.object_id))
                object_slots.set(render, row.value)
        info = await self._world_info(world_id)
        log.info("world %s is live (%d objects)", world_id, len(definitions))
        return WorldSession(info, self.limits, definitions, slots)

    async def _world_info(self, world_id: UUID) -> WorldInfo:
        node = self.tree[world_id]
        meta = await self._store.object_attribute_value(world_id, ids.CORE_PLUGIN_ID, "world_meta")
        avatar = try_parse_id((meta or {}).get("avatar_controller")) or NIL_ID
        return WorldInfo(id=world_id, name=node.name, owner=node.owner_id, avatar=avatar)

    async def _ensure_asset_formats(self, asset_ids: Iterable[UUID]) -> None:
        missing = [a for a in asset_ids if a not in self._asset_formats]
        if missing:
            metas = await self._store.asset_metas(missing)
            self._asset_formats.update((a, asset_format(meta)) for a, meta in metas.items())

    async def _attribute_type_options(self, key: AttributeKey) -> dict[str, Any]:
        if key not in self._attribute_types:
            self._attribute_types = await self._store.attribute_types()
        return self._attribute_types.get(key, {})

    # --- changes made elsewhere (the bus) -----------------------------------------------------

    async def _on_bus_event(self, event: Event) -> None:
        # One at a time, in publication order, and never while a world is being loaded.
        async with self._state_lock:
            if self._tree is None:
                return
            try:
                if isinstance(event, ObjectCreated | ObjectUpdated):
                    await self._object_changed(event.object_id)
                elif isinstance(event, ObjectsRemoved):
                    self._objects_removed(event.object_ids)
                elif isinstance(event, AttributeChanged):
                    await self._attribute_changed(event)
                elif isinstance(event, UserChanged):
                    await self._user_changed(event.user_id)
            except Exception:
                log.exception("controller: could not apply %s", event)

    async def _object_changed(self, object_id: UUID) -> None:
        """An object was created or its row changed: refresh it and what it places."""
        tree = self.tree
        node = await self._store.load_node(object_id)
        if node is None:
            return  # deleted since; its removal event follows
        current = tree.get(object_id)
        if current is None:
            if node.parent_id not in tree or node.type_id not in tree.types:
                await self._reload_tree()
                return
            tree.add(node)
        elif current.parent_id != node.parent_id or node.type_id not in tree.types:
            await self._reload_tree()
            return
        else:
            world = self._worlds.get(tree.world_of(object_id) or NIL_ID)
            live_edit = world is not None and world.lock_holder(object_id) is not None
            if live_edit or self._writes.is_pending(object_id):
                # Being moved live: the clients' transform is newer than the database's.
                node = dataclasses.replace(node, transform=current.transform)
            tree.replace(node)
        world_id = tree.world_of(object_id)
        world = self._worlds.get(world_id) if world_id is not None else None
        if world is None:
            return
        if object_id == world_id:
            world.set_info(await self._world_info(world_id))
        await self._ensure_asset_formats(assets_of_subtree(tree, object_id))
        # Placement may move the siblings too: refresh the parent's whole subtree.
        refresh_from = node.parent_id if node.parent_id != tree.node.id else object_id
        world.apply_definitions(
            subtree_definitions(tree, refresh_from, self._asset_formats).values()
        )
        if current is None:
            for row in await self._store.object_attributes([object_id]):
                options = effective_attribute_options(
                    await self._attribute_type_options((row.plugin_id, row.attribute_name)),
                    row.options,
                )
                render = render_auto(options, row.attribute_name)
                if render is not None:
                    world.set_slot(object_id, render, row.value)

    def _objects_removed(self, object_ids: Iterable[UUID]) -> None:
        tree = self.tree
        removed = [object_id for object_id in object_ids if object_id in tree]
        if not removed:
            return
        removed_set = set(removed)
        tops = [i for i in removed if tree[i].parent_id not in removed_set]
        by_world: dict[UUID | None, list[UUID]] = {}
        for object_id in removed:
            by_world.setdefault(tree.world_of(object_id), []).append(object_id)
        parents = {tree[top].parent_id for top in tops}
        for top in tops:
            tree.remove_subtree(top)
        self._writes.forget_objects(removed)
        for world_id, gone in by_world.items():
            world = self._worlds.get(world_id) if world_id is not None else None
            if world is None:
                continue
            if world_id in removed_set:
                self._close_world(world, gone)
                continue
            world.remove_objects(gone)
            for parent in parents:
                if parent in tree and tree.world_of(parent) == world_id:
                    world.apply_definitions(
                        subtree_definitions(tree, parent, self._asset_formats).values()
                    )

    def _close_world(self, world: WorldSession, removed: list[UUID]) -> None:
        """The world itself was deleted: everyone in it is left in no world."""
        del self._worlds[world.id]
        frames = [
            encode(RemoveObjects(tuple(removed))),
            encode(Signal(SignalType.WORLD_DOES_NOT_EXIST)),
        ]
        for user_id in list(world.users):
            here = self._here.pop(user_id, None)
            world.leave(user_id)
            if here is not None:
                here[1].connection.send_all(frames)
        self._spawn(world.stop())

    async def _reload_tree(self) -> None:
        """Fallback when the tree cannot be patched (new type, moved object): reload it all."""
        self._tree = tree = await self._store.load_tree()
        for world_id, world in list(self._worlds.items()):
            if not (world_id in tree and tree.is_world(world_id)):
                self._close_world(world, [world_id])
                continue
            await self._ensure_asset_formats(assets_of_subtree(tree, world_id))
            definitions = subtree_definitions(tree, world_id, self._asset_formats)
            world.remove_objects([i for i in world.object_ids() if i not in definitions])
            world.apply_definitions(definitions.values())

    async def _attribute_changed(self, event: AttributeChanged) -> None:
        key = (event.plugin_id, event.attribute_name)
        instance = (
            await self._store.instance_options(event)
            if event.change_type == "attribute_changed"
            else None
        )
        options = effective_attribute_options(await self._attribute_type_options(key), instance)
        auto = posbus_auto(options)
        if auto is not None:
            self._announce_attribute(event, auto)
        if event.scope != "object" or event.object_id is None:
            return
        tree = self.tree
        node = tree.get(event.object_id)
        if node is None:
            return
        world_id = tree.world_of(node.id)
        world = self._worlds.get(world_id) if world_id is not None else None
        render = render_auto(options, event.attribute_name)
        if render is not None and world is not None:
            world.set_slot(node.id, render, event.value)
        if key == (ids.CORE_PLUGIN_ID, "name"):
            raw = (event.value or {}).get("name")
            name = raw if isinstance(raw, str) and raw else str(node.id)
            if name != node.name:
                tree.replace(dataclasses.replace(node, name=name))
                if world is not None:
                    world.apply_definitions(
                        subtree_definitions(tree, node.id, self._asset_formats).values()
                    )
                    if node.id == world.id:
                        world.set_info(await self._world_info(world.id))
        elif (
            key == (ids.CORE_PLUGIN_ID, "world_meta") and world is not None and node.id == world.id
        ):
            world.set_info(await self._world_info(world.id))

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
            recipients.update(self._connections)
        for world_id in found.worlds:
            world = self._worlds.get(world_id)
            if world is not None:
                for user in world.users.values():
                    recipients[user.user_id] = user.connection
        for user_id in found.users:
            connection = self._connections.get(user_id)
            if connection is not None:
                recipients[user_id] = connection
        for connection in recipients.values():
            connection.send(frame)

    async def _user_changed(self, user_id: UUID) -> None:
        if user_id not in self._profiles:
            return
        profile = profile_of(await self._store.user(user_id))
        if profile is None:
            return
        self._profiles[user_id] = profile
        here = self._here.get(user_id)
        if here is not None:
            here[0].update_profile(user_id, profile)

    # --- Presence (what the REST API asks) ----------------------------------------------------

    def online_users(self, world_id: UUID) -> list[UUID]:
        world = self._worlds.get(world_id)
        return list(world.users) if world is not None else []

    def world_of_user(self, user_id: UUID) -> UUID | None:
        here = self._here.get(user_id)
        return here[0].id if here is not None else None

    async def fly_to_me(self, world_id: UUID, pilot_id: UUID, pilot_name: str) -> bool:
        here = self._here.get(pilot_id)
        if here is None or here[0].id != world_id:
            return False
        here[0].broadcast_message(FlyToMe(pilot_id, pilot_name, world_id))
        return True

    async def invite_user(
        self, world_id: UUID, user_id: UUID, inviter_id: UUID, inviter_name: str
    ) -> Invitation:
        """``fly_to_me`` to that user alone, naming the inviter and the world: an invitation the
        client may accept by sending ``teleport_request`` (nobody is moved without consent)."""
        connection = self._connections.get(user_id)
        if connection is None:
            return Invitation.NOT_CONNECTED
        # A world made by another process is not in our tree yet: loading it finds it.
        if not self._is_world(world_id) and await self._world_session(world_id) is None:
            return Invitation.NO_WORLD
        if not await self._store.may_enter(self.tree, user_id, world_id):
            return Invitation.NOT_ALLOWED
        if self._connections.get(user_id) is not connection:
            return Invitation.NOT_CONNECTED  # left while we asked the database
        connection.send(encode(FlyToMe(inviter_id, inviter_name, world_id)))
        return Invitation.SENT

    # --- introspection (bench, tests) ---------------------------------------------------------

    def world(self, world_id: UUID) -> WorldSession | None:
        return self._worlds.get(world_id)

    def connection_of(self, user_id: UUID) -> Connection | None:
        return self._connections.get(user_id)

    async def flush_writes(self) -> None:
        await self._writes.flush()
