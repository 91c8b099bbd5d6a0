"""The lean ``/posbus`` transport: uvicorn's WebSocket protocol class, with our own frames.

`PosbusWebSocketProtocol` is what ``uvicorn.run(ws=...)`` builds for every WebSocket upgrade on
the node's one port. For any path but ``/posbus`` it is uvicorn's own sans-I/O implementation,
unchanged. For ``/posbus`` the upgrade request still goes through the ASGI application (proxy
headers, the connection caps, a refusal as an HTTP answer), and the endpoint then takes the
socket over (`accept_posbus`): from there on every read is parsed at once by
`websocket.FrameParser` and each message handed to the endpoint's callback, synchronously; what
the server sends is written straight into the transport (`odyssey.controller.outbox`). No ASGI
message dict, queue, task or read pause per message.

`LeanSocket` is one taken-over connection: RFC 6455 on top of an asyncio transport (ping/pong
keepalive, the closing handshake with codes, failing the connection on a protocol error).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.utils import get_client_addr, get_path_with_query_string
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from odyssey.controller import websocket as ws
from odyssey.controller.connection import TransportClosed

log = logging.getLogger(__name__)

POSBUS_PATH = "/posbus"
# The scope extension through which the endpoint finds the protocol that can hand it the socket.
LEAN_EXTENSION = "odyssey.posbus.lean"
_ABNORMAL = 1006  # the connection ended without a close frame (never sent on the wire)

MessageCallback = Callable[[int, bytes], None]


class LeanSocket:
    """One ``/posbus`` WebSocket after the upgrade, straight on its asyncio transport.

    Messages go to ``on_message`` (opcode `ws.TEXT` or `ws.BINARY`, payload) as they are parsed;
    until it is set they wait for `next_message`. ``closed`` completes, with the close code and
    reason, when the peer closed or the connection is gone. It also serves as the connection's
    `Transport` (``send``, ``close``, ``abort``) and as its direct writer (``direct``).
    """

    def __init__(
        self,
        transport: asyncio.Transport,
        *,
        max_size: int,
        ping_interval: float | None,
        ping_timeout: float | None,
        close_timeout: float,
    ) -> None:
        self.transport = transport
        self.direct = self
        self.on_message: MessageCallback | None = None
        self.on_drain: Callable[[], None] | None = None
        self.writing_paused = False
        self.paused_since: float | None = None
        self._loop = asyncio.get_running_loop()
        self.closed: asyncio.Future[tuple[int, str]] = self._loop.create_future()
        self._parser = ws.FrameParser(max_size)
        self._early: list[tuple[int, bytes]] = []
        self._early_waiter: asyncio.Future[None] | None = None
        self._close_sent = False
        self._close_timeout = close_timeout
        self._close_timer: asyncio.TimerHandle | None = None
        self._ping_interval = ping_interval
        self._ping_timeout = ping_timeout
        self._ping_timer: asyncio.TimerHandle | None = None
        self._ping_payload: bytes | None = None
        self._schedule_ping()

    # --- reading ------------------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self.closed.done():
            return  # what comes after a close or a protocol error is not parsed
        try:
            events = self._parser.feed(data)
        except ws.WebSocketError as error:
            self._fail(error.code, error.reason)
            return
        on_message = self.on_message
        for opcode, payload in events:
            if opcode == ws.BINARY or opcode == ws.TEXT:
                if self._close_sent:
                    continue  # closing: what the client still sends is moot
                if on_message is not None:
                    on_message(opcode, payload)
                    on_message = self.on_message  # the callback may have closed us
                else:
                    self._early.append((opcode, payload))
                    if self._early_waiter is not None and not self._early_waiter.done():
                        self._early_waiter.set_result(None)
            elif opcode == ws.PING:
                if not self._close_sent:
                    self.transport.write(ws.server_frame(payload, ws.PONG))
            elif opcode == ws.PONG:
                self._pong(payload)
            elif self._peer_closed(payload):
                return

    async def next_message(self) -> tuple[int, bytes] | None:
        """The next message before ``on_message`` is set; None once the connection is over."""
        while not self._early:
            if self.closed.done():
                return None
            self._early_waiter = self._loop.create_future()
            await asyncio.wait((self._early_waiter, self.closed), return_when="FIRST_COMPLETED")
        return self._early.pop(0)

    def take_early(self) -> list[tuple[int, bytes]]:
        """The messages that came before ``on_message`` was set (and were not taken)."""
        early, self._early = self._early, []
        return early

    def _peer_closed(self, payload: bytes) -> bool:
        """A close frame came: echo it (unless ours went first) and end the connection."""
        try:
            code, reason = ws.parse_close(payload)
        except ws.WebSocketError as error:
            self._fail(error.code, error.reason)
            return True
        if not self._close_sent:
            self._close_sent = True
            echo = b"" if code == ws.NO_STATUS else payload[:2]
            self.transport.write(ws.server_frame(echo, ws.CLOSE))
        self._finish(code, reason)
        self.transport.close()
        return True

    def _fail(self, code: int, reason: str) -> None:
        """RFC 6455 §7.1.7: send a close frame with the code, then close the TCP connection."""
        log.info("posbus: closing a connection that broke RFC 6455: %s (%d)", reason, code)
        self.write_close(code, reason)
        self._finish(code, reason)
        self.transport.close()

    # --- writing ------------------------------------------------------------------------------

    def write(self, wire: bytes) -> None:
        self.transport.write(wire)

    def write_close(self, code: int, reason: str) -> None:
        """Start the closing handshake; the connection is cut if the peer does not answer."""
        if self._close_sent or self.transport.is_closing():
            return
        self._close_sent = True
        self._stop_pinging()
        self.transport.write(ws.close_frame(code, reason))
        self._close_timer = self._loop.call_later(self._close_timeout, self.abort)

    def pause_writing(self) -> None:
        self.writing_paused = True
        self.paused_since = self._loop.time()

    def resume_writing(self) -> None:
        if self.closed.done():
            return
        self.writing_paused = False
        self.paused_since = None
        if self.on_drain is not None:
            self.on_drain()

    # The `connection.Transport` protocol, for the handshake and the closing of a connection.

    async def send(self, frame: bytes) -> None:
        if self._close_sent or self.transport.is_closing():
            raise TransportClosed("the connection is closing")
        self.transport.write(ws.server_frame(frame))

    async def close(self, code: int, reason: str) -> None:
        self.write_close(code, reason)
        await asyncio.shield(self.closed)

    def abort(self) -> None:
        self.transport.abort()

    # --- keepalive ----------------------------------------------------------------------------

    def _schedule_ping(self) -> None:
        if self._ping_interval:
            self._ping_timer = self._loop.call_later(self._ping_interval, self._ping)

    def _ping(self) -> None:
        if self._close_sent or self.transport.is_closing():
            return
        self._ping_payload = os.urandom(4)
        self.transport.write(ws.server_frame(self._ping_payload, ws.PING))
        if self._ping_timeout:
            self._ping_timer = self._loop.call_later(self._ping_timeout, self._ping_lost)
        else:
            self._schedule_ping()

    def _pong(self, payload: bytes) -> None:
        if self._ping_payload is None or payload != self._ping_payload:
            return  # unsolicited, or for an older ping
        self._ping_payload = None
        if self._ping_timer is not None:
            self._ping_timer.cancel()
        self._schedule_ping()

    def _ping_lost(self) -> None:
        self._ping_timer = None
        log.info("posbus: no pong in time, closing the connection")
        self.write_close(1011, "keepalive ping timeout")
        self._finish(_ABNORMAL, "keepalive ping timeout")
        self.transport.close()

    def _stop_pinging(self) -> None:
        if self._ping_timer is not None:
            self._ping_timer.cancel()
            self._ping_timer = None

    # --- the end ------------------------------------------------------------------------------

    def _finish(self, code: int, reason: str) -> None:
        """The connection is over: nothing more is parsed, and nothing more written (the
        outbox holds what comes until the connection is told, then drops it)."""
        self.on_message = None
        self.writing_paused = True
        self.paused_since = None
        if not self.closed.done():
            self.closed.set_result((code, reason))

    def connection_lost(self) -> None:
        self._stop_pinging()
        if self._close_timer is not None:
            self._close_timer.cancel()
            self._close_timer = None
        self._finish(_ABNORMAL, "")
        if self._early_waiter is not None and not self._early_waiter.done():
            self._early_waiter.set_result(None)


class PosbusWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O WebSocket protocol, whose ``/posbus`` connections can be taken over.

    Pass the class as ``uvicorn.run(..., ws=PosbusWebSocketProtocol)``.
    """

    lean: LeanSocket | None = None

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        if self.handshake_initiated and not self.handshake_complete:
            # The ASGI task has not run yet: it will see the extension in its scope.
            scope: Any = self.scope
            if scope["path"] == POSBUS_PATH:
                scope["extensions"][LEAN_EXTENSION] = self

    def accept_posbus(self) -> LeanSocket:
        """Answer the upgrade (101) and take the socket over from here on."""
        headers = [
            (name.decode("latin-1").lower(), value.decode("latin-1"))
            for name, value in self.default_headers
        ]
        del self.response.headers["Date"]
        self.response.headers.update(headers)
        if self.transport.is_closing():
            raise TransportClosed("the client left during the upgrade")
        self.logger.info(
            '%s - "WebSocket %s" [accepted]',
            get_client_addr(self.scope),
            get_path_with_query_string(self.scope),
        )
        self.handshake_complete = True
        self.conn.send_response(self.response)
        self.transport.write(b"".join(self.conn.data_to_send()))
        config = self.config
        self.lean = LeanSocket(
            self.transport,
            max_size=config.ws_max_size,
            ping_interval=config.ws_ping_interval,
            ping_timeout=config.ws_ping_timeout,
            close_timeout=self.close_timeout,
        )
        return self.lean

    def data_received(self, data: bytes) -> None:
        lean = self.lean
        if lean is not None:
            lean.data_received(data)
        else:
            super().data_received(data)

    def pause_writing(self) -> None:
        if self.lean is not None:
            self.lean.pause_writing()
        super().pause_writing()

    def resume_writing(self) -> None:
        super().resume_writing()
        if self.lean is not None:
            self.lean.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.lean is not None:
            self.lean.connection_lost()
        super().connection_lost(exc)

    def shutdown(self) -> None:
        lean = self.lean
        if lean is None:
            super().shutdown()
            return
        self.stop_keepalive()
        lean.write_close(1012, "server restarting")
        self.transport.close()
