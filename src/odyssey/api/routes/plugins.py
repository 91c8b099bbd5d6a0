"""The plugin registry for signed-in callers (api-v4 §1.15)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import Field

from odyssey.api import present
from odyssey.api.deps import ServicesDep, SignedIn, parse_path_id
from odyssey.api.docs import Auth, described
from odyssey.api.validation import SearchText
from odyssey.db import tables as t
from odyssey.services import Services

router = APIRouter(prefix="/api/v4", tags=["plugins"])

MAX_IDS = 100
IdList = Annotated[
    list[Annotated[str, Field(max_length=64)]], Query(alias="ids[]", max_length=MAX_IDS)
]
RequiredIdList = Annotated[
    list[Annotated[str, Field(max_length=64)]],
    Query(alias="ids[]", min_length=1, max_length=MAX_IDS),
]
TextQuery = Annotated[SearchText | None, Query()]


def _names(rows: list[t.Plugin]) -> dict[uuid.UUID, str]:
    return {row.plugin_id: present.plugin_name(row) for row in rows}


async def _named(services: Services, values: list[str]) -> list[t.Plugin]:
    parsed = [parse_path_id(value, "invalid_plugin_uuid") for value in values]
    return await services.plugins.get_many(parsed)


@router.get(
    "/plugins",
    response_model=dict[uuid.UUID, str],
    **described(Auth.USER, {400: ["failed_to_parse_id"]}),
)
async def plugin_names(
    services: ServicesDep,
    _identity: SignedIn,
    plugin_ids: IdList = [],  # noqa: B006
    type: TextQuery = None,
) -> dict[uuid.UUID, str]:
    """`{pluginId: name}`, optionally of the given ids and/or of one `meta.type`."""
    ids = [parse_path_id(value, "failed_to_parse_id") for value in plugin_ids]
    return _names(await services.plugins.entries(plugin_ids=ids or None, type=type))


@router.get("/plugins/search", response_model=dict[uuid.UUID, str], **described(Auth.USER))
async def search_plugins(
    services: ServicesDep,
    _identity: SignedIn,
    name: TextQuery = None,
    description: TextQuery = None,
    type: TextQuery = None,
) -> dict[uuid.UUID, str]:
    """`{pluginId: name}` of plugins whose name or description contains the text
    (case-insensitive), optionally of one exact `type`."""
    return _names(
        await services.plugins.entries(
            name_contains=name, description_contains=description, type=type
        )
    )


_NAMED = {400: ["invalid_plugin_uuid"], 404: ["plugin_not_found"]}


@router.get(
    "/plugins/meta", response_model=dict[uuid.UUID, dict[str, Any]], **described(Auth.USER, _NAMED)
)
async def plugin_metas(
    services: ServicesDep, _identity: SignedIn, plugin_ids: RequiredIdList
) -> dict[uuid.UUID, dict[str, Any]]:
    return {row.plugin_id: row.meta or {} for row in await _named(services, plugin_ids)}


@router.get(
    "/plugins/options",
    response_model=dict[uuid.UUID, dict[str, Any] | None],
    **described(Auth.USER, _NAMED),
)
async def plugin_options(
    services: ServicesDep, _identity: SignedIn, plugin_ids: RequiredIdList
) -> dict[uuid.UUID, dict[str, Any] | None]:
    return {row.plugin_id: row.options for row in await _named(services, plugin_ids)}
