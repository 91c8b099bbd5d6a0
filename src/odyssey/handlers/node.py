"""The node's administration: the hosting allow-list, whose users may create worlds."""

from __future__ import annotations

import uuid

from odyssey.db import tables as t
from odyssey.handlers.access import require_node_admin
from odyssey.handlers.users import existing_user
from odyssey.services import Services


async def hosting_allow_list(
    services: Services, user_id: uuid.UUID
) -> list[tuple[t.User, list[str]]]:
    """The users on the list, in its order, with their wallets; for node admins only."""
    await require_node_admin(services, user_id)
    allowed = await services.node.hosting_allow_list()
    users = await services.users.get_many(allowed)
    wallets = await services.users.wallets_of(allowed)
    return [(users[held], wallets.get(held, [])) for held in allowed if held in users]


async def allow_hosting(
    services: Services, user_id: uuid.UUID, *, host_id: uuid.UUID | None, wallet: str | None
) -> None:
    """Put the user (by id, else by wallet) on the list; for node admins only."""
    await require_node_admin(services, user_id)
    await services.node.allow_hosting(await existing_user(services, host_id, wallet))


async def disallow_hosting(services: Services, user_id: uuid.UUID, host_id: uuid.UUID) -> None:
    await require_node_admin(services, user_id)
    await services.node.disallow_hosting(host_id)


__all__ = ["allow_hosting", "disallow_hosting", "hosting_allow_list"]
