"""Bulk float32 varint coding for the transform-heavy messages.

A float32 travels as a varint of its byte-reversed IEEE bits (posbus.md §2.1). Real positions
have full mantissas, so almost every float is a 5-byte varint, and a 700-user
UsersTransformList holds 4,200 of them. A per-float Python loop costs ~0.3 µs each, which is
what made that message take ~2.7 ms to encode. Here all floats of a message are coded at once
with big-integer arithmetic, so the Python-level work is per message, not per byte:

encode
  1. ``struct`` packs every float big-endian into its own 5-byte slot: read little-endian, the
     4 bytes are the byte-reversed bits ``v``, the 5th byte is 0.
  2. One Python int holds all slots. Shifts and masks move the 7-bit groups of ``v`` into
     bytes 0..4 of its slot; a byte-wise "is nonzero" test gives the continuation bits.
  3. Unused slot bytes are 0x00 and used ones never are, except for ``v == 0`` (a lone 0x00
     byte). Those slots are temporarily written as 80 80 80 80 80: five bytes with the high
     bit set cannot occur in a valid float32 varint stream (at most 4 continuation bytes in a
     row), so after deleting every 0x00 byte a single ``replace`` restores their 00 byte.
  4. A regular expression cuts the stream into groups (one per user/object): every varint
     ends at its only byte below 0x80.

decode
  A regular expression splits the stream into varints (C speed), each is padded to 5 bytes,
  and the inverse shifts/masks rebuild ``v`` so that ``struct`` unpacks all floats at once.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import repeat

from ._mus import put_uvarint
from .errors import EncodeError

SLOT = 5  # bytes per float32 varint slot
# Below this many floats the fixed cost of the big-int path is higher than a plain loop.
BULK_THRESHOLD = 48

_ZERO_SLOT_MARK = b"\x80" * SLOT
_ZERO = b"\x00"


class _Masks:
    """Slot-replicated bit masks for one slot count, built once and cached."""

    __slots__ = (
        "all_7f",
        "all_80",
        "byte0_80",
        "bytes01_80",
        "bytes012_80",
        "bytes0123_80",
        "group",
    )

    def __init__(self, slots: int) -> None:
        def replicate(pattern: bytes) -> int:
            return int.from_bytes(pattern * slots, "little")

        # group[k] selects bits 7k..7k+6 of v after it was shifted left by k (i.e. byte k).
        self.group = tuple(
            replicate(bytes(0x7F if i == k else 0 for i in range(SLOT))) for k in range(SLOT)
        )
        self.all_7f = replicate(b"\x7f" * SLOT)
        self.all_80 = replicate(b"\x80" * SLOT)
        self.bytes0123_80 = replicate(b"\x80\x80\x80\x80\x00")
        self.bytes012_80 = replicate(b"\x80\x80\x80\x00\x00")
        self.bytes01_80 = replicate(b"\x80\x80\x00\x00\x00")
        self.byte0_80 = replicate(b"\x80\x00\x00\x00\x00")


@lru_cache(maxsize=16)  # at most ~16 x 12 ints of 5 bytes per float (~4 MB for 768 users)
def _masks(slots: int) -> _Masks:
    return _Masks(slots)


@lru_cache(maxsize=32)
def _slot_struct(slots: int) -> struct.Struct:
    """Big-endian float32 + one pad byte per slot: LE-reading a slot gives the reversed bits."""
    return struct.Struct(">" + "fx" * slots)


_F32_BE_LE = struct.Struct(">f")


def _varints_one_by_one(values: Sequence[float]) -> bytes:
    out = bytearray()
    pack = _F32_BE_LE.pack
    try:
        for value in values:
            put_uvarint(out, int.from_bytes(pack(value), "little"))
    except (OverflowError, struct.error, TypeError) as exc:
        raise EncodeError(f"not a float32: {exc}") from None
    return bytes(out)


def float32_varint_groups(values: Sequence[float], group: int) -> list[bytes]:
    """Encode ``values`` as float32 varints, returned as one bytes object per ``group`` values.

    ``len(values)`` must be a multiple of ``group`` (1 <= group <= 9).
    """
    count = len(values)
    if count == 0:
        return []
    if count < BULK_THRESHOLD:
        return [_varints_one_by_one(values[i : i + group]) for i in range(0, count, group)]
    try:
        packed = _slot_struct(count).pack(*values)
    except (OverflowError, struct.error) as exc:
        raise EncodeError(f"not a float32: {exc}") from None
    m = _masks(count)
    x = int.from_bytes(packed, "little")
    g0, g1, g2, g3, g4 = m.group
    # 7-bit group k of v moves to byte k of the slot.
    y = (x & g0) | ((x << 1) & g1) | ((x << 2) & g2) | ((x << 3) & g3) | ((x << 4) & g4)
    # 0x80 in every byte whose 7-bit group is nonzero (adding 0x7f cannot carry out of a byte).
    nonzero = (y + m.all_7f) & m.all_80
    # Byte k needs the continuation bit when any higher byte of the same slot is nonzero.
    cont = (
        ((nonzero >> 8) & m.bytes0123_80)
        | ((nonzero >> 16) & m.bytes012_80)
        | ((nonzero >> 24) & m.bytes01_80)
        | ((nonzero >> 32) & m.byte0_80)
    )
    zero_slots = m.byte0_80 ^ ((nonzero | cont) & m.byte0_80)
    z = y | cont | (zero_slots * 0x0101010101)
    stream = (
        z.to_bytes(count * SLOT, "little").translate(None, _ZERO).replace(_ZERO_SLOT_MARK, _ZERO)
    )
    if group == count:
        return [stream]
    # Every varint ends with its only byte below 0x80, so a group is `group` such runs.
    return _group_splitter(group).findall(stream)


@lru_cache(maxsize=16)
def _group_splitter(group: int) -> re.Pattern[bytes]:
    # Unrolled rather than {n}: measurably faster in the re engine.
    return re.compile(rb"[\x80-\xff]*[\x00-\x7f]" * group)


# --- decoding ------------------------------------------------------------------------------

# One float32 varint: at most 4 continuation bytes, and a 5th byte may only hold 4 bits.
FLOAT32_VARINT_PATTERN = rb"[\x80-\xff]{0,3}[\x00-\x7f]|[\x80-\xff]{4}[\x00-\x0f]"


def float32_from_varints(varints: Sequence[bytes]) -> tuple[float, ...]:
    """Floats from single float32 varints (each already matched FLOAT32_VARINT_PATTERN)."""
    if not varints:
        return ()
    return float32_from_slots(b"".join(map(bytes.ljust, varints, repeat(SLOT), repeat(_ZERO))))


def float32_from_slots(padded: bytes) -> tuple[float, ...]:
    """Floats from float32 varints each padded with 00 bytes to a 5-byte slot."""
    return float32_slot_decoder(len(padded) // SLOT)(padded)


@lru_cache(maxsize=16)
def float32_slot_decoder(count: int) -> Callable[[bytes], tuple[float, ...]]:
    """`float32_from_slots` for exactly ``count`` slots, its masks bound once (the hot path:
    a 30-byte ``my_transform`` payload of 6 valid float32 varints is already 6 slots, since
    none is longer than 5 bytes)."""
    m = _masks(count)
    all_7f = m.all_7f
    g0, g1, g2, g3, g4 = m.group
    unpack = _slot_struct(count).unpack
    size = count * SLOT

    def decode(padded: bytes) -> tuple[float, ...]:
        w = int.from_bytes(padded, "little") & all_7f  # drop the continuation bits
        # Byte k of the slot holds 7-bit group k: pack the groups back into the low 32 bits.
        v = (w & g0) | ((w & g1) >> 1) | ((w & g2) >> 2) | ((w & g3) >> 3) | ((w & g4) >> 4)
        floats: tuple[float, ...] = unpack(v.to_bytes(size, "little"))
        return floats

    return decode
