"""The media manager: content-addressed uploads, image variants, 3D assets, plugin bundles.

`build_media_service(settings, ...)` picks the store the settings name (a local directory by
default, or S3-compatible object storage) and returns the one `MediaService` of the node; its
HTTP routes are in api/routes/media.py.
"""

from __future__ import annotations

from odyssey.bus import Bus
from odyssey.config import Settings
from odyssey.db.engine import Database
from odyssey.media.ids import MediaHasher
from odyssey.media.local import FilesystemMediaStore
from odyssey.media.probe import MediaProber, ProbeLimits
from odyssey.media.quotas import Allowance, QuotaLimits, UploadQuotas
from odyssey.media.s3 import S3MediaStore
from odyssey.media.service import IsNodeAdmin, MediaService
from odyssey.media.sniff import MediaKind
from odyssey.media.staging import MediaLimits
from odyssey.media.store import MediaStore

__all__ = [
    "FilesystemMediaStore",
    "MediaHasher",
    "MediaKind",
    "MediaLimits",
    "MediaService",
    "MediaStore",
    "S3MediaStore",
    "build_media_service",
    "build_media_store",
    "media_limits",
    "probe_limits",
    "quota_limits",
]


def build_media_store(settings: Settings) -> MediaStore:
    if settings.media_store == "s3":
        secret = settings.media_s3_secret_access_key
        return S3MediaStore(
            bucket=settings.media_s3_bucket,
            prefix=settings.media_s3_prefix,
            endpoint_url=settings.media_s3_endpoint_url,
            region=settings.media_s3_region,
            access_key_id=settings.media_s3_access_key_id,
            secret_access_key=secret.get_secret_value() if secret else None,
            staging_dir=settings.data_dir / "media-staging",
        )
    return FilesystemMediaStore(settings.resolved_media_dir)


def media_limits(settings: Settings) -> MediaLimits:
    return MediaLimits(
        image_bytes=settings.media_max_image_bytes,
        video_bytes=settings.media_max_video_bytes,
        audio_bytes=settings.media_max_audio_bytes,
        asset_bytes=settings.media_max_asset_bytes,
        plugin_bytes=settings.media_max_plugin_bytes,
        image_pixels=settings.media_max_image_pixels,
        plugin_unpacked_bytes=settings.media_max_plugin_unpacked_bytes,
        plugin_files=settings.media_max_plugin_files,
        image_decode_budget_bytes=settings.media_image_decode_budget_bytes,
        image_decode_wait_seconds=settings.media_image_decode_wait_seconds,
        work_nice=settings.media_work_nice,
    )


def quota_limits(settings: Settings) -> QuotaLimits:
    return QuotaLimits(
        window_seconds=settings.media_quota_window_seconds,
        guest=Allowance(
            uploads_per_window=settings.media_guest_uploads_per_window,
            bytes_per_window=settings.media_guest_bytes_per_window,
            stored_bytes=settings.media_guest_stored_bytes,
        ),
        user=Allowance(
            uploads_per_window=settings.media_user_uploads_per_window,
            bytes_per_window=settings.media_user_bytes_per_window,
            stored_bytes=settings.media_user_stored_bytes,
        ),
    )


def probe_limits(settings: Settings) -> ProbeLimits:
    return ProbeLimits(
        concurrency=settings.media_probe_concurrency,
        cpu_seconds=settings.media_probe_cpu_seconds,
        memory_bytes=settings.media_probe_memory_bytes,
        wait_seconds=settings.media_probe_wait_seconds,
        nice=settings.media_work_nice,
    )


def build_media_service(
    settings: Settings, *, bus: Bus, db: Database, is_node_admin: IsNodeAdmin
) -> MediaService:
    return MediaService(
        build_media_store(settings),
        bus=bus,
        db=db,
        limits=media_limits(settings),
        quotas=UploadQuotas(db, quota_limits(settings)),
        prober=MediaProber(probe_limits(settings)),
        is_node_admin=is_node_admin,
    )
