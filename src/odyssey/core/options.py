"""Options: the deep merge of per-instance options over defaults, and readers for object options.

The same merge serves object options (object over its type) and attribute options (instance over
the attribute type). The rule (data-model §1.5):

* maps merge key by key, recursively; the instance (``override``) wins;
* a scalar or an array from the instance replaces the default, unless it is *empty*, in which
  case the default is kept.

"Empty" here is ``None``, ``[]``, ``{}`` and ``""``. ``0`` and ``false`` are values, not empty
(``visible: 0`` and ``minimap: false`` must override). See ``docs/compatibility.md``: the
reference keeps the default only for ``null`` and lets ``[]``/``""`` replace it.

The result never shares a container with its inputs, so callers may mutate it freely.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from odyssey.core.geometry import ZERO, Transform, Vec3
from odyssey.core.ids import try_parse_id


def clone_json(value: Any) -> Any:
    """A deep copy of a JSON-like value (mappings become dicts, sequences become lists)."""
    if isinstance(value, Mapping):
        return {k: clone_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clone_json(v) for v in value]
    return value


def is_empty(value: Any) -> bool:
    """``None``, ``[]``, ``{}`` and ``""`` are empty: they do not override a default."""
    if value is None:
        return True
    if isinstance(value, str | list | tuple | Mapping):
        return len(value) == 0
    return False


def deep_merge(
    default: Mapping[str, Any] | None, override: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Merge ``override`` over ``default`` (see the module doc). Always returns a new dict."""
    result: dict[str, Any] = {}
    base: Mapping[str, Any] = default or {}
    top: Mapping[str, Any] = override or {}
    for key, value in base.items():
        if key in top:
            result[key] = _merge_value(value, top[key])
        else:
            result[key] = clone_json(value)
    for key, value in top.items():
        if key not in base:
            result[key] = clone_json(value)
    return result


def _merge_value(default: Any, override: Any) -> Any:
    if isinstance(default, Mapping) and isinstance(override, Mapping):
        return deep_merge(default, override)
    if is_empty(override):
        return clone_json(default)
    return clone_json(override)


def effective_object_options(
    type_options: Mapping[str, Any] | None, object_options: Mapping[str, Any] | None
) -> dict[str, Any]:
    """An object's effective options: its own options deep-merged over its type's."""
    return deep_merge(type_options, object_options)


# --- readers for the ObjectOptions fields -------------------------------------------------------


def allowed_children(options: Mapping[str, Any]) -> frozenset[UUID]:
    """The parsed ``allowed_children`` list. Entries that are not ids are ignored.

    The reference compares the raw strings (so an upper-case id would not match); we compare ids.
    """
    raw = options.get("allowed_children")
    if not isinstance(raw, list | tuple):
        return frozenset()
    found = (try_parse_id(item) for item in raw)
    return frozenset(item for item in found if item is not None)


def child_limit(options: Mapping[str, Any]) -> int | None:
    """``child_limit`` as a non-negative integer, or ``None`` (no limit).

    Anything else (negative, fractional, a string, a bool) is ignored, i.e. means no limit.
    """
    raw = options.get("child_limit")
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if raw >= 0 else None
    if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer() and raw >= 0:
        return int(raw)
    return None


def _flag(options: Mapping[str, Any], key: str) -> bool | None:
    raw = options.get(key)
    return raw if isinstance(raw, bool) else None


def visible(options: Mapping[str, Any]) -> int | None:
    """The ``visible`` bitmask (0 invisible, 1 2D UI only, 2 3D only, 3 both) or ``None``."""
    raw = options.get("visible")
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        return int(raw)
    return None


def is_editable(options: Mapping[str, Any]) -> bool:
    """``editable``, default true."""
    value = _flag(options, "editable")
    return True if value is None else value


def is_private(options: Mapping[str, Any]) -> bool:
    """``private``, default false."""
    value = _flag(options, "private")
    return False if value is None else value


def show_on_minimap(options: Mapping[str, Any]) -> bool:
    """``minimap``; when unset, true only when ``visible == 1`` (the reference's rule)."""
    value = _flag(options, "minimap")
    if value is not None:
        return value
    return visible(options) == 1


def spawn_point(options: Mapping[str, Any]) -> Transform | None:
    """``spawn_point`` {position, rotation} as a transform (unit scale), or ``None``."""
    raw = options.get("spawn_point")
    if not isinstance(raw, Mapping):
        return None
    try:
        position = Vec3.from_json(raw.get("position"))
        rotation_raw = raw.get("rotation")
        # Seeds write ``rotation: 0``; accept a bare number as "no rotation".
        rotation = ZERO if not isinstance(rotation_raw, Mapping) else Vec3.from_json(rotation_raw)
    except ValueError:
        return None
    return Transform(position=position, rotation=rotation)


__all__ = [
    "allowed_children",
    "child_limit",
    "clone_json",
    "deep_merge",
    "effective_object_options",
    "is_editable",
    "is_empty",
    "is_private",
    "show_on_minimap",
    "spawn_point",
    "visible",
]
