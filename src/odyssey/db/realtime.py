"""The real-time controller's database work: what it loads, what it writes behind, guests.

Nothing here runs on the hot path. Loads happen when a world is first entered, when a client
joins (profile, last position) and when the bus reports a change. Moved objects and users' last
positions are written in batches by the controller's write-behind (`RealtimeStore.save`).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from odyssey.bus.events import AttributeChanged
from odyssey.core import ids, permissions
from odyssey.core.attributes import AttributeKey
from odyssey.core.errors import NotFound, Unavailable
from odyssey.core.geometry import Transform as CoreTransform
from odyssey.core.geometry import Vec3 as CoreVec3
from odyssey.core.permissions import AttributeScope
from odyssey.core.tree import ObjectNode, ObjectTree
from odyssey.db import tables as t
from odyssey.db.engine import Database
from odyssey.db.objects import load_tree, row_to_node
from odyssey.db.sql import upsert
from odyssey.db.users import groups_of, is_admin, load_roles
from odyssey.posbus import MyTransform, Vec3

log = logging.getLogger(__name__)

LAST_KNOWN_POSITION = "last_known_position"
_IN_CHUNK = 500  # ids per IN (...) list
# Deeper than any real tree; stops the recursive query should a cycle ever sneak in.
_MAX_DEPTH = 1000


@dataclass(frozen=True, slots=True)
class AttributeRow:
    object_id: uuid.UUID
    plugin_id: uuid.UUID
    attribute_name: str
    value: dict[str, Any] | None
    options: dict[str, Any] | None


def _chunks(items: list[uuid.UUID]) -> Iterable[list[uuid.UUID]]:
    for start in range(0, len(items), _IN_CHUNK):
        yield items[start : start + _IN_CHUNK]


def position_value(transform: MyTransform) -> dict[str, Any]:
    """The ``last_known_position`` value: ``{position: {x, y, z}, rotation: {x, y, z}}``."""
    p, r = transform.position, transform.rotation
    return {
        "position": {"x": p.x, "y": p.y, "z": p.z},
        "rotation": {"x": r.x, "y": r.y, "z": r.z},
    }


def position_from_value(value: Mapping[str, Any] | None) -> MyTransform | None:
    """Read a stored ``last_known_position``; ``None`` when absent or malformed."""
    if not isinstance(value, Mapping) or not isinstance(value.get("position"), Mapping):
        return None
    try:
        position = CoreVec3.from_json(value.get("position"))
        rotation_raw = value.get("rotation")
        rotation = CoreVec3.from_json(rotation_raw) if isinstance(rotation_raw, Mapping) else None
    except ValueError:
        return None
    rotation = rotation or CoreVec3()
    if not (position.is_finite() and rotation.is_finite()):
        return None
    return MyTransform(
        Vec3(position.x, position.y, position.z), Vec3(rotation.x, rotation.y, rotation.z)
    )


class RealtimeStore:
    """Queries and writes of the real-time controller (`odyssey.controller` has no SQL)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- loading ------------------------------------------------------------------------------

    async def load_tree(self) -> ObjectTree:
        async with self.db.read() as session:
            return await load_tree(session)

    async def load_node(self, object_id: uuid.UUID) -> ObjectNode | None:
        async with self.db.read() as session:
            row = await session.get(t.Object, object_id)
            if row is None:
                return None
            name = await session.scalar(
                select(t.ObjectAttribute.value).where(
                    t.ObjectAttribute.plugin_id == ids.CORE_PLUGIN_ID,
                    t.ObjectAttribute.attribute_name == "name",
                    t.ObjectAttribute.object_id == object_id,
                )
            )
            return row_to_node(row, name)

    async def parent_of(self, object_id: uuid.UUID) -> uuid.UUID | None:
        async with self.db.read() as session:
            parent: uuid.UUID | None = await session.scalar(
                select(t.Object.parent_id).where(t.Object.object_id == object_id)
            )
        return parent

    async def asset_metas(
        self, asset_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, dict[str, Any] | None]:
        """The ``meta`` of these 3D assets (what their format is read from)."""
        wanted = list(set(asset_ids))
        found: dict[uuid.UUID, dict[str, Any] | None] = {}
        async with self.db.read() as session:
            for chunk in _chunks(wanted):
                rows = await session.execute(
                    select(t.Asset3d.asset_3d_id, t.Asset3d.meta).where(
                        t.Asset3d.asset_3d_id.in_(chunk)
                    )
                )
                for asset_id, meta in rows.all():
                    found[asset_id] = meta
        return found

    async def attribute_types(self) -> dict[AttributeKey, dict[str, Any]]:
        async with self.db.read() as session:
            rows = await session.execute(
                select(
                    t.AttributeType.plugin_id,
                    t.AttributeType.attribute_name,
                    t.AttributeType.options,
                )
            )
            return {(plugin, name): options or {} for plugin, name, options in rows.all()}

    async def object_attributes(self, object_ids: Iterable[uuid.UUID]) -> list[AttributeRow]:
        wanted = list(object_ids)
        result: list[AttributeRow] = []
        async with self.db.read() as session:
            for chunk in _chunks(wanted):
                rows = await session.scalars(
                    select(t.ObjectAttribute).where(t.ObjectAttribute.object_id.in_(chunk))
                )
                result.extend(
                    AttributeRow(
                        row.object_id, row.plugin_id, row.attribute_name, row.value, row.options
                    )
                    for row in rows.all()
                )
        return result

    async def instance_options(self, event: AttributeChanged) -> dict[str, Any] | None:
        """The per-instance options of the attribute row an event is about, if it exists."""
        scope = AttributeScope(event.scope)
        table: Any = {
            AttributeScope.NODE: t.NodeAttribute,
            AttributeScope.OBJECT: t.ObjectAttribute,
            AttributeScope.USER: t.UserAttribute,
            AttributeScope.OBJECT_USER: t.ObjectUserAttribute,
            AttributeScope.USER_USER: t.UserUserAttribute,
        }[scope]
        where = [table.plugin_id == event.plugin_id, table.attribute_name == event.attribute_name]
        for column in ("object_id", "user_id", "source_user_id", "target_user_id"):
            value = getattr(event, column)
            if value is not None and hasattr(table, column):
                where.append(getattr(table, column) == value)
        async with self.db.read() as session:
            options = await session.scalar(select(table.options).where(*where))
        return options if isinstance(options, dict) else None

    async def object_attribute_value(
        self, object_id: uuid.UUID, plugin_id: uuid.UUID, name: str
    ) -> dict[str, Any] | None:
        async with self.db.read() as session:
            value = await session.scalar(
                select(t.ObjectAttribute.value).where(
                    t.ObjectAttribute.object_id == object_id,
                    t.ObjectAttribute.plugin_id == plugin_id,
                    t.ObjectAttribute.attribute_name == name,
                )
            )
        return value if isinstance(value, dict) else None

    async def user(self, user_id: uuid.UUID) -> t.User | None:
        async with self.db.read() as session:
            return await session.get(t.User, user_id)

    async def last_position(self, world_id: uuid.UUID, user_id: uuid.UUID) -> MyTransform | None:
        async with self.db.read() as session:
            value = await session.scalar(
                select(t.ObjectUserAttribute.value).where(
                    t.ObjectUserAttribute.plugin_id == ids.CORE_PLUGIN_ID,
                    t.ObjectUserAttribute.attribute_name == LAST_KNOWN_POSITION,
                    t.ObjectUserAttribute.object_id == world_id,
                    t.ObjectUserAttribute.user_id == user_id,
                )
            )
        return position_from_value(value)

    async def is_admin(self, user_id: uuid.UUID, object_id: uuid.UUID) -> bool:
        """`odyssey.db.users.is_admin`: a few bounded queries, never the whole membership table.
        An object deleted meanwhile has no admin."""
        async with self.db.read() as session:
            try:
                return await is_admin(session, user_id, object_id)
            except NotFound:
                return False

    async def may_enter(self, tree: ObjectTree, user_id: uuid.UUID, world_id: uuid.UUID) -> bool:
        """`permissions.may_enter_world` on the controller's tree; no query for a public world."""
        if not permissions.is_private_world(tree, world_id):
            return True
        ancestors = [node.id for node in tree.ancestors(world_id)]
        async with self.db.read() as session:
            roles = await load_roles(session, ancestors)
            # The groups above the user are every membership edge that can reach the user.
            memberships = await groups_of(session, user_id)
        return permissions.may_enter_world(tree, user_id, world_id, roles, memberships)

    # --- writing ------------------------------------------------------------------------------

    async def save(
        self,
        transforms: Mapping[uuid.UUID, CoreTransform],
        positions: Mapping[tuple[uuid.UUID, uuid.UUID], MyTransform],
    ) -> set[uuid.UUID]:
        """Write moved objects and last positions in one transaction; the objects written.

        Should that fail (a row deleted meanwhile), each value is retried on its own and the
        ones that still fail are dropped with a log line.
        """
        try:
            async with self.db.write() as session:
                await self._write_transforms(session, transforms)
                for (world_id, user_id), transform in positions.items():
                    await self._write_position(session, world_id, user_id, transform)
            return set(transforms)
        except Unavailable:
            raise  # the database is out of reach: one value at a time would fail as well
        except Exception:
            log.info("batched write failed, retrying value by value", exc_info=True)
        written: set[uuid.UUID] = set()
        for object_id, core in transforms.items():
            try:
                async with self.db.write() as session:
                    await self._write_transforms(session, {object_id: core})
                written.add(object_id)
            except Exception:
                log.warning("could not save the transform of object %s", object_id, exc_info=True)
        for (world_id, user_id), transform in positions.items():
            try:
                async with self.db.write() as session:
                    await self._write_position(session, world_id, user_id, transform)
            except Exception:
                log.info("could not save the position of %s in %s", user_id, world_id)
        return written

    @staticmethod
    async def _write_transforms(
        session: AsyncSession, transforms: Mapping[uuid.UUID, CoreTransform]
    ) -> None:
        if transforms:
            await session.execute(
                update(t.Object),
                [
                    {"object_id": object_id, "transform": transform.to_json()}
                    for object_id, transform in transforms.items()
                ],
            )

    @staticmethod
    async def _write_position(
        session: AsyncSession, world_id: uuid.UUID, user_id: uuid.UUID, transform: MyTransform
    ) -> None:
        await session.execute(
            upsert(
                session,
                t.ObjectUserAttribute,
                {
                    "plugin_id": ids.CORE_PLUGIN_ID,
                    "attribute_name": LAST_KNOWN_POSITION,
                    "object_id": world_id,
                    "user_id": user_id,
                    "value": position_value(transform),
                    "options": None,
                },
            )
        )

    # --- guests -------------------------------------------------------------------------------

    async def mark_seen(self, user_ids: Iterable[uuid.UUID], at: dt.datetime) -> None:
        """Move ``last_seen_at`` of these users forward to ``at`` (a few statements, whatever
        their number). Never back: a write that was spawned earlier but lands later (a connect's
        "seen now" after a sweep's) must not make a connected guest look idle."""
        wanted = list(dict.fromkeys(user_ids))
        if not wanted:
            return
        async with self.db.write() as session:
            for chunk in _chunks(wanted):
                await session.execute(
                    update(t.User)
                    .where(
                        t.User.user_id.in_(chunk),
                        or_(t.User.last_seen_at.is_(None), t.User.last_seen_at < at),
                    )
                    # Being seen is not a change of the row: updated_at stays.
                    .values(last_seen_at=at, updated_at=t.User.updated_at)
                )

    async def delete_idle_guests(self, cutoff: dt.datetime, *, limit: int) -> IdleGuestsDeleted:
        """Delete at most ``limit`` guests not seen since ``cutoff``, and what they own.

        One transaction: the guests (an indexed range of ``(is_guest, last_seen_at)``; on
        PostgreSQL locked, skipping rows another sweep holds), the objects they own with
        everything below them (deepest first), then the users; what hangs off a user goes
        with it by cascade. Members (non-guests) are never touched.
        """
        idle = [
            t.User.is_guest.is_(True),
            t.User.last_seen_at.is_not(None),
            t.User.last_seen_at < cutoff,
        ]
        async with self.db.write() as session:
            query = select(t.User.user_id).where(*idle).limit(limit)
            if self.db.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            guests = list((await session.scalars(query)).all())
            if not guests:
                return IdleGuestsDeleted(0, {})
            removed = await _owned_subtrees(session, guests)
            for object_ids in removed.values():
                for chunk in _chunks(object_ids):  # deepest first: no orphan on the way
                    await session.execute(delete(t.Object).where(t.Object.object_id.in_(chunk)))
            deleted = 0
            for chunk in _chunks(guests):
                result = await session.execute(delete(t.User).where(t.User.user_id.in_(chunk)))
                deleted += int(getattr(result, "rowcount", 0) or 0)
        return IdleGuestsDeleted(deleted, removed)


@dataclass(frozen=True, slots=True)
class IdleGuestsDeleted:
    """What one batch of the guest sweep deleted: how many users, and their objects by world
    (deepest first, each world's list ready for an `ObjectsRemoved`)."""

    users: int
    objects: dict[uuid.UUID | None, list[uuid.UUID]]


async def _owned_subtrees(
    session: AsyncSession, owners: list[uuid.UUID]
) -> dict[uuid.UUID | None, list[uuid.UUID]]:
    """The objects these users own and everything below them, by world, deepest first."""
    start = select(t.Object.object_id, t.Object.world_id, literal(0).label("depth")).where(
        t.Object.owner_id.in_(owners), t.Object.object_id != t.Object.parent_id
    )
    levels = start.cte("guest_owned", recursive=True)
    child = aliased(t.Object)
    levels = levels.union_all(
        select(child.object_id, child.world_id, levels.c.depth + 1).where(
            child.parent_id == levels.c.object_id,
            child.object_id != child.parent_id,
            levels.c.depth < _MAX_DEPTH,
        )
    )
    depth: dict[uuid.UUID, tuple[int, uuid.UUID | None]] = {}
    for object_id, world_id, level in (await session.execute(select(levels))).all():
        # Owned objects below other owned objects are reached twice: keep the deeper level.
        if object_id not in depth or depth[object_id][0] < level:
            depth[object_id] = (level, world_id)
    by_world: dict[uuid.UUID | None, list[uuid.UUID]] = {}
    for object_id, (_level, world_id) in sorted(
        depth.items(), key=lambda item: (-item[1][0], item[0])
    ):
        by_world.setdefault(world_id, []).append(object_id)
    return by_world
