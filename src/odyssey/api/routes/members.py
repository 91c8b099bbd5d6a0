"""Members of an object: the users holding a role on it (api-v4 §1.10)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from odyssey.api import present, schemas
from odyssey.api.deps import PathId, ServicesDep, SignedIn, parse_path_id
from odyssey.api.docs import Auth, described
from odyssey.api.errors import ApiError
from odyssey.api.routes.objects import admin_object_view
from odyssey.db.users import ADMIN_ROLE
from odyssey.services import Services

router = APIRouter(prefix="/api/v4", tags=["members"])

_ADMIN = {400: ["invalid_object_id"], 403: ["not_admin"], 404: ["object_not_found"]}


class MemberGrant(BaseModel):
    """Exactly one of `user_id` and `wallet`; `role` must be "admin"."""

    model_config = ConfigDict(extra="ignore")
    user_id: uuid.UUID | None = None
    wallet: Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[0-9a-zA-Z]+$")] | None = (
        None
    )
    role: Literal["admin"]

    @model_validator(mode="after")
    def _one_target(self) -> MemberGrant:
        if (self.user_id is None) == (self.wallet is None):
            raise ValueError("give exactly one of user_id and wallet")
        return self


async def resolve_user(
    services: Services, user_id: uuid.UUID | None, wallet: str | None
) -> uuid.UUID:
    """The user named by id or by wallet: 404 `user_not_found`."""
    if user_id is not None:
        if not await services.users.exists(user_id):
            raise ApiError(404, "user_not_found", f"user {user_id} not found")
        return user_id
    found = await services.users.find_by_wallet(wallet or "")
    if found is None:
        raise ApiError(404, "user_not_found", f"no user holds wallet {wallet}")
    return found.user_id


@router.get(
    "/objects/{object_id}/members",
    response_model=list[schemas.Member],
    **described(Auth.OBJECT_ADMIN, _ADMIN),
)
async def list_members(
    services: ServicesDep, identity: SignedIn, object_id: PathId
) -> list[schemas.Member]:
    """The users holding a role directly on the object."""
    view = await admin_object_view(services, identity, object_id)
    return [
        schemas.Member(
            object_id=view.id,
            user_id=user.user_id,
            name=present.user_name(user),
            avatar_hash=present.avatar_hash(user),
            role=str((role.value or {}).get("role", "")),
        )
        for role, user in await services.users.members(view.id)
    ]


@router.post(
    "/objects/{object_id}/members",
    response_model=None,
    **described(Auth.OBJECT_ADMIN, {**_ADMIN, 404: ["object_not_found", "user_not_found"]}),
)
async def grant_member(
    services: ServicesDep, identity: SignedIn, object_id: PathId, body: MemberGrant
) -> None:
    """Make a user (by id or wallet) an admin of the object."""
    view = await admin_object_view(services, identity, object_id)
    user_id = await resolve_user(services, body.user_id, body.wallet)
    await services.users.set_role(view.id, user_id, ADMIN_ROLE)


@router.delete(
    "/objects/{object_id}/members/{user_id}",
    response_model=None,
    **described(Auth.OBJECT_ADMIN, {**_ADMIN, 400: ["invalid_object_id", "invalid_user_id"]}),
)
async def revoke_member(
    services: ServicesDep, identity: SignedIn, object_id: PathId, user_id: PathId
) -> None:
    """Take the user's role on the object away (nothing happens when there is none)."""
    view = await admin_object_view(services, identity, object_id)
    await services.users.remove_role(view.id, parse_path_id(user_id, "invalid_user_id"))
