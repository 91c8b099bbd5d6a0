"""MUS and gotiny primitives against the worked examples of posbus.md §2.2 and §2.3."""

from __future__ import annotations

import math
import struct
from typing import Any

import pytest

from odyssey.posbus import _gotiny, _mus
from odyssey.posbus.errors import (
    DecodeError,
    EncodeError,
    InvalidBool,
    InvalidPointerFlag,
    InvalidUtf8,
    NegativeLength,
    NestingTooDeep,
    OversizedLength,
    Truncated,
    UnknownGotinyType,
    VarintOverflow,
)


def _hex(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


def _reader(data: bytes) -> _mus.Reader:
    return _mus.Reader(data)


def _write(function: Any, *args: Any) -> bytes:
    out = bytearray()
    function(out, *args)
    return bytes(out)


# --- MUS, posbus.md §2.2 ---------------------------------------------------------------------

INT_EXAMPLES = [
    (0, "00"),
    (1, "02"),
    (-1, "01"),
    (64, "80 01"),
    (300, "d8 04"),
    (-300, "d7 04"),
    (8191, "fe 7f"),
    (8192, "80 80 01"),
    ((1 << 63) - 1, "fe ff ff ff ff ff ff ff ff 01"),
    (-(1 << 63), "ff ff ff ff ff ff ff ff ff 01"),
]


@pytest.mark.parametrize(("value", "wire"), INT_EXAMPLES)
def test_int_zigzag_varint(value: int, wire: str) -> None:
    assert _write(_mus.put_int, value) == _hex(wire)
    reader = _reader(_hex(wire))
    assert reader.read_int() == value
    assert reader.remaining == 0


@pytest.mark.parametrize(("value", "wire"), [(1, "01"), (9, "09"), (500, "f4 03"), (1000, "e8 07")])
def test_uint32_varint(value: int, wire: str) -> None:
    assert _write(_mus.put_uint32, value) == _hex(wire)
    assert _reader(_hex(wire)).read_uint32() == value


def test_uint32_limits() -> None:
    assert _reader(_hex("ff ff ff ff 0f")).read_uint32() == 0xFFFFFFFF
    with pytest.raises(VarintOverflow):
        _reader(_hex("ff ff ff ff 10")).read_uint32()
    with pytest.raises(VarintOverflow):
        _reader(_hex("80 80 80 80 80 01")).read_uint32()
    with pytest.raises(EncodeError):
        _write(_mus.put_uint32, 1 << 32)
    with pytest.raises(EncodeError):
        _write(_mus.put_uint32, -1)


def test_int_limits() -> None:
    with pytest.raises(VarintOverflow):
        _reader(_hex("ff ff ff ff ff ff ff ff ff 02")).read_int()
    with pytest.raises(VarintOverflow):
        _reader(_hex("80" * 10 + "01")).read_int()
    with pytest.raises(EncodeError):
        _write(_mus.put_int, 1 << 63)


def test_non_minimal_varint_is_accepted() -> None:
    """Like the reference: any LEB128 form within the length limit decodes."""
    assert _reader(_hex("80 00")).read_uint32() == 0
    assert _reader(_hex("81 80 80 00")).read_int() == -1


def test_truncated_varint() -> None:
    with pytest.raises(Truncated):
        _reader(_hex("80")).read_uint32()
    with pytest.raises(Truncated):
        _reader(b"").read_int()


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        ("abc", "06 61 62 63"),
        ("", "00"),
        ("x" * 100, "c8 01" + "78" * 100),
    ],
)
def test_string(value: str, wire: str) -> None:
    assert _write(_mus.put_string, value) == _hex(wire)
    assert _reader(_hex(wire)).read_string() == value


def test_string_errors() -> None:
    with pytest.raises(NegativeLength):
        _reader(_hex("01")).read_string()
    with pytest.raises(OversizedLength):
        _reader(_hex("08 61 62 63")).read_string()  # length 4, 3 bytes left
    with pytest.raises(OversizedLength):
        # A huge length fails before anything is allocated.
        _reader(_hex("fe ff ff ff ff ff ff ff ff 01")).read_string()
    with pytest.raises(InvalidUtf8):
        _reader(_hex("04 c3 28")).read_string()
    with pytest.raises(EncodeError):
        _write(_mus.put_string, "\ud800")


def test_bool_and_pointer_flag() -> None:
    assert _write(_mus.put_bool, True) == b"\x01"
    assert _write(_mus.put_bool, False) == b"\x00"
    assert _reader(b"\x01").read_bool() is True
    assert _reader(b"\x00").read_bool() is False
    with pytest.raises(InvalidBool):
        _reader(b"\x02").read_bool()
    with pytest.raises(InvalidPointerFlag):
        _reader(b"\xff").read_pointer_flag()
    with pytest.raises(Truncated):
        _reader(b"").read_bool()


def test_int8() -> None:
    assert _write(_mus.put_int8, 1) == b"\x01"
    assert _write(_mus.put_int8, -1) == b"\xff"
    assert _reader(b"\x80").read_int8() == -128
    with pytest.raises(EncodeError):
        _write(_mus.put_int8, 128)


FLOAT32_EXAMPLES = [
    (0.0, "00"),
    (-0.0, "80 01"),
    (1.0, "bf 80 02"),
    (2.0, "40"),
    (0.5, "3f"),
    (2.5, "c0 40"),
    (-3.0, "c0 81 01"),
    (90.0, "c2 e8 02"),
    (180.0, "c3 68"),
    (45.0, "c2 68"),
    (10.0, "c1 40"),
    (-10.5, "c1 51"),
    (42.0, "c2 50"),
    (-170.0, "c3 55"),
    (50.0, "c2 90 01"),
    (340.0, "c3 d4 02"),
    (0.1, "bd 98 b3 ee 0c"),
    (3.1415927, "c0 92 bd d8 0d"),
    (-1.5707964, "bf 93 bf d8 0d"),
    (1e-10, "ae b6 9b ff 0f"),
    (3.4e38, "ff fe a5 f6 09"),
    (math.inf, "ff 80 02"),
]


@pytest.mark.parametrize(("value", "wire"), FLOAT32_EXAMPLES)
def test_float32(value: float, wire: str) -> None:
    assert _write(_mus.put_float32, value) == _hex(wire)
    assert _write(_mus.put_float32s, (value, value)) == _hex(wire) * 2
    decoded = _reader(_hex(wire)).read_float32()
    assert struct.pack("<f", decoded) == struct.pack("<f", value)
    assert _reader(_hex(wire) * 3).read_float32s(3) == (decoded,) * 3


def test_float32_errors() -> None:
    with pytest.raises(EncodeError):
        _write(_mus.put_float32, 1e39)
    with pytest.raises(EncodeError):
        _write(_mus.put_float32s, (0.0, 1e39, 0.0))
    with pytest.raises(VarintOverflow):
        _reader(_hex("ff ff ff ff 10")).read_float32s(1)
    with pytest.raises(Truncated):
        _reader(_hex("00 80")).read_float32s(2)


@pytest.mark.parametrize(("value", "wire"), [(1.0, "bf e0 03"), (0.5, "bf c0 03")])
def test_float64(value: float, wire: str) -> None:
    assert _write(_mus.put_float64, value) == _hex(wire)
    assert _reader(_hex(wire)).read_float64() == value


def test_uuid_is_raw_rfc4122_order() -> None:
    from uuid import UUID

    ua = UUID("11111111-1111-4111-8111-111111111111")
    wire = _hex("11 11 11 11 11 11 41 11 81 11 11 11 11 11 11 11")
    assert _write(_mus.put_uuid, ua) == wire
    assert _reader(wire).read_uuid() == ua
    assert _reader(bytes(16)).read_uuid() == UUID(int=0)
    with pytest.raises(Truncated):
        _reader(bytes(15)).read_uuid()


def test_length_checks_count_against_remaining_bytes() -> None:
    assert _reader(_hex("04") + bytes(32)).read_length(16, "ids") == 2
    with pytest.raises(OversizedLength):
        _reader(_hex("04") + bytes(31)).read_length(16, "ids")
    with pytest.raises(NegativeLength):
        _reader(_hex("03")).read_length(1, "ids")


# --- gotiny, posbus.md §2.3 ------------------------------------------------------------------

GOTINY_EXAMPLES: list[tuple[dict[str, Any], str]] = [
    ({}, "01 00"),
    ({"foo": "bar"}, "03 01 03 666f6f 06 737472696e67 03 626172"),
    ({"a": True}, "07 01 01 61 04 626f6f6c"),
    ({"a": False}, "03 01 01 61 04 626f6f6c"),
    ({"z": None}, "01 01 01 7a"),
    ({"n": 63}, "03 01 01 6e 03 696e74 7e"),
    ({"n": -64}, "03 01 01 6e 03 696e74 ff 00"),
    ({"v": 0.5}, "03 01 01 76 07 666c6f61743634 bf c0 03"),
    (
        {"m": {"x": "y"}},
        "0f 01 01 6d 17" + b"map[string]interface {}".hex() + "01 01 78 06 737472696e67 01 79",
    ),
    (
        {"l": ["a", 1.5, True]},
        "7f 01 01 6c 0e"
        + b"[]interface {}".hex()
        + "03 06 737472696e67 01 61 07 666c6f61743634 bf f0 03 04 626f6f6c",
    ),
    (
        {"a": True, "b": False, "c": True, "d": True},
        "ef 04 01 61 04 626f6f6c 01 62 04 626f6f6c 01 63 04 626f6f6c 01 64 04 626f6f6c 01",
    ),
]


@pytest.mark.parametrize(("value", "wire"), GOTINY_EXAMPLES)
def test_gotiny_string_any_map(value: dict[str, Any], wire: str) -> None:
    assert _write(_gotiny.put_string_any_map, value) == _hex(wire)
    reader = _reader(_hex(wire))
    decoded = _gotiny.read_string_any_map(reader)
    assert decoded == value
    assert reader.remaining == 0


def test_gotiny_canonical_varint_is_accepted() -> None:
    """V-E2: -64 as the canonical 1-byte varint 7f decodes to the same value."""
    assert _gotiny.read_string_any_map(_reader(_hex("03 01 01 6e 03 696e74 7f"))) == {"n": -64}


def test_gotiny_nil_map_and_pointer_types() -> None:
    assert _write(_gotiny.put_string_any_map, None) == b"\x00"
    assert _gotiny.read_string_any_map(_reader(b"\x00")) is None
    # {"p": *string "hi", "q": *int nil} written by hand: bits map, iface p, ptr p, iface q, ptr q.
    # gotiny lengths are plain (not zigzag) varints.
    blob = _hex("0f 02 01 70 07") + b"*string" + _hex("02 6869 01 71 04") + b"*int"
    assert _gotiny.read_string_any_map(_reader(blob)) == {"p": "hi", "q": None}


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (0, "00"),
        (126, "7e"),
        (127, "ff 00"),
        (128, "80 01"),
        (16382, "fe 7f"),
        (16383, "ff ff 00"),
        ((1 << 21) - 1, "ff ff ff 00"),
        ((1 << 32) - 1, "ff ff ff ff 0f"),
    ],
)
def test_gotiny_u32_threshold_quirk(value: int, wire: str) -> None:
    assert _write(_gotiny.put_u32, value) == _hex(wire)
    assert _gotiny.read_u32(_reader(_hex(wire)), "u32") == value


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (127, "ff 00"),
        ((1 << 56) - 2, "fe ff ff ff ff ff ff 7f"),
        ((1 << 56) - 1, "ff ff ff ff ff ff ff ff 00"),
        ((1 << 63) + 1, "81 80 80 80 80 80 80 80 80"),
        ((1 << 64) - 1, "ff ff ff ff ff ff ff ff ff"),
    ],
)
def test_gotiny_u64_nine_byte_cap(value: int, wire: str) -> None:
    assert _write(_gotiny.put_u64, value) == _hex(wire)
    assert _gotiny.read_u64(_reader(_hex(wire)), "u64") == value


def test_eth_address_and_uint256() -> None:
    address = bytes(range(1, 21))
    assert _write(_gotiny.put_eth_address, address) == address
    assert _gotiny.read_eth_address(_reader(address)) == address
    assert _write(_gotiny.put_uint256, 126) == _hex("7e 00 00 00")
    assert _write(_gotiny.put_uint256, 10**18) == _hex("80 80 90 bb ba d6 ad f0 0d 00 00 00")
    assert _gotiny.read_uint256(_reader(_hex("80 80 90 bb ba d6 ad f0 0d 00 00 00"))) == 10**18
    top = (1 << 256) - 1
    assert _gotiny.read_uint256(_reader(_write(_gotiny.put_uint256, top))) == top
    with pytest.raises(EncodeError):
        _write(_gotiny.put_uint256, 1 << 256)
    with pytest.raises(EncodeError):
        _write(_gotiny.put_eth_address, bytes(19))


def _nested_map_blob(depth: int) -> bytes:
    """{"k": {"k": ... {}}} with ``depth`` maps, written by the encoder itself."""
    value: dict[str, Any] = {}
    for _ in range(depth - 1):
        value = {"k": value}
    return _write(_gotiny.put_string_any_map, value)


def test_gotiny_nesting_is_bounded() -> None:
    ok = _nested_map_blob(_gotiny.MAX_NESTING)
    assert _gotiny.read_string_any_map(_reader(ok)) is not None
    with pytest.raises(EncodeError):
        _nested_map_blob(_gotiny.MAX_NESTING + 1)
    # A hand-made blob nested far deeper must fail cleanly, not with RecursionError.
    bits = b"\xff"  # every bool true: map not nil, iface not nil, ...
    level = b"\x01\x01k\x17" + b"map[string]interface {}"
    deep = bytearray()
    for index in range(2000):
        if index % 4 == 0:
            deep += bits
        deep += level
    with pytest.raises(NestingTooDeep):
        _gotiny.read_string_any_map(_reader(bytes(deep)))


def test_gotiny_decode_errors() -> None:
    with pytest.raises(UnknownGotinyType):
        _gotiny.read_string_any_map(_reader(_hex("03 01 01 6e 05") + b"int32" + b"\x02"))
    with pytest.raises(OversizedLength):  # map count larger than the bytes left
        _gotiny.read_string_any_map(_reader(_hex("01 7e")))
    with pytest.raises(OversizedLength):  # list count larger than the bits left
        _gotiny.read_string_any_map(
            _reader(_hex("07 01 01 6c 0e") + b"[]interface {}" + _hex("ff ff 03"))
        )
    with pytest.raises(Truncated):
        _gotiny.read_string_any_map(_reader(_hex("03 01 01 6e 03") + b"int"))
    with pytest.raises(InvalidUtf8):
        _gotiny.read_string_any_map(_reader(_hex("01 01 02 c3 28")))
    with pytest.raises(EncodeError):
        _write(_gotiny.put_string_any_map, {"x": object()})
    with pytest.raises(EncodeError):
        _write(_gotiny.put_string_any_map, {"x": 1 << 63})


def test_all_decode_errors_are_value_errors() -> None:
    assert issubclass(DecodeError, ValueError)
    for error in (
        InvalidBool,
        InvalidPointerFlag,
        InvalidUtf8,
        NegativeLength,
        NestingTooDeep,
        OversizedLength,
        Truncated,
        UnknownGotinyType,
        VarintOverflow,
    ):
        assert issubclass(error, DecodeError)
