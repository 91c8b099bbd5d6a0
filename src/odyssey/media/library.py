"""Adding an uploaded GLB to a user's 3D asset library (tables `asset_3d`, `asset_3d_user`).

The base `asset_3d` row is created once, with meta `{type: 1 (GLTF), category: "custom"}`; the
user's entry is created or updated with their name for it, an optional preview image and its
privacy. Listing, editing and removing entries belong to the assets API (`/assets-3d`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from odyssey.db import tables as t
from odyssey.db.engine import Database
from odyssey.db.objects import insert_if_missing, upsert

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
    async with db.write() as session:
        await session.execute(
            insert_if_missing(
                session,
                t.Asset3d,
                {
                    "asset_3d_id": asset_3d_id,
                    "meta": {"type": GLTF_ASSET_TYPE, "category": CUSTOM_CATEGORY},
                    "options": {},
                },
            )
        )
        existing = await session.get(t.Asset3dUser, (asset_3d_id, user_id))
        user_meta: dict[str, Any] = dict(existing.meta or {}) if existing else {}
        user_meta["name"] = name
        if preview_hash is not None:
            user_meta["preview_hash"] = preview_hash
        await session.execute(
            upsert(
                session,
                t.Asset3dUser,
                {
                    "asset_3d_id": asset_3d_id,
                    "user_id": user_id,
                    "meta": user_meta,
                    "is_private": is_private,
                },
            )
        )
        base = await session.get(t.Asset3d, asset_3d_id)
        base_meta = dict(base.meta or {}) if base else {}
    return LibraryEntry(
        asset_3d_id=asset_3d_id,
        user_id=user_id,
        meta={**base_meta, **user_meta},
        is_private=is_private,
    )
