"""Admin resolution and attribute permissions evaluated on real rows (the domain is unit-tested
in tests/core; this checks the storage layer feeds it the right roles, groups and options)."""

from __future__ import annotations

import uuid

import pytest

from odyssey.core import ids
from odyssey.core.errors import Forbidden
from odyssey.core.permissions import AttributeScope, Caller
from odyssey.db import AttributeRef
from odyssey.services import Services


async def _setup(services: Services) -> dict[str, uuid.UUID]:
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
    ctx = await _setup(services)
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


async def test_object_attribute_default_permissions(services: Services) -> None:
    ctx = await _setup(services)
    ref = AttributeRef(
        AttributeScope.OBJECT, ids.CORE_PLUGIN_ID, "object_color", object_id=ctx["leaf"]
    )
    await services.attributes.write_as(Caller(ctx["member"]), ref, {"value": "#123456"})
    assert await services.attributes.read_as(Caller.anonymous(), ref) == {"value": "#123456"}
    with pytest.raises(Forbidden):
        await services.attributes.write_as(Caller(ctx["stranger"]), ref, {"value": "#000000"})
    with pytest.raises(Forbidden):
        await services.attributes.remove_as(Caller.anonymous(), ref)
    assert await services.attributes.remove_as(Caller(ctx["owner"]), ref)
    assert await services.attributes.get_value(ref) is None


async def test_user_attribute_owner_only(services: Services) -> None:
    ctx = await _setup(services)
    ref = AttributeRef(AttributeScope.USER, ids.KUSAMA_PLUGIN_ID, "wallet", user_id=ctx["stranger"])
    await services.attributes.set_value(ref, {"wallet": ["0xabc"]})
    # wallet: read admin+user_owner, write admin (no admin role in the user scope).
    assert await services.attributes.read_as(Caller(ctx["stranger"]), ref) == {"wallet": ["0xabc"]}
    with pytest.raises(Forbidden):
        await services.attributes.read_as(Caller(ctx["owner"]), ref)
    with pytest.raises(Forbidden):
        await services.attributes.write_as(Caller(ctx["stranger"]), ref, {"wallet": []})


async def test_object_user_and_user_user_scopes(services: Services) -> None:
    ctx = await _setup(services)
    vote = AttributeRef(
        AttributeScope.OBJECT_USER,
        ids.CORE_PLUGIN_ID,
        "vote",
        object_id=ctx["leaf"],
        user_id=ctx["stranger"],
    )
    await services.attributes.write_as(Caller(ctx["stranger"]), vote, {"up": True})
    await services.attributes.write_as(Caller(ctx["owner"]), vote, {"up": False})  # admin
    await services.attributes.write_as(Caller(ctx["member"]), vote, {"up": True})  # via group
    await services.users.remove_role(ctx["world"], ctx["group"])
    with pytest.raises(Forbidden):
        await services.attributes.write_as(Caller(ctx["member"]), vote, {})
    high_five = AttributeRef(
        AttributeScope.USER_USER,
        ids.CORE_PLUGIN_ID,
        "high_five",
        source_user_id=ctx["owner"],
        target_user_id=ctx["stranger"],
    )
    await services.attributes.write_as(Caller(ctx["owner"]), high_five, {"counter": 1})
    with pytest.raises(Forbidden):
        await services.attributes.write_as(Caller(ctx["stranger"]), high_five, {"counter": 9})
    assert await services.attributes.read_as(Caller(ctx["stranger"]), high_five) == {"counter": 1}


async def test_secret_node_attributes_are_never_readable(services: Services) -> None:
    ctx = await _setup(services)
    for name in ("node_settings", "jwt_key", "node_private_key", "open_ai"):
        ref = AttributeRef(AttributeScope.NODE, ids.CORE_PLUGIN_ID, name)
        await services.attributes.set_value(ref, {"secret": "s3cr3t"})
        for caller in (
            Caller.anonymous(),
            Caller(ctx["stranger"]),
            Caller(ctx["node_admin"]),
            Caller(ids.DEITY_USER_ID),
        ):
            with pytest.raises(Forbidden):
                await services.attributes.read_as(caller, ref)
            with pytest.raises(Forbidden):
                await services.attributes.write_as(caller, ref, {"secret": "mine"})
        assert await services.attributes.get_value(ref) == {"secret": "s3cr3t"}


async def test_node_attribute_admin_only_for_non_secret(services: Services) -> None:
    ctx = await _setup(services)
    ref = AttributeRef(AttributeScope.NODE, ids.CORE_PLUGIN_ID, "hosting_allow_list")
    assert await services.attributes.read_as(Caller(ctx["node_admin"]), ref) == {"users": []}
    with pytest.raises(Forbidden):
        await services.attributes.read_as(Caller(ctx["world_admin"]), ref)
