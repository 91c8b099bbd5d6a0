"""The gotiny v0.0.3 subset that posbus embeds in MUS streams (posbus.md §2.3).

Three things use it: ``StringAnyMap`` (a Go ``map[string]any`` holding JSON-like values),
``PBEthAddress`` (20 raw bytes) and ``PBUint256`` (4 u64 limbs). Two encoder details are needed
for byte-exact output and are easy to get wrong:

* bools -- real ones and every nil/not-nil flag -- are packed 8 to a byte, and the byte is
  reserved at the position where the first of its 8 bits was needed;
* the varint writer switches to the next length one value too late, so 2**(7k)-1 takes an
  extra byte (127 -> ``ff 00``). The reader accepts any LEB128.
"""

from __future__ import annotations

from ._mus import Reader, float64_from_wire, float64_to_wire
from .errors import (
    EncodeError,
    InvalidUtf8,
    NestingTooDeep,
    OversizedLength,
    Truncated,
    UnknownGotinyType,
)
from .model import GotinyValue, StringAnyMap

MAX_NESTING = 32
"""Deepest nesting of gotiny maps/lists accepted (and produced): bounds recursion."""

UINT64_MAX = (1 << 64) - 1
UINT256_MAX = (1 << 256) - 1
ETH_ADDRESS_SIZE = 20

TYPE_STRING = b"string"
TYPE_BOOL = b"bool"
TYPE_INT = b"int"
TYPE_FLOAT64 = b"float64"
TYPE_MAP = b"map[string]interface {}"
TYPE_LIST = b"[]interface {}"
TYPE_STRING_POINTER = b"*string"
TYPE_INT_POINTER = b"*int"
KNOWN_TYPE_NAMES = frozenset(
    {
        TYPE_STRING,
        TYPE_BOOL,
        TYPE_INT,
        TYPE_FLOAT64,
        TYPE_MAP,
        TYPE_LIST,
        TYPE_STRING_POINTER,
        TYPE_INT_POINTER,
    }
)

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


# --- varints -----------------------------------------------------------------------------


def put_gotiny_uvarint(out: bytearray, value: int, max_bytes: int) -> None:
    """gotiny's varint writer: LEB128 padded to gotiny's (off-by-one) length.

    k bytes are used while ``value < 2**(7k) - 1``; at ``max_bytes`` (5 for u32, 9 for u64)
    the last byte carries all remaining bits, which for u64 is a full 8-bit byte.
    """
    size = 1
    while size < max_bytes and value >= (1 << (7 * size)) - 1:
        size += 1
    for _ in range(size - 1):
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def put_u32(out: bytearray, value: int) -> None:
    put_gotiny_uvarint(out, value, 5)


def put_u64(out: bytearray, value: int) -> None:
    put_gotiny_uvarint(out, value, 9)


def read_u32(reader: Reader, what: str) -> int:
    return reader.read_uvarint(5, 0x0F, what)


def read_u64(reader: Reader, what: str) -> int:
    """Up to 8 LEB128 bytes; a 9th byte, if reached, holds bits 56..63 in full."""
    data = reader.data
    pos = reader.pos
    end = reader.end
    result = 0
    for index in range(8):
        if pos >= end:
            raise Truncated(f"payload ends inside {what} at offset {pos}")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << (7 * index)
        if byte < 0x80:
            reader.pos = pos
            return result
    if pos >= end:
        raise Truncated(f"payload ends inside {what} at offset {pos}")
    result |= data[pos] << 56
    reader.pos = pos + 1
    return result


# --- StringAnyMap encoder ----------------------------------------------------------------


class _Encoder:
    """One gotiny blob: the output buffer plus the packed-bool cursor."""

    __slots__ = ("bool_bit", "bool_pos", "out")

    def __init__(self, out: bytearray) -> None:
        self.out = out
        self.bool_pos = 0
        self.bool_bit = 0  # 0 = no bool byte open: the next bool reserves a new one

    def put_bool(self, value: bool) -> None:
        out = self.out
        if self.bool_bit == 0:
            self.bool_pos = len(out)
            out.append(0)
            self.bool_bit = 1
        if value:
            out[self.bool_pos] |= self.bool_bit
        self.bool_bit = (self.bool_bit << 1) & 0xFF

    def put_string(self, value: str) -> None:
        try:
            data = value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise EncodeError(f"string is not encodable as UTF-8: {exc.reason}") from None
        put_u32(self.out, len(data))
        self.out += data

    def put_type_name(self, name: bytes) -> None:
        put_u32(self.out, len(name))
        self.out += name

    def put_map(self, value: dict[str, GotinyValue] | None, depth: int) -> None:
        if value is None:
            self.put_bool(False)
            return
        if depth > MAX_NESTING:
            raise EncodeError(f"gotiny value nested deeper than {MAX_NESTING} levels")
        if not isinstance(value, dict):
            raise EncodeError(f"gotiny map must be a dict, not {type(value).__name__}")
        self.put_bool(True)
        put_u32(self.out, len(value))
        for key, item in value.items():
            if not isinstance(key, str):
                raise EncodeError(f"gotiny map key must be a str, not {type(key).__name__}")
            self.put_string(key)
            self.put_any(item, depth)

    def put_any(self, value: GotinyValue, depth: int) -> None:
        """An interface value: not-nil bit, dynamic type name, then the value."""
        if value is None:
            self.put_bool(False)
            return
        self.put_bool(True)
        # bool before int: bool is an int subclass in Python.
        if isinstance(value, bool):
            self.put_type_name(TYPE_BOOL)
            self.put_bool(value)
        elif isinstance(value, str):
            self.put_type_name(TYPE_STRING)
            self.put_string(value)
        elif isinstance(value, int):
            if not _INT64_MIN <= value <= _INT64_MAX:
                raise EncodeError(f"gotiny int out of int64 range: {value}")
            self.put_type_name(TYPE_INT)
            put_u64(self.out, (value << 1) ^ (value >> 63))
        elif isinstance(value, float):
            self.put_type_name(TYPE_FLOAT64)
            put_u64(self.out, float64_to_wire(value))
        elif isinstance(value, dict):
            self.put_type_name(TYPE_MAP)
            self.put_map(value, depth + 1)
        elif isinstance(value, list | tuple):
            if depth + 1 > MAX_NESTING:
                raise EncodeError(f"gotiny value nested deeper than {MAX_NESTING} levels")
            self.put_type_name(TYPE_LIST)
            self.put_bool(True)
            put_u32(self.out, len(value))
            for item in value:
                self.put_any(item, depth + 1)
        else:
            raise EncodeError(f"gotiny cannot carry a {type(value).__name__}")


def put_string_any_map(out: bytearray, value: StringAnyMap | None) -> None:
    """Append one gotiny blob holding ``map[string]any`` (None = nil map)."""
    _Encoder(out).put_map(value, 1)


# --- StringAnyMap decoder ----------------------------------------------------------------


class _Decoder:
    __slots__ = ("bool_bit", "bool_byte", "reader")

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.bool_byte = 0
        self.bool_bit = 0

    def read_bool(self) -> bool:
        if self.bool_bit == 0:
            reader = self.reader
            if reader.pos >= reader.end:
                raise Truncated(f"payload ends inside a gotiny bool byte at offset {reader.pos}")
            self.bool_byte = reader.data[reader.pos]
            reader.pos += 1
            self.bool_bit = 1
        value = bool(self.bool_byte & self.bool_bit)
        self.bool_bit = (self.bool_bit << 1) & 0xFF
        return value

    def bits_left(self) -> int:
        """Upper bound on how many more bools the remaining input can hold."""
        open_bits = 0 if self.bool_bit == 0 else 8 - self.bool_bit.bit_length() + 1
        return open_bits + 8 * self.reader.remaining

    def read_raw_string(self, what: str) -> bytes:
        reader = self.reader
        start = reader.pos
        size = read_u32(reader, f"{what} length")
        if size > reader.remaining:
            raise OversizedLength(
                f"{what} length {size} runs past the end of the payload (offset {start})"
            )
        return reader.read_raw(size, what)

    def read_string(self, what: str) -> str:
        start = self.reader.pos
        raw = self.read_raw_string(what)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidUtf8(f"{what} at offset {start} is not valid UTF-8") from None

    def read_map(self, depth: int) -> dict[str, GotinyValue] | None:
        if not self.read_bool():
            return None
        if depth > MAX_NESTING:
            raise NestingTooDeep(f"gotiny maps/lists nested deeper than {MAX_NESTING}")
        reader = self.reader
        start = reader.pos
        count = read_u32(reader, "gotiny map length")
        if count > reader.remaining:  # every entry has at least a 1-byte key length
            raise OversizedLength(
                f"gotiny map length {count} exceeds the {reader.remaining} bytes left "
                f"(offset {start})"
            )
        result: dict[str, GotinyValue] = {}
        for _ in range(count):
            key = self.read_string("gotiny map key")
            result[key] = self.read_any(depth)
        return result

    def read_any(self, depth: int) -> GotinyValue:
        if not self.read_bool():
            return None
        reader = self.reader
        start = reader.pos
        name = self.read_raw_string("gotiny type name")
        if name == TYPE_STRING:
            return self.read_string("gotiny string")
        if name == TYPE_FLOAT64:
            return float64_from_wire(read_u64(reader, "gotiny float64"))
        if name == TYPE_BOOL:
            return self.read_bool()
        if name == TYPE_INT:
            wire = read_u64(reader, "gotiny int")
            return (wire >> 1) ^ -(wire & 1)
        if name == TYPE_MAP:
            return self.read_map(depth + 1)
        if name == TYPE_LIST:
            return self.read_list(depth + 1)
        if name == TYPE_STRING_POINTER:
            return self.read_string("gotiny *string") if self.read_bool() else None
        if name == TYPE_INT_POINTER:
            if not self.read_bool():
                return None
            wire = read_u64(reader, "gotiny *int")
            return (wire >> 1) ^ -(wire & 1)
        shown = name.decode("utf-8", "backslashreplace")
        raise UnknownGotinyType(f"unknown gotiny type {shown!r} at offset {start}")

    def read_list(self, depth: int) -> list[GotinyValue] | None:
        if not self.read_bool():
            return None
        if depth > MAX_NESTING:
            raise NestingTooDeep(f"gotiny maps/lists nested deeper than {MAX_NESTING}")
        reader = self.reader
        start = reader.pos
        count = read_u32(reader, "gotiny list length")
        if count > self.bits_left():  # every element has at least its not-nil bit
            raise OversizedLength(
                f"gotiny list length {count} exceeds what the bytes left can hold (offset {start})"
            )
        return [self.read_any(depth) for _ in range(count)]


def read_string_any_map(reader: Reader) -> StringAnyMap | None:
    """Read one gotiny blob holding ``map[string]any``; a nil map reads as None."""
    return _Decoder(reader).read_map(1)


# --- PBEthAddress and PBUint256 ------------------------------------------------------------


def put_eth_address(out: bytearray, value: bytes) -> None:
    if len(value) != ETH_ADDRESS_SIZE:
        raise EncodeError(f"eth address must be 20 bytes, not {len(value)}")
    out += value


def read_eth_address(reader: Reader) -> bytes:
    return reader.read_raw(ETH_ADDRESS_SIZE, "eth address")


def put_uint256(out: bytearray, value: int) -> None:
    if not 0 <= value <= UINT256_MAX:
        raise EncodeError(f"uint256 out of range: {value}")
    for _ in range(4):  # least significant 64-bit limb first
        put_u64(out, value & UINT64_MAX)
        value >>= 64


def read_uint256(reader: Reader) -> int:
    value = 0
    for index in range(4):
        value |= read_u64(reader, "uint256 limb") << (64 * index)
    return value
