"""2D assets and the 3D asset library (api-v4 §1.12). Uploads are the media service's."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from odyssey.api import present, schemas
from odyssey.api.deps import PathId, ServicesDep, SignedIn, parse_path_id
from odyssey.api.docs import Auth, described
from odyssey.api.validation import JsonObject, SearchText
from odyssey.core.options import deep_merge
from odyssey.handlers import assets as handle

router = APIRouter(prefix="/api/v4", tags=["assets"])

MAX_IDS = 100


@router.get(
    "/assets-2d/{asset_id}",
    response_model=schemas.Asset2d,
    **described(Auth.USER, {400: ["invalid_asset_2d_id"], 404: ["asset_2d_not_found"]}),
)
async def get_asset_2d(
    services: ServicesDep, _identity: SignedIn, asset_id: PathId
) -> schemas.Asset2d:
    """A 2D asset: the UI plugin an object shows."""
    row = await services.assets.asset_2d(parse_path_id(asset_id, "invalid_asset_2d_id"))
    return schemas.Asset2d(meta=row.meta or {}, options=row.options)


@router.get("/assets-3d", response_model=list[schemas.Asset3d], **described(Auth.USER))
async def list_assets_3d(
    services: ServicesDep,
    identity: SignedIn,
    category: Annotated[SearchText | None, Query()] = None,
) -> list[schemas.Asset3d]:
    """The 3D asset library: every public entry and the caller's private ones, optionally of
    one category (`basic`, `custom`...). `meta` is the asset's, overlaid with the entry's."""
    return [
        schemas.Asset3d(
            id=asset.asset_3d_id,
            user_id=entry.user_id,
            meta=deep_merge(asset.meta, entry.meta),
            is_private=entry.is_private,
            createdAt=present.rfc3339_seconds(entry.created_at),
            updatedAt=present.rfc3339_seconds(entry.updated_at),
        )
        for entry, asset in await services.assets.library(identity.user_id, category)
    ]


@router.get(
    "/assets-3d/options",
    response_model=dict[uuid.UUID, dict[str, Any] | None],
    **described(Auth.USER, {400: ["invalid_asset3d_uuid"], 404: ["asset_3d_not_found"]}),
)
async def assets_3d_options(
    services: ServicesDep,
    _identity: SignedIn,
    asset_ids: Annotated[
        list[Annotated[str, Field(max_length=64)]],
        Query(alias="assets3d_ids[]", min_length=1, max_length=MAX_IDS),
    ],
) -> dict[uuid.UUID, dict[str, Any] | None]:
    """`{assetId: options}` of the named 3D assets."""
    parsed = [parse_path_id(value, "invalid_asset3d_uuid") for value in asset_ids]
    return await services.assets.options_3d(parsed)


class LibraryEntryPatch(BaseModel):
    model_config = ConfigDict(extra="ignore")
    meta: JsonObject | None = None
    is_private: bool | None = None


@router.patch(
    "/assets-3d/{asset_id}",
    response_model=schemas.UserAsset3dEntry,
    **described(Auth.OWNER, {400: ["invalid_asset_3d_id"], 404: ["not_found"]}),
)
async def update_library_entry(
    services: ServicesDep, identity: SignedIn, asset_id: PathId, body: LibraryEntryPatch
) -> schemas.UserAsset3dEntry:
    """Change the caller's own entry: merge `meta` into it, set `is_private`."""
    parsed = parse_path_id(asset_id, "invalid_asset_3d_id")
    entry = await handle.update_library_entry(
        services, identity.user_id, parsed, meta=body.meta, is_private=body.is_private
    )
    return schemas.UserAsset3dEntry(
        asset_3d_id=entry.asset_3d_id,
        user_id=entry.user_id,
        meta=entry.meta,
        is_private=entry.is_private,
        created_at=present.rfc3339(entry.created_at),
        updated_at=present.rfc3339(entry.updated_at),
    )


@router.delete(
    "/assets-3d/{asset_id}",
    response_model=None,
    **described(Auth.OWNER, {400: ["invalid_asset_3d_id"], 404: ["asset3d_not_removed"]}),
)
async def delete_library_entry(services: ServicesDep, identity: SignedIn, asset_id: PathId) -> None:
    """Remove the caller's own entry for the asset."""
    parsed = parse_path_id(asset_id, "invalid_asset_3d_id")
    await handle.remove_library_entry(services, identity.user_id, parsed)
