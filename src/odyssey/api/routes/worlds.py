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
    caller_of,
    parse_path_id,
    parse_path_id_after,
)
from odyssey.api.docs import Auth, described
from odyssey.api.routes.users import MAX_LIST_LIMIT, SEARCH_LIMIT, Sort
from odyssey.api.validation import Name, OptionalText, SearchText
from odyssey.db.worlds import WorldSummary
from odyssey.handlers import worlds as handle

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


def _world_id(world_id: PathId) -> uuid.UUID:
    return parse_path_id(world_id, "invalid_world_id")


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
    world = await handle.create_world(
        services, caller_of(identity), body.name, description=body.description
    )
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
    world, is_admin = await handle.world_details(services, identity.user_id, _world_id(world_id))
    return _details(world, is_admin=is_admin)


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
    world = _world_id(world_id)
    # An unknown world is named before a malformed object id.
    target = await parse_path_id_after(
        object_id, "invalid_object_id", lambda: services.worlds.get(world)
    )
    caption = await handle.explore_object(services, world, target)
    return schemas.ExploreOption(id=caption.id, name=caption.name, description=caption.description)


@router.get(
    "/worlds/{world_id}/online-users",
    response_model=list[schemas.User],
    **described(Auth.USER, _WORLD_ERRORS),
)
async def online_users(
    services: ServicesDep, _identity: SignedIn, world_id: PathId
) -> list[schemas.User]:
    """The users connected to the world, in arrival order."""
    return [present.user(row) for row in await handle.online_users(services, _world_id(world_id))]


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
    await handle.update_world(
        services,
        identity.user_id,
        _world_id(world_id),
        name=body.name,
        description=body.description,
        website_link=body.website_link,
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
    await handle.fly_to_me(services, identity.user_id, _world_id(world_id))


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
    await handle.teleport_user(services, identity.user_id, _world_id(world_id), body.user_id)


__all__ = ["router"]
