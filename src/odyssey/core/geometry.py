"""Vectors and transforms (position, rotation, scale), with their JSON form.

The JSON form is the one of the ``object.transform`` column and of the API:
``{"position": {"x", "y", "z"}, "rotation": {"x", "y", "z"}, "scale": {"x", "y", "z"}}``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what}: not a number: {value!r}")
    try:
        return float(value)
    except OverflowError as exc:  # an int too large for a float
        raise ValueError(f"{what}: out of range: {value!r}") from exc


@dataclass(frozen=True, slots=True)
class Vec3:
    x: float = 0.0
    y: float = 0.0
    z: float = 0.0

    def to_json(self) -> dict[str, float]:
        return {"x": self.x, "y": self.y, "z": self.z}

    @classmethod
    def from_json(cls, data: Any, *, default: float = 0.0) -> Vec3:
        """Read ``{"x", "y", "z"}``; a missing component is ``default``. Raises ``ValueError``."""
        if data is None:
            return cls(default, default, default)
        if not isinstance(data, Mapping):
            raise ValueError(f"not a vector: {data!r}")
        values = []
        for key in ("x", "y", "z"):
            raw = data.get(key)
            values.append(default if raw is None else _number(raw, key))
        return cls(values[0], values[1], values[2])

    def is_finite(self) -> bool:
        return math.isfinite(self.x) and math.isfinite(self.y) and math.isfinite(self.z)

    def __add__(self, other: Vec3) -> Vec3:
        return Vec3(self.x + other.x, self.y + other.y, self.z + other.z)

    def __sub__(self, other: Vec3) -> Vec3:
        return Vec3(self.x - other.x, self.y - other.y, self.z - other.z)


ZERO = Vec3(0.0, 0.0, 0.0)
ONE = Vec3(1.0, 1.0, 1.0)


@dataclass(frozen=True, slots=True)
class Transform:
    position: Vec3 = ZERO
    rotation: Vec3 = ZERO
    scale: Vec3 = ONE

    def to_json(self) -> dict[str, dict[str, float]]:
        return {
            "position": self.position.to_json(),
            "rotation": self.rotation.to_json(),
            "scale": self.scale.to_json(),
        }

    @classmethod
    def from_json(cls, data: Any) -> Transform:
        """Read the JSON form. Missing position/rotation are zero; a missing scale is (1, 1, 1).

        Raises ``ValueError`` for anything that is not a transform.
        """
        if not isinstance(data, Mapping):
            raise ValueError(f"not a transform: {data!r}")
        return cls(
            position=Vec3.from_json(data.get("position")),
            rotation=Vec3.from_json(data.get("rotation")),
            scale=Vec3.from_json(data.get("scale"), default=1.0),
        )

    @classmethod
    def at(cls, position: Vec3) -> Transform:
        """No rotation, unit scale, at ``position``."""
        return cls(position=position, rotation=ZERO, scale=ONE)


IDENTITY = Transform()

__all__ = ["IDENTITY", "ONE", "ZERO", "Transform", "Vec3"]
