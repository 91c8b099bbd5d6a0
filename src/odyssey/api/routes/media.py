"""HTTP routes of the media manager (`/api/v4/media/*`, `POST /api/v4/assets-3d/upload`).

Serving is public, as in the reference; every response carries an `ETag` (media are immutable,
named by content), `Cache-Control: public, max-age=31536000, immutable`, answers `If-None-Match`
with 304, and serves one byte range (206) on request. Uploads need a signed-in caller; plugin
bundles a node admin; deleting, the uploader or a node admin. The media domain's refusals
(`odyssey.media.errors`) reach the API's DomainError handler, whose table gives their statuses.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from odyssey.api.errors import ApiError, error_response
from odyssey.api.identity import CurrentIdentity
from odyssey.media.errors import MediaNotFound
from odyssey.media.multipart import receive_upload
from odyssey.media.ranges import RangeNotSatisfiable, etag_matches, select_range
from odyssey.media.service import MediaFile, MediaService
from odyssey.media.sniff import MediaKind

IMMUTABLE = "public, max-age=31536000, immutable"
# Bodies up to this size are read in one piece; larger ones are streamed.
WHOLE_BODY_LIMIT = 1024 * 1024

UploadKind = Literal["image", "video", "audio", "plugin"]
DeletableKind = Literal["image", "video", "audio", "plugin"]
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


router = APIRouter(prefix="/api/v4", tags=["media"])


def media_of(request: Request) -> MediaService:
    media: MediaService = request.app.state.services.media
    return media


# --- serving ----------------------------------------------------------------------------------


async def send(request: Request, media: MediaService, file: MediaFile) -> Response:
    headers = {
        "ETag": file.etag,
        "Cache-Control": IMMUTABLE,
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
        **file.headers,
    }
    if etag_matches(request.headers.get("if-none-match"), file.etag):
        return Response(status_code=304, headers=headers)
    try:
        byte_range = select_range(
            request.headers.get("range"), request.headers.get("if-range"), file.size, file.etag
        )
    except RangeNotSatisfiable as error:
        return error_response(
            416,
            "range_not_satisfiable",
            str(error),
            **{"Content-Range": f"bytes */{file.size}"},
        )
    start, stop, status = 0, file.size, 200
    if byte_range is not None:
        start, stop, status = byte_range.start, byte_range.stop, 206
        headers["Content-Range"] = byte_range.content_range
    headers["Content-Type"] = file.content_type
    headers["Content-Length"] = str(stop - start)
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers)
    if stop - start <= WHOLE_BODY_LIMIT:
        body = await media.read(file, start, stop)
        return Response(body, status_code=status, headers=headers)
    chunks = await media.open(file, start, stop)
    return StreamingResponse(chunks, status_code=status, headers=headers)


async def _serve(
    request: Request, missing_reason: str, find: Coroutine[Any, Any, MediaFile]
) -> Response:
    media = media_of(request)
    try:
        return await send(request, media, await find)
    except MediaNotFound as error:
        raise ApiError(404, missing_reason, error.message) from error


@router.api_route("/media/render/get/{file}", methods=["GET", "HEAD"])
async def render_image(request: Request, file: str) -> Response:
    media = media_of(request)
    return await _serve(request, "failed_to_get_image", media.find(MediaKind.IMAGE, file))


@router.api_route("/media/render/texture/{size}/{file}", methods=["GET", "HEAD"])
async def render_texture(request: Request, size: str, file: str) -> Response:
    media = media_of(request)
    return await _serve(request, "failed_to_get_texture", media.find_texture(size, file))


@router.api_route("/media/render/asset/{file}", methods=["GET", "HEAD"])
async def render_asset(request: Request, file: str) -> Response:
    media = media_of(request)
    return await _serve(request, "failed_to_get_asset", media.find(MediaKind.ASSET, file))


@router.api_route("/media/render/video/{file}", methods=["GET", "HEAD"])
async def render_video(request: Request, file: str) -> Response:
    media = media_of(request)
    return await _serve(request, "failed_to_get_video", media.find(MediaKind.VIDEO, file))


@router.api_route("/media/render/track/{file}", methods=["GET", "HEAD"])
async def render_track(request: Request, file: str) -> Response:
    media = media_of(request)
    return await _serve(request, "failed_to_get_audio", media.find(MediaKind.AUDIO, file))


@router.api_route("/media/render/plugin/{file}/{path:path}", methods=["GET", "HEAD"])
async def render_plugin_file(request: Request, file: str, path: str) -> Response:
    media = media_of(request)
    return await _serve(request, "not_found", media.find_plugin_file(file, path))


# --- uploads ----------------------------------------------------------------------------------


@router.post("/media/upload/{kind}")
async def upload(request: Request, kind: UploadKind, identity: CurrentIdentity) -> dict[str, str]:
    media = media_of(request)
    media_kind = MediaKind(kind)
    grant = await media.authorize_upload(media_kind, identity.user_id)
    received = await receive_upload(
        request.headers, request.stream(), media.stage(media_kind, grant), file_field="file"
    )
    stored = await media.store_upload(media_kind, received.file, grant)
    return {"hash": stored.media_hash}


@router.post("/assets-3d/upload", status_code=202)
async def upload_asset_3d(request: Request, identity: CurrentIdentity) -> dict[str, Any]:
    media = media_of(request)
    grant = await media.authorize_upload(MediaKind.ASSET, identity.user_id)
    received = await receive_upload(
        request.headers, request.stream(), media.stage(MediaKind.ASSET, grant), file_field="asset"
    )
    is_private = received.fields.get("is_private", "").strip().lower()
    if is_private not in _TRUE | _FALSE:
        received.file.path.unlink(missing_ok=True)
        raise ApiError(400, "invalid_request_body", "is_private must be true or false")
    entry = await media.store_asset_3d(
        received.file,
        grant,
        name=received.fields.get("name"),
        preview_hash=received.fields.get("preview_hash") or None,
        is_private=is_private in _TRUE,
    )
    return entry.to_json()


# --- deletion ---------------------------------------------------------------------------------


@router.delete("/media/deltrack/{file}")
async def delete_track(request: Request, file: str, identity: CurrentIdentity) -> None:
    """The reference's route for deleting an audio track."""
    await media_of(request).delete(MediaKind.AUDIO, file, identity.user_id)


@router.delete("/media/{kind}/{file}")
async def delete_media(
    request: Request, kind: DeletableKind, file: str, identity: CurrentIdentity
) -> None:
    await media_of(request).delete(MediaKind(kind), file, identity.user_id)
