"""The 3D asset library: each user changes and removes only their own entries."""

from __future__ import annotations

import uuid
from typing import Any

from odyssey.core.errors import DomainError, NotFound
from odyssey.db import tables as t
from odyssey.services import Services


async def update_library_entry(
    services: Services,
    user_id: uuid.UUID,
    asset_id: uuid.UUID,
    *,
    meta: dict[str, Any] | None,
    is_private: bool | None,
) -> t.Asset3dUser:
    """Merge `meta` into the user's own entry for the asset and/or set its privacy."""
    try:
        return await services.assets.update_entry(
            asset_id, user_id, meta=meta, is_private=is_private
        )
    except NotFound as missing:
        # The reference's plain `not_found` (a 404 by the table), not `asset_3d_not_found`.
        raise DomainError(missing.message, reason="not_found") from None


async def remove_library_entry(services: Services, user_id: uuid.UUID, asset_id: uuid.UUID) -> None:
    """Remove the user's own entry for the asset (`asset3d_not_removed` when there is none)."""
    if not await services.assets.remove_entry(asset_id, user_id):
        raise NotFound(
            "the caller has no entry for this asset",
            kind="asset_3d",
            id=asset_id,
            reason="asset3d_not_removed",
        )


__all__ = ["remove_library_entry", "update_library_entry"]
