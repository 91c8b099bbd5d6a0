"""A live world: who is in it, where they are, its objects as clients see them, locks, ticks.

No I/O and no awaiting: everything here runs to completion on the event loop, and a message to
a client is only queued on its `Connection`. The controller does the database work first and
then calls in. The tick (`broadcast_transforms`) follows DESIGN's hot path: transforms in →
tick → batched frames out, with entries spliced as bytes (`frames`), and an area of interest
(`aoi`) once the world is crowded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from odyssey.config import Settings
from odyssey.controller.aoi import Position, group_by_cell, nearest_to_cells, round_robin
from odyssey.controller.connection import Connection, TransformBatch
from odyssey.controller.frames import (
    add_users_frames,
    encode_in_batches,
    spawn_entry,
    transform_entry,
    user_data_entry,
    user_data_prefix,
)
from odyssey.controller.slots import ObjectSlots
from odyssey.core.attributes import RenderAuto
from odyssey.core.ids import NIL_ID
from odyssey.posbus import (
    AddObjects,
    AddUsers,
    LockObjectResponse,
    Message,
    MyTransform,
    ObjectDefinition,
    ObjectTransform,
    RemoveObjects,
    RemoveUsers,
    SetWorld,
    TransformNoScale,
    UserData,
    encode,
)

log = logging.getLogger(__name__)

LOCK_FAILED = 0
LOCK_SUCCEEDED = 1
ADD_USERS_PER_MESSAGE = 100  # as the reference batches them


@dataclass(frozen=True, slots=True)
class WorldLimits:
    tick_rate: float = 10.0
    max_frame_size: int = 32768
    aoi_threshold: int = 100
    aoi_near_users: int = 50
    aoi_cell_size: float = 16.0
    aoi_far_per_tick: int = 100
    aoi_refresh_ticks: int = 5
    idle_refresh_seconds: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> WorldLimits:
        return cls(
            tick_rate=settings.controller_tick_rate,
            max_frame_size=settings.controller_max_frame_out,
            aoi_threshold=settings.controller_aoi_threshold,
            aoi_near_users=settings.controller_aoi_near_users,
            aoi_cell_size=settings.controller_aoi_cell_size,
            aoi_far_per_tick=settings.controller_aoi_far_per_tick,
            aoi_refresh_ticks=settings.controller_aoi_refresh_ticks,
            idle_refresh_seconds=settings.controller_idle_refresh_seconds,
        )

    @property
    def idle_refresh_ticks(self) -> int:
        return max(1, round(self.idle_refresh_seconds * self.tick_rate))


@dataclass(frozen=True, slots=True)
class WorldInfo:
    """What ``set_world`` says about a world."""

    id: UUID
    name: str
    owner: UUID
    avatar: UUID = NIL_ID  # world_meta.avatar_controller

    def message(self) -> SetWorld:
        # The reference fills avatar_3d_asset_id with the same id as avatar.
        return SetWorld(self.id, self.name, self.avatar, self.owner, self.avatar)


@dataclass(frozen=True, slots=True)
class UserProfile:
    """What ``add_users`` says about a user, besides its id and transform."""

    name: str
    avatar: str = ""
    is_guest: bool = False


def is_finite_transform(message: MyTransform) -> bool:
    p, r = message.position, message.rotation
    return all(map(math.isfinite, (p.x, p.y, p.z, r.x, r.y, r.z)))


class WorldUser:
    """A connected user inside a world, with its latest transform as wire bytes."""

    __slots__ = (
        "_data_prefix",
        "_profile",
        "connection",
        "entry",
        "moved_tick",
        "round_robin_tick",
        "seen_by_all_tick",
        "seen_by_all_version",
        "transform",
        "user_id",
        "version",
    )

    def __init__(self, connection: Connection, profile: UserProfile, spawn: MyTransform) -> None:
        self.connection = connection
        self.user_id = connection.user_id
        self.profile = profile  # also encodes the UserData prefix
        self.transform = spawn
        # The user's UserTransform bytes (id + 6 float32 varints), what ticks send.
        self.entry = spawn_entry(self.user_id, spawn)
        # Bumped by every move; compared with what every client has been sent.
        self.version = 0
        self.seen_by_all_version = 0
        self.seen_by_all_tick = 0
        self.moved_tick = -1
        self.round_robin_tick = -1

    @property
    def profile(self) -> UserProfile:
        return self._profile

    @profile.setter
    def profile(self, profile: UserProfile) -> None:
        self._profile = profile
        self._data_prefix = user_data_prefix(self.user_id, profile.name, profile.avatar)

    @property
    def position(self) -> Position:
        p = self.transform.position
        return (p.x, p.y, p.z)

    def data_entry(self) -> bytes:
        """This user's ``UserData`` as bytes, with its latest transform."""
        return user_data_entry(self._data_prefix, self.entry, self._profile.is_guest)

    def user_data(self) -> UserData:
        return UserData(
            id=self.user_id,
            name=self.profile.name,
            avatar=self.profile.avatar,
            transform=TransformNoScale(self.transform.position, self.transform.rotation),
            is_guest=self.profile.is_guest,
        )


class WorldSession:
    """The live state of one world in this process (DESIGN: one process owns a world)."""

    def __init__(
        self,
        info: WorldInfo,
        limits: WorldLimits,
        definitions: Mapping[UUID, ObjectDefinition],
        slots: Mapping[UUID, ObjectSlots],
    ) -> None:
        self.id = info.id
        self.limits = limits
        self.users: dict[UUID, WorldUser] = {}
        self.locks: dict[UUID, UUID] = {}
        self._info = info
        self._set_world_frame = encode(info.message())
        # Definitions in breadth-first order (the world first): parents before children.
        self._definitions: dict[UUID, ObjectDefinition] = dict(definitions)
        self._slots: dict[UUID, ObjectSlots] = dict(slots)
        self._snapshot: list[bytes] | None = None
        self._moved: dict[WorldUser, None] = {}
        # Arrivals (a user) and departures (an id) not yet announced, in order: sent at the
        # next tick, so that many joining at once cost one add_users per client, not one each.
        self._announcements: list[WorldUser | UUID] = []
        self._tick = 0
        self._cursor = 0
        # While AOI is on: (clients of one grid cell, the users they see at full rate).
        self._groups: list[tuple[list[WorldUser], list[WorldUser]]] = []
        self._groups_tick = -limits.aoi_refresh_ticks
        self._groups_dirty = True
        self._ticker: asyncio.Task[None] | None = None
        self.ticks = 0

    def __repr__(self) -> str:
        return f"<WorldSession {self.id} users={len(self.users)}>"

    @property
    def info(self) -> WorldInfo:
        return self._info

    def has_object(self, object_id: UUID) -> bool:
        return object_id in self._definitions

    def definition(self, object_id: UUID) -> ObjectDefinition | None:
        return self._definitions.get(object_id)

    def object_ids(self) -> list[UUID]:
        """The world and its objects, parents before children."""
        return list(self._definitions)

    # --- sending ------------------------------------------------------------------------------

    def broadcast(self, frame: bytes, *, exclude: UUID | None = None) -> None:
        for user in self.users.values():
            if user.user_id != exclude:
                user.connection.send(frame)

    def broadcast_message(self, message: Message, *, exclude: UUID | None = None) -> None:
        if self.users:
            self.broadcast(encode(message), exclude=exclude)

    def _broadcast_batches(self, frames: Iterable[bytes]) -> None:
        for frame in frames:
            self.broadcast(frame)

    # --- users --------------------------------------------------------------------------------

    def join(self, user: WorldUser) -> None:
        """Bring a user in: its initial state in the reference's order, then tell the others.

        The joining client gets ``set_world``, ``my_transform`` (its spawn), the world's
        objects (``add_objects``, batched) and their ``object_data``, then ``add_users`` with
        itself and then everyone else (batched). The others get ``add_users`` with the newcomer
        at the next tick.
        """
        frames = [self._set_world_frame, encode(user.transform), *self.snapshot_frames()]
        frames.append(encode(AddUsers((user.user_data(),))))
        frames.extend(
            add_users_frames(
                [other.data_entry() for other in self.users.values()],
                self.limits.max_frame_size,
                ADD_USERS_PER_MESSAGE,
            )
        )
        user.connection.send_all(frames)
        self.users[user.user_id] = user
        self._announcements.append(user)
        self._groups_dirty = True
        self._start_ticking()

    def leave(self, user_id: UUID) -> WorldUser | None:
        """Take a user out: its locks are released; the others get ``remove_users`` next tick."""
        user = self.users.pop(user_id, None)
        if user is None:
            return None
        self._moved.pop(user, None)
        self._groups_dirty = True
        for object_id in [o for o, holder in self.locks.items() if holder == user_id]:
            del self.locks[object_id]
            # The reference announces a release on leave with result 0 and no owner.
            self.broadcast_message(LockObjectResponse(object_id, LOCK_FAILED, NIL_ID))
        self._announcements.append(user_id)
        return user

    def announce_arrivals_and_departures(self) -> None:
        """``add_users`` and ``remove_users`` for who came and went since the last call.

        Consecutive arrivals go out as one ``add_users`` (batched), consecutive departures as
        one ``remove_users``, in the order they happened.
        """
        pending, self._announcements = self._announcements, []
        if not self.users:
            return
        start = 0
        while start < len(pending):
            arriving = isinstance(pending[start], WorldUser)
            end = start
            while end < len(pending) and isinstance(pending[end], WorldUser) == arriving:
                end += 1
            run = pending[start:end]
            if arriving:
                entries = [u.data_entry() for u in run if isinstance(u, WorldUser)]
                frames = add_users_frames(
                    entries, self.limits.max_frame_size, ADD_USERS_PER_MESSAGE
                )
            else:
                gone = tuple(u for u in run if isinstance(u, UUID))
                frames = encode_in_batches(gone, RemoveUsers, self.limits.max_frame_size)
            self._broadcast_batches(frames)
            start = end

    def user_moved(self, user: WorldUser, frame: bytes, message: MyTransform) -> None:
        """Record a ``my_transform``; it goes out with the next tick."""
        user.transform = message
        user.entry = transform_entry(user.user_id, frame, message)
        user.version += 1
        self._moved[user] = None

    def update_profile(self, user_id: UUID, profile: UserProfile) -> None:
        user = self.users.get(user_id)
        if user is None or user.profile == profile:
            return
        user.profile = profile
        self.broadcast_message(AddUsers((user.user_data(),)))

    # --- ticks --------------------------------------------------------------------------------

    def broadcast_transforms(self) -> None:
        """One tick: send each client the transforms that changed and that it should see.

        Up to the AOI threshold everyone gets one shared list: the users who moved since the
        last tick. Above it, the clients of each grid cell share a list of the moves of the
        users nearest to that cell (regrouped every few ticks) plus a round-robin slice, shared
        by all, of everyone whose latest transform not all clients have (`aoi`). Both add a
        slow round-robin refresh of idle users. No client ever gets more than
        ``near + far_per_tick`` entries per tick, in frames within the limit.
        """
        self.announce_arrivals_and_departures()
        users = list(self.users.values())
        if not users:
            return
        self._tick += 1
        self.ticks += 1
        tick = self._tick
        limits = self.limits
        moved = list(self._moved)
        self._moved = {}
        for user in moved:
            user.moved_tick = tick
        if len(users) <= limits.aoi_threshold:
            # Everyone sees everyone: the movers are now known to all clients.
            for user in moved:
                user.seen_by_all_version = user.version
                user.seen_by_all_tick = tick
            entries = [user.entry for user in moved]
            entries.extend(user.entry for user in self._take_round_robin(users, tick))
            if entries:
                batch = TransformBatch(entries, limits.max_frame_size)
                for user in users:
                    user.connection.send_transforms(batch)
            return
        if self._groups_dirty or tick - self._groups_tick >= limits.aoi_refresh_ticks:
            self._group_by_interest(users, tick)
        shared = [user.entry for user in self._take_round_robin(users, tick)]
        max_frame_size = limits.max_frame_size
        for members, near in self._groups:
            entries = [
                user.entry
                for user in near
                if user.moved_tick == tick and user.round_robin_tick != tick
            ]
            entries.extend(shared)
            if entries:
                batch = TransformBatch(entries, max_frame_size)
                for viewer in members:
                    viewer.connection.send_transforms(batch)

    def _take_round_robin(self, users: Sequence[WorldUser], tick: int) -> list[WorldUser]:
        """The next users (at most ``far_per_tick``) whose latest transform not every client
        has, or who were last sent to everyone longer ago than the idle refresh."""
        idle_ticks = self.limits.idle_refresh_ticks

        def wanted(index: int) -> bool:
            user = users[index]
            return (
                user.seen_by_all_version != user.version
                or tick - user.seen_by_all_tick >= idle_ticks
            )

        indices, self._cursor = round_robin(
            len(users), self._cursor, self.limits.aoi_far_per_tick, wanted
        )
        taken = [users[index] for index in indices]
        for user in taken:
            user.seen_by_all_version = user.version
            user.seen_by_all_tick = tick
            user.round_robin_tick = tick
        return taken

    def _group_by_interest(self, users: Sequence[WorldUser], tick: int) -> None:
        """Group the clients by grid cell, with the users nearest to each cell."""
        limits = self.limits
        positions = [user.position for user in users]
        cells = group_by_cell(positions, limits.aoi_cell_size)
        nearest = nearest_to_cells(
            positions, list(cells), limits.aoi_cell_size, limits.aoi_near_users
        )
        self._groups = [
            ([users[i] for i in members], [users[i] for i in near])
            for members, near in zip(cells.values(), nearest, strict=True)
        ]
        self._groups_tick = tick
        self._groups_dirty = False

    def _start_ticking(self) -> None:
        if self._ticker is None or self._ticker.done():
            self._ticker = asyncio.get_running_loop().create_task(
                self._run_ticks(), name=f"world-ticks-{self.id}"
            )

    async def _run_ticks(self) -> None:
        loop = asyncio.get_running_loop()
        period = 1.0 / self.limits.tick_rate
        next_at = loop.time() + period
        while self.users:
            delay = next_at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                # Behind schedule: tick now, and do not try to catch up with a burst.
                next_at = loop.time()
            next_at += period
            try:
                self.broadcast_transforms()
            except Exception:  # a bug in one tick must not stop the world
                log.exception("world %s: tick failed", self.id)

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None

    # --- locks --------------------------------------------------------------------------------

    def lock(self, object_id: UUID, user: WorldUser) -> bool:
        """Give the lock to the user if nobody holds it (holding it already counts as taken).

        Success is broadcast to the world; failure goes to the requester with the holder.
        """
        holder = self.locks.get(object_id)
        if holder is None:
            self.locks[object_id] = user.user_id
            self.broadcast_message(LockObjectResponse(object_id, LOCK_SUCCEEDED, user.user_id))
            return True
        user.connection.send(encode(LockObjectResponse(object_id, LOCK_FAILED, holder)))
        return False

    def refuse_lock(self, object_id: UUID, user: WorldUser) -> None:
        """Answer a lock request the user may not make (not an admin, unknown object)."""
        holder = self.locks.get(object_id, NIL_ID)
        user.connection.send(encode(LockObjectResponse(object_id, LOCK_FAILED, holder)))

    def unlock(self, object_id: UUID, user: WorldUser) -> bool:
        holder = self.locks.get(object_id)
        if holder == user.user_id:
            del self.locks[object_id]
            self.broadcast_message(LockObjectResponse(object_id, LOCK_SUCCEEDED, NIL_ID))
            return True
        user.connection.send(
            encode(LockObjectResponse(object_id, LOCK_FAILED, holder if holder else NIL_ID))
        )
        return False

    def lock_holder(self, object_id: UUID) -> UUID | None:
        return self.locks.get(object_id)

    # --- objects ------------------------------------------------------------------------------

    def snapshot_frames(self) -> list[bytes]:
        """``add_objects`` (batched) and then ``object_data``, for joining clients; cached."""
        if self._snapshot is None:
            frames = encode_in_batches(
                list(self._definitions.values()), AddObjects, self.limits.max_frame_size
            )
            for object_id in self._definitions:
                slots = self._slots.get(object_id)
                message = slots.full_message() if slots is not None else None
                if message is not None:
                    frames.append(encode(message))
            self._snapshot = frames
        return self._snapshot

    def set_info(self, info: WorldInfo) -> None:
        if info != self._info:
            self._info = info
            self._set_world_frame = encode(info.message())

    def apply_definitions(self, definitions: Iterable[ObjectDefinition]) -> None:
        """New or changed objects, as clients must now see them.

        An object whose transform alone changed gets an ``object_transform`` (what clients
        apply at once, without reloading it); new objects and other changes go out as
        ``add_objects``, batched. Unchanged definitions send nothing.
        """
        added: list[ObjectDefinition] = []
        for definition in definitions:
            old = self._definitions.get(definition.id)
            if old == definition:
                continue
            self._definitions[definition.id] = definition
            self._snapshot = None
            if old is not None and _without_transform(old) == _without_transform(definition):
                self.broadcast_message(ObjectTransform(definition.id, definition.transform))
            else:
                added.append(definition)
        if added:
            self._broadcast_batches(
                encode_in_batches(added, AddObjects, self.limits.max_frame_size)
            )

    def remove_objects(self, object_ids: Sequence[UUID]) -> list[UUID]:
        """Objects deleted: their locks and slots go, clients get ``remove_objects``."""
        gone = [object_id for object_id in object_ids if object_id in self._definitions]
        for object_id in gone:
            del self._definitions[object_id]
            self._slots.pop(object_id, None)
            self.locks.pop(object_id, None)
        if gone:
            self._snapshot = None
            self._broadcast_batches(
                encode_in_batches(gone, RemoveObjects, self.limits.max_frame_size)
            )
        return gone

    def set_slot(
        self, object_id: UUID, render: RenderAuto, value: Mapping[str, Any] | None
    ) -> None:
        """An attribute with ``render_auto`` changed: broadcast the changed slot."""
        if object_id not in self._definitions:
            return
        slots = self._slots.get(object_id)
        if slots is None:
            slots = self._slots[object_id] = ObjectSlots(object_id)
        message = slots.set(render, value)
        if message is not None:
            self._snapshot = None
            self.broadcast_message(message)


def _without_transform(definition: ObjectDefinition) -> tuple[object, ...]:
    return (
        definition.parent_id,
        definition.asset_type,
        definition.asset_format,
        definition.name,
        definition.is_editable,
        definition.show_on_minimap,
    )
