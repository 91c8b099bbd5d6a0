"""What every route needs: the services, the caller, ids from the path.

Callers come from `odyssey.api.identity` (the node's one token verifier); this module only adapts
them to the domain's `Caller`. Who may do what is the handlers' (`odyssey.handlers.access` holds
the admin checks of the reference's `obj-admin` and `node-admin` middlewares).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Path

from odyssey.api.errors import ApiError
from odyssey.api.identity import current_identity, require_wallet_user, services_of
from odyssey.auth.tokens import Identity
from odyssey.core.ids import parse_id
from odyssey.core.permissions import Caller
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


async def parse_path_id_after(
    value: str, reason: str, check_first: Callable[[], Awaitable[object]]
) -> uuid.UUID:
    """`parse_path_id`, but a value that is not an id is refused only once `check_first` has
    passed: the reference answers the checks of a path's earlier parts (that object exists,
    the caller administers it) before it reads the later ones."""
    try:
        return parse_path_id(value, reason)
    except ApiError:
        await check_first()
        raise


#: An id in the path: documented as a UUID, parsed by `parse_path_id` for the route's reason.
PathId = Annotated[str, Path(max_length=64, json_schema_extra={"format": "uuid"})]
