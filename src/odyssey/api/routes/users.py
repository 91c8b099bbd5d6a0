"""Users and profiles (api-v4 §1.4)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict

from odyssey.api import present, schemas
from odyssey.api.deps import PathId, ServicesDep, SignedIn, is_node_admin, parse_path_id
from odyssey.api.docs import Auth, described
from odyssey.api.errors import ApiError
from odyssey.api.validation import Name, OptionalText, SearchText
from odyssey.core.errors import NotFound
from odyssey.core.permissions import Caller, can_see_wallets
from odyssey.services import Services

router = APIRouter(prefix="/api/v4", tags=["users"])

Sort = Literal["ASC", "DESC", "asc", "desc"]
#: The web client asks for up to 1,000 users or worlds at once.
MAX_LIST_LIMIT = 1000
SEARCH_LIMIT = 100


async def _user_with_wallet(
    services: Services, user_id: uuid.UUID, *, with_wallet: bool = True
) -> schemas.User:
    row = await services.users.get(user_id)
    if not with_wallet:
        return present.user(row)
    wallets = (await services.users.wallets_of([user_id])).get(user_id, [])
    return present.user(row, wallet=wallets[0] if wallets else None)


@router.get(
    "/users/me", response_model=schemas.User, **described(Auth.USER, {404: ["user_not_found"]})
)
async def me(services: ServicesDep, identity: SignedIn) -> schemas.User:
    """The caller, with their first wallet."""
    return await _user_with_wallet(services, identity.user_id)


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
    caller = Caller(identity.user_id, identity.is_guest)
    with_wallet = can_see_wallets(
        caller,
        target,
        caller_is_node_admin=target != identity.user_id
        and await is_node_admin(services, identity.user_id),
    )
    return await _user_with_wallet(services, target, with_wallet=with_wallet)


@router.get(
    "/users/{user_id}/worlds",
    response_model=list[schemas.OwnedWorld],
    **described(Auth.USER, {400: ["invalid_user_id"], 404: ["user_not_found"]}),
)
async def owned_worlds(
    services: ServicesDep, _identity: SignedIn, user_id: PathId
) -> list[schemas.OwnedWorld]:
    owner = parse_path_id(user_id, "invalid_user_id")
    if not await services.users.exists(owner):
        raise ApiError(404, "user_not_found", f"user {owner} not found")
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
        for world in await services.worlds.owned_by(owner)
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
    changes: dict[str, object] = {"onboarded": True}
    if body.name is not None:
        changes["name"] = body.name
    if body.profile is not None:
        for api_key, value in body.profile.model_dump(exclude_unset=True).items():
            if value is not None:
                changes[present.PROFILE_STORAGE_KEYS[api_key]] = value
    try:
        await services.users.update_profile(identity.user_id, changes)
    except NotFound:
        raise ApiError(404, "not_found", "the caller's user no longer exists") from None
    return ProfileUpdated(job_id=None, user_id=identity.user_id)
