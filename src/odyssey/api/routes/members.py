"""Members of an object: the users holding a role on it (api-v4 §1.10)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from odyssey.api import present, schemas
from odyssey.api.deps import PathId, ServicesDep, SignedIn, parse_path_id, parse_path_id_after
from odyssey.api.docs import Auth, described
from odyssey.handlers import members as handle
from odyssey.handlers.objects import admin_object_view

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


@router.get(
    "/objects/{object_id}/members",
    response_model=list[schemas.Member],
    **described(Auth.OBJECT_ADMIN, _ADMIN),
)
async def list_members(
    services: ServicesDep, identity: SignedIn, object_id: PathId
) -> list[schemas.Member]:
    """The users holding a role directly on the object."""
    parsed = parse_path_id(object_id, "invalid_object_id")
    return [
        schemas.Member(
            object_id=parsed,
            user_id=user.user_id,
            name=present.user_name(user),
            avatar_hash=present.avatar_hash(user),
            role=str((role.value or {}).get("role", "")),
        )
        for role, user in await handle.members(services, identity.user_id, parsed)
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
    await handle.grant_admin(
        services,
        identity.user_id,
        parse_path_id(object_id, "invalid_object_id"),
        member_id=body.user_id,
        wallet=body.wallet,
    )


@router.delete(
    "/objects/{object_id}/members/{user_id}",
    response_model=None,
    **described(Auth.OBJECT_ADMIN, {**_ADMIN, 400: ["invalid_object_id", "invalid_user_id"]}),
)
async def revoke_member(
    services: ServicesDep, identity: SignedIn, object_id: PathId, user_id: PathId
) -> None:
    """Take the user's role on the object away (nothing happens when there is none)."""
    parsed = parse_path_id(object_id, "invalid_object_id")
    # The object and the caller's right to it are checked before the user's id is read.
    member = await parse_path_id_after(
        user_id,
        "invalid_user_id",
        lambda: admin_object_view(services, identity.user_id, parsed),
    )
    await handle.revoke(services, identity.user_id, parsed, member)
