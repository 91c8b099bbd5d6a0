"""Rows → the reference's response shapes (`odyssey.api.schemas`)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi.responses import Response

from odyssey.api import schemas
from odyssey.core import ids
from odyssey.db import tables as t
from odyssey.db.activities import ActivityView
from odyssey.db.users import name_of

#: `profile` keys in storage → in the API.
_PROFILE_FIELDS = {
    "bio": "bio",
    "location": "location",
    "avatar_hash": "avatarHash",
    "profile_link": "profileLink",
}
PROFILE_STORAGE_KEYS = {api: stored for stored, api in _PROFILE_FIELDS.items()}


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def rfc3339(value: dt.datetime) -> str:
    """`2023-10-30T10:27:58.123456Z`: Go's time.Time encoding (fractions when non-zero)."""
    text = _utc(value).strftime("%Y-%m-%dT%H:%M:%S")
    micro = _utc(value).microsecond
    if micro:
        text += f".{micro:06d}".rstrip("0")
    return text + "Z"


def rfc3339_seconds(value: dt.datetime) -> str:
    """`2023-10-30T10:27:58Z`: the pre-formatted DTO timestamps (User, Asset3d, WorldDetails)."""
    return _utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def json_response(body: Any, status_code: int = 200) -> Response:
    """A JSON response without a second validation pass (for the hot read routes)."""
    return Response(
        json.dumps(body, separators=(",", ":"), ensure_ascii=False),
        status_code=status_code,
        media_type="application/json",
    )


def _text(mapping: Any, key: str) -> str | None:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, str) else None


def profile(stored: dict[str, Any] | None) -> schemas.Profile:
    shown = schemas.Profile()
    for stored_key, api_key in _PROFILE_FIELDS.items():
        value = _text(stored, stored_key)
        if value is not None:
            shown[api_key] = value  # type: ignore[literal-required]
    return shown


def user_name(user: t.User) -> str:
    return name_of(user)


def avatar_hash(user: t.User | None) -> str:
    return (_text(user.profile, "avatar_hash") if user is not None else None) or ""


def user(row: t.User, *, wallet: str | None = None) -> schemas.User:
    shown = schemas.User(
        id=row.user_id,
        userTypeId=row.user_type_id,
        name=user_name(row),
        profile=profile(row.profile),
        createdAt=rfc3339_seconds(row.created_at),
        updatedAt=rfc3339_seconds(row.updated_at),
        isGuest=row.is_guest or row.user_type_id == ids.GUEST_USER_TYPE_ID,
    )
    if wallet is not None:
        shown["wallet"] = wallet
    return shown


def user_entry(row: t.User) -> schemas.UserEntry:
    entry = schemas.UserEntry(id=row.user_id, profile=profile(row.profile))
    name = _text(row.profile, "name")
    if name:
        entry["name"] = name
    return entry


def activity(view: ActivityView, *, with_world_avatar: bool) -> schemas.Activity:
    data = view.data
    position = data.get("position")
    return schemas.Activity(
        activity_id=view.id,
        user_id=view.user_id,
        object_id=view.object_id,
        type=view.type,
        data=schemas.ActivityData(
            position=position if isinstance(position, dict) else None,  # type: ignore[typeddict-item]
            description=_text(data, "description"),
            hash=_text(data, "hash"),
            token_symbol=_text(data, "token_symbol"),
            token_amount=_text(data, "token_amount"),
            bc_tx_hash=_text(data, "bc_tx_hash"),
            bc_log_index=_text(data, "bc_log_index"),
        ),
        avatar_hash=view.user_avatar_hash,
        world_name=view.object_name,
        world_avatar_hash=view.object_avatar_hash if with_world_avatar else None,
        user_name=view.user_name,
        created_at=rfc3339(view.created_at),
    )


def plugin_entry(row: t.Plugin) -> schemas.PluginEntry:
    return schemas.PluginEntry(
        plugin_id=row.plugin_id,
        meta=row.meta or {},
        options=row.options,
        created_at=rfc3339(row.created_at),
        updated_at=rfc3339(row.updated_at),
    )


def plugin_name(row: t.Plugin) -> str:
    return _text(row.meta, "name") or ""
