"""Who may act on what: the permission checks every handler shares.

The decision is `odyssey.core.permissions.is_admin` on the object's ancestor chain, read with
three bounded queries by `UserStore.is_admin`; this is the one place the handlers ask it.
"""

from __future__ import annotations

import uuid

from odyssey.core.errors import Forbidden, NotFound
from odyssey.services import Services


async def is_node_admin(services: Services, user_id: uuid.UUID) -> bool:
    return await services.users.is_admin(user_id, await services.node.node_id())


async def is_object_admin(services: Services, user_id: uuid.UUID, object_id: uuid.UUID) -> bool:
    """Whether `user_id` administers the object; the store's `NotFound` for an unknown one."""
    return await services.users.is_admin(user_id, object_id)


async def require_node_admin(services: Services, user_id: uuid.UUID) -> None:
    if not await is_node_admin(services, user_id):
        raise Forbidden("only an admin of the node may do this", reason="not_admin")


async def require_object_admin(
    services: Services,
    user_id: uuid.UUID,
    object_id: uuid.UUID,
    *,
    not_found: str = "object_not_found",
    reason: str = "not_admin",
    message: str = "only an admin of this object may do this",
    what: str = "object",
) -> None:
    """`NotFound(not_found)` for an unknown object (the message calls it `what`: an object, a
    parent), `Forbidden(reason)` unless `user_id` administers it (owner or admin of it or an
    ancestor, directly or through a group)."""
    try:
        allowed = await services.users.is_admin(user_id, object_id)
    except NotFound:
        raise NotFound(
            f"{what} {object_id} not found", kind=what, id=object_id, reason=not_found
        ) from None
    if not allowed:
        raise Forbidden(message, reason=reason)
