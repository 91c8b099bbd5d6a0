"""Images: checking an upload decodes, reading its size, and making the texture variants.

Pure functions on bytes and files (CPU-bound: the service runs them in worker threads).

Texture sizes s0-s9 are pixel-area targets (data model §3.5). A variant keeps the aspect ratio,
scaled by √(target / (w·h)), and is never an upscale: when the image already has no more pixels
than the target, the original is served for that size and nothing is stored. Variants keep the
source's format (JPEG stays JPEG, WebP stays WebP), except GIF which becomes PNG (first frame).

Decompression bombs: `Image.open` reads only the header; the pixel count is checked against
`max_pixels` before anything is decoded, and Pillow's own `DecompressionBombError` is caught too.

Memory: an upload is decoded once, to check it and make its variants together, and a JPEG is
decoded at the smallest scale the largest variant allows (`draft`). `DecodePlan.memory_bytes`
says beforehand how much memory that takes, so the service can hold decodes to a budget.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from odyssey.media.errors import ImageTooLarge, InvalidImage, UnsupportedMedia

TEXTURE_AREAS: dict[str, int] = {
    "s0": 1024,
    "s1": 4096,
    "s2": 9216,
    "s3": 25600,
    "s4": 65536,
    "s5": 193600,
    "s6": 577600,
    "s7": 1721344,
    "s8": 5062500,
    "s9": 14745600,
}
UPLOAD_TEXTURE_SIZES: tuple[str, ...] = ("s2", "s3", "s4", "s5", "s6")
# zlib level of PNG variants: 3 encodes 3-5x faster than Pillow's default 6, files ~10% larger.
PNG_COMPRESS_LEVEL = 3

CONTENT_TYPES: dict[str, str] = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}
# EXIF orientation → the transpose that shows the picture upright (1 is already upright).
_TRANSPOSES: dict[int, Image.Transpose | None] = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Orientations that turn the picture by 90° (width and height swap when displayed).
_TRANSPOSED_ORIENTATIONS = {5, 6, 7, 8}
_EXIF_ORIENTATION = 0x0112
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError)


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """An image as displayed: width and height after its EXIF orientation, and its format."""

    width: int
    height: int
    format: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def variant_format(self) -> str:
        return "PNG" if self.format == "GIF" else self.format

    @property
    def variant_content_type(self) -> str:
        return CONTENT_TYPES[self.variant_format]


def is_texture_size(name: str) -> bool:
    return name in TEXTURE_AREAS


def variant_dimensions(info: ImageInfo, size: str) -> tuple[int, int] | None:
    """Width and height of texture `size` of the image, or None when the original serves."""
    target = TEXTURE_AREAS[size]
    area = info.width * info.height
    if area <= target:
        return None
    factor = math.sqrt(target / area)
    return max(1, round(info.width * factor)), max(1, round(info.height * factor))


def _info_of(image: Image.Image) -> ImageInfo:
    if image.format not in CONTENT_TYPES:
        raise UnsupportedMedia(f"image format {image.format} is not accepted")
    width, height = image.size
    if _orientation(image) in _TRANSPOSED_ORIENTATIONS:
        width, height = height, width
    return ImageInfo(width=width, height=height, format=image.format)


def _orientation(image: Image.Image) -> int | None:
    """The EXIF orientation found in the image's header (1-8), without decoding pixels."""
    raw = image.info.get("exif")
    if not isinstance(raw, bytes) or not raw:
        return None
    exif = Image.Exif()
    try:
        exif.load(raw)
        value = exif.get(_EXIF_ORIENTATION)
    except _DECODE_ERRORS:
        return None
    return value if isinstance(value, int) and value in _TRANSPOSES else None


def _upright(image: Image.Image, orientation: int | None) -> Image.Image:
    method = _TRANSPOSES.get(orientation) if orientation is not None else None
    if method is None:
        return image
    turned = image.transpose(method)
    image.close()
    return turned


def _open(source: Path | BinaryIO, max_pixels: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source, formats=list(CONTENT_TYPES))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageTooLarge(f"image has too many pixels: {error}") from error
    except UnidentifiedImageError as error:
        raise InvalidImage("not a PNG, JPEG, GIF or WebP image that can be read") from error
    except _DECODE_ERRORS as error:
        raise InvalidImage(f"image header is damaged: {error}") from error
    width, height = image.size
    if width < 1 or height < 1:
        image.close()
        raise InvalidImage("image has no pixels")
    if width * height > max_pixels:
        image.close()
        raise ImageTooLarge(
            f"image is {width}x{height} = {width * height} pixels; the limit is {max_pixels}"
        )
    return image


@dataclass(frozen=True, slots=True)
class DecodePlan:
    """How an image will be decoded for a set of variants, and the memory that takes.

    `sizes` are the wanted variants that are real downscales, largest first; `decode_size` is
    the size the decoder produces (a JPEG is decoded at 1/2, 1/4 or 1/8 scale when the largest
    variant allows it); `memory_bytes` is an upper estimate of the memory the decode and the
    variants take at their peak (see `decode_memory`).
    """

    info: ImageInfo
    sizes: tuple[str, ...]
    decode_size: tuple[int, int]
    decode_mode: str
    memory_bytes: int


# Bytes per pixel of Pillow's in-memory image of each mode (RGB is stored as 4 bytes).
_ONE_BYTE_MODES = {"1", "L", "P"}
_TWO_BYTE_MODES = {"I;16", "I;16L", "I;16B", "I;16N"}
_DISPLAY_BYTES_PER_PIXEL = 4


def bytes_per_pixel(mode: str) -> int:
    if mode in _ONE_BYTE_MODES:
        return 1
    if mode in _TWO_BYTE_MODES:
        return 2
    return 4


def decode_memory(width: int, height: int, mode: str, *, transposed: bool) -> int:
    """Peak memory of decoding a `width` x `height` image of `mode` and making its variants.

    The decoded image; a converted copy when it is not RGB or RGBA (or a turned copy, for EXIF
    orientation); and the resampling buffers of the largest variant, at most half the RGBA size
    of the decoded image (Pillow first reduces by an integer factor, then filters).
    """
    pixels = width * height
    decoded = pixels * bytes_per_pixel(mode)
    copy = pixels * _DISPLAY_BYTES_PER_PIXEL if mode not in ("RGB", "RGBA") or transposed else 0
    return decoded + copy + pixels * _DISPLAY_BYTES_PER_PIXEL // 2


def _wanted(info: ImageInfo, sizes: Iterable[str]) -> list[tuple[str, tuple[int, int]]]:
    return sorted(
        ((size, dims) for size in sizes if (dims := variant_dimensions(info, size)) is not None),
        key=lambda item: item[1][0] * item[1][1],
        reverse=True,
    )


def _draft(image: Image.Image, wanted: list[tuple[str, tuple[int, int]]]) -> None:
    """Let the decoder scale down (JPEG only) as far as the largest variant allows."""
    if not wanted:
        return
    largest = wanted[0][1]
    turned = _orientation(image) in _TRANSPOSED_ORIENTATIONS
    image.draft("RGB", largest[::-1] if turned else largest)


def _plan(image: Image.Image, info: ImageInfo, sizes: Iterable[str]) -> DecodePlan:
    wanted = _wanted(info, sizes)
    _draft(image, wanted)
    width, height = image.size
    memory = decode_memory(
        width, height, image.mode, transposed=_orientation(image) in _TRANSPOSED_ORIENTATIONS
    )
    return DecodePlan(info, tuple(size for size, _ in wanted), (width, height), image.mode, memory)


def inspect_upload(path: Path, sizes: Iterable[str], *, max_pixels: int) -> DecodePlan:
    """Read an uploaded image's header (nothing is decoded): its format and size, refused when
    over `max_pixels`, and the plan for decoding it once to check it and make `sizes`."""
    with _open(path, max_pixels) as image:
        return _plan(image, _info_of(image), sizes)


def plan_variants(source: bytes | Path, info: ImageInfo, sizes: Iterable[str]) -> DecodePlan:
    """The plan for making `sizes` of a stored image (its header is read again)."""
    with _open(_as_file(source), max_pixels=1 << 62) as image:
        return _plan(image, info, sizes)


def _as_file(source: bytes | Path) -> Path | BinaryIO:
    return io.BytesIO(source) if isinstance(source, bytes) else source


def check_image(path: Path, *, max_pixels: int) -> ImageInfo:
    """Check the image at `path` fully decodes (first frame) within the pixel limit."""
    plan = inspect_upload(path, (), max_pixels=max_pixels)
    decode_variants(path, plan)
    return plan.info


def read_image_info(data: bytes) -> ImageInfo:
    """Size and format from an image's first bytes (its header); nothing is decoded."""
    with _open(io.BytesIO(data), max_pixels=1 << 62) as image:
        return _info_of(image)


def make_variants(source: bytes | Path, info: ImageInfo, sizes: Iterable[str]) -> dict[str, bytes]:
    """Encoded texture variants of an image (its bytes or its file), one for each of `sizes`
    that is a downscale."""
    plan = plan_variants(source, info, sizes)
    return decode_variants(source, plan) if plan.sizes else {}


def decode_variants(source: bytes | Path, plan: DecodePlan) -> dict[str, bytes]:
    """Decode the image once, as `plan` says, and encode its variants (none when `plan.sizes`
    is empty: then this only checks that the whole image decodes).

    The largest variant is made from the decoded image, each smaller one from the previous.
    Every intermediate image is closed as soon as the next exists, so the memory held stays
    within `plan.memory_bytes`.
    """
    wanted = [(size, variant_dimensions(plan.info, size)) for size in plan.sizes]
    try:
        with Image.open(_as_file(source), formats=[plan.info.format]) as image_file:
            orientation = _orientation(image_file)
            _draft(image_file, [(size, dims) for size, dims in wanted if dims is not None])
            try:
                image_file.load()
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
                raise ImageTooLarge(f"image has too many pixels: {error}") from error
            if not wanted:
                return {}
            image = _displayable(_upright(image_file, orientation))
            if image is not image_file:
                image_file.close()  # frees the decoded pixels now, not at the end
            results: dict[str, bytes] = {}
            for size, dims in wanted:
                assert dims is not None
                smaller = image.resize(dims, Image.Resampling.LANCZOS, reducing_gap=3.0)
                image.close()
                image = smaller
                results[size] = _encode(image, plan.info.variant_format)
            image.close()
            return results
    except _DECODE_ERRORS as error:
        raise InvalidImage(f"image does not decode: {error}") from error


def _displayable(image: Image.Image) -> Image.Image:
    """RGB or RGBA (resampling palette or 16-bit images gives poor results or fails)."""
    if image.mode in ("RGB", "RGBA"):
        return image
    has_alpha = image.mode in ("LA", "PA", "La") or (
        image.mode == "P" and "transparency" in image.info
    )
    converted = image.convert("RGBA" if has_alpha else "RGB")
    image.close()
    return converted


def _encode(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=85)
    elif image_format == "WEBP":
        image.save(buffer, "WEBP", quality=85, method=4)
    else:
        image.save(buffer, "PNG", compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()
