"""Messages <-> the JSON ``value`` format of tests/data/posbus-vectors.json.

The format, shared with the TypeScript codec:

* objects use the snake_case field names of posbus.md §3, every field always present
  (``null`` for a nil pointer); EventStart's value is its string map itself;
* UUIDs are lowercase dashed strings;
* float32 fields are JSON numbers, written as the shortest decimal that reads back as the same
  float32 (so 0.1f is ``0.1``); non-finite float32 values are the strings ``"Infinity"``,
  ``"-Infinity"`` and ``"NaN"``;
* gotiny map values are plain JSON: a JSON integer is a Go ``int``, a JSON number with a
  fraction or exponent is a Go ``float64``; non-finite float64 values cannot be exported;
* bytes (GenericMessage.data) are lowercase hex; the eth address (AddPendingStake.wallet) is
  40 lowercase hex digits without ``0x``, as in the golden vectors; uint256 is a decimal string.

Input is checked strictly (exact key sets, canonical spellings) so that a producer that drifts
from the format is caught instead of silently normalised.
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Callable
from dataclasses import fields
from typing import Any
from uuid import UUID

from odyssey.posbus.model import (
    MESSAGE_CLASSES,
    ActivityData,
    ActivityUpdate,
    AddObjects,
    AddPendingStake,
    AddUsers,
    AttributeValueChanged,
    EventStart,
    FlyToMe,
    GenericMessage,
    GotinyValue,
    HandShake,
    HighFive,
    LockObject,
    LockObjectResponse,
    Message,
    MessageType,
    MyTransform,
    Notification,
    ObjectData,
    ObjectDefinition,
    ObjectTransform,
    RemoveObjects,
    RemoveUsers,
    SetWorld,
    Signal,
    StringAnyMap,
    TeleportRequest,
    Transform,
    TransformNoScale,
    TriggerVisualEffects,
    UnlockObject,
    UserAction,
    UserData,
    UserStakedToOdyssey,
    UsersTransformList,
    UserTransform,
    Vec3,
    VisualEffect,
)


class JsonValueError(ValueError):
    """A JSON value does not have the shape documented for its message type."""

_F32 = struct.Struct("<f")
_HEX_RE = re.compile(r"(?:[0-9a-f]{2})*")
_ETH_RE = re.compile(r"[0-9a-f]{40}")
_UINT_RE = re.compile(r"0|[1-9][0-9]*")
_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_UINT256_MAX = (1 << 256) - 1
_MAX_GOTINY_DEPTH = 32
_NON_FINITE_NAMES = {"Infinity": math.inf, "-Infinity": -math.inf, "NaN": math.nan}

Json = Any  # a JSON value as produced by json.loads


# --- float32 helpers -------------------------------------------------------------------------


def round_float32(value: float) -> float:
    """The float32 nearest to ``value`` (raises OverflowError beyond the float32 range)."""
    rounded: float = _F32.unpack(_F32.pack(value))[0]
    return rounded


def _same_float32(candidate: float, value: float) -> bool:
    try:
        return round_float32(candidate) == value
    except OverflowError:
        return False


def float32_to_json(value: float) -> float | str:
    """Shortest decimal that reads back as the same float32; strings for non-finite values."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    for digits in range(1, 10):
        candidate = float(f"{value:.{digits}g}")
        if _same_float32(candidate, value):
            return candidate
    return value  # 9 significant digits always suffice; kept for the type checker


def _float32_from_json(value: Json, path: str) -> float:
    if isinstance(value, str):
        if value in _NON_FINITE_NAMES:
            return _NON_FINITE_NAMES[value]
        raise JsonValueError(f"{path}: expected a number, got the string {value!r}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise JsonValueError(f"{path}: expected a number, got {type(value).__name__}")
    try:
        return round_float32(float(value))
    except OverflowError:
        raise JsonValueError(f"{path}: {value!r} is outside the float32 range") from None


# --- scalar converters -----------------------------------------------------------------------


def _uuid_from_json(value: Json, path: str) -> UUID:
    if isinstance(value, str):
        try:
            parsed = UUID(value)
        except ValueError:
            pass
        else:
            if str(parsed) == value:
                return parsed
    raise JsonValueError(f"{path}: expected a lowercase dashed UUID string, got {value!r}")


def _str_from_json(value: Json, path: str) -> str:
    if not isinstance(value, str):
        raise JsonValueError(f"{path}: expected a string, got {type(value).__name__}")
    return value


def _int_from_json(low: int, high: int) -> Callable[[Json, str], int]:
    def convert(value: Json, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise JsonValueError(f"{path}: expected an integer, got {value!r}")
        if not low <= value <= high:
            raise JsonValueError(f"{path}: {value} is outside [{low}, {high}]")
        return value

    return convert


_int64_from_json = _int_from_json(_INT64_MIN, _INT64_MAX)
_uint32_from_json = _int_from_json(0, (1 << 32) - 1)
_int8_from_json = _int_from_json(-128, 127)


def _bool_from_json(value: Json, path: str) -> bool:
    if not isinstance(value, bool):
        raise JsonValueError(f"{path}: expected true or false, got {value!r}")
    return value


def _hex_from_json(value: Json, path: str) -> bytes:
    if not isinstance(value, str) or not _HEX_RE.fullmatch(value):
        raise JsonValueError(f"{path}: expected lowercase hex with an even length, got {value!r}")
    return bytes.fromhex(value)


def _eth_from_json(value: Json, path: str) -> bytes:
    if not isinstance(value, str) or not _ETH_RE.fullmatch(value):
        raise JsonValueError(f"{path}: expected 40 lowercase hex digits, got {value!r}")
    return bytes.fromhex(value)


def _uint256_from_json(value: Json, path: str) -> int:
    if not isinstance(value, str) or not _UINT_RE.fullmatch(value):
        raise JsonValueError(f"{path}: expected a decimal integer string, got {value!r}")
    number = int(value)
    if number > _UINT256_MAX:
        raise JsonValueError(f"{path}: {value} does not fit in 256 bits")
    return number


def _object(value: Json, path: str, keys: tuple[str, ...]) -> dict[str, Json]:
    """Check that ``value`` is an object with exactly ``keys``."""
    if not isinstance(value, dict):
        raise JsonValueError(f"{path}: expected an object, got {type(value).__name__}")
    if set(value) != set(keys):
        missing = sorted(set(keys) - set(value))
        extra = sorted(set(value) - set(keys))
        raise JsonValueError(f"{path}: missing keys {missing}, unexpected keys {extra}")
    return value


def _list(value: Json, path: str) -> list[Json]:
    if not isinstance(value, list):
        raise JsonValueError(f"{path}: expected an array, got {type(value).__name__}")
    return value


# --- structures --------------------------------------------------------------------------------

_VEC3_KEYS = ("x", "y", "z")


def _vec3_to_json(v: Vec3) -> dict[str, Json]:
    return {"x": float32_to_json(v.x), "y": float32_to_json(v.y), "z": float32_to_json(v.z)}


def _vec3_from_json(value: Json, path: str) -> Vec3:
    obj = _object(value, path, _VEC3_KEYS)
    return Vec3(
        _float32_from_json(obj["x"], f"{path}.x"),
        _float32_from_json(obj["y"], f"{path}.y"),
        _float32_from_json(obj["z"], f"{path}.z"),
    )


def _transform_no_scale_to_json(t: TransformNoScale | MyTransform) -> dict[str, Json]:
    return {"position": _vec3_to_json(t.position), "rotation": _vec3_to_json(t.rotation)}


def _transform_no_scale_from_json(value: Json, path: str) -> TransformNoScale:
    obj = _object(value, path, ("position", "rotation"))
    return TransformNoScale(
        _vec3_from_json(obj["position"], f"{path}.position"),
        _vec3_from_json(obj["rotation"], f"{path}.rotation"),
    )


def _transform_to_json(t: Transform) -> dict[str, Json]:
    return {
        "position": _vec3_to_json(t.position),
        "rotation": _vec3_to_json(t.rotation),
        "scale": _vec3_to_json(t.scale),
    }


def _transform_from_json(value: Json, path: str) -> Transform:
    obj = _object(value, path, ("position", "rotation", "scale"))
    return Transform(
        _vec3_from_json(obj["position"], f"{path}.position"),
        _vec3_from_json(obj["rotation"], f"{path}.rotation"),
        _vec3_from_json(obj["scale"], f"{path}.scale"),
    )


# --- gotiny values -----------------------------------------------------------------------------


def _gotiny_to_json(value: GotinyValue, path: str) -> Json:
    if isinstance(value, float) and not math.isfinite(value):
        raise JsonValueError(f"{path}: gotiny float64 {value} has no JSON form")
    if isinstance(value, dict):
        return {key: _gotiny_to_json(item, f"{path}.{key}") for key, item in value.items()}
    if isinstance(value, list):
        return [_gotiny_to_json(item, f"{path}[{i}]") for i, item in enumerate(value)]
    return value


def _gotiny_from_json(value: Json, path: str, depth: int) -> GotinyValue:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return _int64_from_json(value, path)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise JsonValueError(f"{path}: gotiny float64 must be finite")
        return value
    if depth >= _MAX_GOTINY_DEPTH:
        raise JsonValueError(f"{path}: nested deeper than {_MAX_GOTINY_DEPTH} levels")
    if isinstance(value, dict):
        return _any_map_from_json(value, path, depth + 1)
    if isinstance(value, list):
        return [_gotiny_from_json(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value)]
    raise JsonValueError(f"{path}: {type(value).__name__} is not a JSON value")


def _any_map_from_json(value: Json, path: str, depth: int = 1) -> StringAnyMap:
    if not isinstance(value, dict):
        raise JsonValueError(f"{path}: expected an object, got {type(value).__name__}")
    result: StringAnyMap = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise JsonValueError(f"{path}: object keys must be strings")
        result[key] = _gotiny_from_json(item, f"{path}.{key}", depth)
    return result


def _optional_any_map_to_json(value: StringAnyMap | None, path: str) -> Json:
    return None if value is None else _gotiny_to_json(value, path)


def _optional_any_map_from_json(value: Json, path: str) -> StringAnyMap | None:
    return None if value is None else _any_map_from_json(value, path)


def _optional_str_from_json(value: Json, path: str) -> str | None:
    return None if value is None else _str_from_json(value, path)


# --- per-type converters -----------------------------------------------------------------------

_ToJson = Callable[[Any], Json]
_FromJson = Callable[[Json, str], Message]


def _user_transform_to_json(m: UserTransform) -> Json:
    return {"id": str(m.id), "transform": _transform_no_scale_to_json(m.transform)}


def _user_transform_from_json(value: Json, path: str) -> UserTransform:
    obj = _object(value, path, ("id", "transform"))
    return UserTransform(
        _uuid_from_json(obj["id"], f"{path}.id"),
        _transform_no_scale_from_json(obj["transform"], f"{path}.transform"),
    )


_OBJECT_DEFINITION_KEYS = tuple(f.name for f in fields(ObjectDefinition))


def _object_definition_to_json(m: ObjectDefinition) -> Json:
    return {
        "id": str(m.id),
        "parent_id": str(m.parent_id),
        "asset_type": str(m.asset_type),
        "asset_format": m.asset_format,
        "name": m.name,
        "transform": _transform_to_json(m.transform),
        "is_editable": m.is_editable,
        "tethered_to_parent": m.tethered_to_parent,
        "show_on_minimap": m.show_on_minimap,
    }


def _object_definition_from_json(value: Json, path: str) -> ObjectDefinition:
    obj = _object(value, path, _OBJECT_DEFINITION_KEYS)
    return ObjectDefinition(
        _uuid_from_json(obj["id"], f"{path}.id"),
        _uuid_from_json(obj["parent_id"], f"{path}.parent_id"),
        _uuid_from_json(obj["asset_type"], f"{path}.asset_type"),
        _int8_from_json(obj["asset_format"], f"{path}.asset_format"),
        _str_from_json(obj["name"], f"{path}.name"),
        _transform_from_json(obj["transform"], f"{path}.transform"),
        _bool_from_json(obj["is_editable"], f"{path}.is_editable"),
        _bool_from_json(obj["tethered_to_parent"], f"{path}.tethered_to_parent"),
        _bool_from_json(obj["show_on_minimap"], f"{path}.show_on_minimap"),
    )


def _user_data_to_json(m: UserData) -> Json:
    return {
        "id": str(m.id),
        "name": m.name,
        "avatar": m.avatar,
        "transform": _transform_no_scale_to_json(m.transform),
        "is_guest": m.is_guest,
    }


def _user_data_from_json(value: Json, path: str) -> UserData:
    obj = _object(value, path, ("id", "name", "avatar", "transform", "is_guest"))
    return UserData(
        _uuid_from_json(obj["id"], f"{path}.id"),
        _str_from_json(obj["name"], f"{path}.name"),
        _str_from_json(obj["avatar"], f"{path}.avatar"),
        _transform_no_scale_from_json(obj["transform"], f"{path}.transform"),
        _bool_from_json(obj["is_guest"], f"{path}.is_guest"),
    )


_ACTIVITY_DATA_KEYS = tuple(f.name for f in fields(ActivityData))


def _activity_data_to_json(m: ActivityData | None) -> Json:
    if m is None:
        return None
    return {
        "position": None if m.position is None else _vec3_to_json(m.position),
        "description": m.description,
        "hash": m.hash,
        "token_symbol": m.token_symbol,
        "token_amount": m.token_amount,
        "bc_tx_hash": m.bc_tx_hash,
        "bc_log_index": m.bc_log_index,
    }


def _activity_data_from_json(value: Json, path: str) -> ActivityData | None:
    if value is None:
        return None
    obj = _object(value, path, _ACTIVITY_DATA_KEYS)
    position = obj["position"]
    return ActivityData(
        None if position is None else _vec3_from_json(position, f"{path}.position"),
        *(_optional_str_from_json(obj[key], f"{path}.{key}") for key in _ACTIVITY_DATA_KEYS[1:]),
    )


def _uuid_list_from_json(value: Json, path: str) -> tuple[UUID, ...]:
    return tuple(_uuid_from_json(item, f"{path}[{i}]") for i, item in enumerate(_list(value, path)))


def _to_json_table() -> dict[type[Message], _ToJson]:
    return {
        HandShake: lambda m: {
            "handshake_version": m.handshake_version,
            "protocol_version": m.protocol_version,
            "token": m.token,
            "user_id": str(m.user_id),
            "session_id": str(m.session_id),
        },
        TeleportRequest: lambda m: {"target": str(m.target)},
        MyTransform: _transform_no_scale_to_json,
        UsersTransformList: lambda m: {"value": [_user_transform_to_json(u) for u in m.value]},
        SetWorld: lambda m: {
            "id": str(m.id),
            "name": m.name,
            "avatar": str(m.avatar),
            "owner": str(m.owner),
            "avatar_3d_asset_id": str(m.avatar_3d_asset_id),
        },
        AddObjects: lambda m: {"objects": [_object_definition_to_json(o) for o in m.objects]},
        RemoveObjects: lambda m: {"objects": [str(i) for i in m.objects]},
        ObjectTransform: lambda m: {
            "id": str(m.id),
            "object_transform": _transform_to_json(m.object_transform),
        },
        ObjectData: lambda m: {
            "id": str(m.id),
            "entries": {
                slot: _optional_any_map_to_json(slots, f"entries.{slot}")
                for slot, slots in m.entries.items()
            },
        },
        AddUsers: lambda m: {"users": [_user_data_to_json(u) for u in m.users]},
        RemoveUsers: lambda m: {"users": [str(i) for i in m.users]},
        LockObject: lambda m: {"id": str(m.id)},
        UnlockObject: lambda m: {"id": str(m.id)},
        LockObjectResponse: lambda m: {
            "id": str(m.id),
            "result": m.result,
            "lock_owner": str(m.lock_owner),
        },
        AttributeValueChanged: lambda m: {
            "plugin_id": str(m.plugin_id),
            "attribute_name": m.attribute_name,
            "change_type": m.change_type,
            "value": _optional_any_map_to_json(m.value, "value"),
            "target_id": str(m.target_id),
        },
        Signal: lambda m: {"value": m.value},
        HighFive: lambda m: {
            "sender_id": str(m.sender_id),
            "receiver_id": str(m.receiver_id),
            "message": m.message,
        },
        Notification: lambda m: {"notify_type": m.notify_type, "value": m.value},
        FlyToMe: lambda m: {
            "pilot": str(m.pilot),
            "pilot_name": m.pilot_name,
            "object_id": str(m.object_id),
        },
        ActivityUpdate: lambda m: {
            "activity_id": str(m.activity_id),
            "change_type": m.change_type,
            "type": m.type,
            "data": _activity_data_to_json(m.data),
            "user_id": str(m.user_id),
            "object_id": str(m.object_id),
        },
        EventStart: lambda m: dict(m.entries),
        UserStakedToOdyssey: lambda m: {
            "transaction_hash": m.transaction_hash,
            "wallet": m.wallet,
            "object_id": str(m.object_id),
            "amount": m.amount,
            "comment": m.comment,
            "kind": m.kind,
        },
        AddPendingStake: lambda m: {
            "transaction_id": str(m.transaction_id),
            "odyssey_id": str(m.odyssey_id),
            "wallet": m.wallet.hex(),
            "amount": str(m.amount),
            "comment": m.comment,
            "kind": m.kind,
        },
        GenericMessage: lambda m: {"topic": m.topic, "data": m.data.hex()},
        TriggerVisualEffects: lambda m: {"effects": [{"name": e.name} for e in m.effects]},
        UserAction: lambda m: {"value": m.value},
        ObjectDefinition: _object_definition_to_json,
        UserData: _user_data_to_json,
        UserTransform: _user_transform_to_json,
    }


_TO_JSON = _to_json_table()


def _hand_shake(v: Json, p: str) -> HandShake:
    o = _object(v, p, ("handshake_version", "protocol_version", "token", "user_id", "session_id"))
    return HandShake(
        _int64_from_json(o["handshake_version"], f"{p}.handshake_version"),
        _int64_from_json(o["protocol_version"], f"{p}.protocol_version"),
        _str_from_json(o["token"], f"{p}.token"),
        _uuid_from_json(o["user_id"], f"{p}.user_id"),
        _uuid_from_json(o["session_id"], f"{p}.session_id"),
    )


def _teleport_request(v: Json, p: str) -> TeleportRequest:
    return TeleportRequest(_uuid_from_json(_object(v, p, ("target",))["target"], f"{p}.target"))


def _my_transform(v: Json, p: str) -> MyTransform:
    t = _transform_no_scale_from_json(v, p)
    return MyTransform(t.position, t.rotation)


def _users_transform_list(v: Json, p: str) -> UsersTransformList:
    items = _list(_object(v, p, ("value",))["value"], f"{p}.value")
    return UsersTransformList(
        tuple(_user_transform_from_json(item, f"{p}.value[{i}]") for i, item in enumerate(items))
    )


def _set_world(v: Json, p: str) -> SetWorld:
    o = _object(v, p, ("id", "name", "avatar", "owner", "avatar_3d_asset_id"))
    return SetWorld(
        _uuid_from_json(o["id"], f"{p}.id"),
        _str_from_json(o["name"], f"{p}.name"),
        _uuid_from_json(o["avatar"], f"{p}.avatar"),
        _uuid_from_json(o["owner"], f"{p}.owner"),
        _uuid_from_json(o["avatar_3d_asset_id"], f"{p}.avatar_3d_asset_id"),
    )


def _add_objects(v: Json, p: str) -> AddObjects:
    items = _list(_object(v, p, ("objects",))["objects"], f"{p}.objects")
    return AddObjects(
        tuple(_object_definition_from_json(o, f"{p}.objects[{i}]") for i, o in enumerate(items))
    )


def _remove_objects(v: Json, p: str) -> RemoveObjects:
    return RemoveObjects(
        _uuid_list_from_json(_object(v, p, ("objects",))["objects"], f"{p}.objects")
    )


def _object_transform(v: Json, p: str) -> ObjectTransform:
    o = _object(v, p, ("id", "object_transform"))
    return ObjectTransform(
        _uuid_from_json(o["id"], f"{p}.id"),
        _transform_from_json(o["object_transform"], f"{p}.object_transform"),
    )


def _object_data(v: Json, p: str) -> ObjectData:
    o = _object(v, p, ("id", "entries"))
    entries = o["entries"]
    if not isinstance(entries, dict):
        raise JsonValueError(f"{p}.entries: expected an object")
    return ObjectData(
        _uuid_from_json(o["id"], f"{p}.id"),
        {
            slot: _optional_any_map_from_json(slots, f"{p}.entries.{slot}")
            for slot, slots in entries.items()
        },
    )


def _add_users(v: Json, p: str) -> AddUsers:
    items = _list(_object(v, p, ("users",))["users"], f"{p}.users")
    return AddUsers(tuple(_user_data_from_json(u, f"{p}.users[{i}]") for i, u in enumerate(items)))


def _remove_users(v: Json, p: str) -> RemoveUsers:
    return RemoveUsers(_uuid_list_from_json(_object(v, p, ("users",))["users"], f"{p}.users"))


def _lock_object(v: Json, p: str) -> LockObject:
    return LockObject(_uuid_from_json(_object(v, p, ("id",))["id"], f"{p}.id"))


def _unlock_object(v: Json, p: str) -> UnlockObject:
    return UnlockObject(_uuid_from_json(_object(v, p, ("id",))["id"], f"{p}.id"))


def _lock_object_response(v: Json, p: str) -> LockObjectResponse:
    o = _object(v, p, ("id", "result", "lock_owner"))
    return LockObjectResponse(
        _uuid_from_json(o["id"], f"{p}.id"),
        _uint32_from_json(o["result"], f"{p}.result"),
        _uuid_from_json(o["lock_owner"], f"{p}.lock_owner"),
    )


def _attribute_value_changed(v: Json, p: str) -> AttributeValueChanged:
    o = _object(v, p, ("plugin_id", "attribute_name", "change_type", "value", "target_id"))
    return AttributeValueChanged(
        _uuid_from_json(o["plugin_id"], f"{p}.plugin_id"),
        _str_from_json(o["attribute_name"], f"{p}.attribute_name"),
        _str_from_json(o["change_type"], f"{p}.change_type"),
        _optional_any_map_from_json(o["value"], f"{p}.value"),
        _uuid_from_json(o["target_id"], f"{p}.target_id"),
    )


def _signal(v: Json, p: str) -> Signal:
    return Signal(_uint32_from_json(_object(v, p, ("value",))["value"], f"{p}.value"))


def _high_five(v: Json, p: str) -> HighFive:
    o = _object(v, p, ("sender_id", "receiver_id", "message"))
    return HighFive(
        _uuid_from_json(o["sender_id"], f"{p}.sender_id"),
        _uuid_from_json(o["receiver_id"], f"{p}.receiver_id"),
        _str_from_json(o["message"], f"{p}.message"),
    )


def _notification(v: Json, p: str) -> Notification:
    o = _object(v, p, ("notify_type", "value"))
    return Notification(
        _uint32_from_json(o["notify_type"], f"{p}.notify_type"),
        _str_from_json(o["value"], f"{p}.value"),
    )


def _fly_to_me(v: Json, p: str) -> FlyToMe:
    o = _object(v, p, ("pilot", "pilot_name", "object_id"))
    return FlyToMe(
        _uuid_from_json(o["pilot"], f"{p}.pilot"),
        _str_from_json(o["pilot_name"], f"{p}.pilot_name"),
        _uuid_from_json(o["object_id"], f"{p}.object_id"),
    )


def _activity_update(v: Json, p: str) -> ActivityUpdate:
    o = _object(v, p, ("activity_id", "change_type", "type", "data", "user_id", "object_id"))
    return ActivityUpdate(
        _uuid_from_json(o["activity_id"], f"{p}.activity_id"),
        _str_from_json(o["change_type"], f"{p}.change_type"),
        _optional_str_from_json(o["type"], f"{p}.type"),
        _activity_data_from_json(o["data"], f"{p}.data"),
        _uuid_from_json(o["user_id"], f"{p}.user_id"),
        _uuid_from_json(o["object_id"], f"{p}.object_id"),
    )


def _event_start(v: Json, p: str) -> EventStart:
    if not isinstance(v, dict):
        raise JsonValueError(f"{p}: expected an object of strings")
    return EventStart({key: _str_from_json(item, f"{p}.{key}") for key, item in v.items()})


def _user_staked_to_odyssey(v: Json, p: str) -> UserStakedToOdyssey:
    o = _object(v, p, ("transaction_hash", "wallet", "object_id", "amount", "comment", "kind"))
    return UserStakedToOdyssey(
        _str_from_json(o["transaction_hash"], f"{p}.transaction_hash"),
        _str_from_json(o["wallet"], f"{p}.wallet"),
        _uuid_from_json(o["object_id"], f"{p}.object_id"),
        _str_from_json(o["amount"], f"{p}.amount"),
        _str_from_json(o["comment"], f"{p}.comment"),
        _int64_from_json(o["kind"], f"{p}.kind"),
    )


def _add_pending_stake(v: Json, p: str) -> AddPendingStake:
    o = _object(v, p, ("transaction_id", "odyssey_id", "wallet", "amount", "comment", "kind"))
    return AddPendingStake(
        _uuid_from_json(o["transaction_id"], f"{p}.transaction_id"),
        _uuid_from_json(o["odyssey_id"], f"{p}.odyssey_id"),
        _eth_from_json(o["wallet"], f"{p}.wallet"),
        _uint256_from_json(o["amount"], f"{p}.amount"),
        _str_from_json(o["comment"], f"{p}.comment"),
        _int64_from_json(o["kind"], f"{p}.kind"),
    )


def _generic_message(v: Json, p: str) -> GenericMessage:
    o = _object(v, p, ("topic", "data"))
    return GenericMessage(
        _str_from_json(o["topic"], f"{p}.topic"), _hex_from_json(o["data"], f"{p}.data")
    )


def _trigger_visual_effects(v: Json, p: str) -> TriggerVisualEffects:
    items = _list(_object(v, p, ("effects",))["effects"], f"{p}.effects")
    return TriggerVisualEffects(
        tuple(
            VisualEffect(
                _str_from_json(
                    _object(e, f"{p}.effects[{i}]", ("name",))["name"], f"{p}.effects[{i}].name"
                )
            )
            for i, e in enumerate(items)
        )
    )


def _user_action(v: Json, p: str) -> UserAction:
    return UserAction(_uint32_from_json(_object(v, p, ("value",))["value"], f"{p}.value"))


_FROM_JSON: dict[MessageType, _FromJson] = {
    MessageType.HAND_SHAKE: _hand_shake,
    MessageType.TELEPORT_REQUEST: _teleport_request,
    MessageType.MY_TRANSFORM: _my_transform,
    MessageType.USERS_TRANSFORM_LIST: _users_transform_list,
    MessageType.SET_WORLD: _set_world,
    MessageType.ADD_OBJECTS: _add_objects,
    MessageType.REMOVE_OBJECTS: _remove_objects,
    MessageType.OBJECT_TRANSFORM: _object_transform,
    MessageType.OBJECT_DATA: _object_data,
    MessageType.ADD_USERS: _add_users,
    MessageType.REMOVE_USERS: _remove_users,
    MessageType.LOCK_OBJECT: _lock_object,
    MessageType.UNLOCK_OBJECT: _unlock_object,
    MessageType.LOCK_OBJECT_RESPONSE: _lock_object_response,
    MessageType.ATTRIBUTE_VALUE_CHANGED: _attribute_value_changed,
    MessageType.SIGNAL: _signal,
    MessageType.HIGH_FIVE: _high_five,
    MessageType.NOTIFICATION: _notification,
    MessageType.FLY_TO_ME: _fly_to_me,
    MessageType.ACTIVITY_UPDATE: _activity_update,
    MessageType.EVENT_START: _event_start,
    MessageType.USER_STAKED_TO_ODYSSEY: _user_staked_to_odyssey,
    MessageType.ADD_PENDING_STAKE: _add_pending_stake,
    MessageType.GENERIC_MESSAGE: _generic_message,
    MessageType.TRIGGER_VISUAL_EFFECTS: _trigger_visual_effects,
    MessageType.USER_ACTION: _user_action,
    MessageType.OBJECT_DEFINITION: _object_definition_from_json,
    MessageType.USER_DATA: _user_data_from_json,
    MessageType.USER_TRANSFORM: _user_transform_from_json,
}

assert set(_FROM_JSON) == set(MESSAGE_CLASSES) and set(_TO_JSON) == set(MESSAGE_CLASSES.values())


def message_to_json(msg: Message) -> dict[str, Any]:
    """The JSON ``value`` of a message (for EventStart: its string map)."""
    to_json = _TO_JSON.get(type(msg))
    if to_json is None:
        raise TypeError(f"not a posbus message: {type(msg).__name__}")
    value: dict[str, Any] = to_json(msg)
    return value


def message_from_json(type_name: str, value: Json) -> Message:
    """Build a message from its snake_case type name and JSON ``value``.

    Raises `JsonValueError` (a ValueError) when the value does not have the documented shape.
    """
    try:
        message_type = MessageType.from_type_name(type_name)
    except ValueError as exc:
        raise JsonValueError(str(exc)) from None
    return _FROM_JSON[message_type](value, type_name)
