"""Spliced transform lists are byte-identical to the codec's; batches respect the frame limit."""

from __future__ import annotations

import json
import struct
import uuid
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from odyssey.controller.frames import (
    add_users_frames,
    encode_in_batches,
    spawn_entry,
    transform_entry,
    transform_list_frame,
    transform_list_frames,
    user_data_entry,
    user_data_prefix,
)
from odyssey.posbus import (
    AddUsers,
    MyTransform,
    TransformNoScale,
    UserData,
    UsersTransformList,
    UserTransform,
    Vec3,
    decode,
    encode,
)

UA = uuid.UUID("11111111-1111-4111-8111-111111111111")
UB = uuid.UUID("22222222-2222-4222-8222-222222222222")
VECTORS = Path(__file__).parents[1] / "data" / "posbus-vectors.json"


def f32(value: float) -> float:
    result: float = struct.unpack("<f", struct.pack("<f", value))[0]
    return result


floats = st.floats(width=32, allow_nan=False, allow_infinity=False)
transforms = st.builds(
    lambda a, b, c, d, e, f: MyTransform(Vec3(a, b, c), Vec3(d, e, f)),
    floats,
    floats,
    floats,
    floats,
    floats,
    floats,
)


def as_list(pairs: list[tuple[uuid.UUID, MyTransform]]) -> UsersTransformList:
    return UsersTransformList(
        tuple(UserTransform(u, TransformNoScale(t.position, t.rotation)) for u, t in pairs)
    )


@settings(max_examples=200)
@given(st.lists(st.tuples(st.uuids(), transforms), max_size=40))
def test_spliced_list_equals_the_codec(pairs: list[tuple[uuid.UUID, MyTransform]]) -> None:
    entries = [transform_entry(u, encode(t), t) for u, t in pairs]
    assert transform_list_frame(entries) == encode(as_list(pairs))


def test_the_spec_vector_v05() -> None:
    pairs = [
        (UA, MyTransform(Vec3(1.0, 2.0, 3.0), Vec3(0.0, 0.0, 0.0))),
        (UB, MyTransform(Vec3(-10.5, 0.0, 42.0), Vec3(0.0, 180.0, 0.0))),
    ]
    expected = bytes.fromhex(
        "b85459280411111111111141118111111111111111bf800240c0800100000022222222222242228222222222"
        "222222c15100c25000c3680047aba6d7"
    )
    assert transform_list_frame([spawn_entry(u, t) for u, t in pairs]) == expected


def test_vectors_file_agrees() -> None:
    """Every users_transform_list vector of the golden file is reproduced by splicing."""
    data = json.loads(VECTORS.read_text())
    items = data if isinstance(data, list) else data.get("vectors", data.get("frames", []))
    checked = 0
    for item in items:
        if not isinstance(item, dict):
            continue
        frame_hex = item.get("hex") or item.get("frame")
        if not isinstance(frame_hex, str):
            continue
        frame = bytes.fromhex(frame_hex)
        if not frame.startswith(bytes.fromhex("b8545928")):
            continue
        message = decode(frame)
        assert isinstance(message, UsersTransformList)
        entries = [
            spawn_entry(e.id, MyTransform(e.transform.position, e.transform.rotation))
            for e in message.value
        ]
        assert transform_list_frame(entries) == frame
        checked += 1
    assert checked >= 1


def test_non_minimal_varints_from_a_client_are_normalised() -> None:
    message = MyTransform(Vec3(0.0, 2.0, 0.0), Vec3(0.0, 0.0, 0.0))
    canonical = encode(message)
    # 2.0 is the one-byte varint 0x40; 0xc0 0x00 is the same value with a redundant group.
    sloppy = canonical[:5] + b"\xc0\x00" + canonical[6:]
    assert decode(sloppy) == message
    entry = transform_entry(UA, sloppy, message)
    assert entry == UA.bytes + canonical[4:-4]


def test_big_lists_are_cut_under_the_limit_in_order() -> None:
    pairs = [
        (
            uuid.uuid4(),
            MyTransform(Vec3(f32(i + 0.1), f32(-i - 0.3), f32(i * 1.7)), Vec3(0.1, 0.2, 0.3)),
        )
        for i in range(2000)
    ]
    entries = [spawn_entry(u, t) for u, t in pairs]
    frames = transform_list_frames(entries, 32768)
    assert len(frames) >= 2
    assert all(len(frame) <= 32768 for frame in frames)
    seen = [e.id for frame in frames for e in decode(frame).value]  # type: ignore[attr-defined]
    assert seen == [u for u, _ in pairs]
    assert transform_list_frames([], 32768) == []


def test_batches_of_users_respect_count_and_size() -> None:
    users = [
        UserData(
            uuid.uuid4(),
            f"Visitor_{i:07d}",
            "",
            TransformNoScale(Vec3(0, 0, 0), Vec3(0, 0, 0)),
            True,
        )
        for i in range(250)
    ]
    frames = encode_in_batches(users, AddUsers, 32768, max_items=100)
    assert [len(decode(f).users) for f in frames] == [100, 100, 50]  # type: ignore[attr-defined]
    small = encode_in_batches(users, AddUsers, 1000)
    assert all(len(f) <= 1000 for f in small)
    assert [u for f in small for u in decode(f, max_frame_size=1000).users] == users  # type: ignore[attr-defined]
    huge = UserData(uuid.uuid4(), "x" * 2000, "", users[0].transform, False)
    alone = encode_in_batches([users[0], huge, users[1]], AddUsers, 1000)
    assert [len(decode(f, max_frame_size=4000).users) for f in alone] == [1, 1, 1]  # type: ignore[attr-defined]


names = st.text(max_size=40)


@settings(max_examples=100)
@given(st.lists(st.tuples(st.uuids(), names, names, transforms, st.booleans()), max_size=30))
def test_spliced_add_users_equals_the_codec(
    users: list[tuple[uuid.UUID, str, str, MyTransform, bool]],
) -> None:
    entries = [
        user_data_entry(user_data_prefix(u, name, avatar), spawn_entry(u, t), guest)
        for u, name, avatar, t, guest in users
    ]
    expected = AddUsers(
        tuple(
            UserData(u, name, avatar, TransformNoScale(t.position, t.rotation), guest)
            for u, name, avatar, t, guest in users
        )
    )
    frames = add_users_frames(entries, 1 << 20)
    assert frames == ([encode(expected)] if users else [])
    batched = add_users_frames(entries, 1 << 20, max_items=7)
    assert [u for f in batched for u in decode(f, max_frame_size=1 << 20).users] == list(  # type: ignore[attr-defined]
        expected.users
    )
