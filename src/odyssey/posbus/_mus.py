"""MUS (musgo v2) primitives, posbus.md §2.1.

Writers append to a `bytearray`; `Reader` walks a bytes object between two offsets and raises a
`DecodeError` subclass for every malformed input. Every length is checked against the bytes
that are left *before* anything is allocated, so a hostile length prefix costs nothing.
"""

from __future__ import annotations

import struct
from functools import lru_cache
from uuid import UUID

from ._build import uuid_from_bytes
from .errors import (
    EncodeError,
    InvalidBool,
    InvalidPointerFlag,
    InvalidUtf8,
    NegativeLength,
    OversizedLength,
    Truncated,
    VarintOverflow,
)

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
UINT32_MAX = (1 << 32) - 1

# A float32 travels as its IEEE bits with the 4 bytes reversed. Packing big-endian and
# reading the same bytes back little-endian is exactly that reversal, in one C call.
_PACK_F32_BE = struct.Struct(">f").pack
_UNPACK_F32_BE = struct.Struct(">f").unpack
_PACK_F64_BE = struct.Struct(">d").pack
_UNPACK_F64_BE = struct.Struct(">d").unpack

# One-byte varints are by far the most common (counts, small enums, 0.0): keep them ready.
_SMALL_VARINTS = tuple(bytes((i,)) for i in range(0x80))


# --- writers -----------------------------------------------------------------------------


def put_uvarint(out: bytearray, value: int) -> None:
    """Unsigned LEB128, minimal form. The caller guarantees 0 <= value < 2**64."""
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def uvarint_bytes(value: int) -> bytes:
    if value < 0x80:
        return _SMALL_VARINTS[value]
    out = bytearray()
    put_uvarint(out, value)
    return bytes(out)


def put_uint32(out: bytearray, value: int) -> None:
    if not 0 <= value <= UINT32_MAX:
        raise EncodeError(f"uint32 out of range: {value}")
    put_uvarint(out, value)


def put_int(out: bytearray, value: int) -> None:
    """Go ``int`` (64-bit): zigzag, then varint."""
    if not INT64_MIN <= value <= INT64_MAX:
        raise EncodeError(f"int64 out of range: {value}")
    put_uvarint(out, (value << 1) ^ (value >> 63))


def put_length(out: bytearray, length: int) -> None:
    """String/bytes length and slice/map counts are zigzag ints; non-negative, so 2 * n."""
    put_uvarint(out, length << 1)


def put_string(out: bytearray, value: str) -> None:
    try:
        data = value.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates have no UTF-8 form
        raise EncodeError(f"string is not encodable as UTF-8: {exc.reason}") from None
    put_uvarint(out, len(data) << 1)
    out += data


def put_bytes(out: bytearray, value: bytes) -> None:
    put_uvarint(out, len(value) << 1)
    out += value


def put_uuid(out: bytearray, value: UUID) -> None:
    out += value.bytes


def put_bool(out: bytearray, value: bool) -> None:
    out.append(1 if value else 0)


def put_int8(out: bytearray, value: int) -> None:
    if not -128 <= value <= 127:
        raise EncodeError(f"int8 out of range: {value}")
    out.append(value & 0xFF)


def float32_to_wire(value: float) -> int:
    """The varint value of a float32: its IEEE bits with the 4 bytes reversed."""
    try:
        return int.from_bytes(_PACK_F32_BE(value), "little")
    except (OverflowError, struct.error, TypeError) as exc:
        raise EncodeError(f"not a float32: {value!r} ({exc})") from None


def float32_from_wire(wire: int) -> float:
    value: float = _UNPACK_F32_BE(wire.to_bytes(4, "little"))[0]
    return value


def put_float32(out: bytearray, value: float) -> None:
    put_uvarint(out, float32_to_wire(value))


def float64_to_wire(value: float) -> int:
    try:
        return int.from_bytes(_PACK_F64_BE(value), "little")
    except (OverflowError, struct.error, TypeError) as exc:
        raise EncodeError(f"not a float64: {value!r} ({exc})") from None


def float64_from_wire(wire: int) -> float:
    value: float = _UNPACK_F64_BE(wire.to_bytes(8, "little"))[0]
    return value


@lru_cache(maxsize=16)
def _float32_structs(count: int) -> tuple[struct.Struct, struct.Struct]:
    """(big-endian float32 x count, little-endian uint32 x count): the reversal, in bulk."""
    return struct.Struct(f">{count}f"), struct.Struct(f"<{count}I")


def put_float32s(out: bytearray, values: tuple[float, ...]) -> None:
    """Several float32 varints; one struct call converts them all (Vec3 and transforms)."""
    floats, wires = _float32_structs(len(values))
    try:
        packed = floats.pack(*values)
    except (OverflowError, struct.error) as exc:
        raise EncodeError(f"not a float32: {exc}") from None
    for wire in wires.unpack(packed):
        while wire >= 0x80:
            out.append((wire & 0x7F) | 0x80)
            wire >>= 7
        out.append(wire)


def put_float64(out: bytearray, value: float) -> None:
    """MUS float64 (``cmath.Vec3f64`` only; no posbus message uses it)."""
    put_uvarint(out, float64_to_wire(value))


# --- reader ------------------------------------------------------------------------------


class Reader:
    """A cursor over ``data[pos:end]``. ``end`` excludes the frame footer."""

    __slots__ = ("data", "end", "pos")

    def __init__(self, data: bytes, pos: int = 0, end: int | None = None) -> None:
        self.data = data
        self.pos = pos
        self.end = len(data) if end is None else end

    @property
    def remaining(self) -> int:
        return self.end - self.pos

    def _truncated(self, what: str) -> Truncated:
        return Truncated(f"payload ends inside {what} at offset {self.pos}")

    def read_uvarint(self, max_bytes: int, last_byte_max: int, what: str) -> int:
        """LEB128 of at most ``max_bytes``; the last allowed byte must be <= last_byte_max.

        Non-minimal forms are accepted, as the reference decoder does.
        """
        data = self.data
        pos = self.pos
        end = self.end
        if pos < end:
            byte = data[pos]
            if byte < 0x80:
                self.pos = pos + 1
                return byte
        result = 0
        shift = 0
        for index in range(max_bytes):
            if pos >= end:
                raise self._truncated(what)
            byte = data[pos]
            pos += 1
            if index == max_bytes - 1 and byte > last_byte_max:
                raise VarintOverflow(f"{what} varint overflows at offset {pos - 1}")
            result |= (byte & 0x7F) << shift
            if byte < 0x80:
                self.pos = pos
                return result
            shift += 7
        raise VarintOverflow(f"{what} varint overflows at offset {pos - 1}")  # pragma: no cover

    def read_uint32(self, what: str = "uint32") -> int:
        return self.read_uvarint(5, 0x0F, what)

    def read_uvarint64(self, what: str = "uint64") -> int:
        return self.read_uvarint(10, 0x01, what)

    def read_int(self, what: str = "int") -> int:
        wire = self.read_uvarint(10, 0x01, what)
        return (wire >> 1) ^ -(wire & 1)

    def read_length(self, min_item_size: int, what: str) -> int:
        """A zigzag length/count, checked so that ``count * min_item_size`` bytes remain."""
        start = self.pos
        wire = self.read_uvarint(10, 0x01, what)
        if wire & 1:
            raise NegativeLength(f"{what} is negative at offset {start}")
        count = wire >> 1
        if count * min_item_size > self.end - self.pos:
            raise OversizedLength(
                f"{what} {count} needs at least {count * min_item_size} bytes "
                f"but only {self.end - self.pos} are left (offset {start})"
            )
        return count

    def read_raw(self, size: int, what: str) -> bytes:
        pos = self.pos
        if size > self.end - pos:
            raise self._truncated(what)
        self.pos = pos + size
        return self.data[pos : pos + size]

    def read_bytes(self, what: str = "bytes") -> bytes:
        size = self.read_length(1, f"{what} length")
        return self.read_raw(size, what)

    def read_string(self, what: str = "string") -> str:
        start = self.pos
        raw = self.read_bytes(what)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidUtf8(f"{what} at offset {start} is not valid UTF-8") from None

    def read_uuid(self, what: str = "uuid") -> UUID:
        pos = self.pos
        if self.end - pos < 16:
            raise Truncated(f"payload ends inside {what} (needs 16 bytes) at offset {pos}")
        self.pos = pos + 16
        return uuid_from_bytes(self.data[pos : pos + 16])

    def read_bool(self, what: str = "bool") -> bool:
        pos = self.pos
        if pos >= self.end:
            raise self._truncated(what)
        byte = self.data[pos]
        if byte > 1:
            raise InvalidBool(f"{what}: bool byte {byte:#04x} at offset {pos} is not 00 or 01")
        self.pos = pos + 1
        return byte == 1

    def read_pointer_flag(self, what: str = "pointer") -> bool:
        pos = self.pos
        if pos >= self.end:
            raise self._truncated(what)
        byte = self.data[pos]
        if byte > 1:
            raise InvalidPointerFlag(
                f"{what}: pointer flag {byte:#04x} at offset {pos} is not 00 or 01"
            )
        self.pos = pos + 1
        return byte == 1

    def read_int8(self, what: str = "int8") -> int:
        pos = self.pos
        if pos >= self.end:
            raise self._truncated(what)
        self.pos = pos + 1
        byte = self.data[pos]
        return byte - 256 if byte > 127 else byte

    def read_float32(self, what: str = "float32") -> float:
        return float32_from_wire(self.read_uvarint(5, 0x0F, what))

    def read_float32s(self, count: int, what: str = "float32") -> tuple[float, ...]:
        """``count`` consecutive float32 varints, read in one pass (Vec3s and transforms)."""
        data = self.data
        pos = self.pos
        end = self.end
        wires: list[int] = []
        for _ in range(count):
            if pos >= end:
                raise Truncated(f"payload ends inside {what} at offset {pos}")
            byte = data[pos]
            pos += 1
            if byte < 0x80:
                wires.append(byte)
                continue
            wire = byte & 0x7F
            shift = 7
            while True:
                if pos >= end:
                    raise Truncated(f"payload ends inside {what} at offset {pos}")
                byte = data[pos]
                pos += 1
                if shift == 28 and byte > 0x0F:
                    raise VarintOverflow(f"{what} varint overflows at offset {pos - 1}")
                wire |= (byte & 0x7F) << shift
                if byte < 0x80:
                    break
                shift += 7
            wires.append(wire)
        self.pos = pos
        floats, packed_wires = _float32_structs(count)
        result: tuple[float, ...] = floats.unpack(packed_wires.pack(*wires))
        return result

    def read_float64(self, what: str = "float64") -> float:
        return float64_from_wire(self.read_uvarint(10, 0x01, what))
