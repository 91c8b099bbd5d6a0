"""Typed events that services publish when something changed.

Every event has a topic (MQTT-style, `/`-separated) and a JSON form, so the same events can travel
in-process or through a broker without a second definition.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeVar

AttributeScopeName = Literal["node", "object", "user", "object_user", "user_user"]
ChangeType = Literal["attribute_changed", "attribute_removed"]


@dataclass(frozen=True, slots=True)
class Event:
    """Base class. Subclasses set `topic` and are registered by `_register`."""

    topic: ClassVar[str] = ""

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            body[f.name] = _encode_value(getattr(self, f.name))
        return {"topic": self.topic, "data": body}


_EVENT_TYPES: dict[str, type[Event]] = {}


_E = TypeVar("_E", bound=type[Event])


def _register(cls: _E) -> _E:
    _EVENT_TYPES[cls.topic] = cls
    return cls


def event_from_json(payload: dict[str, Any]) -> Event:
    """Rebuild an event from `Event.to_json()` output; raises ValueError on an unknown topic."""
    topic = payload.get("topic")
    cls = _EVENT_TYPES.get(topic) if isinstance(topic, str) else None
    if cls is None:
        raise ValueError(f"unknown event topic {topic!r}")
    data = payload.get("data") or {}
    kwargs: dict[str, Any] = {}
    hints = {f.name: f for f in dataclasses.fields(cls)}
    for name, f in hints.items():
        if name in data:
            kwargs[name] = _decode_value(str(f.type), data[name])
    return cls(**kwargs)


def _encode_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, tuple | list):
        return [_encode_value(v) for v in value]
    return value


def _decode_value(type_text: str, value: Any) -> Any:
    if value is None:
        return None
    if type_text.startswith("uuid.UUID") or type_text.startswith("UUID"):
        return uuid.UUID(value)
    if type_text.startswith("tuple[uuid.UUID") or type_text.startswith("tuple[UUID"):
        return tuple(uuid.UUID(v) for v in value)
    if type_text.startswith("tuple"):
        return tuple(value)
    return value


@_register
@dataclass(frozen=True, slots=True)
class ObjectCreated(Event):
    topic: ClassVar[str] = "object/created"
    object_id: uuid.UUID
    world_id: uuid.UUID | None
    parent_id: uuid.UUID


@_register
@dataclass(frozen=True, slots=True)
class ObjectUpdated(Event):
    """Fields of the object row changed (name, assets, transform, options, parent)."""

    topic: ClassVar[str] = "object/updated"
    object_id: uuid.UUID
    world_id: uuid.UUID | None
    fields: tuple[str, ...] = ()


@_register
@dataclass(frozen=True, slots=True)
class ObjectsRemoved(Event):
    """A subtree was deleted; `object_ids` lists every removed id, deepest first."""

    topic: ClassVar[str] = "object/removed"
    object_ids: tuple[uuid.UUID, ...]
    world_id: uuid.UUID | None


@_register
@dataclass(frozen=True, slots=True)
class AttributeChanged(Event):
    """An attribute value was set or removed in one of the five scopes.

    `object_id` is set for object and object_user scopes, `user_id` for user and object_user,
    `source_user_id`/`target_user_id` for user_user. `value` is None when removed.
    """

    topic: ClassVar[str] = "attribute/changed"
    scope: AttributeScopeName
    plugin_id: uuid.UUID
    attribute_name: str
    change_type: ChangeType
    value: dict[str, Any] | None = None
    object_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None
    source_user_id: uuid.UUID | None = None
    target_user_id: uuid.UUID | None = None


@_register
@dataclass(frozen=True, slots=True)
class UserChanged(Event):
    """A user was created or their profile changed."""

    topic: ClassVar[str] = "user/changed"
    user_id: uuid.UUID
    created: bool = False


@_register
@dataclass(frozen=True, slots=True)
class UserRoleChanged(Event):
    """A user's role on an object was granted or revoked."""

    topic: ClassVar[str] = "user/role"
    user_id: uuid.UUID
    object_id: uuid.UUID
    role: str | None = None


@_register
@dataclass(frozen=True, slots=True)
class MediaStored(Event):
    """An upload was accepted. `kind`: image, video, audio, asset or plugin. `created` is False
    when identical content was already stored (the upload deduplicated to it)."""

    topic: ClassVar[str] = "media/stored"
    media_hash: str
    kind: str
    size: int
    user_id: uuid.UUID | None = None
    created: bool = True


@_register
@dataclass(frozen=True, slots=True)
class MediaRemoved(Event):
    """Stored media was deleted (by its last uploader or a node admin)."""

    topic: ClassVar[str] = "media/removed"
    media_hash: str
    kind: str
    user_id: uuid.UUID | None = None


@_register
@dataclass(frozen=True, slots=True)
class StakeReported(Event):
    """A client reported a staking transaction (posbus `user_staked_to_odyssey`)."""

    topic: ClassVar[str] = "chain/stake-reported"
    user_id: uuid.UUID
    object_id: uuid.UUID
    transaction_hash: str
    wallet: str
    amount: str
    comment: str = ""
    kind: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@_register
@dataclass(frozen=True, slots=True)
class ActivityChanged(Event):
    """A timeline activity was created, edited or removed (posbus `activity_update`)."""

    topic: ClassVar[str] = "activity/changed"
    activity_id: uuid.UUID
    object_id: uuid.UUID
    user_id: uuid.UUID
    change_type: Literal["new", "changed", "removed"]
    activity_type: str | None = None


@_register
@dataclass(frozen=True, slots=True)
class UserAssetChanged(Event):
    """A user's library entry for a 3D asset was edited or removed."""

    topic: ClassVar[str] = "asset/user-asset"
    asset_3d_id: uuid.UUID
    user_id: uuid.UUID
    removed: bool = False


@_register
@dataclass(frozen=True, slots=True)
class SignInEnded(Event):
    """A sign-in ended (sign-out, revocation, a refresh token or code used twice) or a user was
    deleted: real-time connections that authenticated with it must close at once.

    `session_id` is the sign-in (the access token's `sid`); None means every sign-in of the
    user (the user is gone). `token_id` set means only that one access token (its `jti`) was
    revoked, the sign-in itself goes on. `reason` is what the closed clients are told.
    """

    topic: ClassVar[str] = "auth/sign-in-ended"
    user_id: uuid.UUID
    session_id: uuid.UUID | None = None
    token_id: str | None = None
    reason: str = "signed out"


def topic_matches(pattern: str, topic: str) -> bool:
    """MQTT topic filter semantics: `+` matches one level, a trailing `#` matches the rest."""
    pattern_parts = pattern.split("/")
    topic_parts = topic.split("/")
    for index, part in enumerate(pattern_parts):
        if part == "#":
            return True
        if index >= len(topic_parts):
            return False
        if part != "+" and part != topic_parts[index]:
            return False
    return len(pattern_parts) == len(topic_parts)
