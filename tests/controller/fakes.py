"""An in-memory transport, to drive connections and worlds without sockets."""

from __future__ import annotations

import asyncio
import uuid
from typing import TypeVar

from odyssey.controller.connection import Connection, TransportClosed
from odyssey.posbus import Message, decode, encode

M = TypeVar("M", bound=Message)


class FakeTransport:
    """Records what is sent. `stall()` makes `send` wait, like a peer that stopped reading."""

    def __init__(self) -> None:
        self.frames: list[bytes] = []
        self.closed: tuple[int, str] | None = None
        self.aborted = False
        self._open = asyncio.Event()
        self._open.set()

    def stall(self) -> None:
        self._open.clear()

    def resume(self) -> None:
        self._open.set()

    async def send(self, frame: bytes) -> None:
        await self._open.wait()
        if self.closed is not None or self.aborted:
            raise TransportClosed("closed")
        self.frames.append(frame)

    async def close(self, code: int, reason: str) -> None:
        await self._open.wait()
        self.closed = (code, reason)

    def abort(self) -> None:
        self.aborted = True

    def messages(self) -> list[Message]:
        result = []
        for frame in self.frames:
            message = decode(frame, max_frame_size=1 << 20)
            assert encode(message) == frame
            result.append(message)
        return result

    def of(self, kind: type[M]) -> list[M]:
        return [m for m in self.messages() if isinstance(m, kind)]

    def take(self) -> list[Message]:
        messages = self.messages()
        self.frames.clear()
        return messages


def fake_connection(
    user_id: uuid.UUID | None = None,
    *,
    max_queue_bytes: int = 1 << 20,
    closed: list[Connection] | None = None,
) -> tuple[Connection, FakeTransport]:
    transport = FakeTransport()
    connection = Connection(
        user_id or uuid.uuid4(),
        uuid.uuid4(),
        transport,
        max_queue_bytes=max_queue_bytes,
        close_timeout=0.2,
        on_closed=(closed.append if closed is not None else lambda _: None),
    )
    connection.start()
    return connection, transport


async def settle(rounds: int = 5) -> None:
    """Let the writer tasks run."""
    for _ in range(rounds):
        await asyncio.sleep(0)
