"""Attribute values for a caller, in the five scopes: who may read and write them, and what the
reads and writes of a value, of one key of it, and of every user's or descendant's value do.

The rule is `odyssey.core.permissions` (`can_read`/`can_write` on the attribute's effective
options, `can_read_all` on its type's); this module gathers what the rule needs (the stored
options, and whether the caller administers the object or the node, from `handlers.access`)
and applies it. A write's check is a `Guard` the store runs inside the write's transaction, on
the options the write sees.

Targets named in a path are resolved by the transport before a write or an aggregate
(`existing_object`, `existing_user`, in the path's order, as the reference does); a read looks
up nothing but the attribute, so an unknown object surfaces as the admin check's `NotFound`.
An unknown attribute type is refused with the reason the transport names (`unknown`): the
reference calls it `invalid_plugin_attribute` when the key came in the query string and
`invalid_attribute` when it came in a body.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from odyssey.core import ids, permissions
from odyssey.core.errors import Forbidden, InvalidOperation, NotFound
from odyssey.core.permissions import AttributeScope, Caller
from odyssey.db.attributes import AttributeRef, EntryQuery, Guard, StoredAttribute
from odyssey.handlers import access
from odyssey.services import Services

UNKNOWN_IN_QUERY = "invalid_plugin_attribute"
UNKNOWN_IN_BODY = "invalid_attribute"
#: The options `publicize` gives an object's attribute: everyone reads, any signed-in user writes.
PUBLICIZED = {"permissions": {"read": "any", "write": "user"}}

_ADMIN_SCOPES = (AttributeScope.NODE, AttributeScope.OBJECT, AttributeScope.OBJECT_USER)


# --- the targets of a path ----------------------------------------------------------------------


async def existing_object(services: Services, object_id: uuid.UUID) -> uuid.UUID:
    """`object_id`, or `NotFound` (`object_not_found`) when there is no such object."""
    return (await services.objects.view(object_id)).id


async def existing_user(services: Services, user_id: uuid.UUID) -> uuid.UUID:
    """`user_id`, or `NotFound` (`user_not_found`) when there is no such user."""
    if not await services.users.exists(user_id):
        raise NotFound(
            f"user {user_id} not found", kind="user", id=user_id, reason="user_not_found"
        )
    return user_id


# --- one value ----------------------------------------------------------------------------------


async def read(
    services: Services, caller: Caller, ref: AttributeRef, *, unknown: str = UNKNOWN_IN_QUERY
) -> dict[str, Any]:
    """The value; `NotFound` (`attribute_not_found`) when there is none."""
    value = await _readable_value(services, caller, ref, unknown)
    if value is None:
        raise NotFound(f"{ref.attribute_name} has no value", reason="attribute_not_found")
    return value


async def read_sub(
    services: Services,
    caller: Caller,
    ref: AttributeRef,
    key: str,
    *,
    unknown: str = UNKNOWN_IN_QUERY,
) -> dict[str, Any]:
    """`{key: value[key]}` (None when the value lacks the key); `NotFound`
    (`attribute_value_not_found`) when there is no value."""
    value = await _readable_value(services, caller, ref, unknown)
    if value is None:
        raise NotFound(f"{ref.attribute_name} has no value", reason="attribute_value_not_found")
    return {key: value.get(key)}


async def write(
    services: Services,
    caller: Caller,
    ref: AttributeRef,
    value: dict[str, Any],
    *,
    unknown: str = UNKNOWN_IN_BODY,
) -> dict[str, Any]:
    """Replace the whole value; returns it."""
    guard = await _write_guard(services, caller, ref)
    with _known_type(unknown):
        await services.attributes.write(ref, value, guard)
    return value


async def remove(
    services: Services, caller: Caller, ref: AttributeRef, *, unknown: str = UNKNOWN_IN_BODY
) -> None:
    guard = await _write_guard(services, caller, ref)
    with _known_type(unknown):
        await services.attributes.remove(ref, guard)


async def write_sub(
    services: Services,
    caller: Caller,
    ref: AttributeRef,
    key: str,
    sub_value: Any,
    *,
    unknown: str = UNKNOWN_IN_BODY,
) -> dict[str, Any]:
    """Set one top-level key of the value (creating the value if needed); returns the value."""
    guard = await _write_guard(services, caller, ref)
    with _known_type(unknown):
        return await services.attributes.write_sub(ref, key, sub_value, guard)


async def remove_sub(
    services: Services,
    caller: Caller,
    ref: AttributeRef,
    key: str,
    *,
    unknown: str = UNKNOWN_IN_BODY,
) -> None:
    guard = await _write_guard(services, caller, ref)
    with _known_type(unknown):
        await services.attributes.remove_sub(ref, key, guard)


async def publicize(
    services: Services, caller: Caller, object_id: uuid.UUID, plugin_id: uuid.UUID, name: str
) -> None:
    """Let everyone read and every signed-in user write this attribute of the object: for an
    admin of the object (`not_admin`), who must also pass the attribute's write permission."""
    target = await existing_object(services, object_id)
    if caller.user_id is None:
        raise Forbidden("only an admin of this object may do this", reason="not_admin")
    await access.require_object_admin(services, caller.user_id, target)
    ref = AttributeRef(AttributeScope.OBJECT, plugin_id, name, object_id=target)
    guard = await _write_guard(services, caller, ref)
    with _known_type(UNKNOWN_IN_QUERY):
        await services.attributes.set_options(ref, PUBLICIZED, guard)


# --- every value of one attribute (the type's "read all") ---------------------------------------


async def subtree_values(
    services: Services, caller: Caller, object_id: uuid.UUID, plugin_id: uuid.UUID, name: str
) -> dict[uuid.UUID, dict[str, Any]]:
    """`{objectId: value}` of the (existing) object and every descendant holding a value."""
    await require_read_all(services, caller, plugin_id, name)
    return await services.attributes.subtree_values(object_id, plugin_id, name)


async def object_user_values(
    services: Services, caller: Caller, object_id: uuid.UUID, plugin_id: uuid.UUID, name: str
) -> dict[uuid.UUID, dict[str, Any]]:
    """`{userId: value}` of every user's value on the (existing) object."""
    await require_read_all(services, caller, plugin_id, name)
    return await services.attributes.object_user_values(object_id, plugin_id, name)


async def count_object_users(
    services: Services,
    caller: Caller,
    object_id: uuid.UUID,
    plugin_id: uuid.UUID,
    name: str,
    since: dt.datetime | None,
) -> int:
    """How many users hold a value on the (existing) object, updated at or after `since`:
    for whoever may read the attribute of a user who has no value yet (the reference asks
    for the nil user)."""
    ref = AttributeRef(
        AttributeScope.OBJECT_USER, plugin_id, name, object_id=object_id, user_id=ids.NIL_ID
    )
    with _known_type(UNKNOWN_IN_QUERY):
        type_options = await services.attributes.type_options(plugin_id, name)
    unstored = StoredAttribute(type_options, None, None, exists=False)
    admin = await _holds_admin(services, caller, ref)
    if not _allowed(ref, caller, admin, unstored, write=False):
        raise _refused(ref, "read")
    return await services.attributes.count_object_users(object_id, plugin_id, name, since)


async def require_read_all(
    services: Services,
    caller: Caller,
    plugin_id: uuid.UUID,
    name: str,
    *,
    unknown: str = UNKNOWN_IN_QUERY,
) -> None:
    """`Forbidden` (`operation_not_permitted`) unless the type's options let the caller list
    every value (`permissions.can_read_all`)."""
    with _known_type(unknown):
        type_options = await services.attributes.type_options(plugin_id, name)
    allowed = permissions.can_read_all(
        type_options, caller, plugin_id=plugin_id, attribute_name=name
    )
    if not allowed:
        raise Forbidden(f"{name} cannot be listed", reason="operation_not_permitted")


@dataclass(frozen=True, slots=True)
class EntryRow:
    """One entry of a user's value: its key, its fields as text, and whose value it is."""

    user_id: uuid.UUID
    key: str
    shown: dict[str, str | None]
    profile: dict[str, Any] | None


async def entries(
    services: Services,
    caller: Caller,
    object_id: uuid.UUID,
    plugin_id: uuid.UUID,
    name: str,
    query: EntryQuery,
) -> tuple[int, list[EntryRow]]:
    """Every user's value on the (existing) object is a map of entries: how many match the
    query, and its page of them. An unknown type is `invalid_param` (404), an order by a field
    not shown `invalid_params` (400)."""
    try:
        await require_read_all(services, caller, plugin_id, name)
    except InvalidOperation as unknown:
        raise NotFound(unknown.message, kind="attribute_type", reason="invalid_param") from None
    if query.order is not None and query.order.lstrip("-") not in query.fields:
        raise InvalidOperation("order must name one of fields[]", reason="invalid_params")
    count, page = await services.attributes.object_user_entries(object_id, plugin_id, name, query)
    users = await services.users.get_many(entry.user_id for entry in page)
    rows = []
    for entry in page:
        item = entry.value or {}
        user = users.get(entry.user_id)
        shown = {field: entry_text(item.get(field)) for field in query.fields}
        rows.append(EntryRow(entry.user_id, entry.key, shown, user.profile if user else None))
    return count, rows


def entry_text(value: Any) -> str | None:
    """A field as the entries show, filter and sort it: a string as itself, another value as
    compact JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# --- the check ----------------------------------------------------------------------------------


async def _readable_value(
    services: Services, caller: Caller, ref: AttributeRef, unknown: str
) -> dict[str, Any] | None:
    with _known_type(unknown):
        stored = await services.attributes.stored(ref)
    admin = await _holds_admin(services, caller, ref)
    if not _allowed(ref, caller, admin, stored, write=False):
        raise _refused(ref, "read")
    return stored.value


async def _write_guard(services: Services, caller: Caller, ref: AttributeRef) -> Guard:
    admin = await _holds_admin(services, caller, ref)

    def guard(stored: StoredAttribute) -> None:
        if not _allowed(ref, caller, admin, stored, write=True):
            raise _refused(ref, "write")

    return guard


async def _holds_admin(services: Services, caller: Caller, ref: AttributeRef) -> bool:
    """Whether the caller holds the `admin` role on the attribute: in the node scope an admin
    of the node, in the object scopes an admin of the object (`NotFound` for an unknown one)."""
    if caller.user_id is None or ref.scope not in _ADMIN_SCOPES:
        return False
    if ref.object_id is None:
        return await access.is_node_admin(services, caller.user_id)
    return await access.is_object_admin(services, caller.user_id, ref.object_id)


def _allowed(
    ref: AttributeRef, caller: Caller, admin: bool, stored: StoredAttribute, *, write: bool
) -> bool:
    check = permissions.can_write if write else permissions.can_read
    return check(
        ref.scope,
        stored.effective_options,
        caller,
        plugin_id=ref.plugin_id,
        attribute_name=ref.attribute_name,
        is_admin=admin,
        attribute_user_id=ref.user_id,
        source_user_id=ref.source_user_id,
        target_user_id=ref.target_user_id,
    )


def _refused(ref: AttributeRef, verb: str) -> Forbidden:
    return Forbidden(
        f"not allowed to {verb} {ref.attribute_name}", reason="operation_not_permitted"
    )


@contextmanager
def _known_type(unknown: str) -> Iterator[None]:
    """The store's `NotFound` for an unknown attribute type → a refusal of the request (400)
    with the transport's reason."""
    try:
        yield
    except NotFound as missing:
        if missing.kind != "attribute_type":
            raise
        raise InvalidOperation(missing.message, reason=unknown) from None
