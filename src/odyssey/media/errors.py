"""Why an upload or a media request was refused. Each class has one stable `reason`.

The API's one table (`STATUS` in api/errors.py) gives each reason its HTTP status; the domain
never mentions HTTP.
"""

from __future__ import annotations

from odyssey.core.errors import DomainError, Forbidden, NotFound


class MediaError(DomainError):
    reason = "media_error"


class InvalidUpload(MediaError):
    """The request is not a well-formed upload (not multipart, no file part, a field too long)."""

    reason = "invalid_upload"


class MediaTooLarge(MediaError):
    """The upload is bigger than the configured limit of its kind."""

    reason = "file_too_large"


class UnsupportedMedia(MediaError):
    """The bytes are not one of the types this kind of upload accepts (by magic bytes), or an
    audio or video file has no stream of the upload's kind."""

    reason = "unsupported_media_type"


class InvalidImage(MediaError):
    """Looks like an image but does not decode (truncated, corrupt)."""

    reason = "invalid_image"


class ImageTooLarge(MediaError):
    """More pixels than `media_max_image_pixels`: refused before decoding (decompression bomb)."""

    reason = "image_too_large"


class InvalidMedia(MediaError):
    """Claims to be audio or video by its magic bytes, but FFmpeg does not read it as such (does
    not parse or decode, is mostly not media, or overran the check's CPU or memory cap)."""

    reason = "invalid_media"


class InvalidAsset(MediaError):
    """Not a valid binary glTF 2.0 file (header, JSON chunk)."""

    reason = "invalid_asset"


class InvalidPlugin(MediaError):
    """Not a valid plugin bundle (gzip tar with a manifest.json, only regular files)."""

    reason = "invalid_plugin"


class InvalidMediaId(MediaError):
    """A hash, asset id, texture size or plugin path in a URL has the wrong shape."""

    reason = "invalid_format"


class MediaNotFound(NotFound):
    reason = "not_found"


class MediaMissing(LookupError):
    """A storage key does not exist (raised by stores; the service turns it into MediaNotFound)."""


__all__ = [
    "Forbidden",
    "ImageTooLarge",
    "InvalidAsset",
    "InvalidImage",
    "InvalidMedia",
    "InvalidMediaId",
    "InvalidPlugin",
    "InvalidUpload",
    "MediaError",
    "MediaMissing",
    "MediaNotFound",
    "MediaTooLarge",
    "UnsupportedMedia",
]
