"""Where media live in a store: the keys (the filesystem store's paths, the S3 store's object
keys), and the content type a plugin bundle's file is served with.

- `images/<hash>` the uploaded image, byte for byte; `textures/<s0..s9>/<hash>` its variants;
- `videos/<hash>`, `tracks/<hash>` (audio), `assets/<hash>` (GLB; the hash is the asset's UUID);
- `plugins/<hash>/<path>` the files of a plugin bundle (`manifest.json` written last);
- `uploaders/<kind>/<hash>/<user id>` an empty marker per user who uploaded that content: the
  uploaders (and node admins) are the ones who may delete it.
"""

from __future__ import annotations

import mimetypes
import os
import uuid

from odyssey.media import plugins
from odyssey.media.sniff import MediaKind

FOLDERS: dict[MediaKind, str] = {
    MediaKind.IMAGE: "images",
    MediaKind.VIDEO: "videos",
    MediaKind.AUDIO: "tracks",
    MediaKind.ASSET: "assets",
    MediaKind.PLUGIN: "plugins",
}

PLUGIN_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".html": "text/html",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
    ".txt": "text/plain",
}


def media_key(kind: MediaKind, media_hash: str) -> str:
    """The key of a stored item (for a plugin: its manifest, written last)."""
    if kind is MediaKind.PLUGIN:
        return f"plugins/{media_hash}/{plugins.MANIFEST_NAME}"
    return f"{FOLDERS[kind]}/{media_hash}"


def texture_key(size: str, media_hash: str) -> str:
    return f"textures/{size}/{media_hash}"


def uploader_key(kind: MediaKind, media_hash: str, user_id: uuid.UUID) -> str:
    return f"uploaders/{kind.value}/{media_hash}/{user_id}"


def plugin_content_type(path: str) -> str:
    suffix = os.path.splitext(path)[1].lower()
    known = PLUGIN_TYPES.get(suffix) or mimetypes.types_map.get(suffix)
    return known or "application/octet-stream"
