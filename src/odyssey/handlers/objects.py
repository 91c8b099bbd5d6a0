"""Objects: who may create, change, clone and delete them, and the rules on what they name.

The tree's own rules (allowed children, child limits, placement, quotas) are the store's and
the domain's (`odyssey.db.objects`, `odyssey.core.tree`); this module adds the caller's side:
the admin checks, which objects are not objects for these operations (the node, its worlds),
and that the assets and attributes a request names exist and may be written.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from odyssey.core import permissions
from odyssey.core.attributes import effective_attribute_options
from odyssey.core.errors import DomainError, Forbidden, NotFound
from odyssey.core.geometry import Transform
from odyssey.core.ids import parse_id
from odyssey.core.options import clone_json, effective_object_options
from odyssey.core.permissions import AttributeScope, Caller
from odyssey.core.tree import ObjectNode
from odyssey.db import AttributeSeed
from odyssey.db.objects import ObjectView
from odyssey.handlers.access import require_object_admin
from odyssey.services import Services

_ASSET_FIELDS = ("asset_2d_id", "asset_3d_id")


@dataclass(frozen=True, slots=True)
class NewObject:
    """A child a caller asks for (`POST /objects`)."""

    parent_id: uuid.UUID
    type_id: uuid.UUID
    name: str
    asset_2d_id: uuid.UUID | None = None
    asset_3d_id: uuid.UUID | None = None
    transform: Transform | None = None
    minimap: bool | None = None


@dataclass(frozen=True, slots=True)
class ObjectChange:
    """A rename and asset change: an asset field None leaves it, "" removes it, else an id."""

    name: str | None = None
    asset_2d_id: str | None = None
    asset_3d_id: str | None = None


@dataclass(frozen=True, slots=True)
class ObjectUserSeed:
    """An object-user attribute a spawning caller writes on (new object, caller)."""

    plugin_id: uuid.UUID
    attribute_name: str
    value: dict[str, Any]


async def admin_object_view(
    services: Services, user_id: uuid.UUID, object_id: uuid.UUID
) -> ObjectView:
    """The object, which `user_id` must administer: `NotFound` (object_not_found),
    `Forbidden` (not_admin)."""
    view = await services.objects.view(object_id)
    await require_object_admin(services, user_id, view.id)
    return view


async def _check_assets(
    services: Services, asset_2d_id: uuid.UUID | None, asset_3d_id: uuid.UUID | None
) -> None:
    """A request naming an asset that does not exist is a bad request (`invalid_<kind>_id`,
    a 400 by its class), not a missing resource."""
    try:
        await services.objects.check_assets(asset_2d_id, asset_3d_id)
    except NotFound as missing:
        raise DomainError(missing.message, reason=f"invalid_{missing.kind}_id") from None


async def create_object(services: Services, user_id: uuid.UUID, spec: NewObject) -> ObjectNode:
    """A new child of `spec.parent_id` owned by `user_id`, who must administer the parent
    (`parent_not_found`, `object_creation_not_permitted`), with assets that exist; within the
    tree's rules and the caller's limits there (see `ObjectStore.create_object`)."""
    await require_object_admin(
        services,
        user_id,
        spec.parent_id,
        what="parent",
        not_found="parent_not_found",
        reason="object_creation_not_permitted",
        message="only an admin of the parent may add objects",
    )
    await _check_assets(services, spec.asset_2d_id, spec.asset_3d_id)
    return await services.objects.create_object(
        spec.parent_id,
        spec.type_id,
        name=spec.name,
        owner_id=user_id,
        transform=spec.transform,
        asset_2d_id=spec.asset_2d_id,
        asset_3d_id=spec.asset_3d_id,
        options=None if spec.minimap is None else {"minimap": spec.minimap},
        by=user_id,
    )


async def located_object(services: Services, object_id: uuid.UUID) -> tuple[ObjectView, Transform]:
    """The object and where it is: its own transform, else where its parents place it."""
    view = await services.objects.view(object_id)
    if view.transform is not None:
        return view, Transform.from_json(view.transform)
    return view, await services.objects.actual_transform(view.id)


def _asset_change(value: str | None, field_name: str) -> tuple[uuid.UUID | None, bool]:
    """(new id, clear?) from a change's asset field: None = unchanged, "" = clear."""
    if value is None:
        return None, False
    if value == "":
        return None, True
    try:
        return parse_id(value), False
    except ValueError:
        reason = f"invalid_{field_name.removesuffix('_id')}_id"
        raise DomainError(f"not an id: {value[:80]!r}", reason=reason) from None


async def update_object(
    services: Services, user_id: uuid.UUID, object_id: uuid.UUID, change: ObjectChange
) -> None:
    """Rename the object or change its assets; `user_id` must administer it."""
    view = await admin_object_view(services, user_id, object_id)
    asset_2d, clear_2d = _asset_change(change.asset_2d_id, "asset_2d_id")
    asset_3d, clear_3d = _asset_change(change.asset_3d_id, "asset_3d_id")
    await _check_assets(services, asset_2d, asset_3d)
    clear = [name for name, flag in zip(_ASSET_FIELDS, (clear_2d, clear_3d), strict=True) if flag]
    await services.objects.update_object(
        view.id, name=change.name, asset_2d_id=asset_2d, asset_3d_id=asset_3d, clear=clear
    )


async def _is_world_or_node(services: Services, view: ObjectView) -> bool:
    return view.is_node or view.parent_id == await services.node.node_id()


async def delete_object(services: Services, user_id: uuid.UUID, object_id: uuid.UUID) -> None:
    """Delete the object and everything under it; worlds and the node are not deleted here
    (`object_remove_not_permitted`)."""
    view = await admin_object_view(services, user_id, object_id)
    if await _is_world_or_node(services, view):
        raise Forbidden("worlds cannot be deleted as objects", reason="object_remove_not_permitted")
    await services.objects.delete_subtree(view.id)


async def clone_object(services: Services, user_id: uuid.UUID, object_id: uuid.UUID) -> ObjectNode:
    """A copy of the object beside it; worlds and the node are not cloned
    (`object_clone_not_permitted`)."""
    view = await admin_object_view(services, user_id, object_id)
    if await _is_world_or_node(services, view):
        raise Forbidden("worlds cannot be cloned", reason="object_clone_not_permitted")
    return await services.objects.clone(view.id, by=user_id)


# --- options ------------------------------------------------------------------------------------


def _options_of(view: ObjectView, effective: bool) -> dict[str, Any] | None:
    if effective:
        return effective_object_options(view.type_options, view.options)
    return None if view.options is None else clone_json(view.options)


async def object_options(
    services: Services, object_id: uuid.UUID, *, effective: bool
) -> dict[str, Any] | None:
    """The object's own options, or with `effective` merged over its type's."""
    return _options_of(await services.objects.view(object_id), effective)


async def set_options(
    services: Services, user_id: uuid.UUID, object_id: uuid.UUID, options: dict[str, Any]
) -> None:
    """Replace all of the object's own options; `user_id` must administer it."""
    view = await admin_object_view(services, user_id, object_id)
    await services.objects.update_object(view.id, options=options)


async def sub_option(services: Services, object_id: uuid.UUID, key: str, *, effective: bool) -> Any:
    """One key of the object's `options.subs` (None when absent): `NotFound` `empty_options`
    without options, `empty_sub_options` without `subs`."""
    options = await object_options(services, object_id, effective=effective)
    if not options:
        raise NotFound("the object has no options", reason="empty_options")
    subs = options.get("subs")
    if not isinstance(subs, dict):
        raise NotFound("the object has no sub-options", reason="empty_sub_options")
    return subs.get(key)


async def set_sub_option(
    services: Services, user_id: uuid.UUID, object_id: uuid.UUID, key: str, value: Any
) -> None:
    view = await admin_object_view(services, user_id, object_id)
    await services.objects.set_sub_option(view.id, key, value)


async def remove_sub_option(
    services: Services, user_id: uuid.UUID, object_id: uuid.UUID, key: str
) -> None:
    view = await admin_object_view(services, user_id, object_id)
    await services.objects.remove_sub_option(view.id, key)


# --- spawn by user ------------------------------------------------------------------------------


async def _writable_seeds(
    services: Services, caller: Caller, owner_id: uuid.UUID, seeds: Sequence[ObjectUserSeed]
) -> list[AttributeSeed]:
    """The seeds as attributes to write, each of an existing type (`invalid_attribute`) the
    caller may write as the new object's owner (`operation_not_permitted`)."""
    written = []
    for seed in seeds:
        try:
            type_options = await services.attributes.type_options(
                seed.plugin_id, seed.attribute_name
            )
        except NotFound as missing:
            raise DomainError(missing.message, reason="invalid_attribute") from None
        # The caller will own the new object, so holds `admin` and `user_owner` on these.
        if not permissions.can_write(
            AttributeScope.OBJECT_USER,
            effective_attribute_options(type_options, None),
            caller,
            plugin_id=seed.plugin_id,
            attribute_name=seed.attribute_name,
            is_admin=True,
            attribute_user_id=owner_id,
        ):
            raise Forbidden(
                f"not allowed to write {seed.attribute_name}", reason="operation_not_permitted"
            )
        written.append(AttributeSeed(seed.plugin_id, seed.attribute_name, seed.value))
    return written


async def spawn_by_user(
    services: Services,
    caller: Caller,
    parent_id: uuid.UUID,
    *,
    name: str,
    type_id: uuid.UUID,
    seeds: Sequence[ObjectUserSeed] = (),
) -> ObjectNode:
    """A child of `parent_id` owned by the (signed-in) caller, with object-user attributes of
    (new object, caller); only inside a world (`operation_not_permitted` under the node)."""
    assert caller.user_id is not None  # the route admits signed-in callers only
    owner_id = caller.user_id
    attributes = await _writable_seeds(services, caller, owner_id, seeds)
    try:
        return await services.objects.spawn(
            parent_id, type_id, name=name, owner_id=owner_id, object_user_attributes=attributes
        )
    except Forbidden as refused:  # under the node, where only worlds may go
        raise Forbidden(refused.message, reason="operation_not_permitted") from None


__all__ = [
    "NewObject",
    "ObjectChange",
    "ObjectUserSeed",
    "admin_object_view",
    "clone_object",
    "create_object",
    "delete_object",
    "located_object",
    "object_options",
    "remove_sub_option",
    "set_options",
    "set_sub_option",
    "spawn_by_user",
    "sub_option",
    "update_object",
]
