"""Render slots: how attribute values with ``render_auto`` become an object's ``object_data``.

Pure, no I/O (data-model §1.5, posbus.md §5.8). Each object keeps a map
``slot_type → {slot_name → value}``; joining clients get the whole map, and every change is
sent as an ``object_data`` holding only the changed slot.

Values are built so that Odyssey clients can decode them: a number slot holds a JSON number as
Go ``int`` or ``float64`` (what the codec writes for Python ``int`` and ``float``). The reference
used ``int32`` there, a gotiny type name its own clients cannot decode.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from odyssey.core.attributes import RenderAuto
from odyssey.posbus import GotinyValue, ObjectData, StringAnyMap

# Go int is 64-bit: a larger JSON integer travels as float64, like Go's JSON decoder makes it.
_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
# Text and video content is shown as a prerendered image whose hash the renderer stores here.
RENDERED_HASH_FIELD = "auto_render_hash"


def gotiny_value(value: Any) -> GotinyValue:
    """A JSON value as the codec can carry it; raises ``ValueError`` for anything else."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value if _INT64_MIN <= value <= _INT64_MAX else float(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        return value
    if isinstance(value, Mapping):
        return {str(k): gotiny_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [gotiny_value(v) for v in value]
    raise ValueError(f"not a JSON value: {type(value).__name__}")


def slot_value(render: RenderAuto, value: Mapping[str, Any] | None) -> GotinyValue:
    """What the slot shows for an attribute value, or ``None`` when it shows nothing."""
    if value is None or not render.known_slot_type:
        return None
    try:
        if render.slot_type == "audio":
            return gotiny_value(value)
        raw = value.get(render.value_field)
        if render.slot_type == "texture":
            if render.content_type in ("text", "video"):
                # Text and video show as an image rendered from them: until the renderer has
                # stored its hash, there is no texture (the text itself is not an image hash).
                raw = value.get(RENDERED_HASH_FIELD)
            return raw if isinstance(raw, str) and raw else None
        if render.slot_type == "string":
            return raw if isinstance(raw, str) else None
        # number
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            return None
        return gotiny_value(raw)
    except ValueError:
        return None


class ObjectSlots:
    """The render slots of one object."""

    __slots__ = ("_slots", "object_id")

    def __init__(self, object_id: UUID) -> None:
        self.object_id = object_id
        self._slots: dict[str, StringAnyMap] = {}

    def __bool__(self) -> bool:
        return bool(self._slots)

    def set(self, render: RenderAuto, value: Mapping[str, Any] | None) -> ObjectData | None:
        """Apply a changed (or, with ``None``, removed) value; the ``object_data`` to send.

        ``None`` when nothing visible changed. A slot that goes away is sent with a nil value,
        so clients drop it too.
        """
        if not render.known_slot_type:
            return None
        new = slot_value(render, value)
        names = self._slots.get(render.slot_type)
        old = names.get(render.slot_name) if names is not None else None
        had = names is not None and render.slot_name in names
        if new is None:
            if not had:
                return None
            assert names is not None
            del names[render.slot_name]
            if not names:
                del self._slots[render.slot_type]
        else:
            if had and old == new:
                return None
            self._slots.setdefault(render.slot_type, {})[render.slot_name] = new
        return ObjectData(self.object_id, {render.slot_type: {render.slot_name: new}})

    def full_message(self) -> ObjectData | None:
        """Every slot in one message (what a joining client gets), or ``None`` without slots."""
        if not self._slots:
            return None
        return ObjectData(
            self.object_id, {kind: dict(names) for kind, names in self._slots.items()}
        )
