"""``GET /posbus``: the WebSocket transport. Thin: frames in, the controller decides, frames out.

A raw ASGI application (no per-message framework layer: at 10 messages per second per client
every microsecond counts), mounted on the API's port by `odyssey.app`. With the lean transport
(``ODYSSEY_CONTROLLER_TRANSPORT=lean``, the default) the upgrade comes through ASGI and the
endpoint then takes the socket over (`odyssey.controller.lean`): frames are parsed and written
by our own RFC 6455 code, messages reach the controller without a task each
(`odyssey.controller.dispatch`). With ``asgi`` the ASGI server does the WebSocket protocol and
every message goes through ASGI ``receive``/``send``. Both honour the inbound size limit and
ping/pong keepalive configured by `uvicorn_websocket_options`.

Lifecycle of a connection: accept → the first frame must be a ``hand_shake`` (else ``signal``
"invalid token" and close) → frames until the peer goes → the controller takes the user out.
A client that breaks the protocol is closed alone, with a close code and reason, and a log line.
Frames over the connection's inbound rate are dropped unread; a client that keeps flooding is
closed with 1008 (`odyssey.controller.inbound`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from odyssey.auth.ratelimit import address_key
from odyssey.config import Settings
from odyssey.controller.admission import ConnectionCaps
from odyssey.controller.connection import CloseCode, ProtocolViolation, TransportClosed
from odyssey.controller.controller import Controller, HandshakeRejected, SignedIn
from odyssey.controller.dispatch import InboundDispatch
from odyssey.controller.inbound import MessageRate
from odyssey.controller.lean import LEAN_EXTENSION, LeanSocket, PosbusWebSocketProtocol
from odyssey.controller.websocket import TEXT
from odyssey.core.errors import LimitReached
from odyssey.posbus import Signal, SignalType, encode

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

_INVALID_TOKEN = encode(Signal(SignalType.INVALID_TOKEN))
# Close codes that mean an ordinary end of a connection (not worth a warning).
_ORDINARY = {CloseCode.NORMAL, CloseCode.GOING_AWAY, 1005, 1006, 1012}
# Refused connections are logged at most this often (with the count of the others).
REFUSAL_LOG_SECONDS = 10.0


def uvicorn_websocket_options(settings: Settings) -> dict[str, Any]:
    """What uvicorn needs to serve ``/posbus`` as specified: the sans-I/O ``websockets``
    implementation (with the lean transport, our subclass of it, which hands ``/posbus``
    sockets over), the inbound size limit (a bigger message closes the client with 1009),
    ping/pong keepalive, and no compression (posbus never used it; it costs CPU per frame)."""
    lean = settings.controller_transport == "lean"
    return {
        "ws": PosbusWebSocketProtocol if lean else "websockets-sansio",
        "ws_max_size": settings.controller_max_frame_in,
        "ws_ping_interval": settings.controller_ping_interval,
        "ws_ping_timeout": settings.controller_ping_timeout,
        "ws_per_message_deflate": False,
    }


class AsgiTransport:
    """A `Transport` over the ASGI ``send`` of one WebSocket."""

    __slots__ = ("_send",)
    direct = None  # every frame goes through ``send``

    def __init__(self, send: Send) -> None:
        self._send = send

    async def send(self, frame: bytes) -> None:
        try:
            await self._send({"type": "websocket.send", "bytes": frame})
        except Exception as error:  # the server's way of saying the peer is gone
            raise TransportClosed(str(error)) from error

    async def close(self, code: int, reason: str) -> None:
        try:
            await self._send({"type": "websocket.close", "code": code, "reason": reason[:120]})
        except Exception as error:
            raise TransportClosed(str(error)) from error

    def abort(self) -> None:
        # ASGI cannot cut a connection whose peer stopped reading (a close frame waits behind
        # the full buffer). uvicorn's send is a method of its protocol object, which holds the
        # TCP transport: abort that when it is there.
        protocol = getattr(self._send, "__self__", None)
        abort = getattr(getattr(protocol, "transport", None), "abort", None)
        if callable(abort):  # asyncio's or uvloop's transport (not an asyncio.Transport subclass)
            abort()


class PosbusEndpoint:
    """The ASGI application behind ``/posbus``."""

    def __init__(self, controller: Controller) -> None:
        self.controller = controller
        self.caps = ConnectionCaps.from_settings(controller.settings)
        self._refusals = _Throttled(log, REFUSAL_LOG_SECONDS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            return
        if (await receive())["type"] != "websocket.connect":
            return
        client = scope.get("client")
        address = address_key(client[0] if client else None)
        try:
            self.caps.open_from(address)
        except LimitReached as refused:
            self._refusals.info("posbus %s: refused: %s", address, refused.message)
            await _refuse_upgrade(scope, send, refused)
            return
        try:
            protocol = scope.get("extensions", {}).get(LEAN_EXTENSION)
            if isinstance(protocol, PosbusWebSocketProtocol):
                await self._serve_lean(protocol, _peer(scope))
            else:
                await self._serve(scope, receive, send)
        finally:
            self.caps.closed_from(address)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "websocket.accept"})
        transport = AsgiTransport(send)
        peer = _peer(scope)
        try:
            first = await asyncio.wait_for(
                receive(), self.controller.settings.controller_handshake_timeout
            )
        except TimeoutError:
            log.info("posbus %s: no handshake in time", peer)
            await _close_quietly(transport, CloseCode.POLICY_VIOLATION, "handshake timeout")
            return
        if first["type"] != "websocket.receive":
            return
        signed_in = await self._sign_in(transport, first.get("bytes"), peer)
        if signed_in is None:
            return
        try:
            await self._signed_in(signed_in, transport, receive, peer)
        finally:
            self.caps.signed_out(signed_in.user_id)

    async def _sign_in(
        self, transport: AsgiTransport | LeanSocket, handshake: bytes | None, peer: str
    ) -> SignedIn | None:
        """Check the handshake and the per-user cap; None (and the client closed) if refused.
        On success the caller must call ``caps.signed_out`` when the connection ends."""
        try:
            signed_in = await self.controller.authenticate(handshake)
        except HandshakeRejected as rejected:
            log.info("posbus %s: handshake refused: %s", peer, rejected.reason)
            try:
                await transport.send(_INVALID_TOKEN)
            except TransportClosed:
                return None
            await _close_quietly(transport, rejected.code, rejected.reason)
            return None
        try:
            self.caps.signed_in(signed_in.user_id)
        except LimitReached as refused:
            self._refusals.info("posbus %s: refused: %s", signed_in.user_id, refused.message)
            await _close_quietly(transport, CloseCode.POLICY_VIOLATION, refused.message)
            return None
        return signed_in

    async def _serve_lean(self, protocol: PosbusWebSocketProtocol, peer: str) -> None:
        """`_serve` on the lean transport: the socket is ours after the upgrade."""
        try:
            socket = protocol.accept_posbus()
        except TransportClosed:
            return
        try:
            first = await asyncio.wait_for(
                socket.next_message(), self.controller.settings.controller_handshake_timeout
            )
        except TimeoutError:
            log.info("posbus %s: no handshake in time", peer)
            await _close_quietly(socket, CloseCode.POLICY_VIOLATION, "handshake timeout")
            return
        if first is None:
            return
        opcode, payload = first
        signed_in = await self._sign_in(socket, None if opcode == TEXT else payload, peer)
        if signed_in is None:
            return
        try:
            await self._signed_in_lean(signed_in, socket, peer)
        finally:
            self.caps.signed_out(signed_in.user_id)

    async def _signed_in_lean(self, signed_in: SignedIn, socket: LeanSocket, peer: str) -> None:
        """Serve a signed-in client until its socket is gone; its messages go straight from the
        socket to the controller (`InboundDispatch`)."""
        connection = self.controller.connect(signed_in, socket)
        rate = MessageRate.from_settings(self.controller.settings)
        dispatch = InboundDispatch(self.controller, connection, rate, socket)
        log.info("posbus %s: %s signed in", peer, signed_in.user_id)
        try:
            for opcode, payload in socket.take_early():
                dispatch.message(opcode, payload)
            socket.on_message = None if socket.closed.done() else dispatch.message
            code, reason = await asyncio.shield(socket.closed)
            if code not in _ORDINARY and not connection.closed:
                log.info("posbus %s: connection closed with %s %s", signed_in.user_id, code, reason)
        finally:
            await dispatch.idle()
            connection.transport_lost()
            await connection.wait_closed()

    async def _signed_in(
        self, signed_in: SignedIn, transport: AsgiTransport, receive: Receive, peer: str
    ) -> None:
        """Serve a signed-in client until its socket is gone."""
        connection = self.controller.connect(signed_in, transport)
        rate = MessageRate.from_settings(self.controller.settings)
        log.info("posbus %s: %s signed in", peer, signed_in.user_id)
        try:
            while True:
                message = await receive()
                if message["type"] != "websocket.receive":
                    code = message.get("code", 1005)
                    if code not in _ORDINARY:
                        log.info(
                            "posbus %s: connection closed with %s %s",
                            signed_in.user_id,
                            code,
                            message.get("reason") or "",
                        )
                    break
                if connection.closed:
                    continue  # closing: the rest of what the client sent is moot
                frame = message.get("bytes")
                if not rate.allow():
                    if not rate.flooding:
                        continue  # over the rate: dropped unread
                    violation = ProtocolViolation(CloseCode.POLICY_VIOLATION, rate.describe())
                elif frame is None:
                    violation = ProtocolViolation(
                        CloseCode.UNSUPPORTED_DATA, "text frame: posbus messages are binary"
                    )
                else:
                    try:
                        await self.controller.receive(connection, frame)
                        continue
                    except ProtocolViolation as raised:
                        violation = raised
                log.warning(
                    "posbus %s: closing the connection: %s", signed_in.user_id, violation.reason
                )
                connection.close(violation.code, violation.reason, flush=False)
        finally:
            connection.transport_lost()
            await connection.wait_closed()


class _Throttled:
    """A log line at most every `seconds` (a flood of refusals must not flood the log), with the
    number of lines left out since the last one."""

    def __init__(self, logger: logging.Logger, seconds: float) -> None:
        self._logger = logger
        self._seconds = seconds
        self._last = float("-inf")
        self._left_out = 0

    def info(self, message: str, *args: object) -> None:
        now = time.monotonic()
        if now - self._last < self._seconds:
            self._left_out += 1
            return
        if self._left_out:
            message += f" (and {self._left_out} more refusals since the last log line)"
        self._logger.info(message, *args)
        self._last = now
        self._left_out = 0


async def _refuse_upgrade(scope: Scope, send: Send, refused: LimitReached) -> None:
    """Refuse before the upgrade: HTTP 429 with the error body and Retry-After, where the server
    can answer a WebSocket request with an HTTP response (ASGI's denial response extension);
    else accept and close at once with 1008 and the reason."""
    if "websocket.http.response" in scope.get("extensions", {}):
        headers = [(b"content-type", b"application/json")]
        if refused.retry_after is not None:
            headers.append((b"retry-after", str(refused.retry_after).encode()))
        await send({"type": "websocket.http.response.start", "status": 429, "headers": headers})
        body = json.dumps(refused.to_json()).encode()
        await send({"type": "websocket.http.response.body", "body": body})
        return
    await send({"type": "websocket.accept"})
    with contextlib.suppress(Exception):
        await send(
            {
                "type": "websocket.close",
                "code": CloseCode.POLICY_VIOLATION,
                "reason": refused.message,
            }
        )


def _peer(scope: Scope) -> str:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "?"


async def _close_quietly(transport: AsgiTransport | LeanSocket, code: int, reason: str) -> None:
    with contextlib.suppress(TransportClosed):
        await transport.close(code, reason)


ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class PosbusMiddleware:
    """Serves ``/posbus`` in front of the application; everything else goes through.

    Added with ``app.add_middleware(PosbusMiddleware, controller=...)``, it sits outside the
    framework's router and exception wrappers, which would otherwise wrap every one of the
    ~10,000 sends a second of a full world.
    """

    def __init__(self, app: ASGIApp, controller: Controller, path: str = "/posbus") -> None:
        self.app = app
        self.path = path
        self.endpoint = PosbusEndpoint(controller)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == self.path:
            await self.endpoint(scope, receive, send)
        else:
            await self.app(scope, receive, send)
