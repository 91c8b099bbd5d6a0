"""The structures several posbus payloads share: vectors, transforms, optional strings and maps."""

from __future__ import annotations

from operator import attrgetter

from ._gotiny import (
    put_string_any_map,
    read_string_any_map,
)
from ._mus import (
    Reader,
    put_float32s,
    put_string,
)
from .model import (
    MyTransform,
    StringAnyMap,
    Transform,
    TransformNoScale,
    Vec3,
)

# Smallest wire size of one map entry, used to reject a count before allocating anything.
MAP_ENTRY_MIN_SIZE = 2


def put_vec3(out: bytearray, value: Vec3) -> None:
    put_float32s(out, (value.x, value.y, value.z))


def read_vec3(reader: Reader) -> Vec3:
    return Vec3(*reader.read_float32s(3, "vec3"))


TRANSFORM_NO_SCALE_FLOATS = attrgetter(
    *(f"{vec}.{axis}" for vec in ("position", "rotation") for axis in "xyz")
)
TRANSFORM_FLOATS = attrgetter(
    *(f"{vec}.{axis}" for vec in ("position", "rotation", "scale") for axis in "xyz")
)


def put_transform_no_scale(out: bytearray, value: TransformNoScale | MyTransform) -> None:
    put_float32s(out, TRANSFORM_NO_SCALE_FLOATS(value))


def read_transform_no_scale(reader: Reader) -> TransformNoScale:
    f = reader.read_float32s(6, "transform")
    return TransformNoScale(Vec3(f[0], f[1], f[2]), Vec3(f[3], f[4], f[5]))


def put_transform(out: bytearray, value: Transform) -> None:
    put_float32s(out, TRANSFORM_FLOATS(value))


def read_transform(reader: Reader) -> Transform:
    f = reader.read_float32s(9, "transform")
    return Transform(Vec3(f[0], f[1], f[2]), Vec3(f[3], f[4], f[5]), Vec3(f[6], f[7], f[8]))


def put_optional_string(out: bytearray, value: str | None) -> None:
    if value is None:
        out.append(0)
    else:
        out.append(1)
        put_string(out, value)


def read_optional_string(reader: Reader, what: str) -> str | None:
    return reader.read_string(what) if reader.read_pointer_flag(what) else None


def put_optional_any_map(out: bytearray, value: StringAnyMap | None) -> None:
    """A MUS pointer to a gotiny StringAnyMap."""
    if value is None:
        out.append(0)
    else:
        out.append(1)
        put_string_any_map(out, value)


def read_optional_any_map(reader: Reader, what: str) -> StringAnyMap | None:
    return read_string_any_map(reader) if reader.read_pointer_flag(what) else None
