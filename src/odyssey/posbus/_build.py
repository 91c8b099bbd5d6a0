"""Creating many small immutable objects fast (decoder hot paths).

Frozen dataclasses and `uuid.UUID` store their fields from a Python-level ``__init__`` through
``object.__setattr__``: 0.5-1 µs per object, which dominated decoding a 700-user transform list
(2,800 dataclasses + 700 UUIDs). For classes whose ``__init__`` only stores the fields, the
instances can instead be made with ``object.__new__`` and filled through their slot
descriptors, with ``map`` driving the loop in C.

`uuid.UUID`'s slots (``int``, ``is_safe``) are a CPython detail, so the fast path is checked
against the real constructor at import time and replaced by it if they ever disagree.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import fields
from itertools import repeat
from typing import Any, TypeVar
from uuid import UUID, SafeUUID

T = TypeVar("T")

_new = object.__new__


def _consume(iterator: Any) -> None:
    deque(iterator, maxlen=0)


def _slot_setters(cls: type[Any]) -> list[Callable[[Any, Any], None]]:
    return [cls.__dict__[field.name].__set__ for field in fields(cls)]


def build_many(cls: type[T], columns: Sequence[Sequence[Any]]) -> list[T]:
    """``[cls(*row) for row in zip(*columns)]`` for a frozen slots dataclass without
    ``__post_init__``, with the loops in C. ``columns`` are in field order, equally long."""
    count = len(columns[0])
    instances: list[T] = list(map(_new, repeat(cls, count)))
    for setter, column in zip(_slot_setters(cls), columns, strict=True):
        _consume(map(setter, instances, column))
    return instances


def builder3(cls: type[T]) -> Callable[[Any, Any, Any], T]:
    """``cls(a, b, c)`` for a frozen slots dataclass of 3 fields without ``__post_init__``,
    filling the slots directly: about 0.6 of the dataclass ``__init__``'s cost, for the
    objects decoded once per message on the hot path (``my_transform``'s `Vec3`)."""
    set_a, set_b, set_c = _slot_setters(cls)

    def build(a: Any, b: Any, c: Any) -> T:
        instance: T = _new(cls)
        set_a(instance, a)
        set_b(instance, b)
        set_c(instance, c)
        return instance

    return build


def builder2(cls: type[T]) -> Callable[[Any, Any], T]:
    """As `builder3`, for a dataclass of 2 fields."""
    set_a, set_b = _slot_setters(cls)

    def build(a: Any, b: Any) -> T:
        instance: T = _new(cls)
        set_a(instance, a)
        set_b(instance, b)
        return instance

    return build


def _uuids_via_constructor(raw: Sequence[bytes]) -> list[UUID]:
    return [UUID(bytes=item) for item in raw]


def _uuid_via_constructor(raw: bytes) -> UUID:
    return UUID(bytes=raw)


def _uuids_via_slots(raw: Sequence[bytes]) -> list[UUID]:
    instances: list[UUID] = list(map(_new, repeat(UUID, len(raw))))
    _consume(map(_UUID_SET_INT, instances, map(int.from_bytes, raw)))
    _consume(map(_UUID_SET_SAFE, instances, repeat(SafeUUID.unknown)))
    return instances


def _uuid_via_slots(raw: bytes) -> UUID:
    instance: UUID = _new(UUID)
    _UUID_SET_INT(instance, int.from_bytes(raw))
    _UUID_SET_SAFE(instance, SafeUUID.unknown)
    return instance


def _slots_match_constructor() -> bool:
    samples = [bytes(16), bytes(range(16)), b"\xff" * 16]
    try:
        built = _uuids_via_slots(samples)
    except Exception:  # any surprise in the internals means: do not use the shortcut
        return False
    expected = _uuids_via_constructor(samples)
    return all(
        a == b and str(a) == str(b) and hash(a) == hash(b) and a.is_safe == b.is_safe
        for a, b in zip(built, expected, strict=True)
    )


try:
    _UUID_SET_INT: Callable[[UUID, int], None] = UUID.__dict__["int"].__set__
    _UUID_SET_SAFE: Callable[[UUID, SafeUUID], None] = UUID.__dict__["is_safe"].__set__
    _FAST_UUIDS = _slots_match_constructor()
except (KeyError, AttributeError):
    _FAST_UUIDS = False

uuids_from_bytes: Callable[[Sequence[bytes]], list[UUID]] = (
    _uuids_via_slots if _FAST_UUIDS else _uuids_via_constructor
)
"""UUIDs from 16-byte big-endian (RFC 4122) values."""

uuid_from_bytes: Callable[[bytes], UUID] = _uuid_via_slots if _FAST_UUIDS else _uuid_via_constructor
