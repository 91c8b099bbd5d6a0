"""One client connection: its bounded send queue, its writer task and how it closes.

Transport-agnostic: the WebSocket endpoint hands in a `Transport`. Nothing here ever makes the
caller wait: `send` and `send_transforms` only queue and wake the connection's own writer task,
so a slow client slows only itself (DESIGN: never wait on a slow client).

* Ordinary messages are queued in order. The queue is bounded in bytes: a client that falls
  that far behind is closed with `CloseCode.TRY_AGAIN_LATER`, and the world carries on.
* Transform lists are latest-wins: when the previous tick's list has not gone out yet, the new
  one is merged into it, entry by user, so a client that is behind gets each user's latest
  transform once instead of a backlog (and clients behind together share that merge).
* A send that waits on the peer for long is visible (`stalled_for`): the controller closes
  clients that stopped reading.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections import deque
from collections.abc import Callable, Coroutine, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from odyssey.controller.frames import transform_list_frames
from odyssey.controller.websocket import server_frame

if TYPE_CHECKING:
    from odyssey.controller.outbox import DirectWriter, WireOutbox

log = logging.getLogger(__name__)


class CloseCode(enum.IntEnum):
    """WebSocket close codes the controller uses (RFC 6455 §7.4.1), with a reason text."""

    NORMAL = 1000  # the client left, or was replaced (dual connection)
    GOING_AWAY = 1001  # the server is shutting down
    UNSUPPORTED_DATA = 1003  # a text frame: posbus is binary
    INVALID_PAYLOAD = 1007  # a frame that is not a valid posbus message
    POLICY_VIOLATION = 1008  # bad handshake or token, or a message out of order
    MESSAGE_TOO_BIG = 1009  # a frame over the inbound size limit
    TRY_AGAIN_LATER = 1013  # the client fell too far behind (send queue overflow)


class ProtocolViolation(Exception):
    """A client broke the protocol: only that client is closed, with this code and reason."""

    def __init__(self, code: CloseCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class TransportClosed(Exception):
    """The peer is gone: nothing more can be sent."""


class Transport(Protocol):
    """What a connection needs from the WebSocket underneath."""

    async def send(self, frame: bytes) -> None:
        """Send one binary message; waits while the peer's buffers are full.

        Raises `TransportClosed` when the peer is gone.
        """
        ...

    async def close(self, code: int, reason: str) -> None:
        """Send a close frame (the peer gets the code and reason if it still reads)."""
        ...

    def abort(self) -> None:
        """Cut the connection now, without a closing handshake."""
        ...


class TransformBatch:
    """One tick's transform entries for one or more clients; frames are built once, lazily.

    Clients that share a batch (a whole world, or one interest group) and fall behind by the
    same ticks also share the merge of their pending batches (`merged_with`), so being behind
    costs per group, not per client.
    """

    __slots__ = ("_frames", "_merged", "_wire", "entries", "max_frame_size")

    def __init__(self, entries: Sequence[bytes], max_frame_size: int) -> None:
        self.entries = entries
        self.max_frame_size = max_frame_size
        self._frames: list[bytes] | None = None
        self._merged: tuple[TransformBatch, TransformBatch] | None = None
        self._wire: bytes | None = None

    def wire(self) -> bytes:
        """The frames as WebSocket frames, headers included, back to back: built once for
        every client the batch goes to, written with one call per client."""
        if self._wire is None:
            self._wire = b"".join([server_frame(frame) for frame in self.frames()])
        return self._wire

    def frames(self) -> list[bytes]:
        if self._frames is None:
            self._frames = transform_list_frames(self.entries, self.max_frame_size)
        return self._frames

    def merged_with(self, newer: TransformBatch) -> TransformBatch:
        """This batch updated by a newer one: each user's latest entry, once (latest wins)."""
        cached = self._merged
        if cached is not None and cached[0] is newer:
            return cached[1]
        merged = {entry[:16]: entry for entry in self.entries}  # the first 16 bytes: user id
        for entry in newer.entries:
            merged[entry[:16]] = entry
        result = TransformBatch(list(merged.values()), self.max_frame_size)
        self._merged = (newer, result)
        return result


class _CloseRequest:
    __slots__ = ("code", "reason")

    def __init__(self, code: int, reason: str) -> None:
        self.code = code
        self.reason = reason


_QueueItem = bytes | TransformBatch | _CloseRequest


class Connection:
    """A signed-in client. The controller keeps one per user.

    ``on_closed`` is called exactly once, soon after the connection starts closing for any
    reason (closed by the server, by the peer, or cut), so the controller can take the user out
    of its world before the socket is actually gone. It runs on the next turn of the event loop,
    never inside `send`: an overflow found while a world broadcasts must not change the world's
    membership in the middle of that broadcast. Until then the connection drops what it is sent.
    """

    def __init__(
        self,
        user_id: UUID,
        session_id: UUID,
        transport: Transport,
        *,
        max_queue_bytes: int,
        close_timeout: float,
        on_closed: Callable[[Connection], None],
        sign_in_id: UUID | None = None,
        token_id: str | None = None,
    ) -> None:
        self.user_id = user_id
        self.session_id = session_id
        # What the handshake's access token belonged to (its `sid` and `jti`).
        self.sign_in_id = sign_in_id
        self.token_id = token_id
        self.closing: tuple[int, str] | None = None
        self._transport = transport
        self._max_queue_bytes = max_queue_bytes
        self._close_timeout = close_timeout
        self._on_closed = on_closed
        self._queue: deque[_QueueItem] = deque()
        self._queued_bytes = 0
        # A send started at once by `_send_now` that had to wait for the peer: the writer task
        # finishes it (the coroutine and what it waits on) before anything queued.
        self._inflight: tuple[Coroutine[Any, Any, None], Any] | None = None
        self._writing = False  # the writer task is in the middle of a send
        self._wakeup = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self._closer: asyncio.Task[None] | None = None
        self._watchdog: asyncio.TimerHandle | None = None
        # When the send in progress started (loop time), None between sends: a send that
        # stays in progress means the peer stopped reading.
        self._sending_since: float | None = None
        self.sent_frames = 0
        self.sent_bytes = 0
        # A transport may also offer a socket to write WebSocket frames into (the lean
        # transport's ``direct``): then there is no writer task (`outbox.WireOutbox`).
        direct: DirectWriter | None = getattr(transport, "direct", None)
        self._outbox: WireOutbox | None = None
        if direct is not None:
            from odyssey.controller.outbox import WireOutbox

            self._outbox = WireOutbox(direct, max_queue_bytes, self._overflow)

    def __repr__(self) -> str:
        return f"<Connection user={self.user_id}>"

    @property
    def closed(self) -> bool:
        return self.closing is not None

    # --- sending ------------------------------------------------------------------------------

    def send(self, frame: bytes) -> None:
        """Send one message, or queue it. Closes the connection instead when its queue is full."""
        if self.closing is not None:
            return
        if self._outbox is not None:
            self._outbox.send(frame)
            return
        if self._idle() and self._send_now(frame):
            return
        if self._queued_bytes and self._queued_bytes + len(frame) > self._max_queue_bytes:
            self._overflow()
            return
        self._queue.append(frame)
        self._queued_bytes += len(frame)
        self._wakeup.set()

    def send_all(self, frames: Iterable[bytes]) -> None:
        """Queue several messages in order, as one unit for the queue bound.

        A burst such as a world's initial state goes in whole when the queue was empty, even
        if it alone is larger than the bound: the bound is about falling behind.
        """
        if self.closing is not None:
            return
        if self._outbox is not None:
            self._outbox.send_all(frames)
            return
        frames = list(frames)
        size = sum(map(len, frames))
        if self._queued_bytes and self._queued_bytes + size > self._max_queue_bytes:
            self._overflow()
            return
        self._queue.extend(frames)
        self._queued_bytes += size
        self._wakeup.set()

    def send_transforms(self, batch: TransformBatch) -> None:
        """Queue a tick's transforms; merged into the previous tick's if that is still queued."""
        if self.closing is not None:
            return
        if self._outbox is not None:
            self._outbox.send_transforms(batch)
            return
        queue = self._queue
        if queue and isinstance(queue[-1], TransformBatch):
            queue[-1] = queue[-1].merged_with(batch)
            return
        if self._idle() and self._send_frames_now(batch.frames()):
            return
        queue.append(batch)
        self._wakeup.set()

    def _send_frames_now(self, frames: Sequence[bytes]) -> bool:
        """`_send_now` for several frames; once one has to wait, the rest queue behind it."""
        for index, frame in enumerate(frames):
            if not self._send_now(frame):
                return False  # only possible for the first: the writer is not running
            if self.closing is not None:
                return True  # the peer is gone
            if self._inflight is not None:
                rest = frames[index + 1 :]
                if rest:
                    self._queue.extend(rest)
                    self._queued_bytes += sum(map(len, rest))
                    self._wakeup.set()
                return True
        return True

    def _idle(self) -> bool:
        return not self._queue and self._inflight is None and not self._writing

    def _send_now(self, frame: bytes) -> bool:
        """Hand a frame to the transport right away, without waking the writer task.

        The transport's send normally completes without waiting (the socket takes the frame);
        only when the peer is behind does it suspend, and then the writer task carries on with
        it. This saves a task switch per client per tick. False when the writer is not running
        (the frame is queued for it instead).
        """
        if self._writer is None or self._writer.done():
            return False
        coroutine = self._transport.send(frame)
        try:
            waiting = coroutine.send(None)
        except StopIteration:
            self.sent_frames += 1
            self.sent_bytes += len(frame)
            return True
        except TransportClosed:
            self.transport_lost()
            return True
        self._inflight = (coroutine, waiting)
        self._sending_since = asyncio.get_running_loop().time()
        self._wakeup.set()
        return True

    def _overflow(self) -> None:
        reason = "send queue overflow: client too slow"
        log.warning(
            "posbus %s: closing the connection: %s (over %d bytes queued)",
            self.user_id,
            reason,
            self._max_queue_bytes,
        )
        self.close(CloseCode.TRY_AGAIN_LATER, reason, flush=False)

    # --- the writer ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the writer task (once the transport is ready); none for a direct writer."""
        if self._writer is None and self._outbox is None:
            self._writer = asyncio.get_running_loop().create_task(
                self._write_loop(), name=f"posbus-writer-{self.user_id}"
            )

    def stalled_for(self, now: float) -> float:
        """Seconds the send in progress has been waiting for the peer (0 when none is)."""
        if self._outbox is not None:
            return self._outbox.stalled_for(now)
        started = self._sending_since
        return 0.0 if started is None else now - started

    async def _write_loop(self) -> None:
        queue = self._queue
        send = self._transport.send
        loop = asyncio.get_running_loop()
        try:
            while True:
                if self._inflight is not None:
                    await self._finish_inflight()
                    continue
                if not queue:
                    self._wakeup.clear()
                    await self._wakeup.wait()
                    continue
                item = queue.popleft()
                if isinstance(item, _CloseRequest):
                    await self._close_transport(item.code, item.reason)
                    return
                if isinstance(item, bytes):
                    self._queued_bytes -= len(item)
                    frames = [item]
                else:
                    frames = item.frames()
                self._writing = True
                for frame in frames:
                    self._sending_since = loop.time()
                    await send(frame)
                    self._sending_since = None
                    self.sent_frames += 1
                    self.sent_bytes += len(frame)
                self._writing = False
        except TransportClosed:
            self.transport_lost()
        except Exception:  # a bug here must end this connection, loudly, and only this one
            log.exception("posbus %s: writer failed", self.user_id)
            self.transport_lost()
            self._transport.abort()

    async def _finish_inflight(self) -> None:
        """Drive a send that `_send_now` started and that had to wait, as a task would."""
        assert self._inflight is not None
        coroutine, waiting = self._inflight
        loop = asyncio.get_running_loop()
        try:
            while True:
                if waiting is None:  # a bare yield: give the loop one turn
                    await asyncio.sleep(0)
                else:
                    # Wait for what the send waits on to complete; the send itself then reads
                    # its outcome (result or exception) when it is resumed.
                    resumed = loop.create_future()
                    waiting.add_done_callback(
                        lambda _, resumed=resumed: resumed.done() or resumed.set_result(None)
                    )
                    await resumed
                waiting = coroutine.send(None)
        except StopIteration:
            self.sent_frames += 1
        finally:
            coroutine.close()  # no-op when it finished; stops it when we were cancelled
            self._inflight = None
            self._sending_since = None

    # --- closing ------------------------------------------------------------------------------

    def close(self, code: int, reason: str, *, flush: bool = True) -> None:
        """Close the connection with a code and reason; idempotent.

        With ``flush`` the messages already queued go out first (e.g. the dual-connection
        signal); a client that does not take them within the close timeout is cut. Without,
        the queue is dropped and the close frame is sent at once.
        """
        if self.closing is not None:
            return
        self.closing = (code, reason)
        loop = asyncio.get_running_loop()
        loop.call_soon(self._on_closed, self)
        if self._outbox is not None:
            self._outbox.close(code, reason, flush=flush)
            self._watchdog = loop.call_later(self._close_timeout, self._cut)
            return
        if flush and self._writer is not None and not self._writer.done():
            self._queue.append(_CloseRequest(code, reason))
            self._wakeup.set()
            self._watchdog = loop.call_later(self._close_timeout, self._cut)
            return
        self._drop_pending()
        self._closer = loop.create_task(self._close_transport(code, reason))

    def transport_lost(self) -> None:
        """The peer went away (read side ended, or a send failed)."""
        if self.closing is None:
            self.closing = (CloseCode.NORMAL, "connection lost")
            asyncio.get_running_loop().call_soon(self._on_closed, self)
        self._drop_pending()
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None

    def _drop_pending(self) -> None:
        """Forget what was not sent, and stop the writer (and any send it was finishing)."""
        if self._outbox is not None:
            self._outbox.drop()
        self._queue.clear()
        self._queued_bytes = 0
        if self._writer is not None and self._writer is not asyncio.current_task():
            self._writer.cancel()
        if self._inflight is not None:
            self._inflight[0].close()
            self._inflight = None

    def _cut(self) -> None:
        self._watchdog = None
        log.info("posbus %s: did not close in time, cutting the connection", self.user_id)
        if self._writer is not None:
            self._writer.cancel()
        self._transport.abort()

    async def _close_transport(self, code: int, reason: str) -> None:
        try:
            await asyncio.wait_for(self._transport.close(code, reason), self._close_timeout)
        except (TimeoutError, TransportClosed):
            self._transport.abort()
        finally:
            if self._watchdog is not None:
                self._watchdog.cancel()
                self._watchdog = None

    async def wait_closed(self) -> None:
        """Wait for the writer and the closing handshake to finish (shutdown, tests)."""
        if self._outbox is not None:
            await self._outbox.wait_closed()
            return
        for task in (self._writer, self._closer):
            if task is not None:
                with contextlib.suppress(asyncio.CancelledError, TransportClosed):
                    await task
