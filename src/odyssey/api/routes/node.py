"""Node administration: the hosting allow-list (api-v4 §1.9). Users on it may create worlds."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from odyssey.api import present, schemas
from odyssey.api.deps import PathId, ServicesDep, SignedIn, parse_path_id, require_node_admin
from odyssey.api.docs import Auth, described
from odyssey.api.routes.members import resolve_user

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
    await require_node_admin(services, identity)
    allowed = await services.node.hosting_allow_list()
    users = await services.users.get_many(allowed)
    wallets = await services.users.wallets_of(allowed)
    return [
        schemas.AllowListItem(
            user_id=user_id,
            name=present.user_name(users[user_id]),
            avatar_hash=present.avatar_hash(users[user_id]),
            wallets=wallets.get(user_id, []),
        )
        for user_id in allowed
        if user_id in users
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
    await require_node_admin(services, identity)
    await services.node.allow_hosting(await resolve_user(services, body.user_id, body.wallet))


@router.delete(
    "/node/hosting-allow-list/{user_id}",
    response_model=None,
    **described(Auth.NODE_ADMIN, {**_ADMIN, 400: ["invalid_user_id"]}),
)
async def disallow_hosting(services: ServicesDep, identity: SignedIn, user_id: PathId) -> None:
    await require_node_admin(services, identity)
    await services.node.disallow_hosting(parse_path_id(user_id, "invalid_user_id"))
