"""The command registry: what a registration must declare, and the order the dispatcher checks
preconditions in (no database, no sockets)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from odyssey.config import Settings
from odyssey.controller.commands import ADMIN, IN_WORLD, Commands, Inbound, Refusal
from odyssey.controller.connection import CloseCode, ProtocolViolation
from odyssey.controller.users import ConnectedUser, RateClass
from odyssey.controller.world import UserProfile
from odyssey.posbus import HighFive, LockObject, Message, Signal, SignalType, encode
from tests.controller.fakes import fake_connection, settle

REFUSED = b"refused"
ONE_AT_A_TIME = RateClass("test", burst=lambda _s: 1, per_second=lambda _s: 0.0, refusal=REFUSED)


def _host() -> Any:
    return SimpleNamespace(settings=Settings())


async def _dispatch(commands: Commands, user: ConnectedUser, message: Message) -> None:
    await commands.dispatch(_host(), user, message, encode(message))


def test_admin_and_its_refusal_are_declared_together() -> None:
    commands = Commands()

    def refuse(_inbound: Inbound[LockObject], _refusal: Refusal) -> None: ...

    with pytest.raises(ValueError, match="ADMIN and refuse"):
        commands(LockObject, needs=ADMIN)
    with pytest.raises(ValueError, match="ADMIN and refuse"):
        commands(LockObject, needs=IN_WORLD, refuse=refuse)

    @commands(Signal)
    async def first(_host: Any, _inbound: Inbound[Signal]) -> None: ...

    with pytest.raises(ValueError, match="already has a command"):
        commands(Signal)


async def test_in_world_is_checked_before_anything_else() -> None:
    commands = Commands()
    ran: list[Message] = []

    @commands(HighFive, needs=IN_WORLD, rate=ONE_AT_A_TIME)
    async def high_five(_host: Any, inbound: Inbound[HighFive]) -> None:
        ran.append(inbound.message)

    connection, _transport = fake_connection()
    user = ConnectedUser(connection, UserProfile("someone"))
    with pytest.raises(ProtocolViolation) as violation:
        await _dispatch(commands, user, HighFive(user.user_id, uuid.uuid4(), "hi"))
    assert violation.value.code == CloseCode.POLICY_VIOLATION
    assert violation.value.reason == "high_five before teleport_request: not in a world"
    assert ran == [] and user.rates == {}  # the rate was not even looked at


async def test_an_ignored_message_costs_none_of_the_rate() -> None:
    commands = Commands()
    ran: list[Signal] = []

    def asks_nothing(inbound: Inbound[Signal]) -> bool:
        return inbound.message.value == SignalType.NONE

    @commands(Signal, ignore=asks_nothing, rate=ONE_AT_A_TIME)
    async def signal(_host: Any, inbound: Inbound[Signal]) -> None:
        ran.append(inbound.message)

    connection, transport = fake_connection()
    user = ConnectedUser(connection, UserProfile("someone"))
    for _ in range(3):
        await _dispatch(commands, user, Signal(SignalType.NONE))
    await _dispatch(commands, user, Signal(SignalType.LEAVE_WORLD))
    await _dispatch(commands, user, Signal(SignalType.LEAVE_WORLD))  # over the rate
    await settle()
    assert ran == [Signal(SignalType.LEAVE_WORLD)]
    assert transport.frames == [REFUSED]
