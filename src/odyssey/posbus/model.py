"""Typed posbus messages: one frozen dataclass per message type of posbus.md §3.

Field names are the snake_case JSON names of the JS/TS client, in wire order. Sequences are
tuples so that messages are immutable values that compare by content; passing a list is
accepted and turned into a tuple. Floats in `Vec3` travel as float32: a value that is not
exactly representable in float32 is rounded by the encoder, so compare decoded messages with
values that were float32 to begin with (`message_from_json` rounds for you).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, ClassVar, TypeAlias
from uuid import UUID

GotinyValue: TypeAlias = (
    "bool | int | float | str | list[GotinyValue] | dict[str, GotinyValue] | None"
)
"""A value inside a gotiny ``map[string]any``: what Go's JSON decoder produces, plus Go int."""

StringAnyMap: TypeAlias = dict[str, GotinyValue]
"""gotiny ``map[string]any`` (posbus ``StringAnyMap``)."""


class MessageType(enum.IntEnum):
    """The 29 registered posbus type ids (posbus.md §1.3)."""

    HAND_SHAKE = 0x7C41941A
    TELEPORT_REQUEST = 0x78DA55D9
    MY_TRANSFORM = 0xF878C4BF
    USERS_TRANSFORM_LIST = 0x285954B8
    SET_WORLD = 0xCCDF2E49
    ADD_OBJECTS = 0x2452A9C1
    REMOVE_OBJECTS = 0x6BF88C24
    OBJECT_TRANSFORM = 0xEA6DA4B4
    OBJECT_DATA = 0xCACE197C
    ADD_USERS = 0xF51F2AFF
    REMOVE_USERS = 0xF5A14BB0
    LOCK_OBJECT = 0xA7DE9F59
    UNLOCK_OBJECT = 0xA54EDEB9
    LOCK_OBJECT_RESPONSE = 0x0924668C
    ATTRIBUTE_VALUE_CHANGED = 0x10DACDB7
    SIGNAL = 0xADC1964D
    HIGH_FIVE = 0x3D501432
    NOTIFICATION = 0xC1FB41D7
    FLY_TO_ME = 0xA6EB70C6
    ACTIVITY_UPDATE = 0xCA57695D
    EVENT_START = 0xAA854D2C
    USER_STAKED_TO_ODYSSEY = 0x10DACABC
    ADD_PENDING_STAKE = 0xF020D682
    GENERIC_MESSAGE = 0xF508E4A3
    TRIGGER_VISUAL_EFFECTS = 0xD96089C6
    USER_ACTION = 0xEF1A2E75
    OBJECT_DEFINITION = 0xD742B52E
    USER_DATA = 0xF702EF5F
    USER_TRANSFORM = 0x3BC97EBB

    @property
    def type_name(self) -> str:
        """The snake_case name the JS/TS client uses (``MsgType.X = "x"``)."""
        return self.name.lower()

    @property
    def is_nested_only(self) -> bool:
        """True for the 3 element types that the reference never frames on their own."""
        return self in _NESTED_ONLY

    @classmethod
    def from_type_name(cls, type_name: str) -> MessageType:
        try:
            return cls[type_name.upper()]
        except KeyError:
            raise ValueError(f"unknown posbus type name {type_name!r}") from None


_NESTED_ONLY = frozenset(
    {MessageType.OBJECT_DEFINITION, MessageType.USER_DATA, MessageType.USER_TRANSFORM}
)


class SignalType(enum.IntEnum):
    """Values of `Signal.value` (posbus.md §3.12). The field itself is a plain uint32."""

    NONE = 0
    DUAL_CONNECTION = 1
    READY = 2
    INVALID_TOKEN = 3
    SPAWN = 4
    LEAVE_WORLD = 5
    CONNECTION_FAILED = 6
    CONNECTED = 7
    CONNECTION_CLOSED = 8
    WORLD_DOES_NOT_EXIST = 9


class NotificationType(enum.IntEnum):
    """Values of `Notification.notify_type` (posbus.md §3.17)."""

    NONE = 0
    WOW = 1
    HIGH_FIVE = 2
    STAGE_MODE_ACCEPT = 10
    STAGE_MODE_INVITATION = 11
    STAGE_MODE_SET = 12
    STAGE_MODE_STAGE_JOIN = 13
    STAGE_MODE_STAGE_REQUEST = 14
    STAGE_MODE_STAGE_DECLINED = 15
    GATHERING_START = 20
    TEXT_MESSAGE = 500
    RELAY = 501
    GENERIC = 999
    LEGACY = 1000


class AssetFormat(enum.IntEnum):
    """Values of `ObjectDefinition.asset_format` (a raw int8 on the wire)."""

    ADDRESSABLE = 0
    GLTF = 1
    BASIC = 2


def _freeze(instance: object, field_name: str) -> None:
    """Turn a list passed for a tuple field into a tuple (frozen dataclasses need setattr)."""
    value = getattr(instance, field_name)
    if not isinstance(value, tuple):
        object.__setattr__(instance, field_name, tuple(value))


# --- shared structures -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Vec3:
    x: float
    y: float
    z: float


@dataclass(frozen=True, slots=True)
class TransformNoScale:
    position: Vec3
    rotation: Vec3


@dataclass(frozen=True, slots=True)
class Transform:
    position: Vec3
    rotation: Vec3
    scale: Vec3


class Message:
    """Base of every posbus message class; `TYPE` is its type id."""

    __slots__ = ()
    TYPE: ClassVar[MessageType]


# --- messages, in the order of posbus.md §3 ------------------------------------------------


@dataclass(frozen=True, slots=True)
class HandShake(Message):
    TYPE: ClassVar[MessageType] = MessageType.HAND_SHAKE
    handshake_version: int
    protocol_version: int
    token: str
    user_id: UUID
    session_id: UUID


@dataclass(frozen=True, slots=True)
class TeleportRequest(Message):
    TYPE: ClassVar[MessageType] = MessageType.TELEPORT_REQUEST
    target: UUID


@dataclass(frozen=True, slots=True)
class MyTransform(Message):
    TYPE: ClassVar[MessageType] = MessageType.MY_TRANSFORM
    position: Vec3
    rotation: Vec3


@dataclass(frozen=True, slots=True)
class UserTransform(Message):
    """Element of `UsersTransformList` (nested only)."""

    TYPE: ClassVar[MessageType] = MessageType.USER_TRANSFORM
    id: UUID
    transform: TransformNoScale


@dataclass(frozen=True, slots=True)
class UsersTransformList(Message):
    TYPE: ClassVar[MessageType] = MessageType.USERS_TRANSFORM_LIST
    value: tuple[UserTransform, ...]

    def __post_init__(self) -> None:
        _freeze(self, "value")


@dataclass(frozen=True, slots=True)
class SetWorld(Message):
    TYPE: ClassVar[MessageType] = MessageType.SET_WORLD
    id: UUID
    name: str
    avatar: UUID
    owner: UUID
    avatar_3d_asset_id: UUID


@dataclass(frozen=True, slots=True)
class ObjectDefinition(Message):
    """Element of `AddObjects` (nested only)."""

    TYPE: ClassVar[MessageType] = MessageType.OBJECT_DEFINITION
    id: UUID
    parent_id: UUID
    asset_type: UUID
    asset_format: int
    name: str
    transform: Transform
    is_editable: bool
    tethered_to_parent: bool
    show_on_minimap: bool


@dataclass(frozen=True, slots=True)
class AddObjects(Message):
    TYPE: ClassVar[MessageType] = MessageType.ADD_OBJECTS
    objects: tuple[ObjectDefinition, ...]

    def __post_init__(self) -> None:
        _freeze(self, "objects")


@dataclass(frozen=True, slots=True)
class RemoveObjects(Message):
    TYPE: ClassVar[MessageType] = MessageType.REMOVE_OBJECTS
    objects: tuple[UUID, ...]

    def __post_init__(self) -> None:
        _freeze(self, "objects")


@dataclass(frozen=True, slots=True)
class ObjectTransform(Message):
    TYPE: ClassVar[MessageType] = MessageType.OBJECT_TRANSFORM
    id: UUID
    object_transform: Transform


@dataclass(frozen=True, slots=True)
class ObjectData(Message):
    """Render slots: slot type -> (gotiny map slot name -> value, or None for a nil pointer)."""

    TYPE: ClassVar[MessageType] = MessageType.OBJECT_DATA
    id: UUID
    entries: dict[str, StringAnyMap | None]


@dataclass(frozen=True, slots=True)
class UserData(Message):
    """Element of `AddUsers` (nested only)."""

    TYPE: ClassVar[MessageType] = MessageType.USER_DATA
    id: UUID
    name: str
    avatar: str
    transform: TransformNoScale
    is_guest: bool


@dataclass(frozen=True, slots=True)
class AddUsers(Message):
    TYPE: ClassVar[MessageType] = MessageType.ADD_USERS
    users: tuple[UserData, ...]

    def __post_init__(self) -> None:
        _freeze(self, "users")


@dataclass(frozen=True, slots=True)
class RemoveUsers(Message):
    TYPE: ClassVar[MessageType] = MessageType.REMOVE_USERS
    users: tuple[UUID, ...]

    def __post_init__(self) -> None:
        _freeze(self, "users")


@dataclass(frozen=True, slots=True)
class Signal(Message):
    TYPE: ClassVar[MessageType] = MessageType.SIGNAL
    value: int


@dataclass(frozen=True, slots=True)
class LockObject(Message):
    TYPE: ClassVar[MessageType] = MessageType.LOCK_OBJECT
    id: UUID


@dataclass(frozen=True, slots=True)
class UnlockObject(Message):
    TYPE: ClassVar[MessageType] = MessageType.UNLOCK_OBJECT
    id: UUID


@dataclass(frozen=True, slots=True)
class LockObjectResponse(Message):
    TYPE: ClassVar[MessageType] = MessageType.LOCK_OBJECT_RESPONSE
    id: UUID
    result: int
    lock_owner: UUID


@dataclass(frozen=True, slots=True)
class AttributeValueChanged(Message):
    TYPE: ClassVar[MessageType] = MessageType.ATTRIBUTE_VALUE_CHANGED
    plugin_id: UUID
    attribute_name: str
    change_type: str
    value: StringAnyMap | None
    target_id: UUID


@dataclass(frozen=True, slots=True)
class HighFive(Message):
    TYPE: ClassVar[MessageType] = MessageType.HIGH_FIVE
    sender_id: UUID
    receiver_id: UUID
    message: str


@dataclass(frozen=True, slots=True)
class Notification(Message):
    TYPE: ClassVar[MessageType] = MessageType.NOTIFICATION
    notify_type: int
    value: str


@dataclass(frozen=True, slots=True)
class FlyToMe(Message):
    TYPE: ClassVar[MessageType] = MessageType.FLY_TO_ME
    pilot: UUID
    pilot_name: str
    object_id: UUID


@dataclass(frozen=True, slots=True)
class ActivityData:
    """The optional payload of `ActivityUpdate`; every field is a Go pointer (None = nil)."""

    position: Vec3 | None = None
    description: str | None = None
    hash: str | None = None
    token_symbol: str | None = None
    token_amount: str | None = None
    bc_tx_hash: str | None = None
    bc_log_index: str | None = None


@dataclass(frozen=True, slots=True)
class ActivityUpdate(Message):
    TYPE: ClassVar[MessageType] = MessageType.ACTIVITY_UPDATE
    activity_id: UUID
    change_type: str
    type: str | None
    data: ActivityData | None
    user_id: UUID
    object_id: UUID


@dataclass(frozen=True, slots=True)
class EventStart(Message):
    """The whole payload is a string -> string map; its JSON value is that map itself."""

    TYPE: ClassVar[MessageType] = MessageType.EVENT_START
    entries: dict[str, str]


@dataclass(frozen=True, slots=True)
class UserStakedToOdyssey(Message):
    TYPE: ClassVar[MessageType] = MessageType.USER_STAKED_TO_ODYSSEY
    transaction_hash: str
    wallet: str
    object_id: UUID
    amount: str
    comment: str
    kind: int


@dataclass(frozen=True, slots=True)
class AddPendingStake(Message):
    """`wallet` is the 20-byte Ethereum address; `amount` is an unsigned 256-bit integer."""

    TYPE: ClassVar[MessageType] = MessageType.ADD_PENDING_STAKE
    transaction_id: UUID
    odyssey_id: UUID
    wallet: bytes
    amount: int
    comment: str
    kind: int


@dataclass(frozen=True, slots=True)
class GenericMessage(Message):
    TYPE: ClassVar[MessageType] = MessageType.GENERIC_MESSAGE
    topic: str
    data: bytes


@dataclass(frozen=True, slots=True)
class VisualEffect:
    name: str


@dataclass(frozen=True, slots=True)
class TriggerVisualEffects(Message):
    TYPE: ClassVar[MessageType] = MessageType.TRIGGER_VISUAL_EFFECTS
    effects: tuple[VisualEffect, ...]

    def __post_init__(self) -> None:
        _freeze(self, "effects")


@dataclass(frozen=True, slots=True)
class UserAction(Message):
    TYPE: ClassVar[MessageType] = MessageType.USER_ACTION
    value: int


MESSAGE_CLASSES: dict[MessageType, type[Any]] = {
    cls.TYPE: cls
    for cls in (
        HandShake,
        TeleportRequest,
        MyTransform,
        UsersTransformList,
        SetWorld,
        AddObjects,
        RemoveObjects,
        ObjectTransform,
        ObjectData,
        AddUsers,
        RemoveUsers,
        LockObject,
        UnlockObject,
        LockObjectResponse,
        AttributeValueChanged,
        Signal,
        HighFive,
        Notification,
        FlyToMe,
        ActivityUpdate,
        EventStart,
        UserStakedToOdyssey,
        AddPendingStake,
        GenericMessage,
        TriggerVisualEffects,
        UserAction,
        ObjectDefinition,
        UserData,
        UserTransform,
    )
}
"""Message class for every type id (all 29, nested-only element types included)."""
