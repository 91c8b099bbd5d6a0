"""Links people store (a profile's website, a world's website, an object's video): http(s) only.

A link is shown to every visitor as `<a href>` (or opened in a player). A `javascript:` link runs
its code in the node's origin when clicked; `data:` and `vbscript:` and the rest are no better.
So a stored link must be an absolute `http://` or `https://` URL with a host, or empty (no link).

Browsers drop tabs and newlines anywhere in a URL and control characters and spaces around it
before they read the scheme (`java\\tscript:` runs), so a link with a control character is
refused outright and one with spaces around it is refused rather than trimmed: what is stored is
exactly what was checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from odyssey.core import ids
from odyssey.core.attributes import AttributeKey
from odyssey.core.errors import DomainError

LINK_SCHEMES = frozenset({"http", "https"})

#: The attribute values that hold links: (plugin_id, attribute_name) → the keys of the value.
LINK_ATTRIBUTES: Mapping[AttributeKey, tuple[str, ...]] = {
    (ids.CORE_PLUGIN_ID, "website_link"): ("website_link",),
    (ids.VIDEO_PLUGIN_ID, "state"): ("youtube_url", "url"),
}

#: The user profile's key (as stored) that holds a link.
PROFILE_LINK_KEYS = ("profile_link",)


class InvalidLink(DomainError):
    """A link that is not an http(s) URL."""

    reason = "invalid_link"


def link_problem(value: str) -> str | None:
    """Why `value` may not be stored as a link; None when it may (empty means no link)."""
    if value == "":
        return None
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return "contains control characters"
    if value != value.strip():
        return "starts or ends with spaces"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - a malformed port raises here
    except ValueError:
        return "is not a valid URL"
    if parts.scheme.lower() not in LINK_SCHEMES:
        return "does not start with http:// or https://"
    if not parts.hostname or " " in parts.netloc:
        return "names no valid host (https://example.org/...)"
    return None


def check_link(value: Any, *, field: str) -> None:
    """Raise InvalidLink unless `value` is a storable link (a string, or None for none)."""
    if value is None:
        return
    if not isinstance(value, str):
        raise InvalidLink(f"{field} must be a string (an http or https URL)")
    problem = link_problem(value)
    if problem is not None:
        raise InvalidLink(f"{field} must be an http or https URL: it {problem}")


def check_attribute_links(key: AttributeKey, value: Mapping[str, Any] | None) -> None:
    """Raise InvalidLink when an attribute value that holds links holds a bad one."""
    fields = LINK_ATTRIBUTES.get(key)
    if not fields or not isinstance(value, Mapping):
        return
    for field in fields:
        check_link(value.get(field), field=f"{key[1]}.{field}")


def check_profile_links(changes: Mapping[str, Any]) -> None:
    """Raise InvalidLink when profile changes (storage keys) carry a bad link."""
    for key in PROFILE_LINK_KEYS:
        if key in changes:
            check_link(changes[key], field="profileLink")
