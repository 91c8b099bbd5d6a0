"""Worlds (api-v4 §1.6), and world creation from the node's template (new in this node)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from odyssey.api import present, schemas
from odyssey.api.deps import (
    PathId,
    ServicesDep,
    SignedIn,
    is_node_admin,
    parse_path_id,
    require_object_admin,
)
from odyssey.api.docs import Auth, described
from odyssey.api.errors import ApiError
from odyssey.api.routes.users import MAX_LIST_LIMIT, SEARCH_LIMIT, Sort
from odyssey.api.validation import Name, OptionalText, SearchText
from odyssey.auth.ratelimit import Bucket, Rate, subject_key
from odyssey.core.errors import NotFound
from odyssey.db.worlds import WorldSummary
from odyssey.presence import Invitation
from odyssey.services import Services

router = APIRouter(prefix="/api/v4", tags=["worlds"])

NO_STAKE = "0"


def _recent(world: WorldSummary) -> dict[str, Any]:
    return {
        "id": str(world.id),
        "owner_id": str(world.owner_id),
        "owner_name": world.owner_name,
        "description": world.description,
        "stake_total": NO_STAKE,
        "name": world.name,
        "website_link": world.website_link,
        "avatarHash": world.avatar_hash,
    }


def _details(world: WorldSummary, *, is_admin: bool) -> schemas.WorldDetails:
    return schemas.WorldDetails(
        id=world.id,
        owner_id=world.owner_id,
        owner_name=world.owner_name,
        description=world.description,
        stake_total=NO_STAKE,
        name=world.name,
        createdAt=present.rfc3339_seconds(world.created_at),
        updatedAt=present.rfc3339_seconds(world.updated_at),
        avatarHash=world.avatar_hash,
        website_link=world.website_link,
        stakers=[],
        last_staking_comment="",
        is_admin=is_admin,
    )


async def _world(services: Services, world_id: PathId) -> WorldSummary:
    return await services.worlds.get(parse_path_id(world_id, "invalid_world_id"))


_WORLD_ERRORS = {400: ["invalid_world_id"], 404: ["world_not_found"]}
_WORLD_ADMIN_ERRORS = {**_WORLD_ERRORS, 403: ["not_admin"]}


@router.get(
    "/worlds",
    response_class=Response,
    **described(Auth.USER, success=(200, list[schemas.RecentWorld], "Latest worlds")),
)
async def recent_worlds(
    services: ServicesDep,
    _identity: SignedIn,
    sort: Sort = "DESC",
    limit: Annotated[int, Query(ge=1, le=MAX_LIST_LIMIT)] = 100,
) -> Response:
    """The node's worlds, newest first unless `sort=ASC`. Stakes are always "0" (no chain)."""
    worlds = await services.worlds.recent(newest_first=sort.upper() == "DESC", limit=limit)
    return present.json_response([_recent(world) for world in worlds])


class WorldCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: Name
    description: OptionalText | None = None


@router.post(
    "/worlds",
    status_code=201,
    response_model=schemas.WorldDetails,
    **described(Auth.HOSTING, {403: ["world_creation_not_permitted"]}),
)
async def create_world(
    services: ServicesDep, identity: SignedIn, body: WorldCreate
) -> schemas.WorldDetails:
    """A new world from the node's `world_template`, owned by the caller. Node admins and users
    on the hosting allow-list may create worlds (the reference only made worlds from NFTs)."""
    allowed = not identity.is_guest and (
        await services.node.may_host(identity.user_id)
        or await is_node_admin(services, identity.user_id)
    )
    if not allowed:
        raise ApiError(
            403,
            "world_creation_not_permitted",
            "only node admins and users on the hosting allow-list may create worlds",
        )
    world = await services.worlds.create(body.name, identity.user_id, description=body.description)
    return _details(world, is_admin=True)


@router.get(
    "/worlds/explore/search",
    response_model=list[schemas.ExploreOption],
    **described(Auth.USER),
)
async def search_worlds(
    services: ServicesDep,
    _identity: SignedIn,
    query: Annotated[SearchText, Query(min_length=1)],
) -> list[schemas.ExploreOption]:
    """Worlds whose name contains `query` (case-insensitive), at most 100."""
    return [
        schemas.ExploreOption(id=world.id, name=world.name, description=world.description)
        for world in await services.worlds.search(query, limit=SEARCH_LIMIT)
    ]


@router.get(
    "/worlds/{world_id}",
    response_model=schemas.WorldDetails,
    **described(Auth.USER, _WORLD_ERRORS),
)
async def world_details(
    services: ServicesDep, identity: SignedIn, world_id: PathId
) -> schemas.WorldDetails:
    """The world, and whether the caller administers it."""
    world = await _world(services, world_id)
    return _details(world, is_admin=await services.users.is_admin(identity.user_id, world.id))


@router.get(
    "/worlds/{world_id}/explore",
    response_model=schemas.ExploreOption,
    **described(
        Auth.USER,
        {
            400: ["invalid_world_id", "invalid_object_id"],
            404: ["world_not_found", "object_not_found"],
        },
    ),
)
async def explore_object(
    services: ServicesDep,
    _identity: SignedIn,
    world_id: PathId,
    object_id: Annotated[str, Query(max_length=64)],
) -> schemas.ExploreOption:
    """Name and description of one object of the world."""
    world = await _world(services, world_id)
    target = parse_path_id(object_id, "invalid_object_id")
    try:
        in_world = await services.objects.world_of(target) == world.id
    except NotFound:
        in_world = False
    if not in_world:
        raise ApiError(404, "object_not_found", f"object {target} is not in world {world.id}")
    values = await services.attributes.object_values(target, ["name", "description"])
    name = values.get("name", {}).get("name")
    description = values.get("description", {}).get("description")
    return schemas.ExploreOption(
        id=target,
        name=name if isinstance(name, str) else str(target),
        description=description if isinstance(description, str) else "",
    )


@router.get(
    "/worlds/{world_id}/online-users",
    response_model=list[schemas.User],
    **described(Auth.USER, _WORLD_ERRORS),
)
async def online_users(
    services: ServicesDep, _identity: SignedIn, world_id: PathId
) -> list[schemas.User]:
    """The users connected to the world, in arrival order."""
    world = await _world(services, world_id)
    online = services.presence.online_users(world.id)
    rows = await services.users.get_many(online)
    return [present.user(rows[user_id]) for user_id in online if user_id in rows]


class WorldPatch(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: Name | None = None
    description: OptionalText | None = None
    website_link: Annotated[OptionalText, Field(max_length=2048)] | None = None


@router.patch(
    "/worlds/{world_id}", response_model=None, **described(Auth.OBJECT_ADMIN, _WORLD_ADMIN_ERRORS)
)
async def update_world(
    services: ServicesDep, identity: SignedIn, world_id: PathId, body: WorldPatch
) -> None:
    """Change the world's name, description and website link (only the fields sent)."""
    world = await _world(services, world_id)
    await require_object_admin(services, identity, world.id, not_found="world_not_found")
    await services.worlds.update(
        world.id, name=body.name, description=body.description, website_link=body.website_link
    )


@router.post(
    "/worlds/{world_id}/fly-to-me",
    response_model=None,
    **described(
        Auth.OBJECT_ADMIN, _WORLD_ADMIN_ERRORS | {404: ["world_not_found", "user_not_found"]}
    ),
)
async def fly_to_me(services: ServicesDep, identity: SignedIn, world_id: PathId) -> None:
    """Ask everyone in the world to fly to the caller, who must be in that world."""
    world = await _world(services, world_id)
    await require_object_admin(services, identity, world.id, not_found="world_not_found")
    pilot = await services.users.get(identity.user_id)
    if not await services.presence.fly_to_me(world.id, identity.user_id, present.user_name(pilot)):
        raise ApiError(404, "user_not_found", "the caller is not connected to this world")


class TeleportRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    user_id: uuid.UUID


@router.post(
    "/worlds/{world_id}/teleport-user",
    response_model=None,
    **described(
        Auth.OBJECT_ADMIN,
        _WORLD_ADMIN_ERRORS
        | {
            403: ["not_admin", "world_private"],
            404: ["world_not_found", "user_not_found"],
            429: ["too_many_requests"],
        },
    ),
)
async def teleport_user(
    services: ServicesDep, identity: SignedIn, world_id: PathId, body: TeleportRequest
) -> None:
    """Invite a connected user into the world: they get posbus `fly_to_me` naming the caller
    and the world, and enter only if they accept (the reference's route was a stub).

    Refused when the world is private and the user may not enter it (403 `world_private`), and
    past the caller's invitation rate (429, `controller_invitations_per_minute`)."""
    world = await _world(services, world_id)
    await require_object_admin(services, identity, world.id, not_found="world_not_found")
    # Counted per caller before anything else, so nobody can spam or probe who is online.
    rate = Rate(services.settings.controller_invitations_per_minute, 60.0)
    await services.auth.limits.limiter.take(
        [Bucket(subject_key("invitation", str(identity.user_id)), rate, "invitations")]
    )
    inviter = await services.users.get(identity.user_id)
    sent = await services.presence.invite_user(
        world.id, body.user_id, identity.user_id, present.user_name(inviter)
    )
    if sent is Invitation.NOT_CONNECTED:
        raise ApiError(404, "user_not_found", f"user {body.user_id} is not connected")
    if sent is Invitation.NO_WORLD:
        raise ApiError(404, "world_not_found", f"world {world.id} not found")
    if sent is Invitation.NOT_ALLOWED:
        raise ApiError(
            403, "world_private", "the world is private and the user is not a member of it"
        )


__all__ = ["router"]
