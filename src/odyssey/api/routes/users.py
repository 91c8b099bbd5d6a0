"""Users and profiles (api-v4 §1.4)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict

from odyssey.api import present, schemas
from odyssey.api.deps import PathId, ServicesDep, SignedIn, caller_of, parse_path_id
from odyssey.api.docs import Auth, described
from odyssey.api.validation import Name, OptionalText, SearchText
from odyssey.handlers import users as handle

router = APIRouter(prefix="/api/v4", tags=["users"])

Sort = Literal["ASC", "DESC", "asc", "desc"]
#: The web client asks for up to 1,000 users or worlds at once.
MAX_LIST_LIMIT = 1000
SEARCH_LIMIT = 100


@router.get(
    "/users/me", response_model=schemas.User, **described(Auth.USER, {404: ["user_not_found"]})
)
async def me(services: ServicesDep, identity: SignedIn) -> schemas.User:
    """The caller, with their first wallet."""
    row, wallet = await handle.profile(services, caller_of(identity), identity.user_id)
    return present.user(row, wallet=wallet)


@router.get("/users", response_model=list[schemas.UserEntry], **described(Auth.USER))
async def recent_users(
    services: ServicesDep,
    _identity: SignedIn,
    sort: Sort = "DESC",
    limit: Annotated[int, Query(ge=1, le=MAX_LIST_LIMIT)] = 100,
) -> list[schemas.UserEntry]:
    """Signed-up users (not guests), newest first unless `sort=ASC`."""
    rows = await services.users.recent(newest_first=sort.upper() == "DESC", limit=limit)
    return [present.user_entry(row) for row in rows]


@router.get("/users/search", response_model=list[schemas.UserEntry], **described(Auth.USER))
async def search_users(
    services: ServicesDep,
    _identity: SignedIn,
    query: Annotated[SearchText, Query(min_length=1)],
) -> list[schemas.UserEntry]:
    """Signed-up users whose name contains `query` (case-insensitive), at most 100."""
    rows = await services.users.search(query, limit=SEARCH_LIMIT)
    return [present.user_entry(row) for row in rows]


@router.get(
    "/users/{user_id}",
    response_model=schemas.User,
    **described(Auth.USER, {400: ["invalid_user_id"], 404: ["user_not_found"]}),
)
async def user_profile(services: ServicesDep, identity: SignedIn, user_id: PathId) -> schemas.User:
    """A user's profile; `wallet` only for the user themself and the node's admins."""
    target = parse_path_id(user_id, "invalid_user_id")
    row, wallet = await handle.profile(services, caller_of(identity), target)
    return present.user(row, wallet=wallet)


@router.get(
    "/users/{user_id}/worlds",
    response_model=list[schemas.OwnedWorld],
    **described(Auth.USER, {400: ["invalid_user_id"], 404: ["user_not_found"]}),
)
async def owned_worlds(
    services: ServicesDep, _identity: SignedIn, user_id: PathId
) -> list[schemas.OwnedWorld]:
    owner = parse_path_id(user_id, "invalid_user_id")
    return [
        schemas.OwnedWorld(
            id=world.id,
            owner_id=world.owner_id,
            owner_name=world.owner_name,
            name=world.name,
            description=world.description,
            website_link=world.website_link,
            avatarHash=world.avatar_hash,
        )
        for world in await handle.owned_worlds(services, owner)
    ]


class ProfileChanges(BaseModel):
    model_config = ConfigDict(extra="ignore")
    bio: OptionalText | None = None
    location: Annotated[str, Field(max_length=255)] | None = None
    avatarHash: Annotated[str, Field(max_length=64, pattern=r"^[a-zA-Z0-9]*$")] | None = None
    profileLink: Annotated[str, Field(max_length=2048)] | None = None


class ProfilePatch(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: Name | None = None
    profile: ProfileChanges | None = None


class ProfileUpdated(TypedDict):
    job_id: None
    user_id: uuid.UUID


@router.patch("/profile", response_model=ProfileUpdated, **described(Auth.USER))
async def update_profile(
    services: ServicesDep, identity: SignedIn, body: ProfilePatch
) -> ProfileUpdated:
    """Change the caller's name and profile fields (only those sent); marks them onboarded."""
    changes: dict[str, object] = {}
    if body.name is not None:
        changes["name"] = body.name
    if body.profile is not None:
        for api_key, value in body.profile.model_dump(exclude_unset=True).items():
            if value is not None:
                changes[present.PROFILE_STORAGE_KEYS[api_key]] = value
    await handle.update_profile(services, identity.user_id, changes)
    return ProfileUpdated(job_id=None, user_id=identity.user_id)
