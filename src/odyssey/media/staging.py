"""Uploads on their way in: the per-kind limits, and the staging file an upload is written to
as it arrives (hashed on the way, refused as soon as it passes its kind's limit)."""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from anyio import to_thread

from odyssey.media.errors import (
    MediaTooLarge,
)
from odyssey.media.ids import MediaHasher
from odyssey.media.quotas import UploadGrant
from odyssey.media.sniff import SNIFF_BYTES, MediaKind

log = logging.getLogger(__name__)

# Bytes gathered before a staging write: fewer, larger writes off the event loop.
_WRITE_BUFFER = 1024 * 1024


@dataclass(frozen=True, slots=True)
class MediaLimits:
    """Per-kind upload limits, in bytes, and the other guards."""

    image_bytes: int
    video_bytes: int
    audio_bytes: int
    asset_bytes: int
    plugin_bytes: int
    image_pixels: int
    plugin_unpacked_bytes: int
    plugin_files: int
    image_decode_budget_bytes: int = 768 * 1024 * 1024
    image_decode_wait_seconds: float = 30.0
    work_nice: int = 10

    def bytes_for(self, kind: MediaKind) -> int:
        return {
            MediaKind.IMAGE: self.image_bytes,
            MediaKind.VIDEO: self.video_bytes,
            MediaKind.AUDIO: self.audio_bytes,
            MediaKind.ASSET: self.asset_bytes,
            MediaKind.PLUGIN: self.plugin_bytes,
        }[kind]


@dataclass(frozen=True, slots=True)
class StagedFile:
    """A complete upload in the staging folder."""

    path: Path
    size: int
    media_hash: str
    head: bytes
    filename: str | None = None


class StagedUpload:
    """An upload being received: appended to a staging file, hashed and counted on the way.

    Writes are buffered (1 MiB) and flushed in a worker thread. Exceeding `limit` (the kind's
    size limit) raises `MediaTooLarge` at once, and exceeding what the uploader's quotas leave
    (`grant.bytes_left`) `QuotaExceeded`, so such a body is never read to its end.
    """

    def __init__(
        self, directory: Path, kind: MediaKind, limit: int, *, grant: UploadGrant | None = None
    ) -> None:
        self.kind = kind
        self.limit = limit
        self.grant = grant
        directory.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=directory, prefix=f"{kind.value}-")
        self.path = Path(name)
        self._file = os.fdopen(descriptor, "wb")
        self._hasher = MediaHasher()
        self._buffer = bytearray()
        self._head = bytearray()
        self.size = 0

    def check_size(self, size: int, *, slack: int = 0) -> None:
        """Refuse an upload of `size` bytes (`slack`: room for a declared size's overhead)."""
        if size > self.limit + slack:
            raise MediaTooLarge(
                f"{self.kind.value} uploads are limited to {self.limit} bytes "
                f"({mib(self.limit)}); this one has {size}"
            )
        left = None if self.grant is None else self.grant.bytes_left
        if self.grant is not None and left is not None and size > left + slack:
            raise self.grant.over_quota(size - slack)

    async def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        self.check_size(self.size)
        if len(self._head) < SNIFF_BYTES:
            self._head += chunk[: SNIFF_BYTES - len(self._head)]
        self._buffer += chunk
        if len(self._buffer) >= _WRITE_BUFFER:
            await self._flush()

    async def _flush(self) -> None:
        data, self._buffer = bytes(self._buffer), bytearray()
        await to_thread.run_sync(self._write_and_hash, data)

    def _write_and_hash(self, data: bytes) -> None:
        self._file.write(data)
        self._hasher.update(data)

    async def finish(self, filename: str | None = None) -> StagedFile:
        await self._flush()
        await to_thread.run_sync(self._sync_and_close)
        return StagedFile(
            path=self.path,
            size=self.size,
            media_hash=self._hasher.hexdigest(),
            head=bytes(self._head),
            filename=filename,
        )

    def _sync_and_close(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()

    def discard(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


def mib(size: int) -> str:
    return f"{size / (1024 * 1024):.4g} MiB"
