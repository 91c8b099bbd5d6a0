"""Object writes touch the rows they change, not the whole tree (issue 12).

Each write of `ObjectStore` (create, spawn, rename, move, options, clone, delete) is made in a
world of 10 objects and in one of 2,000, and its database work is counted through SQLAlchemy's
events (`tests.db.db_cost`): statements, rows read, rows written. They must be the same in both
worlds and a few dozen rows at most, and the write must publish the same events.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from odyssey.bus import Event, InProcessBus
from odyssey.core import ids
from odyssey.core.geometry import Transform, Vec3
from odyssey.services import Services
from tests.db.db_cost import Cost, add_children, counting, world_with

SMALL = 10
LARGE = 2000

Write = Callable[[], Awaitable[object]]
#: Makes what one write needs (in a world, by a user) and returns the write.
Prepare = Callable[[Services, uuid.UUID, uuid.UUID], Awaitable[Write]]

PLACED = Transform(Vec3(1, 2, 3), Vec3(0, 0, 0), Vec3(1, 1, 1))


async def _thing(services: Services, world: uuid.UUID, user: uuid.UUID) -> uuid.UUID:
    made = await services.objects.create_object(
        world, ids.CUSTOM_TYPE_ID, name="Thing", owner_id=user, transform=PLACED, by=user
    )
    return made.id


async def _create(services: Services, world: uuid.UUID, user: uuid.UUID) -> Write:
    return lambda: services.objects.create_object(
        world, ids.CUSTOM_TYPE_ID, name="New", owner_id=user, by=user
    )


async def _create_placed(services: Services, world: uuid.UUID, user: uuid.UUID) -> Write:
    return lambda: services.objects.create_object(
        world, ids.CUSTOM_TYPE_ID, name="New", owner_id=user, transform=PLACED, by=user
    )


async def _spawn(services: Services, world: uuid.UUID, user: uuid.UUID) -> Write:
    return lambda: services.objects.spawn(world, ids.CUSTOM_TYPE_ID, name="Mine", owner_id=user)


async def _rename(services: Services, world: uuid.UUID, user: uuid.UUID) -> Write:
    thing = await _thing(services, world, user)
    return lambda: services.objects.update_object(thing, name="Renamed")


async def _move(services: Services, world: uuid.UUID, user: uuid.UUID) -> Write:
    thing = await _thing(services, world, user)
    moved = Transform(Vec3(4, 5, 6), Vec3(0, 90, 0), Vec3(1, 1, 1))
    return lambda: services.objects.update_object(thing, transform=moved)


async def _sub_option(services: Services, world: uuid.UUID, user: uuid.UUID) -> Write:
    thing = await _thing(services, world, user)
    return lambda: services.objects.set_sub_option(thing, "colour", "red")


async def _clone(services: Services, world: uuid.UUID, user: uuid.UUID) -> Write:
    thing = await _thing(services, world, user)
    return lambda: services.objects.clone(thing, by=user)


async def _clone_to(services: Services, world: uuid.UUID, user: uuid.UUID) -> Write:
    thing = await _thing(services, world, user)
    return lambda: services.objects.clone(thing, Vec3(7, 0, 7), by=user)


async def _delete(services: Services, world: uuid.UUID, user: uuid.UUID) -> Write:
    thing = await _thing(services, world, user)
    for child in await add_children(services, thing, world, 3):
        await add_children(services, child, world, 2)
    return lambda: services.objects.delete_subtree(thing)


WRITES: dict[str, Prepare] = {
    "create": _create,
    "create placed": _create_placed,
    "spawn": _spawn,
    "rename": _rename,
    "move": _move,
    "set a sub-option": _sub_option,
    "clone": _clone,
    "clone to a position": _clone_to,
    "delete a subtree": _delete,
}


def _shape(value: Any) -> Any:
    """An event's content with its ids blanked: the same write in two worlds has other ids."""
    if isinstance(value, uuid.UUID):
        return "<id>"
    if isinstance(value, tuple | list):
        return [_shape(item) for item in value]
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    return value


async def _measure(
    services: Services, prepare: Prepare, world: uuid.UUID, user: uuid.UUID
) -> tuple[Cost, list[Any]]:
    bus = services.bus
    assert isinstance(bus, InProcessBus)
    write = await prepare(services, world, user)
    await bus.drain()
    seen: list[Event] = []

    async def record(event: Event) -> None:
        seen.append(event)

    subscription = bus.subscribe("#", record)
    try:
        with counting(services.db) as cost:
            await write()
            await bus.drain()
    finally:
        subscription.cancel()
    shapes = [(type(event).__name__, _shape(dataclasses.asdict(event))) for event in seen]
    return cost, shapes


@pytest.mark.parametrize("name", list(WRITES))
async def test_an_object_write_costs_the_same_in_a_world_of_2000(
    services: Services, name: str
) -> None:
    owner = await services.users.create_user(name="World owner")
    maker = await services.users.create_user(name="Maker")
    # Both worlds exist before either is measured: a world is placed among its siblings.
    worlds = [await world_with(services, size, owner.user_id) for size in (SMALL, LARGE)]
    results = []
    for world in worlds:
        # The first write of a kind fills caches (the rate table's purge): not counted.
        await _measure(services, WRITES[name], world, maker.user_id)
        results.append(await _measure(services, WRITES[name], world, maker.user_id))
    (small, small_events), (large, large_events) = results
    assert large == small, f"{name}: {small} in a world of {SMALL}, {large} of {LARGE}"
    assert small.rows_read < 60, f"{name} reads more rows than one change needs: {small}"
    assert small_events, f"{name} published nothing"
    assert large_events == small_events
