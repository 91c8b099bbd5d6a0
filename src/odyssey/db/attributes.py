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
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    case,
    cast,
    delete,
    false,
    func,
    literal,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, aliased

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


@dataclass(frozen=True, slots=True)
class EntryQuery:
    """Which entries of the users' values to list (see `AttributeStore.object_user_entries`):
    a field's text is the string itself, the JSON text of any other value, None when absent."""

    fields: tuple[str, ...]  # the fields shown, in order, each once
    filters: dict[str, str]  # field -> the exact text it must have
    search: str | None  # lowercased; some other field's lowercased text must contain it
    order: str | None  # a field, `-field` descending
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class Entry:
    user_id: uuid.UUID
    key: str
    value: dict[str, Any] | None  # None when the entry is not a JSON object


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

    async def object_user_entries(
        self, object_id: uuid.UUID, plugin_id: uuid.UUID, attribute_name: str, query: EntryQuery
    ) -> tuple[int, list[Entry]]:
        """Every user's value on the object is a map of entries: how many entries match `query`,
        and the page of them it asks for (two statements, the page's bounded by `query.limit`).

        Entries come in the order of the users' values (created, then user id) and of the keys
        in each value, unless `query.order` sorts them by a field's text (code point order,
        nulls last, or first when descending; ties keep that order)."""
        async with self.db.read() as session:
            if self.db.is_sqlite:
                await session.run_sync(_install_sqlite_lower)
            entries = _EntryColumns.of(self.db.is_sqlite)
            oua = t.ObjectUserAttribute
            matching = (
                select(
                    oua.user_id, entries.key, entries.shown_value, oua.created_at, entries.position
                )
                .select_from(oua)
                .join(entries.table, true())
                .where(
                    oua.object_id == object_id,
                    oua.plugin_id == plugin_id,
                    oua.attribute_name == attribute_name,
                    *entries.conditions(query),
                )
            )
            count = await session.scalar(select(func.count()).select_from(matching.subquery()))
            if not count:
                return 0, []
            page = matching.order_by(*entries.order(query, oua.created_at, oua.user_id))
            rows = await session.execute(page.limit(query.limit).offset(query.offset))
            found = [Entry(user_id, key, value) for user_id, key, value, *_ in rows]
        return int(count), found

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


# --- the entries of users' values, as rows -------------------------------------------------------


def _sqlite_lower(text: Any) -> str | None:
    return None if text is None else str(text).lower()


def _install_sqlite_lower(session: Session) -> None:
    """SQLite's own lower() folds ASCII only; the search folds case as Python does, on both
    engines (PostgreSQL's lower() follows the database's locale)."""
    connection = session.connection().connection.dbapi_connection
    assert connection is not None
    connection.create_function("odyssey_lower", 1, _sqlite_lower, deterministic=True)


@dataclass(frozen=True, slots=True)
class _EntryColumns:
    """One row per entry of each value (`jsonb_each` / `json_each`), with the engine's way to
    read a field's text: PostgreSQL `->>`; SQLite the decoded string, else the JSON text (`->`
    keeps numbers as written)."""

    table: Any
    key: Any
    shown_value: Any
    position: Any
    sqlite: bool

    @classmethod
    def of(cls, sqlite: bool) -> _EntryColumns:
        value = t.ObjectUserAttribute.value
        if sqlite:
            objects_only = case((func.json_type(value) == "object", value), else_="{}")
            each = func.json_each(objects_only).table_valued("key", "value", "type", "id")
            table = each.alias("entry")
            entry = case((table.c.type == "object", table.c.value))
            return cls(table, table.c.key, type_coerce(entry, JSON), table.c.id, sqlite)
        empty = cast(literal("{}"), JSONB)
        objects_only = case((func.jsonb_typeof(value) == "object", value), else_=empty)
        each = func.jsonb_each(objects_only).table_valued(
            "key", "value", with_ordinality="position"
        )
        table = each.render_derived(name="entry")
        entry = case((func.jsonb_typeof(table.c.value) == "object", table.c.value))
        return cls(table, table.c.key, type_coerce(entry, JSONB), table.c.position, sqlite)

    def text(self, field: str) -> Any:
        if not self.sqlite:
            return type_coerce(self.table.c.value, JSONB)[field].astext
        entry = self.table.c.value
        path = "$." + json.dumps(field)  # escaped as SQLAlchemy wrote the stored keys
        kind = func.json_type(entry, path)
        return case(
            (self.table.c.type != "object", None),
            (kind == "text", func.json_extract(entry, path)),
            (kind == "null", None),
            else_=entry.op("->")(path),
        )

    def lower(self, text: Any) -> Any:
        return func.odyssey_lower(text) if self.sqlite else func.lower(text)

    def conditions(self, query: EntryQuery) -> list[Any]:
        found = [self.text(field) == wanted for field, wanted in query.filters.items()]
        if query.search:
            searched = [field for field in query.fields if field not in query.filters]
            found.append(
                or_(
                    false(),
                    *(
                        self.lower(self.text(field)).contains(query.search, autoescape=True)
                        for field in searched
                    ),
                )
            )
        return found

    def order(self, query: EntryQuery, *base: Any) -> list[Any]:
        """Python's stable sort on `(text is None, text)`, as the route once did it."""
        natural = [*base, self.position]
        if query.order is None:
            return natural
        text = self.text(query.order.lstrip("-"))
        by_code_point = text if self.sqlite else text.collate("C")
        missing = case((text.is_(None), 1), else_=0)
        if query.order.startswith("-"):
            return [missing.desc(), by_code_point.desc(), *natural]
        return [missing.asc(), by_code_point.asc(), *natural]
