"""Node administration: the hosting allow-list (api-v4 §1.9). Users on it may create worlds."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from odyssey.api import present, schemas
from odyssey.api.deps import PathId, ServicesDep, SignedIn, parse_path_id_after
from odyssey.api.docs import Auth, described
from odyssey.handlers import access
from odyssey.handlers import node as handle

router = APIRouter(prefix="/api/v4", tags=["node"])

_ADMIN = {403: ["not_admin"]}


@router.get(
    "/node/hosting-allow-list",
    response_model=list[schemas.AllowListItem],
    **described(Auth.NODE_ADMIN, _ADMIN),
)
async def hosting_allow_list(
    services: ServicesDep, identity: SignedIn
) -> list[schemas.AllowListItem]:
    return [
        schemas.AllowListItem(
            user_id=user.user_id,
            name=present.user_name(user),
            avatar_hash=present.avatar_hash(user),
            wallets=wallets,
        )
        for user, wallets in await handle.hosting_allow_list(services, identity.user_id)
    ]


class AllowListAdd(BaseModel):
    """Exactly one of `user_id` and `wallet`."""

    model_config = ConfigDict(extra="ignore")
    user_id: uuid.UUID | None = None
    wallet: Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[0-9a-zA-Z]+$")] | None = (
        None
    )

    @model_validator(mode="after")
    def _one_target(self) -> AllowListAdd:
        if (self.user_id is None) == (self.wallet is None):
            raise ValueError("give exactly one of user_id and wallet")
        return self


@router.post(
    "/node/hosting-allow-list",
    response_model=None,
    **described(Auth.NODE_ADMIN, {**_ADMIN, 404: ["user_not_found"]}),
)
async def allow_hosting(services: ServicesDep, identity: SignedIn, body: AllowListAdd) -> None:
    await handle.allow_hosting(services, identity.user_id, host_id=body.user_id, wallet=body.wallet)


@router.delete(
    "/node/hosting-allow-list/{user_id}",
    response_model=None,
    **described(Auth.NODE_ADMIN, {**_ADMIN, 400: ["invalid_user_id"]}),
)
async def disallow_hosting(services: ServicesDep, identity: SignedIn, user_id: PathId) -> None:
    # Only a node admin learns that the id is malformed.
    host = await parse_path_id_after(
        user_id, "invalid_user_id", lambda: access.require_node_admin(services, identity.user_id)
    )
    await handle.disallow_hosting(services, identity.user_id, host)
