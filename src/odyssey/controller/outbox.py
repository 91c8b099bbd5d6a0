"""Sending straight into a socket's write buffer: the lean transport's side of a `Connection`.

No writer task: a frame goes into the transport at once (``transport.write``: the kernel takes
it, or the transport buffers the rest) while the transport is not over its high-water mark.
Once it is (the peer is behind), what comes next waits here, in order, until the transport
drains (``resume_writing``), with the same rules as the task-based connection:

* ordinary messages are bounded in bytes: a client that falls that far behind is closed
  (``on_overflow``, 1013);
* transform lists are latest-wins: a tick's list merges into the previous one still waiting,
  so a peer that is behind gets each user's latest transform once;
* a peer that stays behind is visible through ``stalled_for`` (the controller closes it).

Every WebSocket frame is built once for all its receivers: a transform batch keeps its frames'
wire bytes, and the frame last sent to one client is reused when the next gets the same bytes
object (a world's broadcast hands the same frame to each member in turn).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol, TypeAlias

from odyssey.controller.websocket import server_frame

if TYPE_CHECKING:
    from odyssey.controller.connection import TransformBatch


class DirectWriter(Protocol):
    """What the outbox needs of a socket (`odyssey.controller.lean.LeanSocket`)."""

    writing_paused: bool
    paused_since: float | None
    on_drain: Callable[[], None] | None
    closed: asyncio.Future[tuple[int, str]]  # done when the connection is gone

    def write(self, wire: bytes) -> None: ...

    def write_close(self, code: int, reason: str) -> None: ...

    def abort(self) -> None: ...


class _LastFrame:
    """The wire bytes of the frame built last: a broadcast builds its frame once, not per
    receiver (same object in, same bytes out)."""

    __slots__ = ("payload", "wire")

    def __init__(self) -> None:
        self.payload = b""
        self.wire = server_frame(b"")

    def wire_of(self, payload: bytes) -> bytes:
        if payload is not self.payload:
            self.wire = server_frame(payload)
            self.payload = payload
        return self.wire


_last = _LastFrame()
wire_of = _last.wire_of


class _Close:
    __slots__ = ("code", "reason")

    def __init__(self, code: int, reason: str) -> None:
        self.code = code
        self.reason = reason


_Waiting: TypeAlias = "bytes | TransformBatch | _Close"


class WireOutbox:
    """What one connection sends, written straight to its socket (see the module)."""

    __slots__ = ("_queue", "_queued_bytes", "_writer", "max_queue_bytes", "on_overflow", "sent")

    def __init__(
        self, writer: DirectWriter, max_queue_bytes: int, on_overflow: Callable[[], None]
    ) -> None:
        self._writer = writer
        self._queue: deque[_Waiting] = deque()
        self._queued_bytes = 0
        self.max_queue_bytes = max_queue_bytes
        self.on_overflow = on_overflow
        self.sent = 0  # frames handed to the transport
        writer.on_drain = self.drain

    def send(self, frame: bytes) -> None:
        writer = self._writer
        if not self._queue and not writer.writing_paused:
            writer.write(wire_of(frame))
            self.sent += 1
            return
        wire = wire_of(frame)
        if self._queued_bytes and self._queued_bytes + len(wire) > self.max_queue_bytes:
            self.on_overflow()
            return
        self._queue.append(wire)
        self._queued_bytes += len(wire)

    def send_all(self, frames: Iterable[bytes]) -> None:
        wires = [server_frame(frame) for frame in frames]
        size = sum(map(len, wires))
        if self._queued_bytes and self._queued_bytes + size > self.max_queue_bytes:
            self.on_overflow()
            return
        if not self._queue and not self._writer.writing_paused:
            self._writer.write(b"".join(wires))
            self.sent += len(wires)
            return
        self._queue.extend(wires)
        self._queued_bytes += size

    def send_transforms(self, batch: TransformBatch) -> None:
        queue = self._queue
        if queue:
            last = queue[-1]
            if not isinstance(last, bytes | _Close):
                queue[-1] = last.merged_with(batch)
                return
        elif not self._writer.writing_paused:
            self._writer.write(batch.wire())
            self.sent += len(batch.frames())
            return
        queue.append(batch)

    def drain(self) -> None:
        """The transport took its buffer down: send what waited, until it is full again."""
        queue = self._queue
        writer = self._writer
        while queue and not writer.writing_paused:
            item = queue.popleft()
            if isinstance(item, bytes):
                self._queued_bytes -= len(item)
                writer.write(item)
                self.sent += 1
            elif isinstance(item, _Close):
                writer.write_close(item.code, item.reason)
                return
            else:
                writer.write(item.wire())
                self.sent += len(item.frames())

    def close(self, code: int, reason: str, *, flush: bool) -> None:
        """Send the close frame now, or (``flush``) after what is waiting."""
        if flush and self._queue:
            self._queue.append(_Close(code, reason))
            return
        self.drop()
        self._writer.write_close(code, reason)

    def drop(self) -> None:
        self._queue.clear()
        self._queued_bytes = 0

    async def wait_closed(self) -> None:
        await asyncio.shield(self._writer.closed)

    def stalled_for(self, now: float) -> float:
        since = self._writer.paused_since
        return 0.0 if since is None else now - since
