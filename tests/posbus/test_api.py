"""Public API behaviour: framing limits, type table, encode/JSON errors, purity."""

from __future__ import annotations

import ast
import math
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

import odyssey.posbus as pb
from tests.posbus.json_value import JsonValueError, message_from_json, message_to_json

UA = UUID("11111111-1111-4111-8111-111111111111")
SIGNAL_9 = bytes.fromhex("4d96c1ad09b2693e52")
ZERO = pb.Vec3(0, 0, 0)
ZERO_JSON = {"x": 0, "y": 0, "z": 0}
STAKE_JSON = {
    "transaction_id": str(UA),
    "odyssey_id": str(UA),
    "wallet": "00" * 20,
    "amount": "1",
    "comment": "",
    "kind": 0,
}
ATTRIBUTE_JSON = {
    "plugin_id": str(UA),
    "attribute_name": "a",
    "change_type": "c",
    "value": {},
    "target_id": str(UA),
}
HAND_SHAKE_JSON = {
    "handshake_version": 1,
    "protocol_version": 1,
    "token": "",
    "user_id": str(UA),
    "session_id": str(UA),
}


def test_type_table_matches_spec() -> None:
    assert len(pb.MessageType) == 29
    assert int(pb.MessageType.HAND_SHAKE) == 0x7C41941A
    assert pb.MessageType.USER_TRANSFORM.type_name == "user_transform"
    assert (
        pb.MessageType.from_type_name("users_transform_list") is pb.MessageType.USERS_TRANSFORM_LIST
    )
    nested = {t for t in pb.MessageType if t.is_nested_only}
    assert {t.type_name for t in nested} == {"object_definition", "user_data", "user_transform"}
    for message_type, cls in pb.MESSAGE_CLASSES.items():
        assert cls.TYPE is message_type
    with pytest.raises(ValueError):
        pb.MessageType.from_type_name("nope")


def test_decode_accepts_bytes_like() -> None:
    assert pb.decode(bytearray(SIGNAL_9)) == pb.Signal(9)
    assert pb.decode(memoryview(SIGNAL_9)) == pb.Signal(9)


def test_max_frame_size() -> None:
    assert pb.decode(SIGNAL_9, max_frame_size=9) == pb.Signal(9)
    with pytest.raises(pb.FrameTooLarge):
        pb.decode(SIGNAL_9, max_frame_size=8)
    big = pb.encode(pb.Notification(500, "x" * 70_000))
    with pytest.raises(pb.FrameTooLarge):
        pb.decode(big)
    assert pb.decode(big, max_frame_size=len(big)) == pb.Notification(500, "x" * 70_000)


def test_nested_only_types_frame_like_the_reference() -> None:
    """The reference registers these 3 ids, so it encodes and decodes such frames; so do we."""
    item = pb.UserTransform(UA, pb.TransformNoScale(pb.Vec3(1, 2, 3), pb.Vec3(0, 0, 0)))
    frame = pb.encode(item)
    assert frame[:4] == bytes.fromhex("bb7ec93b")
    assert frame[-4:] == bytes.fromhex("448136c4")
    assert pb.decode(frame) == item


def test_huge_count_fails_before_allocating() -> None:
    # users_transform_list claiming 2**62 items in a 9-byte payload.
    frame = (
        bytes.fromhex("b8545928")
        + bytes.fromhex("80808080808080808001")
        + bytes.fromhex("47aba6d7")
    )
    with pytest.raises(pb.OversizedLength):
        pb.decode(frame)


def test_lists_are_frozen_to_tuples() -> None:
    msg = pb.RemoveUsers([UA])  # type: ignore[arg-type]
    assert msg.users == (UA,)
    assert pb.decode(pb.encode(msg)) == msg


@pytest.mark.parametrize(
    "msg",
    [
        pb.Signal(-1),
        pb.Signal(1 << 32),
        pb.HandShake(1 << 63, 1, "t", UA, UA),
        pb.MyTransform(pb.Vec3(1e39, 0, 0), pb.Vec3(0, 0, 0)),
        pb.TeleportRequest("not a uuid"),  # type: ignore[arg-type]
        pb.HighFive(UA, UA, "\ud800"),
        pb.AddPendingStake(UA, UA, bytes(19), 0, "", 0),
        pb.AddPendingStake(UA, UA, bytes(20), -1, "", 0),
        pb.AttributeValueChanged(UA, "a", "b", {"x": {1, 2}}, UA),  # type: ignore[dict-item]
        pb.ObjectDefinition(
            UA, UA, UA, 200, "n", pb.Transform(*[pb.Vec3(0, 0, 0)] * 3), True, False, True
        ),
    ],
)
def test_unencodable_values_raise_encode_error(msg: pb.Message) -> None:
    with pytest.raises(pb.EncodeError):
        pb.encode(msg)


def test_encode_rejects_non_messages() -> None:
    with pytest.raises(TypeError):
        pb.encode(pb.Vec3(0, 0, 0))  # type: ignore[arg-type]


def test_float32_json_spelling() -> None:
    msg = pb.MyTransform(pb.Vec3(0.1, -0.0, 3.4e38), pb.Vec3(math.inf, -math.inf, math.nan))
    decoded = pb.decode(pb.encode(msg))
    value: dict[str, Any] = message_to_json(decoded)
    assert value["position"] == {"x": 0.1, "y": -0.0, "z": 3.4e38}
    assert math.copysign(1.0, value["position"]["y"]) == -1.0
    assert value["rotation"] == {"x": "Infinity", "y": "-Infinity", "z": "NaN"}
    # Any double that rounds to the same float32 is accepted, e.g. JavaScript's spelling.
    again = message_from_json(
        "my_transform",
        {
            "position": {"x": 0.10000000149011612, "y": 0, "z": 3.4e38},
            "rotation": value["position"],
        },
    )
    assert isinstance(again, pb.MyTransform) and isinstance(decoded, pb.MyTransform)
    assert again.position.x == decoded.position.x


def test_gotiny_json_numbers() -> None:
    value = {"i": 2, "f": 2.0, "n": None, "b": True, "l": [1, 1.5], "m": {"s": "x"}}
    msg = message_from_json(
        "attribute_value_changed",
        {
            "plugin_id": str(UA),
            "attribute_name": "a",
            "change_type": "attribute_changed",
            "value": value,
            "target_id": str(UA),
        },
    )
    assert isinstance(msg, pb.AttributeValueChanged)
    frame = pb.encode(msg)
    assert b"\x03int" in frame and b"\x07float64" in frame
    decoded = pb.decode(frame)
    assert isinstance(decoded, pb.AttributeValueChanged)
    assert decoded.value == value
    assert isinstance(decoded.value["f"], float) and isinstance(decoded.value["i"], int)
    non_finite = pb.AttributeValueChanged(UA, "a", "b", {"x": math.inf}, UA)
    with pytest.raises(JsonValueError):
        message_to_json(pb.decode(pb.encode(non_finite)))


def test_bytes_eth_and_uint256_json() -> None:
    stake = pb.AddPendingStake(UA, UA, bytes(range(20)), (1 << 256) - 1, "", -1)
    value = message_to_json(stake)
    assert value["wallet"] == bytes(range(20)).hex()
    assert value["amount"] == str((1 << 256) - 1)
    assert message_from_json("add_pending_stake", value) == stake
    assert message_to_json(pb.GenericMessage("t", b"\x00\xff")) == {"topic": "t", "data": "00ff"}


@pytest.mark.parametrize(
    ("type_name", "value"),
    [
        ("nope", {}),
        ("signal", {"value": -1}),
        ("signal", {"value": True}),
        ("signal", {"value": 1.0}),
        ("signal", {"value": 1, "extra": 2}),
        ("signal", {}),
        ("teleport_request", {"target": "AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA"}),
        ("teleport_request", {"target": "aaaaaaaaaaaa4aaa8aaaaaaaaaaaaaaa"}),
        ("my_transform", {"position": {"x": 1, "y": 2}, "rotation": {"x": 0, "y": 0, "z": 0}}),
        (
            "my_transform",
            {"position": {"x": 1e39, "y": 0, "z": 0}, "rotation": {"x": 0, "y": 0, "z": 0}},
        ),
        (
            "my_transform",
            {"position": {"x": "1", "y": 0, "z": 0}, "rotation": {"x": 0, "y": 0, "z": 0}},
        ),
        ("generic_message", {"topic": "t", "data": "ABCD"}),
        ("generic_message", {"topic": "t", "data": "abc"}),
        ("event_start", {"a": 1}),
        ("event_start", []),
        ("remove_users", {"users": "x"}),
        ("add_pending_stake", {**STAKE_JSON, "wallet": "0x" + "00" * 20}),
        ("add_pending_stake", {**STAKE_JSON, "amount": "01"}),
        ("add_pending_stake", {**STAKE_JSON, "amount": str(1 << 256)}),
        ("attribute_value_changed", {**ATTRIBUTE_JSON, "value": {"x": 1 << 63}}),
        ("attribute_value_changed", {**ATTRIBUTE_JSON, "value": [1]}),
        ("hand_shake", {**HAND_SHAKE_JSON, "handshake_version": 1 << 63}),
    ],
)
def test_malformed_json_values_are_rejected(type_name: str, value: Any) -> None:
    with pytest.raises(JsonValueError):
        message_from_json(type_name, value)


def test_package_is_pure() -> None:
    """No I/O modules anywhere in the codec package."""
    forbidden = {
        "asyncio",
        "socket",
        "io",
        "os",
        "pathlib",
        "select",
        "selectors",
        "ssl",
        "subprocess",
    }
    package_dir = Path(pb.__file__).parent
    for source in package_dir.glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{source.name} imports {name}"
        assert "open(" not in source.read_text(encoding="utf-8"), source.name
