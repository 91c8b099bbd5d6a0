"""Members of an object: the users an admin of it grants a role there, and takes it from."""

from __future__ import annotations

import uuid

from odyssey.db import tables as t
from odyssey.db.users import ADMIN_ROLE
from odyssey.handlers.objects import admin_object_view
from odyssey.handlers.users import existing_user
from odyssey.services import Services


async def members(
    services: Services, user_id: uuid.UUID, object_id: uuid.UUID
) -> list[tuple[t.UserObject, t.User]]:
    """The roles held directly on the object, with their users; `user_id` must administer it."""
    view = await admin_object_view(services, user_id, object_id)
    return await services.users.members(view.id)


async def grant_admin(
    services: Services,
    user_id: uuid.UUID,
    object_id: uuid.UUID,
    *,
    member_id: uuid.UUID | None,
    wallet: str | None,
) -> None:
    """Make the user (by id, else by wallet) an admin of the object `user_id` administers."""
    view = await admin_object_view(services, user_id, object_id)
    member = await existing_user(services, member_id, wallet)
    await services.users.set_role(view.id, member, ADMIN_ROLE)


async def revoke(
    services: Services, user_id: uuid.UUID, object_id: uuid.UUID, member_id: uuid.UUID
) -> None:
    """Take the member's role on the object away (nothing happens when there is none)."""
    view = await admin_object_view(services, user_id, object_id)
    await services.users.remove_role(view.id, member_id)


__all__ = ["grant_admin", "members", "revoke"]
