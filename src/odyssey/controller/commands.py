"""Inbound posbus messages as commands: one function per message type, registered with what it
needs; the dispatcher checks that, always in this order, before calling the function:

1. signed in: the frame came on the user's current connection (`Controller.receive`);
2. `IN_WORLD`: the user is in a world through this connection, else the client broke the
   protocol (`ProtocolViolation`, closed with 1008);
3. ``ignore``: a message that asks nothing (a high five to oneself) costs nothing and is dropped;
4. ``rate``: the user's bucket of that `RateClass`; a message over it gets the class's refusal
   frame, if it has one, and goes no further;
5. `ADMIN`: the user administers the object ``message.id`` of its world (the database is asked);
   a refusal goes to the command's ``refuse``, and a user who left the world meanwhile is
   dropped quietly.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast
from uuid import UUID

from odyssey.controller.connection import CloseCode, Connection, ProtocolViolation
from odyssey.controller.users import ConnectedUser, Place, RateClass
from odyssey.posbus import Message

if TYPE_CHECKING:
    from odyssey.controller.controller import Controller

log = logging.getLogger(__name__)

M = TypeVar("M", bound=Message)


class Need(enum.Enum):
    """A precondition a command declares (signed in is every command's)."""

    IN_WORLD = "in a world"
    ADMIN = "admin of the object"  # of ``message.id``, in the user's world; implies IN_WORLD


IN_WORLD = Need.IN_WORLD
ADMIN = Need.ADMIN


class Refusal(enum.Enum):
    """Why `ADMIN` refused a message."""

    NOT_IN_THE_WORLD = "the object is not in the user's world"
    NOT_AN_ADMIN = "not an admin of the object"


@dataclass(frozen=True, slots=True)
class Inbound(Generic[M]):
    """One message from a signed-in user, as its command sees it."""

    user: ConnectedUser
    connection: Connection  # the one it came on (the user's may change while a command waits)
    message: M
    frame: bytes  # the message's bytes (a transform is spliced into ticks as it came)
    here: Place | None  # where the user was when the message came, for commands IN_WORLD

    @property
    def place(self) -> Place:
        """The world and the user there; for commands that declare `IN_WORLD`."""
        if self.here is None:
            raise RuntimeError(f"{self.message.TYPE.type_name}: only for commands IN_WORLD")
        return self.here


CommandFunction = Callable[["Controller", Inbound[M]], Awaitable[None]]


class _AboutAnObject(Protocol):
    @property
    def id(self) -> UUID: ...


@dataclass(frozen=True, slots=True)
class Command(Generic[M]):
    run: CommandFunction[M]
    in_world: bool
    admin: bool
    rate: RateClass | None
    ignore: Callable[[Inbound[M]], bool] | None
    refuse: Callable[[Inbound[M], Refusal], None] | None


class Commands:
    """The commands of the inbound message types; `__call__` is the decorator that adds one."""

    def __init__(self) -> None:
        self._by_type: dict[type[Message], Command[Any]] = {}

    def __call__(
        self,
        kind: type[M],
        *,
        needs: Need | Iterable[Need] = (),
        rate: RateClass | None = None,
        ignore: Callable[[Inbound[M]], bool] | None = None,
        refuse: Callable[[Inbound[M], Refusal], None] | None = None,
    ) -> Callable[[CommandFunction[M]], CommandFunction[M]]:
        declared = {needs} if isinstance(needs, Need) else set(needs)
        if kind in self._by_type:
            raise ValueError(f"{kind.__name__} already has a command")
        if (ADMIN in declared) != (refuse is not None):
            raise ValueError(f"{kind.__name__}: ADMIN and refuse go together")

        def register(run: CommandFunction[M]) -> CommandFunction[M]:
            admin = ADMIN in declared
            in_world = admin or IN_WORLD in declared
            self._by_type[kind] = Command(run, in_world, admin, rate, ignore, refuse)
            return run

        return register

    async def dispatch(
        self, controller: Controller, user: ConnectedUser, message: Message, frame: bytes
    ) -> None:
        """Check what the message's command needs, then run it. Raises `ProtocolViolation`."""
        command = self._by_type.get(type(message))
        if command is None:
            log.debug("posbus %s: ignoring %s", user.user_id, message.TYPE.type_name)
            return
        place = user.place_of(user.connection) if command.in_world else None
        if command.in_world and place is None:
            raise ProtocolViolation(
                CloseCode.POLICY_VIOLATION,
                f"{message.TYPE.type_name} before teleport_request: not in a world",
            )
        inbound: Inbound[Any] = Inbound(user, user.connection, message, frame, place)
        if command.ignore is not None and command.ignore(inbound):
            return
        if command.rate is not None and not user.allow(command.rate, controller.settings):
            if command.rate.refusal is not None:
                user.connection.send(command.rate.refusal)
            return
        if command.admin and not await _administers(controller, command, inbound):
            return
        await command.run(controller, inbound)


async def _administers(
    controller: Controller, command: Command[Any], inbound: Inbound[Any]
) -> bool:
    """`ADMIN`: whether the command may run; a refusal has gone to ``command.refuse``."""
    assert command.refuse is not None
    world = inbound.place[0]
    object_id = cast(_AboutAnObject, inbound.message).id
    if not world.has_object(object_id):
        command.refuse(inbound, Refusal.NOT_IN_THE_WORLD)
        return False
    admin = await controller.store.is_admin(inbound.user.user_id, object_id)
    if inbound.user.here != inbound.here:
        return False  # left the world while we asked the database
    if not admin or not world.has_object(object_id):
        command.refuse(inbound, Refusal.NOT_AN_ADMIN)
        return False
    return True
