"""Seed media shipped with every node: basic 3D shapes, a default skybox, a default avatar.

The files under this folder are produced by ``tools/make_seed_assets.py`` (never edited by hand)
and listed in ``manifest.json``. :func:`media_hash` is the one way the project names media:
the first 128 bits of the SHA-256 of a file's bytes, as 32 lowercase hex characters. A 3D
asset's id is that same hash read as a UUID.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "ASSETS_DIR",
    "MANIFEST_PATH",
    "ImageEntry",
    "Manifest",
    "ModelEntry",
    "load_manifest",
    "media_hash",
    "media_uuid",
]

ASSETS_DIR: Path = Path(__file__).resolve().parent
MANIFEST_PATH: Path = ASSETS_DIR / "manifest.json"


def media_hash(data: bytes) -> str:
    """Media hash of ``data``: the first 128 bits of its SHA-256, as 32 lowercase hex chars."""
    return hashlib.sha256(data).hexdigest()[:32]


def media_uuid(data: bytes) -> uuid.UUID:
    """The media hash of ``data`` read as a UUID (the id of a 3D asset)."""
    return uuid.UUID(hex=media_hash(data))


@dataclass(frozen=True, slots=True)
class ModelEntry:
    """One seed 3D model (a GLB file)."""

    name: str
    file: str
    category: str
    type: int
    id: uuid.UUID


@dataclass(frozen=True, slots=True)
class ImageEntry:
    """One seed image."""

    name: str
    file: str
    hash: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """The parsed ``manifest.json``; ``root`` is the folder its ``file`` paths are relative to."""

    root: Path
    models: tuple[ModelEntry, ...]
    images: tuple[ImageEntry, ...]

    def path(self, entry: ModelEntry | ImageEntry) -> Path:
        return self.root / entry.file

    def model(self, name: str) -> ModelEntry:
        for entry in self.models:
            if entry.name == name:
                return entry
        raise KeyError(name)

    def image(self, name: str) -> ImageEntry:
        for entry in self.images:
            if entry.name == name:
                return entry
        raise KeyError(name)


def _str(obj: dict[str, Any], key: str) -> str:
    value = obj[key]
    if not isinstance(value, str):
        raise ValueError(f"manifest: {key!r} must be a string, got {value!r}")
    return value


def _int(obj: dict[str, Any], key: str) -> int:
    value = obj[key]
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"manifest: {key!r} must be an integer, got {value!r}")
    return value


def _list(obj: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = obj[key]
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValueError(f"manifest: {key!r} must be a list of objects")
    return value


def load_manifest(path: Path | None = None) -> Manifest:
    """Read and type-check ``manifest.json`` (the packaged one unless ``path`` is given)."""
    path = path or MANIFEST_PATH
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError("manifest: top level must be an object")
    models = tuple(
        ModelEntry(
            name=_str(m, "name"),
            file=_str(m, "file"),
            category=_str(m, "category"),
            type=_int(m, "type"),
            id=uuid.UUID(_str(m, "id")),
        )
        for m in _list(raw, "models")
    )
    images = tuple(
        ImageEntry(name=_str(i, "name"), file=_str(i, "file"), hash=_str(i, "hash"))
        for i in _list(raw, "images")
    )
    return Manifest(root=path.parent, models=models, images=images)
