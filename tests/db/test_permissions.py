"""Admin resolution evaluated on real rows (the domain is unit-tested in tests/core; this checks
the storage layer feeds it the right roles and groups). Attribute permissions on real rows are
tested with their handler, in tests/handlers/test_attributes.py."""

from __future__ import annotations

import uuid

from odyssey.core import ids
from odyssey.services import Services


async def people_and_objects(services: Services) -> dict[str, uuid.UUID]:
    users = {
        name: (await services.users.create_user(name=name)).user_id
        for name in ("owner", "world_admin", "member", "stranger", "node_admin", "group")
    }
    owner = users["owner"]
    world = await services.objects.create_world("Owned", owner)
    inner = await services.objects.create_object(world.id, ids.ANCHOR_TYPE_ID, name="Inner")
    leaf = await services.objects.create_object(inner.id, ids.CUSTOM_TYPE_ID, name="Leaf")
    await services.users.set_role(world.id, users["world_admin"], "admin")
    # "member" is in "group", and the group holds the admin role on the world.
    await services.users.set_role(world.id, users["group"], "admin")
    await services.users.add_membership(users["group"], users["member"])
    await services.users.make_node_admin(users["node_admin"])
    return {**users, "world": world.id, "inner": inner.id, "leaf": leaf.id}


async def test_admin_through_ancestors_groups_and_node(services: Services) -> None:
    ctx = await people_and_objects(services)
    is_admin = services.users.is_admin
    for who in ("owner", "world_admin", "member", "node_admin"):
        assert await is_admin(ctx[who], ctx["leaf"]), who
        assert await is_admin(ctx[who], ctx["world"]), who
    assert not await is_admin(ctx["stranger"], ctx["leaf"])
    # Another world: only the node admin (and the node owner) administer it.
    seeded = next(w for w in await services.objects.list_worlds() if w.name == "Odyssey")
    assert await is_admin(ctx["node_admin"], seeded.id)
    assert not await is_admin(ctx["world_admin"], seeded.id)
    assert not await is_admin(ctx["member"], seeded.id)
    # Revoking the role takes it away.
    await services.users.remove_role(ctx["world"], ctx["world_admin"])
    assert not await is_admin(ctx["world_admin"], ctx["leaf"])
