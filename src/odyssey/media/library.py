"""Adding an uploaded GLB to a user's 3D asset library (tables `asset_3d`, `asset_3d_user`).

The base `asset_3d` row is created once, with meta `{type: 1 (GLTF), category: "custom"}`; the
user's entry is created or updated with their name for it, an optional preview image and its
privacy. Listing, editing and removing entries belong to the assets API (`/assets-3d`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from odyssey.db.assets import write_uploaded_entry
from odyssey.db.engine import Database

GLTF_ASSET_TYPE = 1
CUSTOM_CATEGORY = "custom"


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    """What `POST /assets-3d/upload` answers: the base meta merged with the user's."""

    asset_3d_id: uuid.UUID
    user_id: uuid.UUID
    meta: dict[str, Any]
    is_private: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.asset_3d_id),
            "user_id": str(self.user_id),
            "meta": self.meta,
            "is_private": self.is_private,
        }


async def add_to_library(
    db: Database,
    *,
    asset_3d_id: uuid.UUID,
    user_id: uuid.UUID,
    name: str,
    preview_hash: str | None,
    is_private: bool,
) -> LibraryEntry:
    base_meta, user_meta = await write_uploaded_entry(
        db,
        asset_3d_id=asset_3d_id,
        user_id=user_id,
        new_asset_meta={"type": GLTF_ASSET_TYPE, "category": CUSTOM_CATEGORY},
        name=name,
        preview_hash=preview_hash,
        is_private=is_private,
    )
    return LibraryEntry(
        asset_3d_id=asset_3d_id,
        user_id=user_id,
        meta={**base_meta, **user_meta},
        is_private=is_private,
    )
