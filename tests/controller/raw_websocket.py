"""A WebSocket client on a bare TCP socket, for tests of the server's RFC 6455 handling: it
sends exactly the bytes a test asks for (masked or not, fragments, reserved bits) and reads the
server's frames as they are on the wire."""

from __future__ import annotations

import asyncio
import os
import struct
from dataclasses import dataclass

from odyssey.posbus import Message, decode, encode

CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


@dataclass(frozen=True)
class ServerFrame:
    fin: bool
    opcode: int
    payload: bytes

    @property
    def close_code(self) -> int:
        assert self.opcode == CLOSE, self
        return int(struct.unpack("!H", self.payload[:2])[0])

    @property
    def close_reason(self) -> str:
        return self.payload[2:].decode()


def client_frame(
    payload: bytes,
    opcode: int = BINARY,
    *,
    fin: bool = True,
    masked: bool = True,
    rsv: int = 0,
    length: int | None = None,
) -> bytes:
    """One client frame; ``length`` overrides the length field (for an oversized header)."""
    size = len(payload) if length is None else length
    first = (0x80 if fin else 0) | rsv << 4 | opcode
    mask_bit = 0x80 if masked else 0
    if size < 126:
        header = bytes((first, mask_bit | size))
    elif size < 65536:
        header = bytes((first, mask_bit | 126)) + struct.pack("!H", size)
    else:
        header = bytes((first, mask_bit | 127)) + struct.pack("!Q", size)
    if not masked:
        return header + payload
    mask = os.urandom(4)
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


class RawWebSocket:
    """One connection: `open` sends the upgrade request and reads the 101."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, url: str, path: str = "/posbus") -> RawWebSocket:
        host, port = url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        client = cls(reader, writer)
        status = await client.upgrade(path, host, port)
        assert status.startswith(b"HTTP/1.1 101"), status
        return client

    async def upgrade(self, path: str, host: str, port: str) -> bytes:
        """Send the upgrade request; the server's answer up to the end of its headers."""
        self.writer.write(
            (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        return await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), 5)

    def write(self, data: bytes) -> None:
        self.writer.write(data)

    def send(self, message: Message) -> None:
        self.write(client_frame(encode(message)))

    async def frame(self, within: float = 5.0) -> ServerFrame:
        """The next frame the server sent; server frames are never masked."""
        head = await asyncio.wait_for(self.reader.readexactly(2), within)
        assert not head[1] & 0x80, "a server frame was masked"
        assert not head[0] & 0x70, "a server frame has reserved bits"
        size = head[1] & 0x7F
        if size == 126:
            size = struct.unpack("!H", await self.reader.readexactly(2))[0]
        elif size == 127:
            size = struct.unpack("!Q", await self.reader.readexactly(8))[0]
        payload = await asyncio.wait_for(self.reader.readexactly(size), within)
        frame = ServerFrame(bool(head[0] & 0x80), head[0] & 0x0F, payload)
        if frame.opcode == BINARY:  # every posbus frame decodes, and encodes back the same
            assert encode(decode(payload, max_frame_size=1 << 20)) == payload
        return frame

    async def next_of(self, opcode: int, within: float = 5.0) -> ServerFrame:
        """The next frame with this opcode (pings and posbus frames before it are skipped)."""
        while True:
            frame = await self.frame(within)
            if frame.opcode == opcode:
                return frame

    async def closed_by_server(self, within: float = 5.0) -> bool:
        """Whether the server closes the TCP connection (after everything it sent). A reset
        counts: a client's close echo that reaches a socket the server closed already gets one."""
        try:
            while await asyncio.wait_for(self.reader.read(65536), within):
                pass
        except TimeoutError:
            return False
        except ConnectionResetError:
            return True
        return True

    def close(self) -> None:
        self.writer.close()
