"""Inbound messages of one lean ``/posbus`` connection to the controller, in order.

The socket hands each message over as it is parsed (`lean.LeanSocket.on_message`). A
``my_transform`` (10 a second from every client: the hot path) is acted on right there, no task,
no queue: its command never waits. Any other message starts a task for its command, since
commands may wait on the database; the messages that arrive meanwhile wait behind it in
arrival order (reading pauses when too many wait), exactly as they would on the ASGI transport,
where one message is taken after the other.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from odyssey.controller import websocket as ws
from odyssey.controller.connection import CloseCode, Connection, ProtocolViolation
from odyssey.controller.inbound import MessageRate
from odyssey.posbus import MyTransform, Vec3, encode

if TYPE_CHECKING:
    from odyssey.controller.controller import Controller
    from odyssey.controller.lean import LeanSocket

log = logging.getLogger(__name__)

_MY_TRANSFORM_TYPE = encode(MyTransform(Vec3(0.0, 0.0, 0.0), Vec3(0.0, 0.0, 0.0)))[:4]
# Messages waiting behind a command that waits, before the socket stops reading.
PAUSE_READING_AT = 64
_INTERNAL_ERROR = 1011

_Command = Coroutine[Any, Any, None]


class InboundDispatch:
    """The ``on_message`` of a signed-in lean connection."""

    def __init__(
        self,
        controller: Controller,
        connection: Connection,
        rate: MessageRate,
        socket: LeanSocket,
    ) -> None:
        self.controller = controller
        self.connection = connection
        self.rate = rate
        self.socket = socket
        self._waiting: deque[tuple[int, bytes]] = deque()
        self._task: asyncio.Task[None] | None = None
        self._reading_paused = False

    def message(self, opcode: int, payload: bytes) -> None:
        if self._task is not None:  # a command is running: keep the order
            self._waiting.append((opcode, payload))
            if len(self._waiting) >= PAUSE_READING_AT and not self._reading_paused:
                self._reading_paused = True
                self.socket.transport.pause_reading()
            return
        command = self._start(opcode, payload)
        if command is None:
            return
        if payload[:4] != _MY_TRANSFORM_TYPE:
            self._task = asyncio.get_running_loop().create_task(self._run(command))
            return
        try:
            waiting = command.send(None)
        except StopIteration:
            return
        except ProtocolViolation as violation:
            self._violated(violation)
            return
        except Exception:  # a bug must end this connection, loudly, and only this one
            self._failed()
            return
        # It waits for something after all: a task finishes it, the next messages wait.
        self._task = asyncio.get_running_loop().create_task(self._run(_resume(command, waiting)))

    async def idle(self) -> None:
        """Wait until no command of this connection is running."""
        while self._task is not None:
            await asyncio.shield(self._task)

    def _start(self, opcode: int, payload: bytes) -> _Command | None:
        """The controller's work for one message; None when there is nothing to do."""
        connection = self.connection
        if connection.closed:
            return None  # closing: the rest of what the client sent is moot
        rate = self.rate
        if not rate.allow():
            if not rate.flooding:
                return None  # over the rate: dropped unread
            violation = ProtocolViolation(CloseCode.POLICY_VIOLATION, rate.describe())
        elif opcode == ws.TEXT:
            violation = ProtocolViolation(
                CloseCode.UNSUPPORTED_DATA, "text frame: posbus messages are binary"
            )
        else:
            return self.controller.receive(connection, payload)
        self._violated(violation)
        return None

    async def _run(self, command: _Command) -> None:
        """Run a command, then the messages that came meanwhile, in order."""
        try:
            while True:
                try:
                    await command
                except ProtocolViolation as violation:
                    self._violated(violation)
                except Exception:
                    self._failed()
                next_command = None
                while next_command is None and self._waiting:
                    next_command = self._start(*self._waiting.popleft())
                if next_command is None:
                    return
                command = next_command
                if self._reading_paused and len(self._waiting) < PAUSE_READING_AT // 2:
                    self._resume_reading()
        finally:
            self._task = None
            self._resume_reading()

    def _resume_reading(self) -> None:
        if self._reading_paused:
            self._reading_paused = False
            if not self.socket.transport.is_closing():
                self.socket.transport.resume_reading()

    def _violated(self, violation: ProtocolViolation) -> None:
        log.warning(
            "posbus %s: closing the connection: %s", self.connection.user_id, violation.reason
        )
        self.connection.close(violation.code, violation.reason, flush=False)

    def _failed(self) -> None:
        log.exception("posbus %s: a message failed", self.connection.user_id)
        self.connection.close(_INTERNAL_ERROR, "internal error", flush=False)


async def _resume(command: _Command, waiting: Any) -> None:
    """Carry on with a command that was started outside a task and had to wait, as a task
    would: wait for what it waits on, then resume it, until it returns."""
    try:
        while True:
            if waiting is None:  # a bare yield: give the loop one turn
                await asyncio.sleep(0)
            else:
                resumed = asyncio.get_running_loop().create_future()
                waiting.add_done_callback(
                    lambda _, resumed=resumed: resumed.done() or resumed.set_result(None)
                )
                await resumed
            waiting = command.send(None)
    except StopIteration:
        return
    finally:
        command.close()
