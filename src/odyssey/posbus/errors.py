"""Errors raised by the posbus codec.

Every failure to decode untrusted bytes raises a subclass of `DecodeError` (itself a
`ValueError`), so a connection handler needs exactly one ``except DecodeError`` clause and can
still tell the reasons apart. Encoding a value that the wire cannot carry raises `EncodeError`.
"""

from __future__ import annotations


class DecodeError(ValueError):
    """The bytes are not a valid posbus frame. Subclasses name the exact reason."""


class FrameTooShort(DecodeError):
    """The frame has fewer than 8 bytes (4-byte header + 4-byte footer)."""


class FrameTooLarge(DecodeError):
    """The frame is longer than the caller's ``max_frame_size``."""


class FooterMismatch(DecodeError):
    """The footer is not the bitwise NOT of the header."""


class UnknownMessageType(DecodeError):
    """The header names a type id that posbus does not define."""


class Truncated(DecodeError):
    """The payload ends before the message is complete."""


class TrailingBytes(DecodeError):
    """The message is complete but payload bytes are left before the footer."""


class InvalidBool(DecodeError):
    """A MUS bool byte is neither 0x00 nor 0x01."""


class InvalidPointerFlag(DecodeError):
    """A MUS pointer flag byte is neither 0x00 (nil) nor 0x01 (present)."""


class NegativeLength(DecodeError):
    """A zigzag-encoded string, bytes, slice or map length is negative."""


class OversizedLength(DecodeError):
    """A length or count needs more bytes than the payload has left."""


class InvalidUtf8(DecodeError):
    """A string is not valid UTF-8."""


class VarintOverflow(DecodeError):
    """A varint is longer than its type allows or overflows it."""


class NestingTooDeep(DecodeError):
    """gotiny maps/lists are nested deeper than the decoder allows."""


class UnknownGotinyType(DecodeError):
    """A gotiny interface value names a dynamic type the official clients cannot decode."""


class EncodeError(ValueError):
    """A message field holds a value the wire format cannot represent."""
