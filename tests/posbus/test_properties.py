"""Property tests: every message type survives encode/decode and the JSON value format."""

from __future__ import annotations

import json
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import odyssey.posbus as pb
from odyssey.posbus import _fast, _mus, codec
from tests.posbus.json_value import message_from_json, message_to_json
from tests.posbus.posbus_strategies import MESSAGE_STRATEGIES, float32s

ALL_TYPES = list(pb.MessageType)


def test_every_type_has_a_strategy() -> None:
    assert set(MESSAGE_STRATEGIES) == set(pb.MessageType)
    assert len(pb.MessageType) == 29


@pytest.mark.parametrize("message_type", ALL_TYPES, ids=[t.type_name for t in ALL_TYPES])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_decode_inverts_encode(message_type: pb.MessageType, data: st.DataObject) -> None:
    msg = data.draw(MESSAGE_STRATEGIES[message_type])
    frame = pb.encode(msg)
    assert frame[:4] == int(message_type).to_bytes(4, "little")
    assert frame[-4:] == (int(message_type) ^ 0xFFFFFFFF).to_bytes(4, "little")
    decoded = pb.decode(frame, max_frame_size=len(frame))
    assert decoded == msg
    assert pb.encode(decoded) == frame


@pytest.mark.parametrize("message_type", ALL_TYPES, ids=[t.type_name for t in ALL_TYPES])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_json_value_round_trip(message_type: pb.MessageType, data: st.DataObject) -> None:
    msg = data.draw(MESSAGE_STRATEGIES[message_type])
    text = json.dumps(message_to_json(msg), allow_nan=False)
    assert message_from_json(message_type.type_name, json.loads(text)) == msg


def _varints_one_by_one(values: list[float]) -> bytes:
    out = bytearray()
    for value in values:
        _mus.put_float32(out, value)
    return bytes(out)


special_float32s = st.sampled_from([0.0, -0.0, 1.0, 2.0, 128.0, float("inf"), 1e-45, -1e-45])


@settings(max_examples=200, deadline=None)
@given(
    group=st.sampled_from([1, 3, 6, 9]),
    rows=st.lists(st.lists(float32s | special_float32s, min_size=9, max_size=9), max_size=40),
)
def test_bulk_float_varints_match_one_by_one(group: int, rows: list[list[float]]) -> None:
    """The big-integer encoder (used from 48 floats up) is byte-identical to the simple one."""
    values = [value for row in rows for value in row[:group]]
    groups = _fast.float32_varint_groups(values, group)
    assert groups == [
        _varints_one_by_one(values[i : i + group]) for i in range(0, len(values), group)
    ]
    stream = b"".join(groups)
    varints = _fast_split(stream)
    decoded = _fast.float32_from_varints(varints)
    assert [struct.pack("<f", v) for v in decoded] == [struct.pack("<f", v) for v in values]


def _fast_split(stream: bytes) -> list[bytes]:
    import re

    return re.findall(_fast.FLOAT32_VARINT_PATTERN, stream)


@settings(max_examples=50, deadline=None)
@given(msg=MESSAGE_STRATEGIES[pb.MessageType.USERS_TRANSFORM_LIST])
def test_users_transform_list_fast_and_slow_paths_agree(msg: pb.UsersTransformList) -> None:
    frame = pb.encode(msg)
    slow = bytearray()
    _mus.put_length(slow, len(msg.value))
    for item in msg.value:
        codec._put_user_transform(slow, item)
    assert frame[4:-4] == bytes(slow)
    reader = _mus.Reader(frame, 4, len(frame) - 4)
    count = reader.read_length(1, "count")
    assert tuple(codec._read_user_transform(reader) for _ in range(count)) == msg.value


@settings(max_examples=50, deadline=None)
@given(msg=MESSAGE_STRATEGIES[pb.MessageType.ADD_OBJECTS])
def test_add_objects_fast_and_slow_paths_agree(msg: pb.AddObjects) -> None:
    frame = pb.encode(msg)
    slow = bytearray()
    _mus.put_length(slow, len(msg.objects))
    for item in msg.objects:
        codec._put_object_definition(slow, item)
    assert frame[4:-4] == bytes(slow)
    reader = _mus.Reader(frame, 4, len(frame) - 4)
    count = reader.read_length(1, "count")
    assert tuple(codec._read_object_definition(reader) for _ in range(count)) == msg.objects
