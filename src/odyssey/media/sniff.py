"""What a file is, from its first bytes: never from its name or the client's Content-Type.

`sniff(kind, head)` gives the content type of `head` if it is one of the types an upload of that
kind accepts (the reference's lists, §3.4 of the data model), else None. `SNIFF_BYTES` is how much
of the file it needs.
"""

from __future__ import annotations

from enum import StrEnum


class MediaKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    ASSET = "asset"
    PLUGIN = "plugin"


SNIFF_BYTES = 512

GLB_CONTENT_TYPE = "model/gltf-binary"
GZIP_CONTENT_TYPE = "application/gzip"

_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_EBML_DOCTYPE_ID = 0x4282
_ASF_MAGIC = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")


def sniff(kind: MediaKind, head: bytes) -> str | None:
    """Content type of a file of `kind` starting with `head`, or None if not accepted."""
    if kind is MediaKind.IMAGE:
        return sniff_image(head)
    if kind is MediaKind.AUDIO:
        return _sniff_audio(head)
    if kind is MediaKind.VIDEO:
        return _sniff_video(head)
    if kind is MediaKind.ASSET:
        return GLB_CONTENT_TYPE if head.startswith(b"glTF") else None
    return GZIP_CONTENT_TYPE if head.startswith(b"\x1f\x8b") else None


def sniff_image(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _sniff_audio(head: bytes) -> str | None:
    if head.startswith(b"ID3") or _is_mpeg_audio_frame(head):
        return "audio/mpeg"
    if _is_adts_frame(head):
        return "audio/aac"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if ebml_doctype(head) == "webm":
        return "audio/webm"
    return None


def _sniff_video(head: bytes) -> str | None:
    doctype = ebml_doctype(head)
    if doctype == "webm":
        return "video/webm"
    if doctype == "matroska":
        return "video/x-matroska"
    if head[4:8] == b"ftyp":
        return "video/quicktime" if head[8:12] == b"qt  " else "video/mp4"
    if head.startswith(_ASF_MAGIC):
        return "video/x-ms-wmv"
    if head[:4] in (b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3"):
        return "video/mpeg"
    return None


def _is_mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG-1/2/2.5 Layer I-III frame header (11 sync bits, no reserved field values)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0b11
    layer = (head[1] >> 1) & 0b11
    bitrate = head[2] >> 4
    sample_rate = (head[2] >> 2) & 0b11
    return version != 0b01 and layer != 0b00 and bitrate != 0b1111 and sample_rate != 0b11


def _is_adts_frame(head: bytes) -> bool:
    """An AAC ADTS frame header: 12 sync bits, layer 00."""
    return len(head) >= 7 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0


def _read_vint(data: bytes, offset: int, *, keep_marker: bool) -> tuple[int, int] | None:
    """An EBML variable-length integer at `offset`: (value, next offset), or None if cut off."""
    if offset >= len(data) or data[offset] == 0:
        return None
    first = data[offset]
    length = 8 - first.bit_length() + 1
    if offset + length > len(data):
        return None
    value = first if keep_marker else first & ((1 << (8 - length)) - 1)
    for byte in data[offset + 1 : offset + length]:
        value = (value << 8) | byte
    return value, offset + length


def ebml_doctype(head: bytes) -> str | None:
    """The DocType of an EBML (Matroska/WebM) header at the start of `head`, if readable."""
    if not head.startswith(_EBML_MAGIC):
        return None
    size = _read_vint(head, 4, keep_marker=False)
    if size is None:
        return None
    header_size, offset = size
    end = min(len(head), offset + header_size)
    while offset < end:
        element = _read_vint(head, offset, keep_marker=True)
        if element is None:
            return None
        element_id, offset = element
        length = _read_vint(head, offset, keep_marker=False)
        if length is None:
            return None
        element_size, offset = length
        if element_id == _EBML_DOCTYPE_ID:
            raw = head[offset : offset + element_size]
            return raw.rstrip(b"\x00").decode("ascii", "replace")
        offset += element_size
    return None
