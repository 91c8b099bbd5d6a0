"""Real media files made in Python for the media tests (nothing downloaded, no ffmpeg).

Images come from Pillow; the audio and video files are small but well-formed containers built
by hand: MPEG-1 Layer III frames behind an ID3v2 tag, an Ogg page (with its CRC) holding a
Vorbis identification header, and an EBML/WebM header with a Segment. `salt` makes each call's
bytes unique where a test needs fresh content.
"""

from __future__ import annotations

import io
import json
import struct
import tarfile
import zlib
from typing import Any

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


def mp3(frames: int = 8, *, salt: int = 0) -> bytes:
    """ID3v2.4 tag + MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz: 417 bytes each)."""
    tag_body = b"TIT2" + struct.pack(">I", 6) + b"\x00\x00" + b"\x03test"
    tag = b"ID3\x04\x00\x00" + _syncsafe(len(tag_body)) + tag_body
    frame = b"\xff\xfb\x90\x64" + bytes([salt % 256]) * 413
    return tag + frame * frames


def _syncsafe(value: int) -> bytes:
    return bytes(((value >> shift) & 0x7F) for shift in (21, 14, 7, 0))


def ogg(*, salt: int = 0) -> bytes:
    """One Ogg page (beginning of stream) carrying a Vorbis identification header."""
    vorbis_id = (
        b"\x01vorbis"
        + struct.pack("<IBIiii", 0, 2, 44100, 0, 128000 + salt, 0)
        + b"\xb8\x01"  # blocksizes 256/2048, framing bit
    )
    header = struct.pack("<4sBBqIIIB", b"OggS", 0, 0x02, 0, 0x1234 + salt, 0, 0, 1)
    header += bytes([len(vorbis_id)])
    page = bytearray(header + vorbis_id)
    struct.pack_into("<I", page, 22, _ogg_crc(bytes(page)))
    return bytes(page)


def _ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def webm(payload_bytes: int = 4096, *, salt: int = 0) -> bytes:
    """An EBML header (DocType webm) and a Segment with an Info element and some payload."""
    ebml_header = (
        _ebml(0x4286, b"\x01")  # EBMLVersion
        + _ebml(0x42F7, b"\x01")  # EBMLReadVersion
        + _ebml(0x42F2, b"\x04")  # EBMLMaxIDLength
        + _ebml(0x42F3, b"\x08")  # EBMLMaxSizeLength
        + _ebml(0x4282, b"webm")  # DocType
        + _ebml(0x4287, b"\x04")  # DocTypeVersion
        + _ebml(0x4285, b"\x02")  # DocTypeReadVersion
    )
    info = _ebml(0x1549A966, _ebml(0x2AD7B1, struct.pack(">I", 1000000)))  # TimestampScale
    void = _ebml(0xEC, _pseudo_random(payload_bytes, salt + 7))
    return _ebml(0x1A45DFA3, ebml_header) + _ebml(0x18538067, info + void)


def _ebml(element_id: int, data: bytes) -> bytes:
    id_bytes = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
    size = len(data)
    length = 1
    while size >= (1 << (7 * length)) - 1:
        length += 1
    size_bytes = (size | (1 << (7 * length))).to_bytes(length, "big")
    return id_bytes + size_bytes + data


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
