"""Object quotas and rates (issue 11, point 2): a guest spamming spawn-by-user is stopped.

Every test drives the real app over HTTP on the engine under test; the counts live in the
database, so two nodes on one database share them and a restart keeps them.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest

from odyssey.config import Settings
from odyssey.core import ids
from odyssey.db.object_limits import WINDOW_SECONDS
from tests.api.api_harness import Api, Person, api_with
from tests.live_node import LiveServer

MakeApi = Callable[..., AbstractAsyncContextManager[Api]]


@pytest.fixture
def make_api(settings: Settings) -> MakeApi:
    """An app whose object limits are the given settings (the rest as the test's)."""
    return lambda **limits: api_with(settings, **limits)


async def _spawn(
    http: httpx.AsyncClient,
    person: Person,
    parent: uuid.UUID,
    type_id: uuid.UUID = ids.CUSTOM_TYPE_ID,
    name: str = "Spam",
) -> httpx.Response:
    return await http.post(
        f"/api/v4/objects/{parent}/spawn-by-user",
        headers=person.headers,
        json={"object_name": name, "object_type_id": str(type_id)},
    )


async def _objects_in(api: Api, world: uuid.UUID) -> int:
    return len(await api.services.objects.subtree(world, 100)) - 1


async def _world(api: Api, name: str = "Fair") -> tuple[Person, uuid.UUID]:
    owner = await api.person(f"{name} owner")
    assert owner.user_id is not None
    return owner, (await api.services.worlds.create(name, owner.user_id)).id


async def _early_in_a_rate_window(needed: float) -> None:
    """The rate counts in fixed one-minute windows: start where `needed` seconds are left of
    the current one, so that no window ends in the middle of a test."""
    left = WINDOW_SECONDS - time.time() % WINDOW_SECONDS
    if left < needed:
        await asyncio.sleep(left + 0.1)


def _reason(response: httpx.Response) -> str:
    reason: str = response.json()["error"]["reason"]
    return reason


async def test_a_guest_spamming_spawns_is_rate_limited(make_api: MakeApi) -> None:
    async with make_api(objects_per_guest_per_minute=5, objects_max_per_guest_per_world=100) as api:
        _owner, world = await _world(api)
        guest = await api.person("Spammer", guest=True)
        before = await _objects_in(api, world)
        await _early_in_a_rate_window(10)
        answers = [await _spawn(api.http, guest, world) for _ in range(8)]
        assert [a.status_code for a in answers] == [201] * 5 + [429] * 3
        refused = answers[-1]
        assert _reason(refused) == "too_many_requests"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert await _objects_in(api, world) == before + 5


async def test_a_guest_cannot_own_more_than_its_quota_in_a_world(make_api: MakeApi) -> None:
    async with make_api(objects_max_per_guest_per_world=3, objects_per_guest_per_minute=100) as api:
        _owner, world = await _world(api)
        _other_owner, other_world = await _world(api, "Market")
        guest = await api.person("Hoarder", guest=True)
        made = [await _spawn(api.http, guest, world) for _ in range(3)]
        assert [a.status_code for a in made] == [201] * 3
        refused = await _spawn(api.http, guest, world)
        assert refused.status_code == 429
        assert _reason(refused) == "quota_exceeded"
        assert "Retry-After" not in refused.headers  # waiting does not help; deleting does
        # The quota is per world.
        assert (await _spawn(api.http, guest, other_world)).status_code == 201
        # The guest owns (so administers) what it spawned: deleting one frees a place.
        first = made[0].json()["object_id"]
        deleted = await api.http.delete(f"/api/v4/objects/{first}", headers=guest.headers)
        assert deleted.status_code == 200, deleted.text
        assert (await _spawn(api.http, guest, world)).status_code == 201


async def test_signed_in_users_get_the_larger_allowance(make_api: MakeApi) -> None:
    async with make_api(
        objects_max_per_guest_per_world=1,
        objects_max_per_user_per_world=4,
        objects_per_guest_per_minute=1,
        objects_per_user_per_minute=100,
    ) as api:
        _owner, world = await _world(api)
        member = await api.person("Member")
        answers = [await _spawn(api.http, member, world) for _ in range(5)]
        assert [a.status_code for a in answers] == [201] * 4 + [429]
        guest = await api.person("Visitor", guest=True)
        assert [(await _spawn(api.http, guest, world)).status_code for _ in range(2)] == [201, 429]


async def test_world_admins_are_exempt_except_from_the_world_cap(make_api: MakeApi) -> None:
    async with make_api(
        objects_max_per_user_per_world=1,
        objects_per_user_per_minute=1,
        objects_max_per_guest_per_world=1,
    ) as probe:
        _owner, world = await _world(probe)
        held = await _objects_in(probe, world)
    async with make_api(
        objects_max_per_world=held + 4,
        objects_max_per_user_per_world=1,
        objects_per_user_per_minute=1,
        objects_max_per_guest_per_world=1,
    ) as api:
        owner = await api.person("Owner again")
        assert owner.user_id is not None
        await api.services.users.set_role(world, owner.user_id, "admin")
        admin_made = [(await _spawn(api.http, owner, world)).status_code for _ in range(3)]
        assert admin_made == [201, 201, 201]  # past the per-user quota and rate
        guest = await api.person("Late guest", guest=True)
        assert (await _spawn(api.http, guest, world)).status_code == 201  # the last place
        for person in (owner, guest):
            refused = await _spawn(api.http, person, world)
            assert refused.status_code == 429
            assert _reason(refused) == "quota_exceeded"
            assert "world" in refused.json()["error"]["message"]
        assert await _objects_in(api, world) == held + 4


async def test_create_and_clone_count_against_the_same_quota(make_api: MakeApi) -> None:
    """A guest owns what it spawns and so administers it: `POST /objects` under it and
    `clone` must not be ways around the spawn quota."""
    async with make_api(objects_max_per_guest_per_world=3, objects_per_guest_per_minute=100) as api:
        _owner, world = await _world(api)
        guest = await api.person("Builder", guest=True)
        anchor = await _spawn(api.http, guest, world, ids.ANCHOR_TYPE_ID, "Anchor")
        assert anchor.status_code == 201, anchor.text
        anchor_id = anchor.json()["object_id"]

        def create() -> Any:
            return api.http.post(
                "/api/v4/objects",
                headers=guest.headers,
                json={
                    "object_name": "Child",
                    "parent_id": anchor_id,
                    "object_type_id": str(ids.CUSTOM_TYPE_ID),
                },
            )

        def clone() -> Any:
            return api.http.post(f"/api/v4/objects/{anchor_id}/clone", headers=guest.headers)

        assert (await create()).status_code == 201
        assert (await clone()).status_code == 200
        for refused in (await create(), await clone(), await _spawn(api.http, guest, world)):
            assert refused.status_code == 429, refused.text
            assert _reason(refused) == "quota_exceeded"
        assert await _objects_in(api, world) >= 3


async def test_the_rate_counts_clones_and_creates_too(make_api: MakeApi) -> None:
    async with make_api(objects_per_guest_per_minute=2, objects_max_per_guest_per_world=100) as api:
        _owner, world = await _world(api)
        guest = await api.person("Quick", guest=True)
        await _early_in_a_rate_window(10)
        spawned = await _spawn(api.http, guest, world, ids.ANCHOR_TYPE_ID, "Anchor")
        anchor_id = spawned.json()["object_id"]
        cloned = await api.http.post(f"/api/v4/objects/{anchor_id}/clone", headers=guest.headers)
        assert cloned.status_code == 200
        created = await api.http.post(
            "/api/v4/objects",
            headers=guest.headers,
            json={
                "object_name": "One too many",
                "parent_id": anchor_id,
                "object_type_id": str(ids.CUSTOM_TYPE_ID),
            },
        )
        assert created.status_code == 429
        assert _reason(created) == "too_many_requests"
        assert "Retry-After" in created.headers


async def test_spawning_a_world_under_the_node_is_refused(api: Api) -> None:
    """The node's allowed children are worlds: spawn-by-user there let any guest make one
    (worlds are for node admins and the hosting allow-list, `POST /worlds`)."""
    guest = await api.person("World maker", guest=True)
    node = await api.services.node.node_id()
    worlds_before = len(await api.services.objects.list_worlds())
    refused = await _spawn(api.http, guest, node, ids.WORLD_TYPE_ID, "My own world")
    assert refused.status_code == 403
    assert _reason(refused) == "operation_not_permitted"
    assert len(await api.services.objects.list_worlds()) == worlds_before


async def test_concurrent_spawns_never_overshoot_the_quota(make_api: MakeApi) -> None:
    async with make_api(objects_max_per_guest_per_world=4, objects_per_guest_per_minute=100) as api:
        _owner, world = await _world(api)
        guest = await api.person("Racer", guest=True)
        answers = await asyncio.gather(*(_spawn(api.http, guest, world) for _ in range(12)))
        codes = sorted(a.status_code for a in answers)
        assert codes == [201] * 4 + [429] * 8
        owned = [
            node
            for node in (await api.services.objects.tree()).children(world)
            if node.owner_id == guest.user_id
        ]
        assert len(owned) == 4


async def test_the_counts_are_shared_by_processes_and_survive_a_restart(
    settings: Settings, tmp_path: Path, make_api: MakeApi
) -> None:
    limits = {"objects_per_guest_per_minute": 3, "objects_max_per_guest_per_world": 100}
    env = {
        "ODYSSEY_OBJECTS_PER_GUEST_PER_MINUTE": "3",
        "ODYSSEY_OBJECTS_MAX_PER_GUEST_PER_WORLD": "100",
    }
    server = LiveServer(settings, tmp_path / "server.log", extra_env=env)
    server.start()
    try:
        # Same issuer as the live node, so each accepts the other's tokens.
        async with make_api(public_url=server.url, **limits) as api:
            _owner, world = await _world(api)
            guest = await api.person("Two-node guest", guest=True)
            await _early_in_a_rate_window(40)  # room for a restart
            async with httpx.AsyncClient(base_url=server.url, timeout=30) as other_node:
                made = [(await _spawn(other_node, guest, world)).status_code for _ in range(2)]
                assert made == [201, 201]
            # This process never saw those two spawns: the database counted them.
            assert (await _spawn(api.http, guest, world)).status_code == 201
            refused = await _spawn(api.http, guest, world)
            assert refused.status_code == 429
        server.stop()
        server.start()
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as restarted:
            again = await _spawn(restarted, guest, world)
        assert again.status_code == 429, "a restart must not reset the rate"
    finally:
        server.stop()
