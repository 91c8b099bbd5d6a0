"""What an object write costs does not grow with the world (issue 11, point 2).

Spawning into a world of ~3,570 objects took 325 ms, because every object write loaded the whole
tree (about 6,000 rows here, where both worlds share the database). Here the same write is made
in a world of 10 objects and in one of 3,000, and the database work is counted: SQL statements,
rows the database returned, rows it changed. They must be the same, and a few dozen rows at
most. (The quota counts are among the statements: each returns one row and scans the world's
index no further than its limit.)
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest

from odyssey.config import Settings
from odyssey.core import ids
from tests.api.api_harness import Api, Person, api_with
from tests.db.db_cost import Cost, counting, world_with

SMALL = 10
LARGE = 3000


@asynccontextmanager
async def counted(api: Api) -> AsyncIterator[Cost]:
    """Count the database work done inside the block, the bus's listeners included."""
    with counting(api.services.db) as cost:
        yield cost
        await api.drain()


async def _world_of(api: Api, size: int, owner: uuid.UUID) -> uuid.UUID:
    return await world_with(api.services, size, owner)


@dataclass
class Scene:
    api: Api
    owner: Person
    guest: Person
    world: uuid.UUID


Write = Callable[[Scene], Awaitable[httpx.Response]]


async def _spawn(scene: Scene) -> httpx.Response:
    return await scene.api.http.post(
        f"/api/v4/objects/{scene.world}/spawn-by-user",
        headers=scene.guest.headers,
        json={"object_name": "Spawned", "object_type_id": str(ids.CUSTOM_TYPE_ID)},
    )


async def _create(scene: Scene) -> httpx.Response:
    return await scene.api.http.post(
        "/api/v4/objects",
        headers=scene.owner.headers,
        json={
            "object_name": "Created",
            "parent_id": str(scene.world),
            "object_type_id": str(ids.CUSTOM_TYPE_ID),
        },
    )


async def _a_guest_object(scene: Scene) -> str:
    spawned = await _spawn(scene)
    assert spawned.status_code == 201, spawned.text
    object_id: str = spawned.json()["object_id"]
    return object_id


WRITES: dict[str, Write] = {"spawn-by-user": _spawn, "create": _create}


async def _measure(scene: Scene, write: Write) -> Cost:
    async with counted(scene.api) as cost:
        response = await write(scene)
    assert response.status_code in (200, 201), response.text
    return cost


@pytest.mark.parametrize("name", ["spawn-by-user", "create", "clone", "rename", "delete"])
async def test_object_writes_cost_the_same_in_a_small_and_a_large_world(
    settings: Settings, name: str
) -> None:
    # Tokens stay trusted for the whole test, so no liveness check falls into one count only.
    async with api_with(settings, auth_liveness_cache_seconds=3600.0) as api:
        owner = await api.person("World owner")
        guest = await api.person("Guest", guest=True)
        assert owner.user_id is not None
        scenes = [
            Scene(api, owner, guest, await _world_of(api, size, owner.user_id))
            for size in (SMALL, LARGE)
        ]
        costs = []
        for scene in scenes:
            # The first write of a kind fills caches (keys, the rate table's purge): not counted.
            await _create(scene)
            await _spawn(scene)
            if name in WRITES:
                costs.append(await _measure(scene, WRITES[name]))
                continue
            target = await _a_guest_object(scene)
            await scene.api.http.post(f"/api/v4/objects/{target}/clone", headers=guest.headers)
            target = await _a_guest_object(scene)
            headers = guest.headers
            async with counted(api) as cost:
                if name == "clone":
                    response = await api.http.post(
                        f"/api/v4/objects/{target}/clone", headers=headers
                    )
                elif name == "rename":
                    response = await api.http.patch(
                        f"/api/v4/objects/{target}", headers=headers, json={"object_name": "New"}
                    )
                else:
                    response = await api.http.delete(f"/api/v4/objects/{target}", headers=headers)
            assert response.status_code in (200, 201), response.text
            costs.append(cost)
        small, large = costs
        assert large == small, f"{name}: {small} in a world of {SMALL}, {large} of {LARGE}"
        assert small.rows_read < 60, f"{name} reads more rows than one change needs: {small}"
