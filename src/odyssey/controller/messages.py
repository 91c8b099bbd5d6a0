"""What each inbound posbus message does: one command per message type (`commands`).

A new message type gets a function here, registered with ``@command(Type, needs=..., rate=...)``
(see `odyssey.controller.commands` for what the dispatcher checks, and in which order). A cost a
client can cause gets a `RateClass`, limited per user.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from odyssey.bus import StakeReported
from odyssey.controller.commands import ADMIN, IN_WORLD, Commands, Inbound, Refusal
from odyssey.controller.objects import core_transform
from odyssey.controller.users import RateClass
from odyssey.controller.world import is_finite_transform
from odyssey.posbus import (
    HighFive,
    LockObject,
    MyTransform,
    Notification,
    NotificationType,
    ObjectTransform,
    Signal,
    SignalType,
    TeleportRequest,
    UnlockObject,
    UserStakedToOdyssey,
    encode,
)

if TYPE_CHECKING:
    from odyssey.controller.controller import Controller

log = logging.getLogger(__name__)

TARGET_NOT_FOUND = "Target user not found"
TOO_MANY_TELEPORTS = "Too many teleports: wait a moment and try again"
# High fives are broadcast to the whole world: cap their text and their rate per sender, so
# no client can flood everyone's send queue with them.
HIGH_FIVE_MAX_MESSAGE = 256
HIGH_FIVE_BURST = 5
HIGH_FIVE_PER_SECOND = 1.0

# An entry sends the whole world and tells everyone there: bounded per user, far above what a
# person clicking through worlds needs.
TELEPORTS = RateClass(
    "teleports",
    burst=lambda settings: settings.controller_teleports_burst,
    per_second=lambda settings: settings.controller_teleports_per_second,
    refusal=encode(Notification(NotificationType.TEXT_MESSAGE, TOO_MANY_TELEPORTS)),
)
HIGH_FIVES = RateClass(
    "high fives",
    burst=lambda _settings: HIGH_FIVE_BURST,
    per_second=lambda _settings: HIGH_FIVE_PER_SECOND,
)

command = Commands()


# The hot path (~10 per second per client). Outside a world it is dropped quietly, not a
# protocol violation: a client sends its transform before its teleport has completed.
@command(MyTransform)
async def my_transform(_controller: Controller, inbound: Inbound[MyTransform]) -> None:
    here = inbound.user.here
    if here is not None and is_finite_transform(inbound.message):
        here[0].user_moved(here[1], inbound.frame, inbound.message)


@command(TeleportRequest, rate=TELEPORTS)
async def teleport_request(controller: Controller, inbound: Inbound[TeleportRequest]) -> None:
    await controller.teleport(inbound.connection, inbound.message.target)


def _refuse_lock(inbound: Inbound[LockObject], refusal: Refusal) -> None:
    world, user = inbound.place
    if refusal is Refusal.NOT_AN_ADMIN:
        log.info("posbus %s: lock on %s refused (not an admin)", user.user_id, inbound.message.id)
    world.refuse_lock(inbound.message.id, user)


@command(LockObject, needs=ADMIN, refuse=_refuse_lock)
async def lock_object(_controller: Controller, inbound: Inbound[LockObject]) -> None:
    world, user = inbound.place
    world.lock(inbound.message.id, user)


@command(UnlockObject, needs=IN_WORLD)
async def unlock_object(_controller: Controller, inbound: Inbound[UnlockObject]) -> None:
    world, user = inbound.place
    world.unlock(inbound.message.id, user)


@command(ObjectTransform, needs=IN_WORLD)
async def object_transform(controller: Controller, inbound: Inbound[ObjectTransform]) -> None:
    world, user = inbound.place
    object_id = inbound.message.id
    if world.lock_holder(object_id) != user.user_id:
        log.info("posbus %s: object_transform on %s without its lock", user.user_id, object_id)
        return
    transform = core_transform(inbound.message.object_transform)
    if not (
        transform.position.is_finite()
        and transform.rotation.is_finite()
        and transform.scale.is_finite()
    ):
        log.info("posbus %s: non-finite transform for %s ignored", user.user_id, object_id)
        return
    controller.worlds.move_object(world, object_id, transform)


def _to_oneself(inbound: Inbound[HighFive]) -> bool:
    return inbound.message.receiver_id == inbound.user.user_id


@command(HighFive, needs=IN_WORLD, ignore=_to_oneself, rate=HIGH_FIVES)
async def high_five(_controller: Controller, inbound: Inbound[HighFive]) -> None:
    world, user = inbound.place
    message = inbound.message
    if message.receiver_id not in world.users:
        inbound.connection.send(
            encode(Notification(NotificationType.TEXT_MESSAGE, TARGET_NOT_FOUND))
        )
        return
    # The sender is who the connection says, whatever the frame claims.
    world.broadcast_message(
        HighFive(user.user_id, message.receiver_id, message.message[:HIGH_FIVE_MAX_MESSAGE])
    )


@command(Signal)
async def signal(controller: Controller, inbound: Inbound[Signal]) -> None:
    if inbound.message.value == SignalType.LEAVE_WORLD:
        if inbound.user.place_of(inbound.connection) is not None:
            controller.leave_world(inbound.user.user_id)
        return
    log.debug("posbus %s: signal %d ignored", inbound.user.user_id, inbound.message.value)


@command(UserStakedToOdyssey)
async def user_staked(controller: Controller, inbound: Inbound[UserStakedToOdyssey]) -> None:
    message = inbound.message
    await controller.bus.publish(
        StakeReported(
            user_id=inbound.user.user_id,
            object_id=message.object_id,
            transaction_hash=message.transaction_hash,
            wallet=message.wallet,
            amount=message.amount,
            comment=message.comment,
            kind=message.kind,
        )
    )
