"""The media store interface: immutable blobs under `/`-separated keys.

Two implementations: `FilesystemMediaStore` (a directory; the default, under the data directory)
and `S3MediaStore` (S3-compatible object storage). The media service decides the keys (see
`odyssey.media.keys`); a store only keeps bytes, and refuses keys that are not plain relative
names. Content is written once under its content hash, so a store never overwrites a key with
different bytes and readers never see a half-written blob (temp file + rename, or one S3 PUT).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

READ_CHUNK = 256 * 1024
STALE_STAGING_SECONDS = 24 * 3600


def prepare_staging(directory: Path) -> None:
    """Create the staging folder and drop what uploads interrupted by a crash left there."""
    directory.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STALE_STAGING_SECONDS
    for leftover in directory.iterdir():
        if leftover.stat().st_mtime >= cutoff:
            continue
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def check_key(key: str) -> list[str]:
    """The segments of `key`; ValueError if it is not a plain relative `/`-separated name."""
    segments = key.split("/")
    for segment in segments:
        if segment in ("", ".", "..") or "\\" in segment or "\x00" in segment:
            raise ValueError(f"invalid media store key {key!r}")
    return segments


class MediaStore(Protocol):
    @property
    def staging_dir(self) -> Path:
        """A local directory for uploads in progress (same filesystem as the store, if local)."""
        ...

    async def start(self) -> None:
        """Prepare the store (create folders or the bucket); called once at startup."""
        ...

    async def close(self) -> None: ...

    async def put_file(self, key: str, source: Path, *, content_type: str) -> bool:
        """Store the file at `source` under `key` and consume it (it is moved or deleted).

        Returns False when `key` already existed (then nothing changes).
        """
        ...

    async def put_bytes(self, key: str, data: bytes, *, content_type: str) -> bool:
        """Store `data` under `key`; False when `key` already existed."""
        ...

    async def size(self, key: str) -> int | None:
        """The size of the blob at `key`, or None if there is none."""
        ...

    async def open(self, key: str, start: int = 0, stop: int | None = None) -> AsyncIterator[bytes]:
        """Bytes `start` to `stop` (exclusive; None = to the end) of `key`, in chunks.

        Raises `MediaMissing` right away (before the first chunk) when the key does not exist.
        """
        ...

    async def read(self, key: str, start: int = 0, stop: int | None = None) -> bytes:
        """Bytes `start` to `stop` of `key` in one piece; raises `MediaMissing`."""
        ...

    async def delete(self, key: str) -> bool:
        """Remove `key`; False if it was not there."""
        ...

    async def list_keys(self, prefix: str) -> list[str]:
        """Every key under the folder `prefix` (without a trailing `/`), at any depth."""
        ...
