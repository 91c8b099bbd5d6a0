"""Attribute values in the five scopes: node, object, user, object-user, user-user.

Two doors: `read_as`/`write_as`/`remove_as` evaluate the attribute's permissions for a caller
(what every API uses), while `get_value`/`set_value`/`remove_value` are for trusted code inside
the node (seed, sign-in challenges, the controller). Secret node attributes can only pass the
trusted door: `odyssey.core.permissions` refuses them to every caller.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from odyssey.bus import AttributeChanged, Bus
from odyssey.bus.events import ChangeType
from odyssey.core import permissions
from odyssey.core.attributes import effective_attribute_options
from odyssey.core.errors import Forbidden, NotFound
from odyssey.core.permissions import AttributeScope, Caller
from odyssey.db import tables as t
from odyssey.db.engine import Database
from odyssey.db.objects import load_tree, upsert
from odyssey.db.users import is_admin


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
    attribute_type = await session.get(t.AttributeType, (ref.plugin_id, ref.attribute_name))
    if attribute_type is None:
        raise NotFound(f"attribute type {ref.plugin_id}/{ref.attribute_name} does not exist")
    return attribute_type.options or {}


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

    # --- caller door --------------------------------------------------------------------------

    async def read_as(self, caller: Caller, ref: AttributeRef) -> dict[str, Any] | None:
        async with self.db.read() as session:
            row = await _row(session, ref)
            await self._authorize(session, caller, ref, row, write=False)
            return None if row is None else row.value

    async def write_as(self, caller: Caller, ref: AttributeRef, value: dict[str, Any]) -> None:
        async with self.db.write() as session:
            row = await _row(session, ref)
            await self._authorize(session, caller, ref, row, write=True)
            await self._write(session, ref, value, None if row is None else row.options)
        await self._publish(ref, "attribute_changed", value)

    async def remove_as(self, caller: Caller, ref: AttributeRef) -> bool:
        async with self.db.write() as session:
            row = await _row(session, ref)
            await self._authorize(session, caller, ref, row, write=True)
            if row is None:
                return False
            await session.execute(delete(ref.table()).where(*_where(ref)))
        await self._publish(ref, "attribute_removed", None)
        return True

    # --- internals ----------------------------------------------------------------------------

    async def _authorize(
        self, session: AsyncSession, caller: Caller, ref: AttributeRef, row: Any, *, write: bool
    ) -> None:
        options = effective_attribute_options(
            await _type_options(session, ref), None if row is None else row.options
        )
        admin = False
        if caller.user_id is not None and ref.scope in (
            AttributeScope.NODE,
            AttributeScope.OBJECT,
            AttributeScope.OBJECT_USER,
        ):
            target = ref.object_id
            if target is None:
                target = (await load_tree(session)).node.id
            admin = await is_admin(session, caller.user_id, target)
        check = permissions.can_write if write else permissions.can_read
        allowed = check(
            ref.scope,
            options,
            caller,
            plugin_id=ref.plugin_id,
            attribute_name=ref.attribute_name,
            is_admin=admin,
            attribute_user_id=ref.user_id,
            source_user_id=ref.source_user_id,
            target_user_id=ref.target_user_id,
        )
        if not allowed:
            verb = "write" if write else "read"
            raise Forbidden(f"not allowed to {verb} {ref.attribute_name}")

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
