"""The media manager over HTTP, with real files, on both stores (filesystem and S3 via moto).

Every test here runs twice: `store` is parametrized in conftest.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import http.client
import io
import tarfile
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import select

from odyssey.assets import media_hash
from odyssey.bus import Event, InProcessBus, MediaRemoved, MediaStored
from odyssey.db import tables as t
from odyssey.media import images
from odyssey.services import Services
from tests.media import media_samples as samples
from tests.media.media_client import Caller, LiveServerLike, sign_in

RENDER = "/api/v4/media/render"
IMMUTABLE = "public, max-age=31536000, immutable"


async def upload(
    client: httpx.AsyncClient,
    caller: Caller,
    kind: str,
    data: bytes,
    filename: str = "upload.bin",
    content_type: str = "application/octet-stream",
) -> httpx.Response:
    return await client.post(
        f"/api/v4/media/upload/{kind}",
        files={"file": (filename, data, content_type)},
        headers=caller.headers,
    )


async def upload_ok(
    client: httpx.AsyncClient, caller: Caller, kind: str, data: bytes, filename: str = "f"
) -> str:
    response = await upload(client, caller, kind, data, filename)
    assert response.status_code == 200, response.text
    stored: str = response.json()["hash"]
    return stored


def reason(response: httpx.Response) -> str:
    value: str = response.json()["error"]["reason"]
    return value


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def record_events(services: Services) -> list[Event]:
    events: list[Event] = []

    async def handler(event: Event) -> None:
        events.append(event)

    services.bus.subscribe("media/#", handler)
    return events


async def drain(services: Services) -> None:
    assert isinstance(services.bus, InProcessBus)
    await services.bus.drain()


# --- images -------------------------------------------------------------------------------------


IMAGES = {
    "png": (samples.png(800, 600), "image/png", (800, 600)),
    "jpeg": (samples.jpeg(1200, 900), "image/jpeg", (1200, 900)),
    "webp": (samples.webp(640, 480), "image/webp", (640, 480)),
    "gif": (samples.gif(300, 200), "image/gif", (300, 200)),
}


async def test_images_are_named_by_content_and_served_as_uploaded(
    client: httpx.AsyncClient, alice: Caller
) -> None:
    for name, (data, content_type, size) in IMAGES.items():
        stored = await upload_ok(client, alice, "image", data, "picture.bin")
        assert stored == media_hash(data), name

        response = await client.get(f"{RENDER}/get/{stored}")
        assert response.status_code == 200, name
        assert response.content == data, name
        assert response.headers["content-type"] == content_type
        assert (int(response.headers["x-width"]), int(response.headers["x-height"])) == size
        assert response.headers["etag"] == f'"{stored}"'
        assert response.headers["cache-control"] == IMMUTABLE
        assert response.headers["x-content-type-options"] == "nosniff"


async def test_identical_uploads_deduplicate(
    client: httpx.AsyncClient, alice: Caller, bob: Caller, app_services: Services
) -> None:
    events = record_events(app_services)
    data = samples.png(salt=7)
    first = await upload_ok(client, alice, "image", data)
    second = await upload_ok(client, bob, "image", data)
    assert first == second
    await drain(app_services)
    stored = [event for event in events if isinstance(event, MediaStored)]
    assert [(e.media_hash, e.kind, e.size, e.created) for e in stored] == [
        (first, "image", len(data), True),
        (first, "image", len(data), False),
    ]
    assert [e.user_id for e in stored] == [alice.user_id, bob.user_id]


async def test_textures_are_downscaled_by_pixel_area_and_never_upscaled(
    client: httpx.AsyncClient, alice: Caller, app_services: Services
) -> None:
    data = samples.png(1000, 500)  # 500,000 pixels: s0-s5 are downscales, s6-s9 are not
    stored = await upload_ok(client, alice, "image", data)
    store = app_services.media.store
    made_at_upload = {
        size for size in images.TEXTURE_AREAS if await store.size(f"textures/{size}/{stored}")
    }
    assert made_at_upload == {"s2", "s3", "s4", "s5"}

    for size, area in images.TEXTURE_AREAS.items():
        response = await client.get(f"{RENDER}/texture/{size}/{stored}")
        assert response.status_code == 200, (size, response.text)
        width, height = int(response.headers["x-width"]), int(response.headers["x-height"])
        picture = decoded(response.content)
        assert picture.size == (width, height)
        assert response.headers["content-type"] == "image/png"
        assert response.headers["etag"] == f'"{stored}-{size}"'
        if area >= 500_000:
            assert response.content == data  # the original, never upscaled
        else:
            assert abs(width * height - area) / area < 0.02
            assert abs(width / height - 2.0) < 0.05
    assert await store.size(f"textures/s0/{stored}")  # made on first request


async def test_jpeg_variants_stay_jpeg_and_follow_exif_orientation(
    client: httpx.AsyncClient, alice: Caller
) -> None:
    data = samples.jpeg(1200, 600, orientation=6)  # stored landscape, displayed portrait
    stored = await upload_ok(client, alice, "image", data)
    full = await client.get(f"{RENDER}/get/{stored}")
    assert (full.headers["x-width"], full.headers["x-height"]) == ("600", "1200")
    texture = await client.get(f"{RENDER}/texture/s3/{stored}")
    assert texture.headers["content-type"] == "image/jpeg"
    picture = decoded(texture.content)
    assert picture.format == "JPEG"
    assert picture.size[0] < picture.size[1]


async def test_lazy_texture_is_made_once_under_concurrent_requests(
    client: httpx.AsyncClient, alice: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = await upload_ok(client, alice, "image", samples.noisy_png(600, 600))
    calls: list[tuple[str, ...]] = []
    real = images.decode_variants

    def counting(source: bytes | Path, plan: images.DecodePlan) -> dict[str, bytes]:
        calls.append(plan.sizes)
        return real(source, plan)

    monkeypatch.setattr(images, "decode_variants", counting)
    responses = await asyncio.gather(
        *(client.get(f"{RENDER}/texture/s0/{stored}") for _ in range(12))
    )
    assert {response.status_code for response in responses} == {200}
    assert len({response.content for response in responses}) == 1
    assert calls == [("s0",)]


async def test_jpeg_named_png_is_stored_as_the_jpeg_it_is(
    client: httpx.AsyncClient, alice: Caller
) -> None:
    data = samples.jpeg(200, 100)
    response = await upload(client, alice, "image", data, "holiday.png", "image/png")
    assert response.status_code == 200
    served = await client.get(f"{RENDER}/get/{response.json()['hash']}")
    assert served.headers["content-type"] == "image/jpeg"


async def test_png_named_mp3_is_refused_as_audio(client: httpx.AsyncClient, alice: Caller) -> None:
    response = await upload(client, alice, "audio", samples.png(), "song.mp3", "audio/mpeg")
    assert response.status_code == 415
    assert reason(response) == "unsupported_media_type"


async def test_truncated_png_is_a_clear_400(client: httpx.AsyncClient, alice: Caller) -> None:
    response = await upload(client, alice, "image", samples.truncated_png(), "cut.png")
    assert response.status_code == 400
    assert reason(response) == "invalid_image"
    assert "decode" in response.json()["error"]["message"]


async def test_png_bomb_is_refused_before_decoding(
    client: httpx.AsyncClient, alice: Caller
) -> None:
    bomb = samples.png_bomb()
    assert len(bomb) < 200_000
    response = await upload(client, alice, "image", bomb, "bomb.png")
    assert response.status_code == 400
    assert reason(response) == "image_too_large"
    assert "900000000 pixels" in response.json()["error"]["message"]


async def test_text_is_not_an_image(client: httpx.AsyncClient, alice: Caller) -> None:
    response = await upload(client, alice, "image", b"<svg onload=alert(1)>", "x.png")
    assert response.status_code == 415


async def test_oversized_upload_is_413_with_the_limit(
    client: httpx.AsyncClient, alice: Caller, app_services: Services
) -> None:
    limit = app_services.settings.media_max_image_bytes
    data = samples.png() + b"\x00" * limit
    response = await upload(client, alice, "image", data)
    assert response.status_code == 413
    assert reason(response) == "file_too_large"
    assert str(limit) in response.json()["error"]["message"]


async def test_oversized_streamed_upload_stops_at_the_limit(
    client: httpx.AsyncClient, alice: Caller, app_services: Services
) -> None:
    """No Content-Length (chunked): refused while streaming, once past the limit."""
    limit = app_services.settings.media_max_audio_bytes
    boundary = "odysseyboundary"
    sent: list[int] = []

    async def body() -> Any:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.mp3"'
            "\r\nContent-Type: audio/mpeg\r\n\r\n"
        ).encode()
        chunk = samples.mp3(frames=150)  # ~62 KB
        for _ in range(200):  # ~12 MB in all, far past the 1 MiB limit
            sent.append(len(chunk))
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    response = await client.post(
        "/api/v4/media/upload/audio",
        content=body(),
        headers={**alice.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 413
    assert reason(response) == "file_too_large"
    assert sum(sent) < limit + 2 * len(samples.mp3(frames=150))
    staging = app_services.media.store.staging_dir
    assert not [path for path in staging.iterdir() if path.is_file()]


async def test_upload_needs_a_signed_in_user(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v4/media/upload/image", files={"file": ("a.png", samples.png(), "image/png")}
    )
    assert response.status_code == 401


async def test_upload_without_the_file_part_is_400(
    client: httpx.AsyncClient, alice: Caller
) -> None:
    response = await client.post(
        "/api/v4/media/upload/image",
        data={"other": "x"},
        files={"nope": ("a", b"1")},
        headers=alice.headers,
    )
    assert response.status_code == 400
    assert reason(response) == "invalid_upload"


# --- audio and video ----------------------------------------------------------------------------


PLAYABLE = {
    "mp3": ("audio", "track", samples.mp3(), "audio/mpeg"),
    "ogg": ("audio", "track", samples.ogg(), "audio/ogg"),
    "webm audio": ("audio", "track", samples.webm(), "audio/webm"),
    "webm video": ("video", "video", samples.webm(), "video/webm"),
}


async def test_audio_and_video_are_served_with_their_sniffed_type(
    client: httpx.AsyncClient, alice: Caller
) -> None:
    for name, (kind, route, data, content_type) in PLAYABLE.items():
        stored = await upload_ok(client, alice, kind, data, "clip.dat")
        assert stored == media_hash(data), name
        response = await client.get(f"{RENDER}/{route}/{stored}")
        assert response.status_code == 200, name
        assert response.content == data, name
        assert response.headers["content-type"] == content_type, name
        assert response.headers["accept-ranges"] == "bytes"


async def test_range_and_conditional_requests_in_process(
    client: httpx.AsyncClient, alice: Caller
) -> None:
    data = samples.webm(3 * 1024 * 1024, salt=3)  # above the one-piece limit: streamed
    stored = await upload_ok(client, alice, "video", data)
    url = f"{RENDER}/video/{stored}"
    partial = await client.get(url, headers={"Range": "bytes=1000-2099999"})
    assert partial.status_code == 206
    assert partial.content == data[1000:2100000]
    assert partial.headers["content-range"] == f"bytes 1000-2099999/{len(data)}"
    whole = await client.get(url)
    assert whole.content == data
    cached = await client.get(url, headers={"If-None-Match": whole.headers["etag"]})
    assert cached.status_code == 304
    assert cached.content == b""


async def test_video_refuses_audio_bytes(client: httpx.AsyncClient, alice: Caller) -> None:
    response = await upload(client, alice, "video", samples.mp3(), "movie.webm")
    assert response.status_code == 415


# --- 3D assets ----------------------------------------------------------------------------------


async def test_glb_upload_joins_the_uploaders_library(
    client: httpx.AsyncClient, alice: Caller, app_services: Services
) -> None:
    data = samples.glb(name="chair")
    preview = await upload_ok(client, alice, "image", samples.png(64, 64))
    response = await client.post(
        "/api/v4/assets-3d/upload",
        files={"asset": ("Chair.glb", data, "model/gltf-binary")},
        data={"preview_hash": preview, "is_private": "true"},
        headers=alice.headers,
    )
    assert response.status_code == 202, response.text
    body = response.json()
    asset_id = uuid.UUID(hex=media_hash(data))
    assert body == {
        "id": str(asset_id),
        "user_id": str(alice.user_id),
        "meta": {"type": 1, "category": "custom", "name": "Chair", "preview_hash": preview},
        "is_private": True,
    }
    async with app_services.db.read() as session:
        entry = await session.get(t.Asset3dUser, (asset_id, alice.user_id))
        assert entry is not None and entry.is_private
        base = await session.get(t.Asset3d, asset_id)
        assert base is not None and base.meta == {"type": 1, "category": "custom"}

    for form in (asset_id.hex, str(asset_id)):
        served = await client.get(f"{RENDER}/asset/{form}")
        assert served.status_code == 200
        assert served.content == data
        assert served.headers["content-type"] == "model/gltf-binary"


async def test_glb_upload_public_with_a_given_name(
    client: httpx.AsyncClient, alice: Caller, app_services: Services
) -> None:
    data = samples.glb(name="lamp")
    response = await client.post(
        "/api/v4/assets-3d/upload",
        data={"name": "Desk lamp"},
        files={"asset": ("x.glb", data)},
        headers=alice.headers,
    )
    assert response.status_code == 202
    assert response.json()["meta"]["name"] == "Desk lamp"
    assert response.json()["is_private"] is False
    async with app_services.db.read() as session:
        rows = (
            await session.scalars(
                select(t.Asset3dUser).where(t.Asset3dUser.user_id == alice.user_id)
            )
        ).all()
    assert [row.meta["name"] for row in rows] == ["Desk lamp"]


async def test_glb_with_a_bad_header_is_400(client: httpx.AsyncClient, alice: Caller) -> None:
    response = await client.post(
        "/api/v4/assets-3d/upload",
        files={"asset": ("bad.glb", samples.glb_with_bad_header())},
        headers=alice.headers,
    )
    assert response.status_code == 400
    assert reason(response) == "invalid_asset"


async def test_a_png_is_not_a_glb(client: httpx.AsyncClient, alice: Caller) -> None:
    response = await client.post(
        "/api/v4/assets-3d/upload",
        files={"asset": ("model.glb", samples.png())},
        headers=alice.headers,
    )
    assert response.status_code == 415


async def test_seed_models_and_images_are_served(client: httpx.AsyncClient) -> None:
    from odyssey.assets import load_manifest

    manifest = load_manifest()
    cube = manifest.model("Cube")
    response = await client.get(f"{RENDER}/asset/{cube.id}")
    assert response.status_code == 200
    assert response.content == manifest.path(cube).read_bytes()
    skybox = manifest.image("skybox-default")
    texture = await client.get(f"{RENDER}/texture/s8/{skybox.hash}")
    assert texture.status_code == 200
    assert texture.headers["content-type"] == "image/png"


# --- plugins ------------------------------------------------------------------------------------


async def test_plugin_bundles_are_for_node_admins(
    client: httpx.AsyncClient, alice: Caller, app_services: Services
) -> None:
    bundle = samples.plugin_bundle()
    refused = await upload(client, alice, "plugin", bundle, "plugin.tar.gz")
    assert refused.status_code == 403
    assert reason(refused) == "not_admin"

    await app_services.users.make_node_admin(alice.user_id)
    stored = await upload_ok(client, alice, "plugin", bundle, "plugin.tar.gz")
    entry = await client.get(f"{RENDER}/plugin/{stored}/remoteEntry.js")
    assert entry.status_code == 200
    assert entry.content == b"export const answer = 42;\n"
    assert entry.headers["content-type"].startswith("text/javascript")
    css = await client.get(f"{RENDER}/plugin/{stored}/assets/style.css")
    assert css.headers["content-type"].startswith("text/css")
    head = await client.head(f"{RENDER}/plugin/{stored}/manifest.json")
    assert head.status_code == 200

    # The same files packed again (no top folder this time) are the same plugin.
    again = await upload_ok(client, alice, "plugin", samples.plugin_bundle(top=None), "p.tgz")
    assert again == stored


async def test_hostile_plugin_bundles_are_refused(
    client: httpx.AsyncClient, alice: Caller, app_services: Services
) -> None:
    await app_services.users.make_node_admin(alice.user_id)
    hostile = {
        "symlink": samples.tar_gz_with_link(),
        "dotdot": samples.tar_gz_with_traversal(),
        "corrupt": b"\x1f\x8bnot really gzip",
    }
    for name, bundle in hostile.items():
        response = await upload(client, alice, "plugin", bundle, "evil.tar.gz")
        assert response.status_code == 400, name
        assert reason(response) == "invalid_plugin"


HOSTILE_ENTRIES = {
    "absolute file": samples.tar_gz_with_entry("/etc/cron.d/odyssey"),
    "absolute folder": samples.tar_gz_with_entry("/tmp/", kind=tarfile.DIRTYPE),
    "dotdot inside": samples.tar_gz_with_entry("package/../../escape.js"),
    "backslash": samples.tar_gz_with_entry("..\\..\\escape.js"),
    "backslash folder": samples.tar_gz_with_entry("assets\\app.js"),
    "drive": samples.tar_gz_with_entry("C:/Windows/evil.js"),
    "drive relative": samples.tar_gz_with_entry("c:evil.js"),
    "symlink": samples.tar_gz_with_entry("link.js", kind=tarfile.SYMTYPE, linkname="/etc/passwd"),
    "hardlink": samples.tar_gz_with_entry(
        "hard.js", kind=tarfile.LNKTYPE, linkname="manifest.json"
    ),
    "device": samples.tar_gz_with_entry("dev.js", kind=tarfile.CHRTYPE),
    "fifo": samples.tar_gz_with_entry("pipe.js", kind=tarfile.FIFOTYPE),
    "duplicate": samples.tar_gz_with_duplicate("app.js", "app.js"),
    "duplicate spelled twice": samples.tar_gz_with_duplicate("app.js", "./app.js"),
}


async def test_bundle_with_one_bad_entry_is_refused_whole_and_nothing_stored(
    client: httpx.AsyncClient, alice: Caller, app_services: Services
) -> None:
    await app_services.users.make_node_admin(alice.user_id)
    for name, bundle in HOSTILE_ENTRIES.items():
        response = await upload(client, alice, "plugin", bundle, "evil.tar.gz")
        assert response.status_code == 400, (name, response.text)
        assert reason(response) == "invalid_plugin", name
    assert await app_services.media.store.list_keys("plugins") == []


async def test_plugin_files_are_sandboxed_and_never_sniffed(
    client: httpx.AsyncClient, alice: Caller, app_services: Services
) -> None:
    await app_services.users.make_node_admin(alice.user_id)
    files = {**samples.default_plugin_files(), "page.html": b"<script>alert(1)</script>"}
    stored = await upload_ok(client, alice, "plugin", samples.plugin_bundle(files), "p.tgz")
    for path in ("page.html", "remoteEntry.js", "manifest.json"):
        for method in ("GET", "HEAD"):
            response = await client.request(method, f"{RENDER}/plugin/{stored}/{path}")
            assert response.status_code == 200, path
            policy = response.headers["content-security-policy"]
            directives = [part.strip() for part in policy.split(";")]
            assert "sandbox" in directives, path  # no allow-same-origin, no allow-scripts
            assert "default-src 'none'" in directives, path
            assert response.headers["x-content-type-options"] == "nosniff"
        cached = await client.get(
            f"{RENDER}/plugin/{stored}/{path}", headers={"If-None-Match": f'"{stored}"'}
        )
        assert cached.status_code == 304
        assert "sandbox" in cached.headers["content-security-policy"]


async def test_plugin_without_manifest_is_refused(
    client: httpx.AsyncClient, alice: Caller, app_services: Services
) -> None:
    await app_services.users.make_node_admin(alice.user_id)
    bundle = samples.plugin_bundle({"remoteEntry.js": b"1"})
    response = await upload(client, alice, "plugin", bundle, "p.tar.gz")
    assert response.status_code == 400
    assert "manifest.json" in response.json()["error"]["message"]


# --- ids and paths ------------------------------------------------------------------------------


async def test_malformed_ids_are_400(client: httpx.AsyncClient) -> None:
    for path in (
        "/get/not-a-hash",
        "/get/" + "g" * 32,
        "/texture/s10/" + "a" * 32,
        "/texture/x1/" + "a" * 32,
        "/asset/1234",
        "/track/" + "a" * 31,
    ):
        response = await client.get(RENDER + path)
        assert response.status_code == 400, path
        assert reason(response) == "invalid_format"


async def test_unknown_media_is_404_with_the_reference_reasons(client: httpx.AsyncClient) -> None:
    missing = "0" * 32
    for route, expected in [
        ("get", "failed_to_get_image"),
        ("texture/s3", "failed_to_get_texture"),
        ("asset", "failed_to_get_asset"),
        ("video", "failed_to_get_video"),
        ("track", "failed_to_get_audio"),
    ]:
        response = await client.get(f"{RENDER}/{route}/{missing}")
        assert response.status_code == 404, route
        assert reason(response) == expected
    plugin = await client.get(f"{RENDER}/plugin/{missing}/remoteEntry.js")
    assert plugin.status_code == 404


# --- deletion -----------------------------------------------------------------------------------


async def test_only_the_uploader_or_an_admin_deletes(
    client: httpx.AsyncClient, alice: Caller, bob: Caller, app_services: Services
) -> None:
    events = record_events(app_services)
    stored = await upload_ok(client, alice, "audio", samples.mp3(salt=5))
    refused = await client.delete(f"/api/v4/media/audio/{stored}", headers=bob.headers)
    assert refused.status_code == 403
    deleted = await client.delete(f"/api/v4/media/deltrack/{stored}", headers=alice.headers)
    assert deleted.status_code == 200
    assert (await client.get(f"{RENDER}/track/{stored}")).status_code == 404
    await drain(app_services)
    assert any(isinstance(event, MediaRemoved) for event in events)

    image = await upload_ok(client, bob, "image", samples.png(salt=9))
    carol = await sign_in(client)
    await app_services.users.make_node_admin(carol.user_id)
    by_admin = await client.delete(f"/api/v4/media/image/{image}", headers=carol.headers)
    assert by_admin.status_code == 200
    assert (await client.get(f"{RENDER}/get/{image}")).status_code == 404
    assert (await client.get(f"{RENDER}/texture/s3/{image}")).status_code == 404
    assert not await app_services.media.store.size(f"textures/s3/{image}")


async def test_shared_content_stays_until_its_last_uploader_deletes_it(
    client: httpx.AsyncClient, alice: Caller, bob: Caller
) -> None:
    data = samples.ogg(salt=11)
    stored = await upload_ok(client, alice, "audio", data)
    await upload_ok(client, bob, "audio", data)
    assert (await client.delete(f"/api/v4/media/audio/{stored}", headers=alice.headers)).is_success
    assert (await client.get(f"{RENDER}/track/{stored}")).content == data
    again = await client.delete(f"/api/v4/media/audio/{stored}", headers=alice.headers)
    assert again.status_code == 403  # alice's upload is gone; bob's remains
    assert (await client.delete(f"/api/v4/media/audio/{stored}", headers=bob.headers)).is_success
    assert (await client.get(f"{RENDER}/track/{stored}")).status_code == 404


async def test_deleting_unknown_media_is_404(client: httpx.AsyncClient, alice: Caller) -> None:
    response = await client.delete(f"/api/v4/media/video/{'1' * 32}", headers=alice.headers)
    assert response.status_code == 404


# --- the store itself ---------------------------------------------------------------------------


async def test_store_refuses_keys_that_leave_it(app_services: Services) -> None:
    store = app_services.media.store
    for key in ("../escape", "images/../../x", "/abs", "images//x", "a\\b"):
        with pytest.raises(ValueError):
            await store.size(key)


async def test_store_put_is_write_once(app_services: Services) -> None:
    store = app_services.media.store
    key = f"videos/{hashlib.sha256(b'once').hexdigest()[:32]}"
    assert await store.put_bytes(key, b"first", content_type="video/webm")
    assert not await store.put_bytes(key, b"second", content_type="video/webm")
    assert await store.read(key) == b"first"
    assert await store.read(key, 1, 3) == b"ir"
    chunks = [chunk async for chunk in await store.open(key, 2)]
    assert b"".join(chunks) == b"rst"
    assert await store.list_keys("videos") == [key]
    assert await store.delete(key)
    assert not await store.delete(key)
    assert await store.size(key) is None


# --- raw HTTP against a real server (`odyssey serve` in a child process) ------------------------


class RawResponse:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body


def raw_request(
    server: LiveServerLike, method: str, path: str, headers: dict[str, str] | None = None
) -> RawResponse:
    """One request on a fresh connection with http.client: the path is sent exactly as given."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        return RawResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        connection.close()


def live_upload(server: LiveServerLike, kind: str, data: bytes) -> str:
    token = httpx.post(f"{server.url}/api/v4/auth/guest-token", timeout=30).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    response = httpx.post(
        f"{server.url}/api/v4/media/upload/{kind}",
        files={"file": ("upload", data)},
        headers=headers,
        timeout=60,
    )
    assert response.status_code == 200, response.text
    stored: str = response.json()["hash"]
    return stored


def check_video_ranges_conditionals_and_head(live_server: LiveServerLike) -> None:
    video = samples.webm(5 * 1024 * 1024, salt=21)
    size = len(video)
    stored = live_upload(live_server, "video", video)
    path = f"{RENDER}/video/{stored}"

    whole = raw_request(live_server, "GET", path)
    assert whole.status == 200
    assert whole.body == video
    assert whole.headers["content-length"] == str(size)
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["cache-control"] == IMMUTABLE
    etag = whole.headers["etag"]
    assert etag == f'"{stored}"'

    first = raw_request(live_server, "GET", path, {"Range": "bytes=0-99"})
    assert first.status == 206
    assert first.body == video[:100]
    assert first.headers["content-range"] == f"bytes 0-99/{size}"
    assert first.headers["content-length"] == "100"

    middle = raw_request(live_server, "GET", path, {"Range": "bytes=1048576-3145727"})
    assert middle.status == 206
    assert middle.body == video[1048576:3145728]

    open_ended = raw_request(live_server, "GET", path, {"Range": f"bytes={size - 10}-"})
    assert open_ended.status == 206
    assert open_ended.body == video[-10:]

    suffix = raw_request(live_server, "GET", path, {"Range": "bytes=-500"})
    assert suffix.status == 206
    assert suffix.body == video[-500:]
    assert suffix.headers["content-range"] == f"bytes {size - 500}-{size - 1}/{size}"

    past_the_end = raw_request(live_server, "GET", path, {"Range": f"bytes={size}-"})
    assert past_the_end.status == 416
    assert past_the_end.headers["content-range"] == f"bytes */{size}"

    several = raw_request(live_server, "GET", path, {"Range": "bytes=0-1,5-6"})
    assert several.status == 200  # multi-range is not served: the whole file is
    assert several.body == video

    stale_if_range = raw_request(
        live_server, "GET", path, {"Range": "bytes=0-9", "If-Range": '"other"'}
    )
    assert stale_if_range.status == 200

    not_modified = raw_request(live_server, "GET", path, {"If-None-Match": etag})
    assert not_modified.status == 304
    assert not_modified.body == b""
    assert not_modified.headers["etag"] == etag
    listed = raw_request(live_server, "GET", path, {"If-None-Match": f'"x", W/{etag}'})
    assert listed.status == 304
    changed = raw_request(live_server, "GET", path, {"If-None-Match": '"something-else"'})
    assert changed.status == 200

    head = raw_request(live_server, "HEAD", path)
    assert head.status == 200
    assert head.body == b""
    assert head.headers["content-length"] == str(size)
    assert head.headers["content-type"] == "video/webm"
    head_range = raw_request(live_server, "HEAD", path, {"Range": "bytes=10-19"})
    assert head_range.status == 206
    assert head_range.headers["content-length"] == "10"


def check_audio_range_and_texture_304(live_server: LiveServerLike) -> None:
    track = samples.mp3(frames=40, salt=4)
    stored = live_upload(live_server, "audio", track)
    ranged = raw_request(live_server, "GET", f"{RENDER}/track/{stored}", {"Range": "bytes=3-12"})
    assert ranged.status == 206
    assert ranged.body == track[3:13]
    assert ranged.headers["content-type"] == "audio/mpeg"

    image = live_upload(live_server, "image", samples.png(900, 900, salt=2))
    texture = raw_request(live_server, "GET", f"{RENDER}/texture/s1/{image}")
    assert texture.status == 200
    again = raw_request(
        live_server,
        "GET",
        f"{RENDER}/texture/s1/{image}",
        {"If-None-Match": texture.headers["etag"]},
    )
    assert again.status == 304
    assert again.body == b""


TRAVERSALS = [
    "../../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/etc/passwd",
    "a/../../manifest.json",
    "..\\..\\etc\\passwd",
    "%00",
]


def check_paths_cannot_leave_the_store(live_server: LiveServerLike) -> None:
    for suffix in TRAVERSALS:
        response = raw_request(live_server, "GET", f"{RENDER}/plugin/{'a' * 32}/{suffix}")
        assert response.status in (400, 404), suffix
        assert b"root:" not in response.body
    for path in ("/get/..%2f..%2fodyssey.db", "/get/../../odyssey.db", "/asset/..%2f" + "a" * 28):
        response = raw_request(live_server, "GET", RENDER + path)
        assert response.status in (400, 404), path
        assert b"SQLite" not in response.body


def test_raw_http_ranges_conditionals_head_and_paths(live_server: LiveServerLike) -> None:
    """One real server per store for all the raw-socket checks (a server takes seconds to start)."""
    check_video_ranges_conditionals_and_head(live_server)
    check_audio_range_and_texture_304(live_server)
    check_paths_cannot_leave_the_store(live_server)
