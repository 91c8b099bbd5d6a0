"""`decode`'s fast path for ``my_transform`` agrees with the general path, bit for bit.

The general path (`codec._decode_frame`) is the reference: for every frame, `decode` must give
the same floats (compared as IEEE bits, so -0.0 and NaN payloads count) or raise the same error
class with the same text.
"""

from __future__ import annotations

import random
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import odyssey.posbus as pb
from odyssey.posbus import codec

HEADER = int(pb.MessageType.MY_TRANSFORM).to_bytes(4, "little")
FOOTER = (int(pb.MessageType.MY_TRANSFORM) ^ 0xFFFFFFFF).to_bytes(4, "little")
_F64 = struct.Struct(">d")

# Wire values (the byte-reversed IEEE bits) of the awkward floats.
EDGE_BITS = [
    0x00000000,  # +0
    0x80000000,  # -0
    0x7F800000,  # +inf
    0xFF800000,  # -inf
    0x7FC00000,  # quiet NaN
    0x7FC00001,  # quiet NaN with a payload
    0xFFFFFFFF,  # NaN, all bits set
    0x7F800001,  # signalling NaN
    0x00000001,  # smallest subnormal
    0x7F7FFFFF,  # largest finite
    0x3F800000,  # 1.0
]


def varint(value: int, length: int | None = None) -> bytes:
    """LEB128 of ``value``, padded with continuation bytes to ``length`` (non-minimal form)."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value or (length is not None and len(out) + 1 < length):
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def wire(bits: int) -> int:
    return int.from_bytes(bits.to_bytes(4, "big"), "little")


def frame_of(varints: list[bytes]) -> bytes:
    return HEADER + b"".join(varints) + FOOTER


def outcome(decoder: object, frame: bytes) -> tuple[str, object]:
    try:
        msg = decoder(frame)  # type: ignore[operator]
    except pb.DecodeError as error:
        return (type(error).__name__, str(error))
    assert isinstance(msg, pb.MyTransform)
    values = (*vars_of(msg.position), *vars_of(msg.rotation))
    return ("ok", tuple(_F64.pack(value) for value in values))


def vars_of(vec: pb.Vec3) -> tuple[float, float, float]:
    return (vec.x, vec.y, vec.z)


def assert_agree(frame: bytes) -> tuple[str, object]:
    fast = outcome(pb.decode, frame)
    general = outcome(lambda f: codec._decode_frame(f, codec.DEFAULT_MAX_FRAME_SIZE), frame)
    assert fast == general
    return fast


def test_edge_floats_take_the_fast_path_and_agree() -> None:
    for first in range(len(EDGE_BITS)):
        bits = [EDGE_BITS[(first + k) % len(EDGE_BITS)] for k in range(6)]
        frame = frame_of([varint(wire(b)) for b in bits])
        assert codec._decode_my_transform(frame) is not None
        assert assert_agree(frame)[0] == "ok"


def test_the_decoded_message_equals_the_general_paths() -> None:
    msg = pb.MyTransform(pb.Vec3(1.5, -2.25, 0.0), pb.Vec3(-0.0, 3.0, 0.125))
    frame = pb.encode(msg)
    assert pb.decode(frame) == codec._decode_frame(frame, codec.DEFAULT_MAX_FRAME_SIZE) == msg
    assert type(pb.decode(frame)) is pb.MyTransform
    assert pb.decode(bytearray(frame)) == pb.decode(memoryview(frame)) == msg


@settings(max_examples=300, deadline=None)
@given(
    bits=st.lists(st.integers(0, 0xFFFFFFFF), min_size=6, max_size=6),
    lengths=st.lists(st.integers(1, 5), min_size=6, max_size=6),
)
def test_random_transforms_agree(bits: list[int], lengths: list[int]) -> None:
    # Every value, minimal or padded to a longer (still valid) form where it fits in 5 bytes.
    varints = [varint(wire(b), length) for b, length in zip(bits, lengths, strict=True)]
    frame = frame_of(varints)
    if all(len(v) <= 5 for v in varints):
        assert codec._decode_my_transform(frame) is not None
    assert_agree(frame)


def test_all_five_byte_varints() -> None:
    frame = frame_of([varint(0, 5)] * 5 + [varint(wire(0xFFFFFFFF), 5)])
    assert len(frame) == codec._MY_TRANSFORM_MAX_FRAME
    assert assert_agree(frame)[0] == "ok"


MALFORMED = {
    "truncated inside a varint": frame_of([b"\x80"] * 1 + [b"\x00"] * 4),
    "five floats": frame_of([b"\x01"] * 5),
    "one byte too many": frame_of([b"\x01"] * 6 + [b"\x00"]),
    "fifth byte over 0x0f": frame_of([b"\x80\x80\x80\x80\x10"] + [b"\x00"] * 5),
    "six continuation bytes": frame_of([b"\x80" * 5 + b"\x00"] + [b"\x00"] * 5),
    "empty payload": frame_of([]),
    "wrong footer": HEADER + b"\x00" * 6 + b"\x00\x00\x00\x00",
    "header only": HEADER,
    "too short": HEADER[:3],
}


@pytest.mark.parametrize("frame", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_frames_fall_back_and_raise_as_before(frame: bytes) -> None:
    assert codec._decode_my_transform(frame) is None
    kind, _ = assert_agree(frame)
    assert kind != "ok"


def test_the_frame_size_limit_still_applies() -> None:
    frame = frame_of([b"\x01"] * 6)
    with pytest.raises(pb.FrameTooLarge):
        pb.decode(frame, max_frame_size=len(frame) - 1)
    assert isinstance(pb.decode(frame, max_frame_size=len(frame)), pb.MyTransform)


def test_random_corruptions_agree() -> None:
    rng = random.Random(1313)
    for _ in range(2000):
        bits = [rng.getrandbits(32) for _ in range(6)]
        frame = bytearray(frame_of([varint(wire(b)) for b in bits]))
        action = rng.randrange(3)
        if action == 0:  # flip a payload byte
            frame[rng.randrange(4, len(frame) - 4)] = rng.randrange(256)
        elif action == 1:  # drop a payload byte
            del frame[rng.randrange(4, len(frame) - 4)]
        else:  # insert one
            frame.insert(rng.randrange(4, len(frame) - 4), rng.randrange(256))
        assert_agree(bytes(frame))
