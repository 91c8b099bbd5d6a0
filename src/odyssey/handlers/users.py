"""Users: whose wallets a caller sees, whose worlds exist, and the caller's own profile."""

from __future__ import annotations

import uuid
from typing import Any

from odyssey.core.errors import DomainError, NotFound
from odyssey.core.permissions import Caller, can_see_wallets
from odyssey.db import tables as t
from odyssey.db.worlds import WorldSummary
from odyssey.handlers.access import is_node_admin
from odyssey.services import Services


async def profile(
    services: Services, caller: Caller, user_id: uuid.UUID
) -> tuple[t.User, str | None]:
    """The user and their first wallet, which only the user themself and the node's admins
    see (None for anyone else, and for a user without a wallet)."""
    with_wallet = can_see_wallets(
        caller,
        user_id,
        caller_is_node_admin=caller.user_id is not None
        and user_id != caller.user_id
        and await is_node_admin(services, caller.user_id),
    )
    row = await services.users.get(user_id)
    if not with_wallet:
        return row, None
    wallets = (await services.users.wallets_of([user_id])).get(user_id, [])
    return row, wallets[0] if wallets else None


async def existing_user(
    services: Services, user_id: uuid.UUID | None, wallet: str | None
) -> uuid.UUID:
    """The user named by id or else by wallet: `NotFound` `user_not_found`."""
    if user_id is not None:
        if not await services.users.exists(user_id):
            raise NotFound(f"user {user_id} not found", kind="user", id=user_id)
        return user_id
    found = await services.users.find_by_wallet(wallet or "")
    if found is None:
        raise NotFound(f"no user holds wallet {wallet}", kind="user")
    return found.user_id


async def owned_worlds(services: Services, user_id: uuid.UUID) -> list[WorldSummary]:
    """The worlds the user owns, oldest first (`user_not_found` for an unknown user)."""
    await existing_user(services, user_id, None)
    return await services.worlds.owned_by(user_id)


async def update_profile(services: Services, user_id: uuid.UUID, changes: dict[str, Any]) -> None:
    """Change the caller's profile fields; they are onboarded from now on."""
    try:
        await services.users.update_profile(user_id, {"onboarded": True, **changes})
    except NotFound:
        # The reference's plain `not_found` (a 404 by the table), not `user_not_found`.
        raise DomainError("the caller's user no longer exists", reason="not_found") from None


__all__ = ["existing_user", "owned_worlds", "profile", "update_profile"]
