"""Helpers shared by the posbus codec tests (imported as `tests.posbus.posbus_helpers`)."""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path
from typing import Any

from tests.posbus.json_value import message_from_json, message_to_json

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
VECTORS_PATH = DATA_DIR / "posbus-vectors.json"
CROSS_DIR = DATA_DIR / "posbus-cross"

_F32 = struct.Struct("<f")


def load_vectors() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
    return data


def float32_normalized(value: Any) -> Any:
    """Round every finite float to float32, recursively, for comparing JSON values."""
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return value
        rounded: float = _F32.unpack(_F32.pack(value))[0]
        return rounded
    if isinstance(value, dict):
        return {key: float32_normalized(item) for key, item in value.items()}
    if isinstance(value, list):
        return [float32_normalized(item) for item in value]
    return value


def canonical_json(type_name: str, value: Any) -> Any:
    """A producer's JSON value in this codec's canonical spelling (e.g. 0.10000000149011612
    for a float32 becomes 0.1), so that values from another producer compare exactly."""
    return message_to_json(message_from_json(type_name, value))
