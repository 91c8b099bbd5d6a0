"""Building outgoing frames: transform lists spliced from bytes, and lists batched by size.

Pure, no I/O. Two jobs:

* ``users_transform_list`` frames are the hot path (every tick, every client). Each user's
  entry (16-byte id + the 6 float32 varints of its transform, posbus.md §3.4) is kept as bytes,
  taken straight from the ``my_transform`` frame the client sent (its payload *is* the 6
  varints, §3.3), so a tick joins bytes instead of encoding floats. The bytes are identical to
  what `odyssey.posbus.encode` produces for the same values (tests check it): a payload that is
  not in the encoder's minimal form is re-encoded with the codec first.
* ``add_users`` entries are spliced the same way (a user's id, name and avatar are encoded
  once; its transform is its ``UserTransform`` entry's), so a client joining a full world does
  not cost one encoding per user already there.
* Lists go out in as few frames as fit under the clients' frame limit: the Odyssey web client
  rejects frames over 32 KiB.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar
from uuid import UUID

from odyssey.posbus import (
    AddUsers,
    Message,
    MyTransform,
    TransformNoScale,
    UserData,
    UsersTransformList,
    Vec3,
    encode,
)

_EMPTY_TRANSFORM_LIST = encode(UsersTransformList(()))
TRANSFORM_LIST_HEADER = _EMPTY_TRANSFORM_LIST[:4]
TRANSFORM_LIST_FOOTER = _EMPTY_TRANSFORM_LIST[-4:]
_EMPTY_ADD_USERS = encode(AddUsers(()))
ADD_USERS_HEADER = _EMPTY_ADD_USERS[:4]
ADD_USERS_FOOTER = _EMPTY_ADD_USERS[-4:]
_ZERO = Vec3(0.0, 0.0, 0.0)
_TRANSFORM_AND_GUEST_AT_ZERO = 6 + 1  # six 0x00 float varints, then the is_guest byte
FRAME_OVERHEAD = 8  # type id header + inverted type id footer
MAX_COUNT_VARINT = 3  # a zigzag count below 2**20 takes at most 3 varint bytes
# A float32 varint travels in at most 5 bytes, so one user's entry is at most 16 + 6 * 5.
MAX_TRANSFORM_ENTRY = 16 + 6 * 5

# A continuation byte directly followed by 0x00 is a varint with a redundant zero group: valid
# LEB128, but not what the encoder writes. Every other varint in a decoded payload is minimal.
_NON_MINIMAL_VARINT = re.compile(rb"[\x80-\xff]\x00")

T = TypeVar("T")


def transform_entry(user_id: UUID, frame: bytes, message: MyTransform) -> bytes:
    """One user's ``UserTransform`` bytes, from the ``my_transform`` frame it sent.

    ``message`` is that frame decoded; it is encoded again only when the client's varints are
    not minimal, so the result always equals the codec's own encoding.
    """
    payload = frame[4:-4]
    if _NON_MINIMAL_VARINT.search(payload) is not None:
        payload = encode(message)[4:-4]
    return user_id.bytes + payload


def spawn_entry(user_id: UUID, message: MyTransform) -> bytes:
    """A ``UserTransform`` entry for a transform the server chose (spawn, restored position)."""
    return user_id.bytes + encode(message)[4:-4]


def _uvarint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _list_frame(header: bytes, footer: bytes, entries: Sequence[bytes]) -> bytes:
    # A slice count is a zigzag int (posbus.md §2.1): n >= 0 is written as 2n.
    return b"".join((header, _uvarint(2 * len(entries)), *entries, footer))


def _list_frames(
    header: bytes,
    footer: bytes,
    entries: Sequence[bytes],
    max_frame_size: int,
    max_items: int | None = None,
) -> list[bytes]:
    """Frames of a list message holding ``entries`` in order, each within the size limit."""
    if not entries:
        return []
    budget = max_frame_size - FRAME_OVERHEAD - MAX_COUNT_VARINT
    limit = max_items if max_items is not None else len(entries)
    frames: list[bytes] = []
    start = 0
    size = 0
    for index, entry in enumerate(entries):
        if index > start and (size + len(entry) > budget or index - start >= limit):
            frames.append(_list_frame(header, footer, entries[start:index]))
            start, size = index, 0
        size += len(entry)
    frames.append(_list_frame(header, footer, entries[start:]))
    return frames


def transform_list_frame(entries: Sequence[bytes]) -> bytes:
    """One ``users_transform_list`` frame holding these entries, in order."""
    return _list_frame(TRANSFORM_LIST_HEADER, TRANSFORM_LIST_FOOTER, entries)


def transform_list_frames(entries: Sequence[bytes], max_frame_size: int) -> list[bytes]:
    """``users_transform_list`` frames for the entries, none larger than ``max_frame_size``.

    Empty input gives no frame: when nobody moved, nothing is sent.
    """
    if entries and len(entries) * MAX_TRANSFORM_ENTRY <= (
        max_frame_size - FRAME_OVERHEAD - MAX_COUNT_VARINT
    ):
        return [transform_list_frame(entries)]  # the common case, without measuring
    return _list_frames(TRANSFORM_LIST_HEADER, TRANSFORM_LIST_FOOTER, entries, max_frame_size)


def user_data_prefix(user_id: UUID, name: str, avatar: str) -> bytes:
    """The part of a ``UserData`` before its transform: id, name and avatar (posbus.md §3.11)."""
    empty = UserData(user_id, name, avatar, TransformNoScale(_ZERO, _ZERO), False)
    # One user in a list: header, count (1 byte), the user, footer.
    return encode(AddUsers((empty,)))[5:-4][:-_TRANSFORM_AND_GUEST_AT_ZERO]


def user_data_entry(prefix: bytes, transform: bytes, is_guest: bool) -> bytes:
    """A whole ``UserData``: its prefix, a ``UserTransform`` entry's transform, is_guest."""
    return b"".join((prefix, transform[16:], b"\x01" if is_guest else b"\x00"))


def add_users_frames(
    entries: Sequence[bytes], max_frame_size: int, max_items: int | None = None
) -> list[bytes]:
    """``add_users`` frames for ``UserData`` entries, within the size and count limits."""
    return _list_frames(ADD_USERS_HEADER, ADD_USERS_FOOTER, entries, max_frame_size, max_items)


def encode_in_batches(
    items: Sequence[T],
    make: Callable[[tuple[T, ...]], Message],
    max_frame_size: int,
    *,
    max_items: int | None = None,
) -> list[bytes]:
    """Encode ``make(chunk)`` for consecutive chunks of ``items``, each frame within the limit.

    ``make`` builds the list message (``AddObjects``, ``AddUsers``...). Chunks are filled
    greedily, in order; ``max_items`` caps the length of a chunk. An item too large to fit a
    frame on its own still goes out, alone (there is nothing smaller to send).
    """
    if not items:
        return []
    empty = len(encode(make(())))
    budget = max_frame_size - empty - MAX_COUNT_VARINT
    limit = max_items if max_items is not None else len(items)
    frames: list[bytes] = []
    chunk: list[T] = []
    size = 0
    for item in items:
        item_size = len(encode(make((item,)))) - empty
        if chunk and (size + item_size > budget or len(chunk) >= limit):
            frames.append(encode(make(tuple(chunk))))
            chunk, size = [], 0
        chunk.append(item)
        size += item_size
    frames.append(encode(make(tuple(chunk))))
    return frames
