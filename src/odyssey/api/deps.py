"""What every route handler needs: the services, the caller, ids from the path, admin checks.

Callers come from `odyssey.api.identity` (the node's one token verifier); this module only adapts
them to the domain's `Caller` and adds the object-level checks of the reference's middlewares
(`obj-admin`, `node-admin`) with their error reasons.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path

from odyssey.api.errors import ApiError
from odyssey.api.identity import current_identity, require_wallet_user, services_of
from odyssey.auth.tokens import Identity
from odyssey.core.ids import parse_id
from odyssey.core.permissions import Caller
from odyssey.handlers import access
from odyssey.services import Services

ServicesDep = Annotated[Services, Depends(services_of)]
#: Any signed-in caller, guests included (the reference's `user`).
SignedIn = Annotated[Identity, Depends(current_identity)]
#: A signed-in caller who is not a guest.
Member = Annotated[Identity, Depends(require_wallet_user)]


def caller_of(identity: Identity) -> Caller:
    return Caller(identity.user_id, identity.is_guest)


def parse_path_id(value: str, reason: str) -> uuid.UUID:
    """An id from the path or query (canonical, braced, urn or 32 hex); 400 `reason` if not."""
    try:
        return parse_id(value)
    except ValueError:
        raise ApiError(400, reason, f"not an id: {value[:80]!r}") from None


async def require_object_admin(
    services: Services,
    identity: Identity,
    object_id: uuid.UUID,
    *,
    not_found: str = "object_not_found",
    reason: str = "not_admin",
) -> None:
    """404 `not_found` for an unknown object, 403 `reason` unless the caller administers it."""
    await access.require_object_admin(
        services, identity.user_id, object_id, not_found=not_found, reason=reason
    )


async def is_node_admin(services: Services, user_id: uuid.UUID) -> bool:
    return await access.is_node_admin(services, user_id)


async def require_node_admin(services: Services, identity: Identity) -> None:
    await access.require_node_admin(services, identity.user_id)


#: An id in the path: documented as a UUID, parsed by `parse_path_id` for the route's reason.
PathId = Annotated[str, Path(max_length=64, json_schema_extra={"format": "uuid"})]
