"""Framing (posbus.md §1.2) and the MUS payload of every message type (§3).

A frame is ``LE u32 type id | MUS payload | LE u32 (type id XOR 0xFFFFFFFF)``. Unlike the
reference decoder, `decode` reads the payload only up to the footer and requires it to be
consumed exactly; see docs/compatibility.md for every deliberate difference.

The payloads of movement, worlds, objects and users are here; the structures they share are in
`_structures.py`, the payloads of every other message (locks, signals, social, activities,
stakes) in `_social.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import chain, repeat
from operator import attrgetter
from typing import Any
from uuid import UUID

from ._build import build_many, builder2, builder3, uuids_from_bytes
from ._fast import (
    FLOAT32_VARINT_PATTERN,
    float32_from_varints,
    float32_slot_decoder,
    float32_varint_groups,
)
from ._mus import (
    Reader,
    put_bool,
    put_int,
    put_int8,
    put_length,
    put_string,
    put_uuid,
)
from ._social import (
    put_activity_update,
    put_add_pending_stake,
    put_attribute_value_changed,
    put_event_start,
    put_fly_to_me,
    put_generic_message,
    put_high_five,
    put_lock_object,
    put_lock_object_response,
    put_notification,
    put_signal,
    put_trigger_visual_effects,
    put_unlock_object,
    put_user_action,
    put_user_staked_to_odyssey,
    read_activity_update,
    read_add_pending_stake,
    read_attribute_value_changed,
    read_event_start,
    read_fly_to_me,
    read_generic_message,
    read_high_five,
    read_lock_object,
    read_lock_object_response,
    read_notification,
    read_signal,
    read_trigger_visual_effects,
    read_unlock_object,
    read_user_action,
    read_user_staked_to_odyssey,
)
from ._structures import (
    MAP_ENTRY_MIN_SIZE,
    put_optional_any_map,
    put_transform,
    put_transform_no_scale,
    read_optional_any_map,
    read_transform,
    read_transform_no_scale,
)
from .errors import (
    DecodeError,
    EncodeError,
    FooterMismatch,
    FrameTooLarge,
    FrameTooShort,
    TrailingBytes,
    UnknownMessageType,
)
from .model import (
    AddObjects,
    AddUsers,
    HandShake,
    Message,
    MessageType,
    MyTransform,
    ObjectData,
    ObjectDefinition,
    ObjectTransform,
    RemoveObjects,
    RemoveUsers,
    SetWorld,
    StringAnyMap,
    TeleportRequest,
    Transform,
    TransformNoScale,
    UserData,
    UsersTransformList,
    UserTransform,
    Vec3,
)

DEFAULT_MAX_FRAME_SIZE = 65536
FRAME_OVERHEAD = 8  # header + footer

_HEADERS: dict[MessageType, bytes] = {t: int(t).to_bytes(4, "little") for t in MessageType}
_FOOTERS: dict[MessageType, bytes] = {
    t: (int(t) ^ 0xFFFFFFFF).to_bytes(4, "little") for t in MessageType
}
_TYPES_BY_ID: dict[int, MessageType] = {int(t): t for t in MessageType}

# Smallest wire size of one element, used to reject a count before allocating anything.
_UUID_SIZE = 16
_USER_TRANSFORM_MIN_SIZE = 16 + 6
_OBJECT_DEFINITION_MIN_SIZE = 3 * 16 + 1 + 1 + 9 + 3
_USER_DATA_MIN_SIZE = 16 + 1 + 1 + 6 + 1


# --- per-type payloads ---------------------------------------------------------------------


def _put_hand_shake(out: bytearray, m: HandShake) -> None:
    put_int(out, m.handshake_version)
    put_int(out, m.protocol_version)
    put_string(out, m.token)
    put_uuid(out, m.user_id)
    put_uuid(out, m.session_id)


def _read_hand_shake(r: Reader) -> HandShake:
    return HandShake(
        r.read_int("handshake_version"),
        r.read_int("protocol_version"),
        r.read_string("token"),
        r.read_uuid("user_id"),
        r.read_uuid("session_id"),
    )


def _put_teleport_request(out: bytearray, m: TeleportRequest) -> None:
    put_uuid(out, m.target)


def _read_teleport_request(r: Reader) -> TeleportRequest:
    return TeleportRequest(r.read_uuid("target"))


def _put_my_transform(out: bytearray, m: MyTransform) -> None:
    put_transform_no_scale(out, m)


def _read_my_transform(r: Reader) -> MyTransform:
    f = r.read_float32s(6, "transform")
    return MyTransform(Vec3(f[0], f[1], f[2]), Vec3(f[3], f[4], f[5]))


# The hot path: every client sends ~10 my_transform a second. A frame of exactly this shape
# (its header, 6 valid float32 varints, its footer) is decoded by one regex match and one
# big-int conversion; anything else takes the general path, which raises the precise error.
_MY_TRANSFORM_HEADER = _HEADERS[MessageType.MY_TRANSFORM]
_MY_TRANSFORM_FRAME = re.compile(
    re.escape(_MY_TRANSFORM_HEADER)
    + b"".join(b"(" + FLOAT32_VARINT_PATTERN + b")" for _ in range(6))
    + re.escape(_FOOTERS[MessageType.MY_TRANSFORM])
).fullmatch
_MY_TRANSFORM_MAX_FRAME = FRAME_OVERHEAD + 6 * 5  # every varint 5 bytes: already in slots
_six_floats_from_slots = float32_slot_decoder(6)
_new_vec3 = builder3(Vec3)
_new_my_transform = builder2(MyTransform)


def _decode_my_transform(frame: bytes) -> MyTransform | None:
    """The ``my_transform`` of a well-formed frame, or None for any other frame."""
    match = _MY_TRANSFORM_FRAME(frame)
    if match is None:
        return None
    if len(frame) == _MY_TRANSFORM_MAX_FRAME:
        f = _six_floats_from_slots(frame[4:-4])
    else:  # some shorter varints (zeros, round numbers): pad each to its slot
        f = _six_floats_from_slots(b"".join([v.ljust(5, b"\0") for v in match.groups()]))
    return _new_my_transform(_new_vec3(f[0], f[1], f[2]), _new_vec3(f[3], f[4], f[5]))


def _put_user_transform(out: bytearray, m: UserTransform) -> None:
    put_uuid(out, m.id)
    put_transform_no_scale(out, m.transform)


def _read_user_transform(r: Reader) -> UserTransform:
    return UserTransform(r.read_uuid("id"), read_transform_no_scale(r))


_USER_TRANSFORM_FLOATS = attrgetter(
    *(f"transform.{vec}.{axis}" for vec in ("position", "rotation") for axis in "xyz")
)
_ID_INT = attrgetter("id.int")
_USER_TRANSFORM_RE = re.compile(
    b"(.{16})" + b"".join(b"(" + FLOAT32_VARINT_PATTERN + b")" for _ in range(6)), re.DOTALL
)


def _uuid_bytes(items: Sequence[UserTransform]) -> list[bytes]:
    """The 16 id bytes of every item, without a Python-level call per item."""
    return list(map(int.to_bytes, map(_ID_INT, items), repeat(16)))


def _put_users_transform_list(out: bytearray, m: UsersTransformList) -> None:
    # The world tick's broadcast (up to 768 users): everything is done per message in bulk.
    items = m.value
    put_length(out, len(items))
    if not items:
        return
    floats = list(chain.from_iterable(map(_USER_TRANSFORM_FLOATS, items)))
    parts: list[bytes] = [b""] * (2 * len(items))
    parts[0::2] = _uuid_bytes(items)
    parts[1::2] = float32_varint_groups(floats, 6)
    out += b"".join(parts)


def _read_users_transform_list(r: Reader) -> UsersTransformList:
    count = r.read_length(_USER_TRANSFORM_MIN_SIZE, "users_transform_list count")
    start = r.pos
    # Fast path: a regex splits well-formed records at C speed. Anything else (truncation,
    # overflow, trailing bytes) goes through the byte-by-byte reader for a precise error.
    records = _USER_TRANSFORM_RE.findall(r.data, start, r.end)
    if count and len(records) == count:
        columns = list(zip(*records, strict=True))
        varints = list(chain.from_iterable(columns[1:]))
        if 16 * count + sum(map(len, varints)) == r.end - start:
            r.pos = r.end
            return UsersTransformList(_user_transforms_from_columns(columns[0], varints))
    return UsersTransformList(tuple(_read_user_transform(r) for _ in range(count)))


def _user_transforms_from_columns(
    id_bytes: Sequence[bytes], varints: list[bytes]
) -> tuple[UserTransform, ...]:
    """Build the items from column-major data: ids, then all position.x, all position.y, ..."""
    count = len(id_bytes)
    f = float32_from_varints(varints)
    x, y, z, rx, ry, rz = (f[i * count : (i + 1) * count] for i in range(6))
    positions = build_many(Vec3, (x, y, z))
    rotations = build_many(Vec3, (rx, ry, rz))
    transforms = build_many(TransformNoScale, (positions, rotations))
    return tuple(build_many(UserTransform, (uuids_from_bytes(id_bytes), transforms)))


def _put_set_world(out: bytearray, m: SetWorld) -> None:
    put_uuid(out, m.id)
    put_string(out, m.name)
    put_uuid(out, m.avatar)
    put_uuid(out, m.owner)
    put_uuid(out, m.avatar_3d_asset_id)


def _read_set_world(r: Reader) -> SetWorld:
    return SetWorld(
        r.read_uuid("id"),
        r.read_string("name"),
        r.read_uuid("avatar"),
        r.read_uuid("owner"),
        r.read_uuid("avatar_3d_asset_id"),
    )


def _put_object_definition(out: bytearray, m: ObjectDefinition) -> None:
    put_uuid(out, m.id)
    put_uuid(out, m.parent_id)
    put_uuid(out, m.asset_type)
    put_int8(out, m.asset_format)
    put_string(out, m.name)
    put_transform(out, m.transform)
    put_bool(out, m.is_editable)
    put_bool(out, m.tethered_to_parent)
    put_bool(out, m.show_on_minimap)


def _read_object_definition(r: Reader) -> ObjectDefinition:
    return ObjectDefinition(
        r.read_uuid("id"),
        r.read_uuid("parent_id"),
        r.read_uuid("asset_type"),
        r.read_int8("asset_format"),
        r.read_string("name"),
        read_transform(r),
        r.read_bool("is_editable"),
        r.read_bool("tethered_to_parent"),
        r.read_bool("show_on_minimap"),
    )


_OBJECT_FLOATS = attrgetter(
    *(f"transform.{vec}.{axis}" for vec in ("position", "rotation", "scale") for axis in "xyz")
)


def _put_add_objects(out: bytearray, m: AddObjects) -> None:
    objects = m.objects
    put_length(out, len(objects))
    floats = list(chain.from_iterable(map(_OBJECT_FLOATS, objects)))
    for item, transform in zip(objects, float32_varint_groups(floats, 9), strict=True):
        out += item.id.bytes
        out += item.parent_id.bytes
        out += item.asset_type.bytes
        put_int8(out, item.asset_format)
        put_string(out, item.name)
        out += transform
        out.append(1 if item.is_editable else 0)
        out.append(1 if item.tethered_to_parent else 0)
        out.append(1 if item.show_on_minimap else 0)


# transform (9 float32 varints) and the 3 bools that close every ObjectDefinition.
_OBJECT_TAIL_RE = re.compile(
    b"".join(b"(" + FLOAT32_VARINT_PATTERN + b")" for _ in range(9)) + rb"([\x00\x01]{3})"
)


def _read_add_objects(r: Reader) -> AddObjects:
    count = r.read_length(_OBJECT_DEFINITION_MIN_SIZE, "objects count")
    start = r.pos
    objects = _read_object_definitions_in_bulk(r, count)
    if objects is None:  # malformed somewhere: re-read one by one for the precise error
        r.pos = start
        objects = tuple(_read_object_definition(r) for _ in range(count))
    return AddObjects(objects)


def _read_object_definitions_in_bulk(r: Reader, count: int) -> tuple[ObjectDefinition, ...] | None:
    """Split the records with a regex per record, then build all objects column by column.

    Returns None when a record is not well-formed; the caller then takes the slow path.
    """
    data = r.data
    end = r.end
    raw_ids: list[bytes] = []
    formats: list[int] = []
    names: list[str] = []
    tails: list[tuple[bytes, ...]] = []
    match_tail = _OBJECT_TAIL_RE.match
    for _ in range(count):
        pos = r.pos
        if end - pos < 49:
            return None
        raw_ids.append(data[pos : pos + 48])  # id, parent_id, asset_type
        asset_format = data[pos + 48]
        formats.append(asset_format - 256 if asset_format > 127 else asset_format)
        r.pos = pos + 49
        names.append(r.read_string("name"))
        tail = match_tail(data, r.pos, end)
        if tail is None:
            return None
        tails.append(tail.groups())
        r.pos = tail.end()
    if not count:
        return ()
    columns = list(zip(*tails, strict=True))
    f = float32_from_varints(list(chain.from_iterable(columns[:9])))
    axes = [f[i * count : (i + 1) * count] for i in range(9)]
    transforms = build_many(
        Transform,
        (
            build_many(Vec3, axes[0:3]),
            build_many(Vec3, axes[3:6]),
            build_many(Vec3, axes[6:9]),
        ),
    )
    flags = columns[9]
    return tuple(
        build_many(
            ObjectDefinition,
            (
                uuids_from_bytes([raw[0:16] for raw in raw_ids]),
                uuids_from_bytes([raw[16:32] for raw in raw_ids]),
                uuids_from_bytes([raw[32:48] for raw in raw_ids]),
                formats,
                names,
                transforms,
                [flag[0] == 1 for flag in flags],
                [flag[1] == 1 for flag in flags],
                [flag[2] == 1 for flag in flags],
            ),
        )
    )


def _put_uuid_list(out: bytearray, ids: tuple[UUID, ...]) -> None:
    put_length(out, len(ids))
    for item in ids:
        put_uuid(out, item)


def _read_uuid_list(r: Reader, what: str) -> tuple[UUID, ...]:
    count = r.read_length(_UUID_SIZE, f"{what} count")
    return tuple(r.read_uuid(what) for _ in range(count))


def _put_remove_objects(out: bytearray, m: RemoveObjects) -> None:
    _put_uuid_list(out, m.objects)


def _read_remove_objects(r: Reader) -> RemoveObjects:
    return RemoveObjects(_read_uuid_list(r, "objects"))


def _put_object_transform(out: bytearray, m: ObjectTransform) -> None:
    put_uuid(out, m.id)
    put_transform(out, m.object_transform)


def _read_object_transform(r: Reader) -> ObjectTransform:
    return ObjectTransform(r.read_uuid("id"), read_transform(r))


def _put_object_data(out: bytearray, m: ObjectData) -> None:
    put_uuid(out, m.id)
    put_length(out, len(m.entries))
    for slot_type, slots in m.entries.items():
        put_string(out, slot_type)
        put_optional_any_map(out, slots)


def _read_object_data(r: Reader) -> ObjectData:
    object_id = r.read_uuid("id")
    count = r.read_length(MAP_ENTRY_MIN_SIZE, "entries count")
    entries: dict[str, StringAnyMap | None] = {}
    for _ in range(count):
        slot_type = r.read_string("entries key")
        entries[slot_type] = read_optional_any_map(r, "entries value")
    return ObjectData(object_id, entries)


def _put_user_data(out: bytearray, m: UserData) -> None:
    put_uuid(out, m.id)
    put_string(out, m.name)
    put_string(out, m.avatar)
    put_transform_no_scale(out, m.transform)
    put_bool(out, m.is_guest)


def _read_user_data(r: Reader) -> UserData:
    return UserData(
        r.read_uuid("id"),
        r.read_string("name"),
        r.read_string("avatar"),
        read_transform_no_scale(r),
        r.read_bool("is_guest"),
    )


def _put_add_users(out: bytearray, m: AddUsers) -> None:
    users = m.users
    put_length(out, len(users))
    floats = list(chain.from_iterable(map(_USER_TRANSFORM_FLOATS, users)))
    for item, transform in zip(users, float32_varint_groups(floats, 6), strict=True):
        out += item.id.bytes
        put_string(out, item.name)
        put_string(out, item.avatar)
        out += transform
        out.append(1 if item.is_guest else 0)


def _read_add_users(r: Reader) -> AddUsers:
    count = r.read_length(_USER_DATA_MIN_SIZE, "users count")
    return AddUsers(tuple(_read_user_data(r) for _ in range(count)))


def _put_remove_users(out: bytearray, m: RemoveUsers) -> None:
    _put_uuid_list(out, m.users)


def _read_remove_users(r: Reader) -> RemoveUsers:
    return RemoveUsers(_read_uuid_list(r, "users"))


_PayloadWriter = Callable[[bytearray, Any], None]
_PayloadReader = Callable[[Reader], Message]

_CODECS: dict[MessageType, tuple[_PayloadWriter, _PayloadReader]] = {
    MessageType.HAND_SHAKE: (_put_hand_shake, _read_hand_shake),
    MessageType.TELEPORT_REQUEST: (_put_teleport_request, _read_teleport_request),
    MessageType.MY_TRANSFORM: (_put_my_transform, _read_my_transform),
    MessageType.USERS_TRANSFORM_LIST: (_put_users_transform_list, _read_users_transform_list),
    MessageType.SET_WORLD: (_put_set_world, _read_set_world),
    MessageType.ADD_OBJECTS: (_put_add_objects, _read_add_objects),
    MessageType.REMOVE_OBJECTS: (_put_remove_objects, _read_remove_objects),
    MessageType.OBJECT_TRANSFORM: (_put_object_transform, _read_object_transform),
    MessageType.OBJECT_DATA: (_put_object_data, _read_object_data),
    MessageType.ADD_USERS: (_put_add_users, _read_add_users),
    MessageType.REMOVE_USERS: (_put_remove_users, _read_remove_users),
    MessageType.LOCK_OBJECT: (put_lock_object, read_lock_object),
    MessageType.UNLOCK_OBJECT: (put_unlock_object, read_unlock_object),
    MessageType.LOCK_OBJECT_RESPONSE: (put_lock_object_response, read_lock_object_response),
    MessageType.ATTRIBUTE_VALUE_CHANGED: (
        put_attribute_value_changed,
        read_attribute_value_changed,
    ),
    MessageType.SIGNAL: (put_signal, read_signal),
    MessageType.HIGH_FIVE: (put_high_five, read_high_five),
    MessageType.NOTIFICATION: (put_notification, read_notification),
    MessageType.FLY_TO_ME: (put_fly_to_me, read_fly_to_me),
    MessageType.ACTIVITY_UPDATE: (put_activity_update, read_activity_update),
    MessageType.EVENT_START: (put_event_start, read_event_start),
    MessageType.USER_STAKED_TO_ODYSSEY: (put_user_staked_to_odyssey, read_user_staked_to_odyssey),
    MessageType.ADD_PENDING_STAKE: (put_add_pending_stake, read_add_pending_stake),
    MessageType.GENERIC_MESSAGE: (put_generic_message, read_generic_message),
    MessageType.TRIGGER_VISUAL_EFFECTS: (put_trigger_visual_effects, read_trigger_visual_effects),
    MessageType.USER_ACTION: (put_user_action, read_user_action),
    MessageType.OBJECT_DEFINITION: (_put_object_definition, _read_object_definition),
    MessageType.USER_DATA: (_put_user_data, _read_user_data),
    MessageType.USER_TRANSFORM: (_put_user_transform, _read_user_transform),
}


def encode(msg: Message) -> bytes:
    """Encode one message as a complete posbus frame (header, payload, footer)."""
    message_type = getattr(type(msg), "TYPE", None)
    if message_type is None or not isinstance(msg, Message):
        raise TypeError(f"not a posbus message: {type(msg).__name__}")
    put_payload = _CODECS[message_type][0]
    out = bytearray(_HEADERS[message_type])
    try:
        put_payload(out, msg)
    except EncodeError:
        raise
    except (AttributeError, TypeError) as exc:
        # A field holding the wrong Python type (e.g. a str where a UUID belongs).
        raise EncodeError(f"{message_type.type_name}: {exc}") from exc
    out += _FOOTERS[message_type]
    return bytes(out)


def decode(
    frame: bytes | bytearray | memoryview, *, max_frame_size: int = DEFAULT_MAX_FRAME_SIZE
) -> Message:
    """Decode one complete posbus frame, or raise a `DecodeError` subclass saying why."""
    if not isinstance(frame, bytes):
        frame = bytes(frame)
    if frame.startswith(_MY_TRANSFORM_HEADER) and len(frame) <= max_frame_size:
        transform = _decode_my_transform(frame)
        if transform is not None:
            return transform
    return _decode_frame(frame, max_frame_size)


def _decode_frame(frame: bytes, max_frame_size: int) -> Message:
    """`decode` of any frame: every check, in order, and the precise error."""
    size = len(frame)
    if size > max_frame_size:
        raise FrameTooLarge(f"frame of {size} bytes exceeds the limit of {max_frame_size}")
    if size < FRAME_OVERHEAD:
        raise FrameTooShort(f"frame of {size} bytes is shorter than 8 (header + footer)")
    header = int.from_bytes(frame[:4], "little")
    footer = int.from_bytes(frame[-4:], "little")
    if header ^ footer != 0xFFFFFFFF:
        raise FooterMismatch(
            f"footer {footer:#010x} is not the bitwise NOT of header {header:#010x}"
        )
    message_type = _TYPES_BY_ID.get(header)
    if message_type is None:
        raise UnknownMessageType(f"unknown type id {header:#010x}")
    reader = Reader(frame, 4, size - 4)
    try:
        msg = _CODECS[message_type][1](reader)
    except DecodeError as exc:
        raise type(exc)(f"{message_type.type_name}: {exc}") from None
    if reader.pos != reader.end:
        left = reader.end - reader.pos
        raise TrailingBytes(
            f"{message_type.type_name}: {left} payload byte(s) left unread before the footer"
        )
    return msg
