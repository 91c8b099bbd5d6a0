"""Media ids: the 32-hex hash of :func:`odyssey.assets.media_hash`, computed as bytes arrive.

A stored item is named by the first 128 bits of the SHA-256 of its bytes, as 32 lowercase hex
characters; a 3D asset's id is that hash read as a UUID. Ids that come in from a URL are checked
here before they get anywhere near a storage key, so no path can be smuggled through them.
"""

from __future__ import annotations

import hashlib
import re
import uuid

MEDIA_HASH_LENGTH = 32
_MEDIA_HASH = re.compile(r"[0-9a-f]{32}")


class MediaHasher:
    """Incremental :func:`odyssey.assets.media_hash`: feed chunks, read the same 32-hex id."""

    __slots__ = ("_sha256",)

    def __init__(self) -> None:
        self._sha256 = hashlib.sha256()

    def update(self, chunk: bytes | bytearray | memoryview) -> None:
        self._sha256.update(chunk)

    def hexdigest(self) -> str:
        return self._sha256.hexdigest()[:MEDIA_HASH_LENGTH]


def parse_media_hash(text: str) -> str | None:
    """The canonical (lowercase) media hash in `text`, or None if it is not one."""
    candidate = text.lower()
    return candidate if _MEDIA_HASH.fullmatch(candidate) else None


def parse_asset_id(text: str) -> str | None:
    """A 3D asset id as its media hash: accepts the hash and the hyphenated UUID form."""
    direct = parse_media_hash(text)
    if direct is not None:
        return direct
    if len(text) != 36:
        return None
    try:
        return uuid.UUID(text).hex
    except ValueError:
        return None


def asset_uuid(media_hash: str) -> uuid.UUID:
    """The id of the 3D asset whose GLB has this media hash."""
    return uuid.UUID(hex=media_hash)
