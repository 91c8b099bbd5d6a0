"""Attribute values in the five scopes: node, object, user, object-user, user-user.

Two doors: `stored` and `write`/`remove`/`write_sub`/`remove_sub`/`set_options` take a `Guard`,
the caller's permission check that `odyssey.handlers.attributes` decides and the store runs in
the write's transaction (what every API uses), while `get_value`/`set_value`/`remove_value` are
for trusted code inside the node (seed, sign-in challenges, the controller). Secret node
attributes can only pass the trusted door: `odyssey.core.permissions` refuses them to every
caller.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from odyssey.bus import AttributeChanged, Bus
from odyssey.bus.events import ChangeType
from odyssey.core import ids
from odyssey.core.attributes import effective_attribute_options
from odyssey.core.errors import NotFound
from odyssey.core.links import check_attribute_links
from odyssey.core.permissions import AttributeScope
from odyssey.db import tables as t
from odyssey.db.engine import Database
from odyssey.db.objects import upsert


@dataclass(frozen=True, slots=True)
class AttributeRef:
    """Names one attribute value: its scope, its type and the ids that locate it."""

    scope: AttributeScope
    plugin_id: uuid.UUID
    attribute_name: str
    object_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None
    source_user_id: uuid.UUID | None = None
    target_user_id: uuid.UUID | None = None

    def __post_init__(self) -> None:
        needed = {
            AttributeScope.NODE: (),
            AttributeScope.OBJECT: ("object_id",),
            AttributeScope.USER: ("user_id",),
            AttributeScope.OBJECT_USER: ("object_id", "user_id"),
            AttributeScope.USER_USER: ("source_user_id", "target_user_id"),
        }[self.scope]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"{self.scope.value} attribute needs {', '.join(missing)}")

    # --- row addressing ---------------------------------------------------------------------

    def table(self) -> type[t.Base]:
        return _TABLES[self.scope]

    def key(self) -> dict[str, Any]:
        key: dict[str, Any] = {"plugin_id": self.plugin_id, "attribute_name": self.attribute_name}
        if self.scope in (AttributeScope.OBJECT, AttributeScope.OBJECT_USER):
            key["object_id"] = self.object_id
        if self.scope in (AttributeScope.USER, AttributeScope.OBJECT_USER):
            key["user_id"] = self.user_id
        if self.scope is AttributeScope.USER_USER:
            key["source_user_id"] = self.source_user_id
            key["target_user_id"] = self.target_user_id
        return key


_TABLES: dict[AttributeScope, type[t.Base]] = {
    AttributeScope.NODE: t.NodeAttribute,
    AttributeScope.OBJECT: t.ObjectAttribute,
    AttributeScope.USER: t.UserAttribute,
    AttributeScope.OBJECT_USER: t.ObjectUserAttribute,
    AttributeScope.USER_USER: t.UserUserAttribute,
}


def _where(ref: AttributeRef) -> list[Any]:
    table = ref.table()
    return [getattr(table, column) == value for column, value in ref.key().items()]


async def _row(session: AsyncSession, ref: AttributeRef) -> Any:
    return await session.scalar(select(ref.table()).where(*_where(ref)))


async def _type_options(session: AsyncSession, ref: AttributeRef) -> dict[str, Any]:
    return await type_options(session, ref.plugin_id, ref.attribute_name)


async def type_options(
    session: AsyncSession, plugin_id: uuid.UUID, attribute_name: str
) -> dict[str, Any]:
    """The attribute type's options; `NotFound` (kind `attribute_type`) for an unknown type."""
    attribute_type = await session.get(t.AttributeType, (plugin_id, attribute_name))
    if attribute_type is None:
        raise NotFound(
            f"attribute type {plugin_id}/{attribute_name} does not exist", kind="attribute_type"
        )
    return attribute_type.options or {}


@dataclass(frozen=True, slots=True)
class StoredAttribute:
    """An attribute as stored: its type's options, and its row's options and value (None, None
    and `exists` false when it has no row yet)."""

    type_options: dict[str, Any]
    options: dict[str, Any] | None
    value: dict[str, Any] | None
    exists: bool

    @property
    def effective_options(self) -> dict[str, Any]:
        return effective_attribute_options(self.type_options, self.options)


#: The permission check of a write, run in its transaction on what the write will change:
#: raises (`Forbidden`) to refuse. The handlers make them (`odyssey.handlers.attributes`).
Guard = Callable[[StoredAttribute], None]


async def _stored(session: AsyncSession, ref: AttributeRef) -> StoredAttribute:
    row = await _row(session, ref)
    options = await _type_options(session, ref)
    if row is None:
        return StoredAttribute(options, None, None, exists=False)
    return StoredAttribute(options, row.options, row.value, exists=True)


async def _guarded(session: AsyncSession, ref: AttributeRef, guard: Guard) -> StoredAttribute:
    stored = await _stored(session, ref)
    guard(stored)
    return stored


class AttributeStore:
    def __init__(self, db: Database, bus: Bus) -> None:
        self.db = db
        self.bus = bus

    # --- trusted door -------------------------------------------------------------------------

    async def get_value(self, ref: AttributeRef) -> dict[str, Any] | None:
        async with self.db.read() as session:
            row = await _row(session, ref)
            return None if row is None else row.value

    async def set_value(
        self, ref: AttributeRef, value: dict[str, Any], options: dict[str, Any] | None = None
    ) -> None:
        check_attribute_links((ref.plugin_id, ref.attribute_name), value)
        async with self.db.write() as session:
            await self._write(session, ref, value, options)
        await self._publish(ref, "attribute_changed", value)

    async def remove_value(self, ref: AttributeRef) -> bool:
        async with self.db.write() as session:
            result = await session.execute(delete(ref.table()).where(*_where(ref)))
        removed = bool(getattr(result, "rowcount", 0))
        if removed:
            await self._publish(ref, "attribute_removed", None)
        return removed

    async def object_values(
        self,
        object_id: uuid.UUID,
        attribute_names: list[str],
        plugin_id: uuid.UUID = ids.CORE_PLUGIN_ID,
    ) -> dict[str, dict[str, Any]]:
        """Several attributes of one object (non-null values only), in one statement."""
        async with self.db.read() as session:
            rows = await session.execute(
                select(t.ObjectAttribute.attribute_name, t.ObjectAttribute.value).where(
                    t.ObjectAttribute.plugin_id == plugin_id,
                    t.ObjectAttribute.object_id == object_id,
                    t.ObjectAttribute.attribute_name.in_(attribute_names),
                )
            )
            return {name: value for name, value in rows.tuples().all() if isinstance(value, dict)}

    # --- guarded door: the caller's permission, decided by the handler ---------------------

    async def stored(self, ref: AttributeRef) -> StoredAttribute:
        """The value and what a permission decision needs; `NotFound` (kind `attribute_type`)
        for an unknown type."""
        async with self.db.read() as session:
            return await _stored(session, ref)

    async def write(self, ref: AttributeRef, value: dict[str, Any], guard: Guard) -> None:
        """Replace the value (the instance options stay), if `guard` lets it."""
        check_attribute_links((ref.plugin_id, ref.attribute_name), value)
        async with self.db.write() as session:
            stored = await _guarded(session, ref, guard)
            await self._write(session, ref, value, stored.options)
        await self._publish(ref, "attribute_changed", value)

    async def remove(self, ref: AttributeRef, guard: Guard) -> bool:
        async with self.db.write() as session:
            stored = await _guarded(session, ref, guard)
            if not stored.exists:
                return False
            await session.execute(delete(ref.table()).where(*_where(ref)))
        await self._publish(ref, "attribute_removed", None)
        return True

    async def write_sub(
        self, ref: AttributeRef, key: str, sub_value: Any, guard: Guard
    ) -> dict[str, Any]:
        """Set one top-level key of the value (creating the value if needed); returns the value."""
        check_attribute_links((ref.plugin_id, ref.attribute_name), {key: sub_value})
        async with self.db.write() as session:
            stored = await _guarded(session, ref, guard)
            current = stored.value if isinstance(stored.value, dict) else {}
            value = {**current, key: sub_value}
            await self._write(session, ref, value, stored.options)
        await self._publish(ref, "attribute_changed", value)
        return value

    async def remove_sub(self, ref: AttributeRef, key: str, guard: Guard) -> dict[str, Any] | None:
        """Remove one top-level key; returns the new value (None when there was no value)."""
        async with self.db.write() as session:
            stored = await _guarded(session, ref, guard)
            if not stored.exists or not isinstance(stored.value, dict):
                return None
            value = {k: v for k, v in stored.value.items() if k != key}
            await self._write(session, ref, value, stored.options)
        await self._publish(ref, "attribute_changed", value)
        return value

    async def set_options(self, ref: AttributeRef, options: dict[str, Any], guard: Guard) -> None:
        """Replace the instance options (the value stays; an absent value becomes `{}`)."""
        async with self.db.write() as session:
            stored = await _guarded(session, ref, guard)
            value = stored.value if stored.value is not None else {}
            await self._write(session, ref, value, options)
        await self._publish(ref, "attribute_changed", value)

    async def type_options(self, plugin_id: uuid.UUID, attribute_name: str) -> dict[str, Any]:
        async with self.db.read() as session:
            return await type_options(session, plugin_id, attribute_name)

    # --- aggregates (trusted: the handler checks `can_read_all` on the type first) -------------

    async def subtree_values(
        self, object_id: uuid.UUID, plugin_id: uuid.UUID, attribute_name: str
    ) -> dict[uuid.UUID, dict[str, Any]]:
        """object id → value for the object and its descendants with a non-null value."""
        start = select(t.Object.object_id, literal(0).label("depth")).where(
            t.Object.object_id == object_id
        )
        below = start.cte("attribute_subtree", recursive=True)
        child = aliased(t.Object)
        below = below.union_all(
            select(child.object_id, below.c.depth + 1).where(
                child.parent_id == below.c.object_id,
                child.object_id != child.parent_id,
                below.c.depth < 1000,
            )
        )
        statement = (
            select(t.ObjectAttribute.object_id, t.ObjectAttribute.value)
            .join(below, below.c.object_id == t.ObjectAttribute.object_id)
            .where(
                t.ObjectAttribute.plugin_id == plugin_id,
                t.ObjectAttribute.attribute_name == attribute_name,
            )
        )
        async with self.db.read() as session:
            rows = (await session.execute(statement)).tuples().all()
        return {oid: value for oid, value in rows if value is not None}

    async def object_user_values(
        self, object_id: uuid.UUID, plugin_id: uuid.UUID, attribute_name: str
    ) -> dict[uuid.UUID, dict[str, Any]]:
        """user id → value of every user's non-null value on the object."""
        async with self.db.read() as session:
            rows = await session.execute(
                select(t.ObjectUserAttribute.user_id, t.ObjectUserAttribute.value)
                .where(
                    t.ObjectUserAttribute.object_id == object_id,
                    t.ObjectUserAttribute.plugin_id == plugin_id,
                    t.ObjectUserAttribute.attribute_name == attribute_name,
                )
                .order_by(t.ObjectUserAttribute.created_at, t.ObjectUserAttribute.user_id)
            )
            return {uid: value for uid, value in rows.tuples().all() if value is not None}

    async def count_object_users(
        self,
        object_id: uuid.UUID,
        plugin_id: uuid.UUID,
        attribute_name: str,
        since: dt.datetime | None = None,
    ) -> int:
        """How many users have a non-null value on the object (updated since `since`)."""
        conditions = [
            t.ObjectUserAttribute.object_id == object_id,
            t.ObjectUserAttribute.plugin_id == plugin_id,
            t.ObjectUserAttribute.attribute_name == attribute_name,
            t.ObjectUserAttribute.value.is_not(None),
        ]
        if since is not None:
            conditions.append(t.ObjectUserAttribute.updated_at >= since)
        async with self.db.read() as session:
            count = await session.scalar(
                select(func.count()).select_from(t.ObjectUserAttribute).where(*conditions)
            )
        return int(count or 0)

    # --- internals ----------------------------------------------------------------------------

    async def _write(
        self,
        session: AsyncSession,
        ref: AttributeRef,
        value: dict[str, Any],
        options: dict[str, Any] | None,
    ) -> None:
        await _type_options(session, ref)  # a clear NotFound instead of a foreign-key error
        await session.execute(
            upsert(session, ref.table(), {**ref.key(), "value": value, "options": options})
        )

    async def _publish(
        self, ref: AttributeRef, change: ChangeType, value: dict[str, Any] | None
    ) -> None:
        await self.bus.publish(
            AttributeChanged(
                scope=ref.scope.value,
                plugin_id=ref.plugin_id,
                attribute_name=ref.attribute_name,
                change_type=change,
                value=value,
                object_id=ref.object_id,
                user_id=ref.user_id,
                source_user_id=ref.source_user_id,
                target_user_id=ref.target_user_id,
            )
        )
