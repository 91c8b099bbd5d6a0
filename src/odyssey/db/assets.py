"""2D assets (UI plugin descriptors) and the 3D asset library (`asset_3d` + `asset_3d_user`).

Uploads live with the media service; this store reads the library and edits users' entries.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, or_, select

from odyssey.bus import Bus, UserAssetChanged
from odyssey.core.errors import NotFound
from odyssey.core.options import deep_merge
from odyssey.db import tables as t
from odyssey.db.engine import Database
from odyssey.db.sql import insert_if_missing, upsert

LibraryEntry = tuple[t.Asset3dUser, t.Asset3d]


async def write_uploaded_entry(
    db: Database,
    *,
    asset_3d_id: uuid.UUID,
    user_id: uuid.UUID,
    new_asset_meta: dict[str, Any],
    name: str,
    preview_hash: str | None,
    is_private: bool,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An uploaded asset in the user's library: its `asset_3d` row (made with `new_asset_meta`
    the first time) and the user's entry, created or updated with `name`, `preview_hash` and
    the privacy. Returns (the asset's meta, the entry's meta)."""
    async with db.write() as session:
        await session.execute(
            insert_if_missing(
                session,
                t.Asset3d,
                {"asset_3d_id": asset_3d_id, "meta": new_asset_meta, "options": {}},
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
        return (dict(base.meta or {}) if base else {}), user_meta


class AssetStore:
    def __init__(self, db: Database, bus: Bus) -> None:
        self.db = db
        self.bus = bus

    async def asset_2d(self, asset_id: uuid.UUID) -> t.Asset2d:
        async with self.db.read() as session:
            row = await session.get(t.Asset2d, asset_id)
        if row is None:
            raise NotFound(f"2D asset {asset_id} not found", kind="asset_2d", id=asset_id)
        return row

    async def library(self, viewer_id: uuid.UUID, category: str | None) -> list[LibraryEntry]:
        """Every public entry plus the viewer's own private ones, optionally of one category
        (the base asset's `meta.category`): one statement."""
        statement = (
            select(t.Asset3dUser, t.Asset3d)
            .join(t.Asset3d, t.Asset3d.asset_3d_id == t.Asset3dUser.asset_3d_id)
            .where(or_(t.Asset3dUser.is_private.is_(False), t.Asset3dUser.user_id == viewer_id))
            .order_by(t.Asset3dUser.created_at, t.Asset3dUser.asset_3d_id, t.Asset3dUser.user_id)
        )
        if category is not None:
            statement = statement.where(t.Asset3d.meta["category"].as_string() == category)
        async with self.db.read() as session:
            rows = await session.execute(statement)
            return [(entry, asset) for entry, asset in rows.tuples().all()]

    async def options_3d(self, asset_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Any]:
        """asset id → options; `NotFound` (kind `asset_3d`) names the first unknown id."""
        async with self.db.read() as session:
            found: dict[uuid.UUID, Any] = dict(
                (
                    await session.execute(
                        select(t.Asset3d.asset_3d_id, t.Asset3d.options).where(
                            t.Asset3d.asset_3d_id.in_(set(asset_ids))
                        )
                    )
                )
                .tuples()
                .all()
            )
        for asset_id in asset_ids:
            if asset_id not in found:
                raise NotFound(f"3D asset {asset_id} not found", kind="asset_3d", id=asset_id)
        return {asset_id: found[asset_id] for asset_id in asset_ids}

    async def update_entry(
        self,
        asset_id: uuid.UUID,
        user_id: uuid.UUID,
        *,
        meta: dict[str, Any] | None = None,
        is_private: bool | None = None,
    ) -> t.Asset3dUser:
        """Deep-merge `meta` into the user's entry and/or set its privacy."""
        async with self.db.write() as session:
            entry = await session.get(t.Asset3dUser, (asset_id, user_id))
            if entry is None:
                raise NotFound(
                    f"no library entry for 3D asset {asset_id}", kind="asset_3d", id=asset_id
                )
            if meta is not None:
                entry.meta = deep_merge(entry.meta, meta)
            if is_private is not None:
                entry.is_private = is_private
            entry.updated_at = t.utcnow()
        await self.bus.publish(UserAssetChanged(asset_3d_id=asset_id, user_id=user_id))
        return entry

    async def remove_entry(self, asset_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        async with self.db.write() as session:
            result = await session.execute(
                delete(t.Asset3dUser).where(
                    t.Asset3dUser.asset_3d_id == asset_id, t.Asset3dUser.user_id == user_id
                )
            )
        removed = bool(getattr(result, "rowcount", 0))
        if removed:
            await self.bus.publish(
                UserAssetChanged(asset_3d_id=asset_id, user_id=user_id, removed=True)
            )
        return removed
