"""Binary glTF 2.0 (GLB) checks: the 12-byte header and the JSON chunk, read from a file.

Only the header and the JSON chunk are read (the binary chunk can be large and is not needed to
tell a GLB from something else). Layout: magic `glTF`, version 2, total length; then chunks of
(length, type, data) — the first must be JSON and hold an object with `asset.version` "2.x".
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any, BinaryIO

from odyssey.media.errors import InvalidAsset

GLB_MAGIC = b"glTF"
CHUNK_JSON = 0x4E4F534A
MAX_JSON_CHUNK = 64 * 1024 * 1024
_HEADER = struct.Struct("<4sII")
_CHUNK_HEADER = struct.Struct("<II")


def check_glb(path: Path) -> dict[str, Any]:
    """The parsed JSON chunk of the GLB at `path`; raises InvalidAsset when it is not one."""
    file_size = path.stat().st_size
    with path.open("rb") as file:
        header = file.read(_HEADER.size + _CHUNK_HEADER.size)
        if len(header) < _HEADER.size + _CHUNK_HEADER.size:
            raise InvalidAsset("file is too short to be a GLB")
        magic, version, length = _HEADER.unpack_from(header)
        if magic != GLB_MAGIC:
            raise InvalidAsset("GLB magic `glTF` is missing")
        if version != 2:
            raise InvalidAsset(f"GLB version {version} is not supported (only 2)")
        if length != file_size:
            raise InvalidAsset(f"GLB header says {length} bytes but the file has {file_size}")
        json_length, json_type = _CHUNK_HEADER.unpack_from(header, _HEADER.size)
        if json_type != CHUNK_JSON:
            raise InvalidAsset("the first GLB chunk is not JSON")
        json_end = _HEADER.size + _CHUNK_HEADER.size + json_length
        if json_length == 0 or json_length > MAX_JSON_CHUNK or json_end > file_size:
            raise InvalidAsset(f"GLB JSON chunk length {json_length} does not fit the file")
        raw = file.read(json_length)
        _check_following_chunks(file, json_end, file_size)
    try:
        document = json.loads(raw.decode("utf-8").rstrip(" \x00"))
    except (UnicodeDecodeError, ValueError) as error:
        raise InvalidAsset(f"GLB JSON chunk is not valid JSON: {error}") from error
    if not isinstance(document, dict):
        raise InvalidAsset("GLB JSON chunk is not an object")
    asset = document.get("asset")
    asset_version = asset.get("version") if isinstance(asset, dict) else None
    if not isinstance(asset_version, str) or not asset_version.startswith("2."):
        raise InvalidAsset("GLB JSON has no asset.version 2.x")
    return document


def _check_following_chunks(file: BinaryIO, offset: int, file_size: int) -> None:
    """Every chunk after the JSON one has a whole header and fits; they end with the file."""
    while offset < file_size:
        file.seek(offset)
        header = file.read(_CHUNK_HEADER.size)
        if len(header) < _CHUNK_HEADER.size:
            raise InvalidAsset("GLB ends inside a chunk header")
        length, _chunk_type = _CHUNK_HEADER.unpack(header)
        offset += _CHUNK_HEADER.size + length
        if offset > file_size:
            raise InvalidAsset(f"GLB chunk length {length} does not fit the file")
