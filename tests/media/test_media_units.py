"""The media manager's pure parts: ids, sniffing, ranges, image sizes, GLB and plugin checks."""

from __future__ import annotations

import struct
import uuid
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from odyssey.assets import media_hash
from odyssey.media import images
from odyssey.media.errors import ImageTooLarge, InvalidAsset, InvalidImage, InvalidPlugin
from odyssey.media.glb import check_glb
from odyssey.media.ids import MediaHasher, parse_asset_id, parse_media_hash
from odyssey.media.plugins import normalize_plugin_path, unpack_plugin
from odyssey.media.ranges import ByteRange, RangeNotSatisfiable, etag_matches, select_range
from odyssey.media.sniff import MediaKind, ebml_doctype, sniff
from tests.media import media_samples as samples


@given(st.lists(st.binary(max_size=300), max_size=12))
def test_media_hasher_equals_media_hash_for_any_chunking(chunks: list[bytes]) -> None:
    hasher = MediaHasher()
    for chunk in chunks:
        hasher.update(chunk)
    assert hasher.hexdigest() == media_hash(b"".join(chunks))


def test_ids_accept_only_hashes_and_asset_uuids() -> None:
    digest = media_hash(b"x")
    assert parse_media_hash(digest.upper()) == digest
    for bad in ("", "a" * 31, "a" * 33, "g" * 32, "../" + "a" * 29, "a" * 30 + "\n"):
        assert parse_media_hash(bad) is None
    asset = uuid.UUID(hex=digest)
    assert parse_asset_id(str(asset)) == digest
    assert parse_asset_id(asset.hex) == digest
    assert parse_asset_id("{" + str(asset) + "}") is None


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        (MediaKind.IMAGE, samples.png(4, 4), "image/png"),
        (MediaKind.IMAGE, samples.jpeg(4, 4), "image/jpeg"),
        (MediaKind.IMAGE, samples.webp(4, 4), "image/webp"),
        (MediaKind.IMAGE, samples.gif(4, 4), "image/gif"),
        (MediaKind.IMAGE, b"<svg/>", None),
        (MediaKind.AUDIO, samples.mp3(), "audio/mpeg"),
        (MediaKind.AUDIO, samples.mp3(id3=False), "audio/mpeg"),  # bare frames, no ID3 tag
        (MediaKind.AUDIO, samples.ogg(), "audio/ogg"),
        (MediaKind.AUDIO, b"fLaC\x00\x00\x00\x22", "audio/flac"),
        (MediaKind.AUDIO, b"\xff\xf1\x50\x80\x02\x1f\xfc", "audio/aac"),
        (MediaKind.AUDIO, samples.webm(), "audio/webm"),
        (MediaKind.AUDIO, samples.png(), None),
        (MediaKind.AUDIO, b"\xff\xff\xff\xff", None),
        (MediaKind.VIDEO, samples.webm(), "video/webm"),
        (MediaKind.VIDEO, b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "video/mp4"),
        (MediaKind.VIDEO, b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "video/quicktime"),
        (MediaKind.VIDEO, b"\x00\x00\x01\xba\x44", "video/mpeg"),
        (MediaKind.VIDEO, samples.ogg(), None),
        (MediaKind.ASSET, samples.glb(), "model/gltf-binary"),
        (MediaKind.ASSET, samples.png(), None),
        (MediaKind.PLUGIN, samples.plugin_bundle(), "application/gzip"),
        (MediaKind.PLUGIN, b"PK\x03\x04", None),
    ],
)
def test_sniff_by_magic_bytes(kind: MediaKind, data: bytes, expected: str | None) -> None:
    assert sniff(kind, data[:512]) == expected


def test_ebml_doctype_reads_the_header() -> None:
    assert ebml_doctype(samples.webm()) == "webm"
    assert ebml_doctype(b"\x1a\x45\xdf\xa3\x80") is None
    assert ebml_doctype(b"\x1a\x45\xdf\xa3") is None


def test_select_range() -> None:
    etag = '"abc"'
    assert select_range(None, None, 100, etag) is None
    assert select_range("bytes=0-9", None, 100, etag) == ByteRange(0, 10, 100)
    assert select_range("bytes=90-", None, 100, etag) == ByteRange(90, 100, 100)
    assert select_range("bytes=95-200", None, 100, etag) == ByteRange(95, 100, 100)
    assert select_range("bytes=-10", None, 100, etag) == ByteRange(90, 100, 100)
    assert select_range("bytes=-1000", None, 100, etag) == ByteRange(0, 100, 100)
    assert select_range("bytes=0-9", '"abc"', 100, etag) == ByteRange(0, 10, 100)
    assert select_range("bytes=0-9", '"old"', 100, etag) is None
    for ignored in ("bytes=0-1,4-5", "items=0-9", "bytes=9-3", "bytes=-", "bytes=a-b", "bytes=²-"):
        assert select_range(ignored, None, 100, etag) is None, ignored
    for unsatisfiable in ("bytes=100-", "bytes=-0", "bytes=500-600"):
        with pytest.raises(RangeNotSatisfiable):
            select_range(unsatisfiable, None, 100, etag)
    assert ByteRange(0, 10, 100).content_range == "bytes 0-9/100"


def test_etag_matches() -> None:
    assert etag_matches('"a"', '"a"')
    assert etag_matches('W/"a"', '"a"')
    assert etag_matches('"b", "a"', '"a"')
    assert etag_matches("*", '"a"')
    assert not etag_matches('"b"', '"a"')
    assert not etag_matches(None, '"a"')


def test_variant_dimensions_keep_the_aspect_and_never_upscale() -> None:
    info = images.ImageInfo(4000, 2000, "JPEG")
    for size, area in images.TEXTURE_AREAS.items():
        dims = images.variant_dimensions(info, size)
        if area >= 8_000_000:
            assert dims is None
        else:
            assert dims is not None
            assert abs(dims[0] * dims[1] - area) / area < 0.02
            assert abs(dims[0] / dims[1] - 2) < 0.05
    assert images.variant_dimensions(images.ImageInfo(10, 10, "PNG"), "s0") is None


def test_check_image_guards(tmp_path: Path) -> None:
    cases = {
        "truncated": (samples.truncated_png(), InvalidImage),
        "bomb": (samples.png_bomb(), ImageTooLarge),
    }
    for name, (data, error) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(error):
            images.check_image(path, max_pixels=50_000_000)
    good = tmp_path / "good"
    good.write_bytes(samples.gif())
    assert images.check_image(good, max_pixels=50_000_000) == images.ImageInfo(300, 200, "GIF")


def test_gif_variants_are_png_and_16_bit_images_work() -> None:
    info = images.read_image_info(samples.gif(600, 400))
    variants = images.make_variants(samples.gif(600, 400), info, ["s3"])
    assert variants["s3"].startswith(b"\x89PNG")
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("I;16", (300, 300), 1000).save(buffer, "PNG")
    deep = buffer.getvalue()
    assert images.make_variants(deep, images.read_image_info(deep), ["s2"])["s2"]


def test_check_glb(tmp_path: Path) -> None:
    good = tmp_path / "good.glb"
    good.write_bytes(samples.glb())
    assert check_glb(good)["asset"]["version"] == "2.0"
    data = samples.glb()
    broken = {
        "short": b"glTF\x02\x00",
        "bad length": samples.glb_with_bad_header(),
        "version 1": data[:4] + struct.pack("<I", 1) + data[8:],
        "bin first": data[:16] + struct.pack("<I", 0x004E4942) + data[20:],
        "json too long": data[:12] + struct.pack("<I", len(data)) + data[16:],
        "not json": data[:20]
        + b"{" * (struct.unpack_from("<I", data, 12)[0])
        + data[20 + struct.unpack_from("<I", data, 12)[0] :],
        "trailing bytes": data[:8] + struct.pack("<I", len(data) + 3) + data[12:] + b"abc",
    }
    for name, content in broken.items():
        path = tmp_path / name.replace(" ", "_")
        path.write_bytes(content)
        with pytest.raises(InvalidAsset):
            check_glb(path)


def test_plugin_paths_are_normalized() -> None:
    assert normalize_plugin_path("a/./b//c.js") == "a/b/c.js"
    assert normalize_plugin_path("./remoteEntry.js") == "remoteEntry.js"
    for bad in ("", "..", "../x", "a/../../x", "a\\b", "a/\x00b", "/"):
        assert normalize_plugin_path(bad) is None, bad


def test_plugin_limits(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.tar.gz"
    bundle.write_bytes(samples.plugin_bundle())
    with pytest.raises(InvalidPlugin, match="more than 2 files"):
        unpack_plugin(bundle, tmp_path / "a", max_unpacked_bytes=1 << 20, max_files=2)
    with pytest.raises(InvalidPlugin, match="unpacks to more than"):
        unpack_plugin(bundle, tmp_path / "b", max_unpacked_bytes=100, max_files=10)
    unpacked = unpack_plugin(bundle, tmp_path / "c", max_unpacked_bytes=1 << 20, max_files=10)
    assert sorted(unpacked.files) == ["assets/style.css", "manifest.json", "remoteEntry.js"]
    assert unpacked.manifest["name"] == "test_plugin"


def test_every_seed_model_is_a_valid_glb() -> None:
    from odyssey.assets import load_manifest

    manifest = load_manifest()
    for model in manifest.models:
        assert check_glb(manifest.path(model))["asset"]["version"].startswith("2.")


def test_prepare_staging_drops_only_old_leftovers(tmp_path: Path) -> None:
    import os
    import time

    from odyssey.media.store import prepare_staging

    staging = tmp_path / "staging"
    prepare_staging(staging)
    old_file, old_dir, fresh = staging / "old", staging / "plugin-old", staging / "fresh"
    old_file.write_bytes(b"x")
    old_dir.mkdir()
    (old_dir / "manifest.json").write_bytes(b"{}")
    fresh.write_bytes(b"y")
    long_ago = time.time() - 3 * 24 * 3600
    for path in (old_file, old_dir):
        os.utime(path, (long_ago, long_ago))
    prepare_staging(staging)
    assert sorted(path.name for path in staging.iterdir()) == ["fresh"]
