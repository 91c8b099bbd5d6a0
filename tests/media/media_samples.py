"""Real media files made in Python for the media tests (nothing downloaded, nothing committed).

Images come from Pillow; audio and video are encoded by FFmpeg's libraries through PyAV (the
library the node checks them with): a few frames each, so a few kilobytes. `salt` makes each
call's bytes unique where a test needs fresh content; the same arguments give the same bytes.
"""

from __future__ import annotations

import functools
import io
import json
import struct
import tarfile
import zlib
from collections.abc import Iterator
from typing import Any

import av
import numpy as np
from PIL import Image


def png(width: int = 800, height: int = 600, *, salt: int = 0, alpha: bool = False) -> bytes:
    image = Image.new("RGBA" if alpha else "RGB", (width, height), (salt % 256, 90, 160))
    image.putpixel((0, 0), (salt % 251, salt % 241, salt % 239))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def noisy_png(width: int = 256, height: int = 256, *, seed: int = 1) -> bytes:
    """A PNG that does not compress well (so truncating it cuts the pixel data)."""
    image = Image.frombytes("RGB", (width, height), _pseudo_random(width * height * 3, seed))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _pseudo_random(count: int, seed: int) -> bytes:
    out = bytearray()
    state = seed or 1
    while len(out) < count:
        state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        out += state.to_bytes(8, "little")
    return bytes(out[:count])


def jpeg(width: int = 1200, height: int = 900, *, orientation: int | None = None) -> bytes:
    image = Image.new("RGB", (width, height), (30, 140, 60))
    buffer = io.BytesIO()
    if orientation is None:
        image.save(buffer, "JPEG", quality=90)
    else:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def webp(width: int = 640, height: int = 480) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (120, 20, 200)).save(buffer, "WEBP", quality=80)
    return buffer.getvalue()


def gif(width: int = 300, height: int = 200) -> bytes:
    """An animated GIF of two frames."""
    frames = [Image.new("P", (width, height), color) for color in (1, 2)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def truncated_png() -> bytes:
    data = noisy_png()
    return data[: len(data) * 2 // 3]


def png_bomb(side: int = 30000) -> bytes:
    """A valid 1-bit PNG of side x side pixels (900 megapixels) that is about 100 KB."""
    raw_row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(raw_row * 1000) for _ in range(side // 1000)]
    idat = b"".join(parts) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + (_png_chunk(b"IEND", b""))
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def glb(*, name: str = "test", binary: bytes = b"\x00\x00\x80\x3f" * 3) -> bytes:
    """A minimal binary glTF 2.0 file: one buffer, and a JSON chunk that names it."""
    document: dict[str, Any] = {
        "asset": {"version": "2.0", "generator": f"odyssey tests {name}"},
        "buffers": [{"byteLength": len(binary)}],
        "scenes": [{"nodes": []}],
        "scene": 0,
    }
    json_chunk = json.dumps(document).encode()
    json_chunk += b" " * (-len(json_chunk) % 4)
    bin_chunk = binary + b"\x00" * (-len(binary) % 4)
    body = struct.pack("<II", len(json_chunk), 0x4E4F534A) + json_chunk
    body += struct.pack("<II", len(bin_chunk), 0x004E4942) + bin_chunk
    return struct.pack("<4sII", b"glTF", 2, 12 + len(body)) + body


def glb_with_bad_header() -> bytes:
    """`glTF` magic, but the header's length does not match the file (and version 1)."""
    data = bytearray(glb(name="bad"))
    struct.pack_into("<II", data, 4, 1, len(data) + 100)
    return bytes(data)


# --- audio and video: tiny real files, encoded by FFmpeg (PyAV) ----------------------------------


def _tone(samples: int, rate: int, channels: int, *, salt: int, start: int) -> np.ndarray:
    """A sine tone (its pitch set by `salt`), float32, shape (channels, samples)."""
    moments = (np.arange(samples) + start) / rate
    wave = 0.3 * np.sin(2 * np.pi * (220 + 7 * salt) * moments)
    return np.repeat(wave[np.newaxis, :], channels, axis=0).astype(np.float32)


def _audio_frame(stream: av.AudioStream, samples: np.ndarray, pts: int) -> av.AudioFrame:
    context = stream.codec_context
    layout = "mono" if samples.shape[0] == 1 else "stereo"
    name = context.format.name
    data = samples if context.format.is_planar else samples.T.reshape(1, -1)
    if name.startswith("s16"):
        data = (data * 32767).astype(np.int16)
    elif name.startswith("s32"):
        data = (data * (1 << 30)).astype(np.int32)
    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data), format=name, layout=layout)
    frame.sample_rate = context.sample_rate
    frame.pts = pts
    return frame


def _add_audio(
    output: av.container.OutputContainer, codec: str, rate: int, options: dict[str, str]
) -> av.AudioStream:
    stream = output.add_stream(codec, rate=rate, options=options)
    assert isinstance(stream, av.AudioStream)
    stream.layout = "mono"
    return stream


def _encode_audio(
    stream: av.AudioStream, frames: int, *, salt: int
) -> Iterator[av.Packet[av.AudioStream]]:
    size = stream.codec_context.frame_size or 1024
    rate = stream.codec_context.sample_rate
    for index in range(frames):
        tone = _tone(size, rate, 1, salt=salt, start=index * size)
        yield from stream.encode(_audio_frame(stream, tone, index * size))
    yield from stream.encode(None)


def _audio_file(
    container: str,
    codec: str,
    *,
    frames: int,
    salt: int,
    rate: int = 44100,
    codec_options: dict[str, str] | None = None,
    container_options: dict[str, str] | None = None,
) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container, options=container_options or {}) as output:
        stream = _add_audio(output, codec, rate, codec_options or {})
        for packet in _encode_audio(stream, frames, salt=salt):
            output.mux(packet)
    return buffer.getvalue()


@functools.cache
def mp3(frames: int = 8, *, salt: int = 0, id3: bool = True) -> bytes:
    """MPEG-1 Layer III (LAME, 128 kbit/s, 44.1 kHz: 417 or 418 bytes a frame), behind an ID3v2
    tag unless `id3` is False."""
    return _audio_file(
        "mp3",
        "libmp3lame",
        frames=frames,
        salt=salt,
        codec_options={"b": "128k"},
        container_options={} if id3 else {"id3v2_version": "0", "write_xing": "0"},
    )


@functools.cache
def ogg(*, salt: int = 0, frames: int = 8) -> bytes:
    """Opus in Ogg."""
    return _audio_file("ogg", "libopus", frames=frames, salt=salt, rate=48000)


@functools.cache
def opus_webm(*, salt: int = 0, frames: int = 8) -> bytes:
    """WebM holding only an Opus track (no video)."""
    return _audio_file("webm", "libopus", frames=frames, salt=salt, rate=48000)


@functools.cache
def flac(*, salt: int = 0, frames: int = 3) -> bytes:
    return _audio_file("flac", "flac", frames=frames, salt=salt)


@functools.cache
def aac(*, salt: int = 0, frames: int = 8) -> bytes:
    """AAC in ADTS frames."""
    return _audio_file("adts", "aac", frames=frames, salt=salt)


def _noise_frame(width: int, height: int, generator: np.random.Generator) -> av.VideoFrame:
    pixels = generator.integers(0, 256, (height, width, 3), dtype=np.uint8)
    return av.VideoFrame.from_ndarray(pixels, format="rgb24")


@functools.cache
def video(
    container: str = "webm",
    codec: str = "libvpx",
    *,
    size_bytes: int = 0,
    frames: int = 4,
    salt: int = 0,
    audio: str | None = None,
    width: int = 32,
    height: int = 32,
) -> bytes:
    """A video of random pixels (so it does not compress: `size_bytes` sets its least size, in
    more frames), with an audio stream of `audio`'s codec if given."""
    generator = np.random.default_rng(salt)
    rate = 25 if codec.startswith("mpeg") else 10
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as output:
        stream = output.add_stream(codec, rate=rate)
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.codec_context.thread_count = 1  # the same bytes every time
        if size_bytes:
            stream.bit_rate = 200_000_000
        sound = None
        if audio is not None:
            sound = _add_audio(output, audio, 48000 if "opus" in audio else 44100, {})
        index = written = 0
        while index < frames or written < size_bytes:
            frame = _noise_frame(width, height, generator)
            frame.pts = index
            for packet in stream.encode(frame):
                written += packet.size
                output.mux(packet)
            index += 1
        for packet in stream.encode(None):
            output.mux(packet)
        if sound is not None:
            for packet in _encode_audio(sound, 6, salt=salt):
                output.mux(packet)
    return buffer.getvalue()


def webm(payload_bytes: int = 0, *, salt: int = 0) -> bytes:
    """WebM: VP8 video of random pixels (at least `payload_bytes` of it) and an Opus track, so
    the same file is accepted as a video and as audio."""
    if payload_bytes >= 64 * 1024:  # big: larger frames, fewer of them
        return video(size_bytes=payload_bytes, salt=salt, audio="libopus", width=320, height=240)
    return video(size_bytes=payload_bytes, salt=salt, audio="libopus")


def webm_header() -> bytes:
    """The EBML header of a WebM file, up to its Segment: what a file of random bytes behind a
    valid-looking header starts with."""
    data = webm()
    return data[: data.index(bytes.fromhex("18538067"))]


def plugin_bundle(files: dict[str, bytes] | None = None, *, top: str | None = "package") -> bytes:
    files = files if files is not None else default_plugin_files()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"{top}/{name}" if top else name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def default_plugin_files() -> dict[str, bytes]:
    manifest = {
        "name": "test_plugin",
        "displayName": "Test plugin",
        "description": "a plugin for the tests",
        "version": "1.0.0",
        "attribute_types": [],
        "scopes": {"ui": ["world_tools"]},
    }
    return {
        "manifest.json": json.dumps(manifest).encode(),
        "remoteEntry.js": b"export const answer = 42;\n",
        "assets/style.css": b"body { color: black; }\n",
    }


def tar_gz_with_link() -> bytes:
    """A bundle whose second entry is a symlink out of the bundle."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        manifest = json.dumps({"name": "evil"}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
        link = tarfile.TarInfo("passwd")
        link.type = tarfile.SYMTYPE
        link.linkname = "../../../../etc/passwd"
        archive.addfile(link)
    return buffer.getvalue()


def tar_gz_with_traversal() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name in ("manifest.json", "../escape.js"):
            data = json.dumps({"name": "evil"}).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def tar_gz_with_entry(
    name: str, *, kind: bytes = tarfile.REGTYPE, data: bytes = b"x", linkname: str = ""
) -> bytes:
    """A bundle with a valid manifest.json and one more entry of the given name and type."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        manifest = json.dumps({"name": "hostile"}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
        entry = tarfile.TarInfo(name)
        entry.type = kind
        entry.linkname = linkname
        if kind == tarfile.REGTYPE:
            entry.size = len(data)
            archive.addfile(entry, io.BytesIO(data))
        else:
            archive.addfile(entry)
    return buffer.getvalue()


def tar_gz_with_duplicate(first: str, second: str) -> bytes:
    """A bundle holding the same path twice (spelled `first`, then `second`)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in (
            ("manifest.json", json.dumps({"name": "twice"}).encode()),
            (first, b"export const a = 1;\n"),
            (second, b"export const a = 2;\n"),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
