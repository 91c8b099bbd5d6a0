"""The generic attribute system: effective options and the option keys the server acts on.

An attribute is identified by ``(plugin_id, attribute_name)``; its type carries default options and
each stored value may carry per-instance options (data-model §1.5). Permissions live in
:mod:`odyssey.core.permissions`; this module reads the other keys:

* ``posbus_auto`` — which real-time audiences hear about changes;
* ``render_auto`` — how a value becomes an object "slot" (texture, string, number, audio);
* ``cloneable`` — whether cloning an object copies the attribute, and with which value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from odyssey.core.options import clone_json, deep_merge

AttributeKey = tuple[UUID, str]
"""``(plugin_id, attribute_name)``."""


def effective_attribute_options(
    type_options: Mapping[str, Any] | None, instance_options: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Instance options deep-merged over the attribute type's, in every scope.

    (The reference merges object-user options shallowly in SQL; we use the one deep merge
    everywhere, so e.g. an instance ``permissions: {read: ...}`` keeps the type's ``write``.)
    """
    return deep_merge(type_options, instance_options)


# --- posbus_auto --------------------------------------------------------------------------------

POSBUS_SCOPES = frozenset({"node", "world", "object", "user"})


@dataclass(frozen=True, slots=True)
class PosbusAuto:
    """``posbus_auto``: send an attribute-changed message to these audiences.

    ``topic`` and ``send_to`` are kept for completeness; the reference stores them and ignores
    them.
    """

    scopes: frozenset[str]
    topic: str | None = None
    send_to: int | None = None


def posbus_auto(options: Mapping[str, Any] | None) -> PosbusAuto | None:
    """Read ``posbus_auto``; ``None`` when absent or when it names no scope."""
    raw = (options or {}).get("posbus_auto")
    if not isinstance(raw, Mapping):
        return None
    scope = raw.get("scope")
    if isinstance(scope, str):
        scope = [scope]
    if not isinstance(scope, list | tuple):
        return None
    scopes = frozenset(s for s in scope if isinstance(s, str) and s)
    if not scopes:
        return None
    topic = raw.get("topic")
    send_to = raw.get("send_to")
    return PosbusAuto(
        scopes=scopes,
        topic=topic if isinstance(topic, str) else None,
        send_to=send_to if isinstance(send_to, int) and not isinstance(send_to, bool) else None,
    )


# --- render_auto --------------------------------------------------------------------------------

SLOT_TYPES = frozenset({"texture", "string", "number", "audio"})


@dataclass(frozen=True, slots=True)
class RenderAuto:
    """``render_auto``: where the value shows up on the object and how to get there."""

    slot_type: str
    slot_name: str
    value_field: str
    content_type: str | None
    text_render_template: Mapping[str, Any] | None = None

    @property
    def known_slot_type(self) -> bool:
        """The reference ignores other slot types (e.g. the Text plugin's ``object_texture``)."""
        return self.slot_type in SLOT_TYPES


def render_auto(options: Mapping[str, Any] | None, attribute_name: str) -> RenderAuto | None:
    """Read ``render_auto`` with its defaults.

    ``slot_name`` defaults to the attribute name; ``value_field`` to ``render_hash`` for image
    content and ``value`` otherwise. ``None`` when absent or without a ``slot_type``.
    """
    raw = (options or {}).get("render_auto")
    if not isinstance(raw, Mapping):
        return None
    slot_type = raw.get("slot_type")
    if not isinstance(slot_type, str) or not slot_type:
        return None
    content_type = raw.get("content_type")
    content = content_type if isinstance(content_type, str) and content_type else None
    slot_name = raw.get("slot_name")
    value_field = raw.get("value_field")
    template = raw.get("text_render_template")
    return RenderAuto(
        slot_type=slot_type,
        slot_name=slot_name if isinstance(slot_name, str) and slot_name else attribute_name,
        value_field=(
            value_field
            if isinstance(value_field, str) and value_field
            else ("render_hash" if content == "image" else "value")
        ),
        content_type=content,
        text_render_template=template if isinstance(template, Mapping) else None,
    )


# --- cloneable ----------------------------------------------------------------------------------


def is_cloneable(options: Mapping[str, Any] | None) -> bool:
    """Whether cloning an object copies this attribute: ``cloneable`` is a map (``{}`` counts)."""
    return isinstance((options or {}).get("cloneable"), Mapping)


def clone_value(options: Mapping[str, Any] | None, current_value: Any) -> Any:
    """The value the clone gets: ``cloneable.use_default`` when present, else a copy of the
    current value. Only meaningful when :func:`is_cloneable`.
    """
    cloneable = (options or {}).get("cloneable")
    if isinstance(cloneable, Mapping) and "use_default" in cloneable:
        return clone_json(cloneable["use_default"])
    return clone_json(current_value)


__all__ = [
    "POSBUS_SCOPES",
    "SLOT_TYPES",
    "AttributeKey",
    "PosbusAuto",
    "RenderAuto",
    "clone_value",
    "effective_attribute_options",
    "is_cloneable",
    "posbus_auto",
    "render_auto",
]
