"""RFC 6455 frames, server side, without I/O: building the frames we send, parsing the ones we get.

The lean ``/posbus`` transport (`odyssey.controller.lean`) feeds every socket read to
`FrameParser.feed`, which returns every complete message and control frame in it at once, and
builds outgoing frames with `server_frame`. Server frames are never masked, so one frame's bytes
are the same for every client: a tick builds each frame (header included) once per audience.

What a client gets wrong ends the connection with the code the RFC asks for (`WebSocketError`):
an unmasked frame, reserved bits or opcodes, a broken fragmentation or control frame (1002), a
text message or close reason that is not UTF-8 (1007), a message over the size limit (1009).
"""

from __future__ import annotations

import codecs
import struct

try:  # websockets (a dependency) has the unmasking in C
    from websockets.speedups import apply_mask as _apply_mask
except ImportError:  # pragma: no cover - a platform without its C extension
    from websockets.utils import apply_mask as _apply_mask


CONTINUATION = 0x0
TEXT = 0x1
BINARY = 0x2
CLOSE = 0x8
PING = 0x9
PONG = 0xA

PROTOCOL_ERROR = 1002
INVALID_DATA = 1007
MESSAGE_TOO_BIG = 1009
NO_STATUS = 1005  # what a close frame without a code means (never sent on the wire)
MAX_CONTROL_PAYLOAD = 125
MAX_CLOSE_REASON = MAX_CONTROL_PAYLOAD - 2

_FIN = 0x80
_RESERVED = 0x70
_MASKED = 0x80
_U16 = struct.Struct("!H")
_U64 = struct.Struct("!Q")
_DATA_OPCODES = (CONTINUATION, TEXT, BINARY)
_CONTROL_OPCODES = (CLOSE, PING, PONG)


class WebSocketError(Exception):
    """The client broke RFC 6455: close with this code and reason."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def server_frame(payload: bytes, opcode: int = BINARY) -> bytes:
    """One complete, unmasked, final frame: header and payload."""
    size = len(payload)
    first = _FIN | opcode
    if size < 126:
        header = bytes((first, size))
    elif size < 65536:
        header = bytes((first, 126)) + _U16.pack(size)
    else:
        header = bytes((first, 127)) + _U64.pack(size)
    return header + payload


def close_frame(code: int, reason: str = "") -> bytes:
    """A close frame with a code and a reason cut to fit the 125-byte control payload."""
    encoded = reason.encode("utf-8")[:MAX_CLOSE_REASON].decode("utf-8", "ignore").encode()
    return server_frame(_U16.pack(code) + encoded, CLOSE)


def valid_close_code(code: int) -> bool:
    """A code a peer may send in a close frame (RFC 6455 §7.4, the IANA registry)."""
    return code in (1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014) or (
        3000 <= code < 5000
    )


def parse_close(payload: bytes) -> tuple[int, str]:
    """The code and reason of a received close frame. Raises `WebSocketError`."""
    if not payload:
        return NO_STATUS, ""
    if len(payload) == 1:
        raise WebSocketError(PROTOCOL_ERROR, "close frame with a 1-byte payload")
    code = _U16.unpack_from(payload)[0]
    if not valid_close_code(code):
        raise WebSocketError(PROTOCOL_ERROR, f"invalid close code {code}")
    try:
        reason = payload[2:].decode("utf-8")
    except UnicodeDecodeError:
        raise WebSocketError(INVALID_DATA, "close reason is not UTF-8") from None
    return code, reason


# What `FrameParser.feed` returns: (opcode, payload) for whole messages (TEXT with the payload
# checked as UTF-8, or BINARY) and for control frames (PING, PONG, CLOSE), in arrival order.
Event = tuple[int, bytes]


class FrameParser:
    """Client frames in, events out; keeps a partial frame and a fragmented message between
    reads. After a `WebSocketError` the parser must not be fed again."""

    __slots__ = ("_buffer", "_fragments", "_fragments_size", "_message_opcode", "_utf8", "max_size")

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self._buffer = bytearray()
        self._message_opcode: int | None = None  # the opcode of a message in fragments
        self._fragments: list[bytes] = []
        self._fragments_size = 0
        self._utf8: codecs.IncrementalDecoder | None = None

    def feed(self, data: bytes) -> list[Event]:
        """Every complete event in what has been received so far."""
        # A partial frame grows in place: a frame trickled in byte by byte costs linear time,
        # not the square of its size (a guest could otherwise make each read copy ~64 KiB).
        buffer: bytes | bytearray
        if self._buffer:
            self._buffer += data
            buffer = self._buffer
        else:
            buffer = data
        events: list[Event] = []
        end = len(buffer)
        offset = 0
        while end - offset >= 2:
            first = buffer[offset]
            second = buffer[offset + 1]
            if not second & _MASKED:
                raise WebSocketError(PROTOCOL_ERROR, "client frames must be masked")
            size = second & 0x7F
            start = offset + 6
            if size == 126:
                if end - offset < 8:
                    break
                size = _U16.unpack_from(buffer, offset + 2)[0]
                start = offset + 8
            elif size == 127:
                if end - offset < 14:
                    break
                size = _U64.unpack_from(buffer, offset + 2)[0]
                start = offset + 14
            if size > self.max_size:
                raise WebSocketError(MESSAGE_TOO_BIG, f"frame over {self.max_size} bytes")
            if end - start < size:
                break
            payload = _apply_mask(buffer[start : start + size], buffer[start - 4 : start])
            offset = start + size
            if first == _FIN | BINARY and self._message_opcode is None:
                events.append((BINARY, payload))  # the common case, checked first
            else:
                self._frame(first, payload, events)
        if offset >= end:
            self._buffer = bytearray()
        elif buffer is self._buffer:
            del self._buffer[:offset]
        else:
            self._buffer = bytearray(buffer[offset:])
        return events

    def _frame(self, first: int, payload: bytes, events: list[Event]) -> None:
        if first & _RESERVED:
            raise WebSocketError(PROTOCOL_ERROR, "reserved bits set (no extension agreed)")
        opcode = first & 0x0F
        fin = bool(first & _FIN)
        if opcode in _CONTROL_OPCODES:
            if not fin:
                raise WebSocketError(PROTOCOL_ERROR, "fragmented control frame")
            if len(payload) > MAX_CONTROL_PAYLOAD:
                raise WebSocketError(PROTOCOL_ERROR, "control frame over 125 bytes")
            events.append((opcode, payload))
            return
        if opcode not in _DATA_OPCODES:
            raise WebSocketError(PROTOCOL_ERROR, f"reserved opcode {opcode:#x}")
        if opcode == CONTINUATION:
            if self._message_opcode is None:
                raise WebSocketError(PROTOCOL_ERROR, "continuation frame without a message")
        elif self._message_opcode is not None:
            raise WebSocketError(PROTOCOL_ERROR, "new message inside a fragmented message")
        else:
            self._message_opcode = opcode
            self._utf8 = codecs.getincrementaldecoder("utf-8")() if opcode == TEXT else None
        self._fragment(payload, fin, events)

    def _fragment(self, payload: bytes, fin: bool, events: list[Event]) -> None:
        self._fragments_size += len(payload)
        if self._fragments_size > self.max_size:
            raise WebSocketError(MESSAGE_TOO_BIG, f"message over {self.max_size} bytes")
        if self._utf8 is not None:
            try:  # checked as it comes, so a bad byte fails fast (RFC 6455 §8.1)
                self._utf8.decode(payload, final=fin)
            except UnicodeDecodeError:
                raise WebSocketError(INVALID_DATA, "text message is not UTF-8") from None
        self._fragments.append(payload)
        if not fin:
            return
        opcode = self._message_opcode
        assert opcode is not None
        fragments = self._fragments
        events.append((opcode, fragments[0] if len(fragments) == 1 else b"".join(fragments)))
        self._message_opcode = None
        self._fragments = []
        self._fragments_size = 0
        self._utf8 = None
