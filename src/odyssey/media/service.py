"""The media service: receives uploads, names them by content, stores them, and finds them again.

An upload is written to a staging file as it arrives (`StagedUpload`: hashed on the way, limited
to its kind's size and to what the uploader's quotas leave), counted against those quotas, then
checked by its bytes (magic bytes first; images fully decoded within a pixel limit and a memory
budget; audio and video read by FFmpeg in a bounded child process, `odyssey.media.probe`; GLB
header and JSON chunk; plugin bundles unpacked with limits), then moved into the store under its
content hash. Identical content deduplicates to the same key.

Store keys: `odyssey.media.keys`.

Texture variants s2-s6 are made at upload; the others on first request, once even when requests
arrive together (one task per variant, the others wait for it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from anyio import to_thread

from odyssey.assets import Manifest
from odyssey.bus import Bus, MediaRemoved, MediaStored
from odyssey.bus.events import UserAssetChanged
from odyssey.core.errors import Forbidden
from odyssey.db.engine import Database
from odyssey.media import glb, images, memory, plugins
from odyssey.media.budget import MemoryBudget
from odyssey.media.errors import (
    ImageTooLarge,
    InvalidImage,
    InvalidMediaId,
    MediaMissing,
    MediaNotFound,
    UnsupportedMedia,
)
from odyssey.media.ids import asset_uuid, parse_asset_id, parse_media_hash
from odyssey.media.images import ImageInfo
from odyssey.media.keys import media_key, plugin_content_type, texture_key, uploader_key
from odyssey.media.library import LibraryEntry, add_to_library
from odyssey.media.lru import Lru
from odyssey.media.probe import MediaProber
from odyssey.media.quotas import UploadGrant, UploadQuotas
from odyssey.media.sniff import GLB_CONTENT_TYPE, SNIFF_BYTES, MediaKind, sniff, sniff_image
from odyssey.media.staging import MediaLimits, StagedFile, StagedUpload, mib
from odyssey.media.store import MediaStore

log = logging.getLogger(__name__)

IMAGE_HEADER_BYTES = 64 * 1024
_CACHE_ENTRIES = 4096
# Small files (textures, avatars, plugin scripts) are served from memory once read.
SMALL_FILE_BYTES = 256 * 1024
SMALL_FILES_BUDGET = 64 * 1024 * 1024


# Plugin files are served from the node's own origin, where the web client keeps its session, so
# whatever a bundle holds must not run as that origin: `sandbox` (without allow-same-origin or
# allow-scripts) gives an HTML or SVG file opened directly an opaque origin with no scripts, so it
# reaches neither localStorage nor cookies; `default-src 'none'` stops it loading anything but
# its own images and styles. A CSP on a script response does not apply to the page importing
# that script, so plugin modules (`remoteEntry.js`) still load into the client.
PLUGIN_CONTENT_SECURITY_POLICY = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


@dataclass(frozen=True, slots=True)
class StoredMedia:
    media_hash: str
    kind: MediaKind
    size: int
    content_type: str
    created: bool


@dataclass(frozen=True, slots=True)
class MediaFile:
    """Something to serve: its store key, size, content type, validator and extra headers."""

    key: str
    size: int
    content_type: str
    etag: str
    headers: dict[str, str] = field(default_factory=dict)


IsNodeAdmin = Callable[[uuid.UUID], Awaitable[bool]]


def _lower_thread_priority(nice: int) -> None:
    """Lower the calling thread's priority by ``nice`` (this thread alone: Linux keeps nice
    values per thread). Where that is not possible the thread runs at the process's priority."""
    if nice <= 0 or not hasattr(os, "setpriority"):
        return
    thread = threading.get_native_id()
    with contextlib.suppress(OSError):
        current = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(19, current + nice))


class MediaService:
    def __init__(
        self,
        store: MediaStore,
        *,
        bus: Bus,
        db: Database,
        limits: MediaLimits,
        quotas: UploadQuotas,
        prober: MediaProber,
        is_node_admin: IsNodeAdmin,
    ) -> None:
        self.store = store
        self.quotas = quotas
        self.prober = prober
        self.bus = bus
        self.db = db
        self.limits = limits
        self._is_node_admin = is_node_admin
        self._sizes: Lru[int] = Lru(_CACHE_ENTRIES)
        self._content_types: Lru[str] = Lru(_CACHE_ENTRIES)
        self._small_files: Lru[bytes] = Lru(SMALL_FILES_BUDGET, len)
        self._image_infos: Lru[ImageInfo] = Lru(_CACHE_ENTRIES)
        self._making: dict[str, asyncio.Task[None]] = {}
        self._started = False
        self.decode_budget = MemoryBudget(
            limits.image_decode_budget_bytes,
            wait_seconds=limits.image_decode_wait_seconds,
            on_idle=self._return_freed_memory,
        )
        # Images are decoded on threads of their own at a lower priority (a per-thread nice
        # value on Linux), so a guest's uploads slow down before the event loop does; the
        # memory budget, not this pool, decides how many decodes are admitted.
        self._decode_threads = ThreadPoolExecutor(
            max_workers=max(2, os.cpu_count() or 2),
            thread_name_prefix="odyssey-image",
            initializer=_lower_thread_priority,
            initargs=(limits.work_nice,),
        )

    async def start(self) -> None:
        """Prepare the store (idempotent): folders, or the S3 bucket; clear old staging files."""
        if not self._started:
            await self.store.start()
            self._started = True

    async def close(self) -> None:
        for task in list(self._making.values()):
            task.cancel()
        await self.store.close()
        self._decode_threads.shutdown(wait=False, cancel_futures=True)

    # --- uploads ------------------------------------------------------------------------------

    async def authorize_upload(self, kind: MediaKind, user_id: uuid.UUID) -> UploadGrant:
        """Refuse before the body is read: plugin bundles are for node admins only, and an
        upload by someone whose quotas are used up. The grant says how much the upload may
        bring (`stage` enforces it) and is handed back to `store_upload`."""
        if await self._is_node_admin(user_id):
            return UploadGrant.unlimited(user_id)
        if kind is MediaKind.PLUGIN:
            raise Forbidden("only node admins may upload plugin bundles", reason="not_admin")
        return await self.quotas.grant(user_id)

    def stage(self, kind: MediaKind, grant: UploadGrant) -> StagedUpload:
        return StagedUpload(self.store.staging_dir, kind, self.limits.bytes_for(kind), grant=grant)

    async def store_upload(
        self, kind: MediaKind, staged: StagedFile, grant: UploadGrant
    ) -> StoredMedia:
        """Check `staged` is a `kind` by its bytes and store it; the staging file is consumed.

        The upload is counted against the uploader's quotas (node admins have none) before its
        content is checked, so the cost of checking counts too.
        """
        try:
            admitted = None
            if not grant.exempt:
                admitted = await self.quotas.admit(
                    grant, kind=kind.value, media_hash=staged.media_hash, size=staged.size
                )
            try:
                stored = await self._store(kind, staged)
            except BaseException:
                if admitted is not None:
                    await self.quotas.refused(admitted)
                raise
        finally:
            staged.path.unlink(missing_ok=True)
        await self.store.put_bytes(
            uploader_key(kind, stored.media_hash, grant.user_id),
            b"",
            content_type="application/octet-stream",
        )
        await self.bus.publish(
            MediaStored(
                media_hash=stored.media_hash,
                kind=kind.value,
                size=stored.size,
                user_id=grant.user_id,
                created=stored.created,
            )
        )
        return stored

    async def _store(self, kind: MediaKind, staged: StagedFile) -> StoredMedia:
        content_type = sniff(kind, staged.head)
        if content_type is None:
            raise UnsupportedMedia(f"the file's content is not an accepted {kind.value} type")
        if kind is MediaKind.PLUGIN:
            return await self._store_plugin(staged, content_type)
        if kind is MediaKind.ASSET:
            await to_thread.run_sync(glb.check_glb, staged.path)
        key = media_key(kind, staged.media_hash)
        if kind in (MediaKind.AUDIO, MediaKind.VIDEO) and await self.store.size(key) is None:
            # Content already stored under this hash was checked when it first came.
            await self.prober.check(staged.path, kind, content_type, staged.head)
        if kind is MediaKind.IMAGE:
            content_type = await self._check_image_and_make_textures(key, staged)
        created = await self.store.put_file(key, staged.path, content_type=content_type)
        return StoredMedia(staged.media_hash, kind, staged.size, content_type, created)

    async def _check_image_and_make_textures(self, key: str, staged: StagedFile) -> str:
        """Check an uploaded image and make its upload-time textures, in one decode.

        Content already stored under this hash was checked when it first came: the same bytes
        need only their header read.
        """
        is_new = await self.store.size(key) is None
        sizes = images.UPLOAD_TEXTURE_SIZES if is_new else ()
        plan = await to_thread.run_sync(
            lambda: images.inspect_upload(staged.path, sizes, max_pixels=self.limits.image_pixels)
        )
        if is_new:
            variants = await self._decode(staged.path, plan)
            await self._put_textures(staged.media_hash, plan.info, variants)
        return plan.info.content_type

    async def _decode(self, source: bytes | Path, plan: images.DecodePlan) -> dict[str, bytes]:
        """Decode within the memory budget (waiting for room, at most the configured time)."""
        held_source = len(source) if isinstance(source, bytes) else 0
        needed = plan.memory_bytes + held_source
        if needed > self.decode_budget.capacity:
            raise ImageTooLarge(
                f"decoding this {plan.decode_size[0]}x{plan.decode_size[1]} image needs about "
                f"{mib(needed)}, more than the node's image decoding budget "
                f"({mib(self.decode_budget.capacity)})"
            )
        async with self.decode_budget.reserve(needed):
            decoding = asyncio.get_running_loop().run_in_executor(
                self._decode_threads, images.decode_variants, source, plan
            )
            try:
                return await asyncio.shield(decoding)
            except asyncio.CancelledError:
                # A thread cannot be stopped: its memory stays reserved until it is done.
                await asyncio.wait([decoding])
                raise

    async def _return_freed_memory(self) -> None:
        await to_thread.run_sync(memory.release_freed_memory)

    async def _put_textures(
        self, media_hash: str, info: ImageInfo, variants: dict[str, bytes]
    ) -> None:
        for size, encoded in variants.items():
            await self.store.put_bytes(
                texture_key(size, media_hash), encoded, content_type=info.variant_content_type
            )

    async def _store_plugin(self, staged: StagedFile, content_type: str) -> StoredMedia:
        workdir = Path(tempfile.mkdtemp(dir=self.store.staging_dir, prefix="plugin-"))
        try:
            bundle = await to_thread.run_sync(
                lambda: plugins.unpack_plugin(
                    staged.path,
                    workdir,
                    max_unpacked_bytes=self.limits.plugin_unpacked_bytes,
                    max_files=self.limits.plugin_files,
                )
            )
            manifest_key = media_key(MediaKind.PLUGIN, bundle.media_hash)
            created = await self.store.size(manifest_key) is None
            if created:
                names = sorted(bundle.files, key=lambda name: name == plugins.MANIFEST_NAME)
                for name in names:  # the manifest last: its presence means "complete"
                    await self.store.put_file(
                        f"plugins/{bundle.media_hash}/{name}",
                        bundle.files[name],
                        content_type=plugin_content_type(name),
                    )
        finally:
            await to_thread.run_sync(lambda: shutil.rmtree(workdir, ignore_errors=True))
        return StoredMedia(bundle.media_hash, MediaKind.PLUGIN, staged.size, content_type, created)

    async def store_asset_3d(
        self,
        staged: StagedFile,
        grant: UploadGrant,
        *,
        name: str | None,
        preview_hash: str | None,
        is_private: bool,
    ) -> LibraryEntry:
        """Store a GLB and add it to the uploader's 3D asset library."""
        if preview_hash is not None and parse_media_hash(preview_hash) is None:
            staged.path.unlink(missing_ok=True)
            raise InvalidMediaId(f"preview_hash {preview_hash!r} is not a media hash")
        default_name = os.path.splitext(os.path.basename(staged.filename or ""))[0]
        stored = await self.store_upload(MediaKind.ASSET, staged, grant)
        user_id = grant.user_id
        asset_id = asset_uuid(stored.media_hash)
        entry = await add_to_library(
            self.db,
            asset_3d_id=asset_id,
            user_id=user_id,
            name=(name or "").strip() or default_name or stored.media_hash,
            preview_hash=preview_hash.lower() if preview_hash else None,
            is_private=is_private,
        )
        await self.bus.publish(UserAssetChanged(asset_3d_id=asset_id, user_id=user_id))
        return entry

    # --- serving ------------------------------------------------------------------------------

    async def find(self, kind: MediaKind, file: str) -> MediaFile:
        """A stored video, audio track, 3D asset or full image, by the id in its URL."""
        media_hash = parse_asset_id(file) if kind is MediaKind.ASSET else parse_media_hash(file)
        if media_hash is None:
            raise InvalidMediaId(f"{file!r} is not a media id")
        if kind is MediaKind.IMAGE:
            info = await self._image_info(media_hash)
            return await self._file(
                media_key(kind, media_hash),
                info.content_type,
                f'"{media_hash}"',
                _dimension_headers(info.width, info.height),
            )
        key = media_key(kind, media_hash)
        if kind is MediaKind.ASSET:
            return await self._file(key, GLB_CONTENT_TYPE, f'"{media_hash}"')
        content_type = self._content_types.get(key)
        if content_type is None:
            head = await self._read_or_404(key, 0, SNIFF_BYTES)
            content_type = sniff(kind, head) or "application/octet-stream"
            self._content_types.put(key, content_type)
        return await self._file(key, content_type, f'"{media_hash}"')

    async def find_texture(self, size: str, file: str) -> MediaFile:
        """Texture `size` (s0-s9) of an image, made now if it was not made yet."""
        media_hash = parse_media_hash(file)
        if media_hash is None or not images.is_texture_size(size):
            raise InvalidMediaId(f"{size}/{file} is not a texture size and media hash")
        info = await self._image_info(media_hash)
        dimensions = images.variant_dimensions(info, size)
        etag = f'"{media_hash}-{size}"'
        if dimensions is None:  # never upscaled: the original is this size
            return await self._file(
                media_key(MediaKind.IMAGE, media_hash),
                info.content_type,
                etag,
                _dimension_headers(info.width, info.height),
            )
        key = texture_key(size, media_hash)
        if await self._size(key) is None:
            await self._texture_once(size, media_hash, info)
        return await self._file(
            key, info.variant_content_type, etag, _dimension_headers(*dimensions)
        )

    async def find_plugin_file(self, file: str, path: str) -> MediaFile:
        media_hash = parse_media_hash(file)
        name = plugins.normalize_plugin_path(path)
        if media_hash is None or name is None:
            raise InvalidMediaId(f"{file}/{path} is not a plugin hash and file path")
        if await self._size(media_key(MediaKind.PLUGIN, media_hash)) is None:
            raise MediaNotFound(f"no plugin {media_hash}", kind="media")  # absent or incomplete
        return await self._file(
            f"plugins/{media_hash}/{name}",
            plugin_content_type(name),
            f'"{media_hash}"',
            {"Content-Security-Policy": PLUGIN_CONTENT_SECURITY_POLICY},
        )

    async def open(self, media: MediaFile, start: int, stop: int) -> AsyncIterator[bytes]:
        """The bytes of `media` from `start` to `stop`, in chunks."""
        try:
            return await self.store.open(media.key, start, stop)
        except MediaMissing as error:
            self._forget(media.key)
            raise MediaNotFound(f"{media.key} is gone", kind="media") from error

    async def read(self, media: MediaFile, start: int, stop: int) -> bytes:
        """The bytes of `media` from `start` to `stop` in one piece (small files are cached)."""
        if media.size > SMALL_FILE_BYTES:
            return await self._read_or_404(media.key, start, stop)
        data = self._small_files.get(media.key)
        if data is None:
            data = await self._read_or_404(media.key, 0, None)
            self._small_files.put(media.key, data)
        return data[start:stop]

    async def _file(
        self, key: str, content_type: str, etag: str, headers: dict[str, str] | None = None
    ) -> MediaFile:
        size = await self._size(key)
        if size is None:
            raise MediaNotFound(f"no media at {key}", kind="media")
        return MediaFile(key, size, content_type, etag, headers or {})

    async def _size(self, key: str) -> int | None:
        """The size of `key` (remembered: content under a key never changes)."""
        size = self._sizes.get(key)
        if size is None:
            size = await self.store.size(key)
            if size is not None:
                self._sizes.put(key, size)
        return size

    def _forget(self, key_prefix: str) -> None:
        self._sizes.evict_prefix(key_prefix)
        self._content_types.evict_prefix(key_prefix)
        self._small_files.evict_prefix(key_prefix)

    async def _read_or_404(self, key: str, start: int, stop: int | None) -> bytes:
        try:
            return await self.store.read(key, start, stop)
        except MediaMissing as error:
            self._forget(key)
            raise MediaNotFound(f"no media at {key}", kind="media") from error

    async def _image_info(self, media_hash: str) -> ImageInfo:
        info = self._image_infos.get(media_hash)
        if info is not None:
            return info
        key = media_key(MediaKind.IMAGE, media_hash)
        head = await self._read_or_404(key, 0, IMAGE_HEADER_BYTES)
        try:
            info = await to_thread.run_sync(images.read_image_info, head)
        except InvalidImage:  # header longer than what was read (large EXIF): read all
            data = await self._read_or_404(key, 0, None)
            info = await to_thread.run_sync(images.read_image_info, data)
        self._image_infos.put(media_hash, info)
        return info

    async def _texture_once(self, size: str, media_hash: str, info: ImageInfo) -> None:
        key = texture_key(size, media_hash)
        task = self._making.get(key)
        if task is None:
            task = asyncio.create_task(self._make_textures(media_hash, info, (size,)))
            self._making[key] = task
            task.add_done_callback(lambda _done: self._making.pop(key, None))
        await asyncio.shield(task)

    async def _make_textures(
        self, media_hash: str, info: ImageInfo, sizes: tuple[str, ...]
    ) -> None:
        missing = tuple(
            [
                size
                for size in sizes
                if images.variant_dimensions(info, size) is not None
                and await self.store.size(texture_key(size, media_hash)) is None
            ]
        )
        if not missing:
            return
        image = await self._read_or_404(media_key(MediaKind.IMAGE, media_hash), 0, None)
        plan = await to_thread.run_sync(images.plan_variants, image, info, missing)
        variants = await self._decode(image, plan)
        await self._put_textures(media_hash, info, variants)

    # --- deletion -----------------------------------------------------------------------------

    async def delete(self, kind: MediaKind, file: str, user_id: uuid.UUID) -> bool:
        """Delete stored media as `user_id`. Returns True if the content itself was removed.

        An uploader removes their own upload; the content goes when no other user uploaded the
        same bytes. A node admin removes the content for everyone.
        """
        media_hash = parse_asset_id(file) if kind is MediaKind.ASSET else parse_media_hash(file)
        if media_hash is None:
            raise InvalidMediaId(f"{file!r} is not a media id")
        if await self.store.size(media_key(kind, media_hash)) is None:
            raise MediaNotFound(f"no {kind.value} {media_hash}", kind="media")
        uploaders = await self.store.list_keys(f"uploaders/{kind.value}/{media_hash}")
        mine = uploader_key(kind, media_hash, user_id)
        is_uploader = mine in uploaders
        others = [key for key in uploaders if key != mine]
        is_admin = (not is_uploader or bool(others)) and await self._is_node_admin(user_id)
        if not is_uploader and not is_admin:
            raise Forbidden(f"only who uploaded this {kind.value} or a node admin may delete it")
        if others and not is_admin:
            await self.store.delete(mine)
            await self.quotas.removed(kind.value, media_hash, user_id)
            return False
        await self._remove_content(kind, media_hash)
        await self.quotas.removed(kind.value, media_hash, None)
        for key in uploaders:
            await self.store.delete(key)
        await self.bus.publish(
            MediaRemoved(media_hash=media_hash, kind=kind.value, user_id=user_id)
        )
        return True

    async def _remove_content(self, kind: MediaKind, media_hash: str) -> None:
        # The "complete" marker first, so a half-deleted item is never served as whole.
        await self.store.delete(media_key(kind, media_hash))
        if kind is MediaKind.PLUGIN:
            for key in await self.store.list_keys(f"plugins/{media_hash}"):
                await self.store.delete(key)
            self._forget(f"plugins/{media_hash}/")
        elif kind is MediaKind.IMAGE:
            for size in images.TEXTURE_AREAS:
                await self.store.delete(texture_key(size, media_hash))
                self._forget(texture_key(size, media_hash))
            self._image_infos.evict_prefix(media_hash)
        self._forget(media_key(kind, media_hash))

    # --- seed ---------------------------------------------------------------------------------

    async def install_seed_media(self, manifest: Manifest) -> None:
        """Put the shipped images and models in the store under their ids (idempotent)."""
        await self.start()
        entries: list[tuple[str, Path, str | None]] = [
            (f"images/{image.hash}", manifest.path(image), None) for image in manifest.images
        ]
        entries += [
            (f"assets/{model.id.hex}", manifest.path(model), GLB_CONTENT_TYPE)
            for model in manifest.models
        ]

        async def install(key: str, source: Path, content_type: str | None) -> None:
            if await self.store.size(key) is not None:
                return
            staged = await to_thread.run_sync(self._copy_to_staging, source)
            head = await to_thread.run_sync(_read_head, staged)
            await self.store.put_file(
                key, staged, content_type=content_type or sniff_image(head) or "image/png"
            )

        await asyncio.gather(*(install(*entry) for entry in entries))

    def _copy_to_staging(self, source: Path) -> Path:
        self.store.staging_dir.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=self.store.staging_dir, prefix="seed-")
        with os.fdopen(descriptor, "wb") as sink, source.open("rb") as file:
            shutil.copyfileobj(file, sink)
        return Path(name)


def _read_head(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(SNIFF_BYTES)


def _dimension_headers(width: int, height: int) -> dict[str, str]:
    return {"x-width": str(width), "x-height": str(height)}
