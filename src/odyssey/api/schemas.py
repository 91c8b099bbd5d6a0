"""Response shapes of the reference API (api-v4 §0.1), field names byte for byte.

TypedDicts, so a key the reference omits when empty is simply absent (`NotRequired`), while keys
that the reference sends as `null` stay present. Timestamps are strings formatted by
`odyssey.api.present` (the reference uses two RFC 3339 styles).
"""

from __future__ import annotations

import uuid
from typing import Any, NotRequired

from pydantic import BaseModel
from typing_extensions import TypedDict


class ErrorDetail(BaseModel):
    reason: str
    message: str


class ErrorBody(BaseModel):
    """Every refusal: `reason` is stable and machine-readable, `message` is for people."""

    error: ErrorDetail


class Profile(TypedDict):
    bio: NotRequired[str]
    location: NotRequired[str]
    avatarHash: NotRequired[str]
    profileLink: NotRequired[str]


class User(TypedDict):
    id: uuid.UUID
    userTypeId: uuid.UUID
    name: str
    wallet: NotRequired[str]
    profile: Profile
    createdAt: str
    updatedAt: NotRequired[str]
    isGuest: bool


class UserEntry(TypedDict):
    """RecentUser / UserSearchResult."""

    id: uuid.UUID
    name: NotRequired[str]
    profile: Profile


class Vec3(TypedDict):
    x: float
    y: float
    z: float


class Transform(TypedDict):
    position: Vec3
    rotation: Vec3
    scale: Vec3


class OwnedWorld(TypedDict):
    id: uuid.UUID
    owner_id: uuid.UUID
    owner_name: str | None
    name: NotRequired[str]
    description: str
    website_link: str
    avatarHash: str


class RecentWorld(TypedDict):
    id: uuid.UUID
    owner_id: uuid.UUID
    owner_name: str | None
    description: str
    stake_total: str
    name: str
    website_link: str
    avatarHash: str


class WorldStaker(TypedDict):
    user_id: uuid.UUID
    name: str | None
    stake: str
    avatarHash: str | None


class WorldDetails(TypedDict):
    id: uuid.UUID
    owner_id: uuid.UUID
    owner_name: str | None
    description: str
    stake_total: str
    name: str
    createdAt: str
    updatedAt: str
    avatarHash: str
    website_link: str
    stakers: list[WorldStaker]
    last_staking_comment: str
    is_admin: bool


class ExploreOption(TypedDict):
    id: uuid.UUID
    name: str
    description: str


class ActivityData(TypedDict):
    position: Vec3 | None
    description: str | None
    hash: str | None
    token_symbol: str | None
    token_amount: str | None
    bc_tx_hash: str | None
    bc_log_index: str | None


class Activity(TypedDict):
    activity_id: uuid.UUID
    user_id: uuid.UUID
    object_id: uuid.UUID
    type: str | None
    data: ActivityData | None
    avatar_hash: str
    world_name: str
    world_avatar_hash: str | None
    user_name: str
    created_at: str


class ActivityPage(TypedDict):
    activities: list[Activity]
    startIndex: int
    pageSize: int
    totalCount: int


class Member(TypedDict):
    object_id: uuid.UUID
    user_id: uuid.UUID
    name: str
    avatar_hash: str
    role: str


class AllowListItem(TypedDict):
    user_id: uuid.UUID
    name: str
    avatar_hash: str
    wallets: list[str]


class Asset2d(TypedDict):
    meta: dict[str, Any]
    options: dict[str, Any] | None


class Asset3d(TypedDict):
    id: uuid.UUID
    user_id: uuid.UUID
    meta: dict[str, Any]
    is_private: bool
    createdAt: NotRequired[str]
    updatedAt: NotRequired[str]


class UserAsset3dEntry(TypedDict):
    asset_3d_id: uuid.UUID
    user_id: uuid.UUID
    meta: dict[str, Any]
    is_private: bool
    created_at: str
    updated_at: str


class PluginEntry(TypedDict):
    plugin_id: uuid.UUID
    meta: dict[str, Any]
    options: dict[str, Any] | None
    created_at: str
    updated_at: str


class ObjectDTO(TypedDict):
    owner_id: str
    parent_id: str
    object_type_id: str
    asset_2d_id: str
    asset_3d_id: str
    transform: Transform


class ObjectIdBody(TypedDict):
    object_id: uuid.UUID


class TreeInfo(TypedDict):
    id: uuid.UUID
    name: str
    object_type_id: uuid.UUID
    object_type_name: str
    total_direct_children: int
    created_at: str
    children: dict[str, TreeInfo]
    max_depth: NotRequired[int]


class CountBody(TypedDict):
    count: int
