"""Worlds: who may create and change them, and what an admin may ask of the people in one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from odyssey.auth.ratelimit import Bucket, Rate, subject_key
from odyssey.core.errors import Forbidden, NotFound
from odyssey.core.permissions import Caller
from odyssey.db import tables as t
from odyssey.db.users import name_of
from odyssey.db.worlds import WorldSummary
from odyssey.handlers.access import is_node_admin, require_object_admin
from odyssey.presence import Invitation
from odyssey.services import Services


@dataclass(frozen=True, slots=True)
class ObjectCaption:
    """What a world's explorer shows of one object."""

    id: uuid.UUID
    name: str
    description: str


async def create_world(
    services: Services, caller: Caller, name: str, *, description: str | None
) -> WorldSummary:
    """A new world owned by the caller: node admins and users on the hosting allow-list only,
    never guests (`world_creation_not_permitted`)."""
    user_id = caller.user_id
    allowed = (
        user_id is not None
        and not caller.is_guest
        and (await services.node.may_host(user_id) or await is_node_admin(services, user_id))
    )
    if not allowed or user_id is None:
        raise Forbidden(
            "only node admins and users on the hosting allow-list may create worlds",
            reason="world_creation_not_permitted",
        )
    return await services.worlds.create(name, user_id, description=description)


async def world_details(
    services: Services, user_id: uuid.UUID, world_id: uuid.UUID
) -> tuple[WorldSummary, bool]:
    """The world, and whether `user_id` administers it."""
    world = await services.worlds.get(world_id)
    return world, await services.users.is_admin(user_id, world.id)


async def explore_object(
    services: Services, world_id: uuid.UUID, object_id: uuid.UUID
) -> ObjectCaption:
    """Name and description of an object of the world (`object_not_found` when it is in
    another world or none)."""
    world = await services.worlds.get(world_id)
    try:
        in_world = await services.objects.world_of(object_id) == world.id
    except NotFound:
        in_world = False
    if not in_world:
        raise NotFound(
            f"object {object_id} is not in world {world.id}",
            id=object_id,
            reason="object_not_found",
        )
    values = await services.attributes.object_values(object_id, ["name", "description"])
    name = values.get("name", {}).get("name")
    description = values.get("description", {}).get("description")
    return ObjectCaption(
        id=object_id,
        name=name if isinstance(name, str) else str(object_id),
        description=description if isinstance(description, str) else "",
    )


async def online_users(services: Services, world_id: uuid.UUID) -> list[t.User]:
    """The users connected to the world, in arrival order."""
    world = await services.worlds.get(world_id)
    online = services.presence.online_users(world.id)
    rows = await services.users.get_many(online)
    return [rows[user_id] for user_id in online if user_id in rows]


async def _admin_world(services: Services, user_id: uuid.UUID, world_id: uuid.UUID) -> uuid.UUID:
    """The world, which `user_id` must administer (`world_not_found`, `not_admin`)."""
    world = await services.worlds.get(world_id)
    await require_object_admin(services, user_id, world.id, not_found="world_not_found")
    return world.id


async def update_world(
    services: Services,
    user_id: uuid.UUID,
    world_id: uuid.UUID,
    *,
    name: str | None,
    description: str | None,
    website_link: str | None,
) -> None:
    """Change the world's texts (None leaves one); `user_id` must administer it."""
    world = await _admin_world(services, user_id, world_id)
    await services.worlds.update(
        world, name=name, description=description, website_link=website_link
    )


async def fly_to_me(services: Services, user_id: uuid.UUID, world_id: uuid.UUID) -> None:
    """Ask everyone in the world to fly to its admin `user_id`, who must be connected to it
    (`user_not_found`)."""
    world = await _admin_world(services, user_id, world_id)
    pilot = await services.users.get(user_id)
    if not await services.presence.fly_to_me(world, user_id, name_of(pilot)):
        raise NotFound(
            "the caller is not connected to this world", kind="user", reason="user_not_found"
        )


async def teleport_user(
    services: Services, user_id: uuid.UUID, world_id: uuid.UUID, invited_id: uuid.UUID
) -> None:
    """Invite a connected user into the world `user_id` administers, within the caller's
    invitation rate; refused for a private world the user may not enter (`world_private`)."""
    world = await _admin_world(services, user_id, world_id)
    # Counted per caller before anything else, so nobody can spam or probe who is online.
    rate = Rate(services.settings.controller_invitations_per_minute, 60.0)
    await services.auth.limits.limiter.take(
        [Bucket(subject_key("invitation", str(user_id)), rate, "invitations")]
    )
    inviter = await services.users.get(user_id)
    sent = await services.presence.invite_user(world, invited_id, user_id, name_of(inviter))
    if sent is Invitation.NOT_CONNECTED:
        raise NotFound(f"user {invited_id} is not connected", kind="user", reason="user_not_found")
    if sent is Invitation.NO_WORLD:
        raise NotFound(f"world {world} not found", kind="world", reason="world_not_found")
    if sent is Invitation.NOT_ALLOWED:
        raise Forbidden(
            "the world is private and the user is not a member of it", reason="world_private"
        )


__all__ = [
    "ObjectCaption",
    "create_world",
    "explore_object",
    "fly_to_me",
    "online_users",
    "teleport_user",
    "update_world",
    "world_details",
]
