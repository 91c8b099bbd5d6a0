"""List routes run a fixed number of SQL statements, whatever the number of items listed."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import event

from odyssey.core import ids
from tests.api.api_harness import Api

Setup = Callable[[Api, int, uuid.UUID], Awaitable[None]]


async def _statements(api: Api, path: str, headers: dict[str, str], params: Any = None) -> int:
    # One request first, so one-time work (signing keys loaded, caches filled) is not counted.
    await api.http.get(path, headers=headers, params=params)
    counted = 0

    def count(*_args: Any) -> None:
        nonlocal counted
        counted += 1

    engine = api.services.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = await api.http.get(path, headers=headers, params=params)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, response.text
    return counted


async def _worlds(api: Api, n: int, owner: uuid.UUID) -> None:
    for index in range(n):
        world = await api.services.worlds.create(f"World {index}", owner)
        await api.services.activities.record(owner, world.id, "screenshot", {"hash": "ab"})


async def _users(api: Api, n: int, owner: uuid.UUID) -> None:
    for index in range(n):
        await api.services.users.create_user(name=f"Member {index}")


LISTS: list[tuple[str, Setup, Callable[[uuid.UUID], tuple[str, dict[str, Any]]]]] = [
    ("worlds", _worlds, lambda owner: ("/api/v4/worlds", {})),
    ("users", _users, lambda owner: ("/api/v4/users", {})),
    ("users/search", _users, lambda owner: ("/api/v4/users/search", {"query": "member"})),
    ("owned worlds", _worlds, lambda owner: (f"/api/v4/users/{owner}/worlds", {})),
    ("world search", _worlds, lambda owner: ("/api/v4/worlds/explore/search", {"query": "world"})),
    (
        "newsfeed",
        _worlds,
        lambda owner: ("/api/v4/objects/newsfeed", {"startIndex": 0, "pageSize": 50}),
    ),
    ("plugins", _worlds, lambda owner: ("/api/v4/plugins", {})),
    ("assets-3d", _worlds, lambda owner: ("/api/v4/assets-3d", {})),
]


@pytest.mark.parametrize(("name", "setup", "route"), LISTS, ids=[item[0] for item in LISTS])
async def test_list_statements_do_not_grow(
    api: Api,
    name: str,
    setup: Setup,
    route: Callable[[uuid.UUID], tuple[str, dict[str, Any]]],
) -> None:
    me = await api.person("Counter")
    owner = me.user_id
    assert owner is not None
    await setup(api, 2, owner)
    path, params = route(owner)
    few = await _statements(api, path, me.headers, params)
    await setup(api, 12, owner)
    many = await _statements(api, path, me.headers, params)
    assert many == few, f"{name}: {few} statements for a few items, {many} for more"


async def test_members_and_tree_statements_do_not_grow(api: Api) -> None:
    admin = await api.person("Admin")
    assert admin.user_id is not None
    await api.services.users.make_node_admin(admin.user_id)
    world = await api.services.worlds.create("Crowded", admin.user_id)
    counts = []
    for batch in (2, 12):
        for index in range(batch):
            user = await api.services.users.create_user(name=f"Member {batch}.{index}")
            await api.services.users.set_role(world.id, user.user_id, "admin")
            await api.services.objects.create_object(world.id, ids.CUSTOM_TYPE_ID, name="x")
        members = await _statements(api, f"/api/v4/objects/{world.id}/members", admin.headers)
        tree = await _statements(api, f"/api/v4/objects/{world.id}/tree", admin.headers)
        counts.append((members, tree))
    assert counts[0] == counts[1]
