"""The filesystem media store: one file per key under a root directory.

The layout is the reference's (data model §3.1), with the full image at `images/<hash>`, the
folder the seed fills: `images/<hash>`, `textures/<size>/<hash>`, `videos/<hash>`,
`tracks/<hash>`, `assets/<uuid hex>`, `plugins/<hash>/<path>`. Files have no extension.

Writes go to `<root>/.staging` first, are flushed to disk, then renamed into place, so a crash
never leaves a half file under a real key. File I/O runs in worker threads.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO

from anyio import to_thread

from odyssey.media.errors import MediaMissing
from odyssey.media.store import READ_CHUNK, check_key, prepare_staging

STAGING_FOLDER = ".staging"


class FilesystemMediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._staging = root / STAGING_FOLDER

    @property
    def staging_dir(self) -> Path:
        return self._staging

    def path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key))

    async def start(self) -> None:
        await to_thread.run_sync(prepare_staging, self._staging)

    async def close(self) -> None:
        return None

    async def put_file(self, key: str, source: Path, *, content_type: str) -> bool:
        return await to_thread.run_sync(self._move_into_place, source, self.path(key))

    @staticmethod
    def _move_into_place(source: Path, target: Path) -> bool:
        if target.exists():
            source.unlink(missing_ok=True)
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        return True

    async def put_bytes(self, key: str, data: bytes, *, content_type: str) -> bool:
        return await to_thread.run_sync(self._write_bytes, self.path(key), data)

    def _write_bytes(self, target: Path, data: bytes) -> bool:
        if target.exists():
            return False
        self._staging.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=self._staging)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        return self._move_into_place(Path(name), target)

    async def size(self, key: str) -> int | None:
        path = self.path(key)
        try:
            stat = await to_thread.run_sync(os.stat, path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        return stat.st_size

    async def open(self, key: str, start: int = 0, stop: int | None = None) -> AsyncIterator[bytes]:
        file, first = await to_thread.run_sync(
            self._open_and_read_first, self.path(key), start, stop
        )
        return self._chunks(file, first, start + len(first), stop)

    @staticmethod
    def _open_and_read_first(path: Path, start: int, stop: int | None) -> tuple[BinaryIO, bytes]:
        try:
            file = path.open("rb")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError) as error:
            raise MediaMissing(str(path)) from error
        try:
            file.seek(start)
            first = file.read(READ_CHUNK if stop is None else min(READ_CHUNK, stop - start))
        except BaseException:
            file.close()
            raise
        return file, first

    @staticmethod
    async def _chunks(
        file: BinaryIO, first: bytes, position: int, stop: int | None
    ) -> AsyncIterator[bytes]:
        try:
            if first:
                yield first
            while stop is None or position < stop:
                want = READ_CHUNK if stop is None else min(READ_CHUNK, stop - position)
                chunk = await to_thread.run_sync(file.read, want)
                if not chunk:
                    return
                position += len(chunk)
                yield chunk
        finally:
            file.close()

    async def read(self, key: str, start: int = 0, stop: int | None = None) -> bytes:
        return await to_thread.run_sync(self._read, self.path(key), start, stop)

    @staticmethod
    def _read(path: Path, start: int, stop: int | None) -> bytes:
        try:
            with path.open("rb") as file:
                file.seek(start)
                return file.read() if stop is None else file.read(stop - start)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError) as error:
            raise MediaMissing(str(path)) from error

    async def delete(self, key: str) -> bool:
        return await to_thread.run_sync(self._delete, self.path(key))

    def _delete(self, path: Path) -> bool:
        try:
            path.unlink()
        except (FileNotFoundError, NotADirectoryError):
            return False
        # Drop folders the removal left empty (plugin folders, uploader lists).
        parent = path.parent
        while parent != self.root and self.root in parent.parents:
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent
        return True

    async def list_keys(self, prefix: str) -> list[str]:
        return await to_thread.run_sync(self._list, prefix)

    def _list(self, prefix: str) -> list[str]:
        folder = self.path(prefix)
        keys: list[str] = []
        for directory, _folders, files in os.walk(folder):
            relative = Path(directory).relative_to(self.root).as_posix()
            keys.extend(f"{relative}/{name}" for name in files)
        return sorted(keys)
