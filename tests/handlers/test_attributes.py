"""Attribute permissions decided by the handler on real rows: the roles, groups and options the
storage layer holds reach `odyssey.core.permissions` (unit-tested in tests/core)."""

from __future__ import annotations

import pytest

from odyssey.core import ids
from odyssey.core.errors import Forbidden, InvalidOperation, NotFound
from odyssey.core.permissions import AttributeScope, Caller
from odyssey.db import AttributeRef
from odyssey.handlers import attributes
from odyssey.services import Services
from tests.db.test_permissions import people_and_objects


async def test_object_attribute_default_permissions(services: Services) -> None:
    ctx = await people_and_objects(services)
    ref = AttributeRef(
        AttributeScope.OBJECT, ids.CORE_PLUGIN_ID, "object_color", object_id=ctx["leaf"]
    )
    await attributes.write(services, Caller(ctx["member"]), ref, {"value": "#123456"})
    assert await attributes.read(services, Caller.anonymous(), ref) == {"value": "#123456"}
    with pytest.raises(Forbidden):
        await attributes.write(services, Caller(ctx["stranger"]), ref, {"value": "#000000"})
    with pytest.raises(Forbidden):
        await attributes.remove(services, Caller.anonymous(), ref)
    await attributes.remove(services, Caller(ctx["owner"]), ref)
    assert await services.attributes.get_value(ref) is None


async def test_user_attribute_owner_only(services: Services) -> None:
    ctx = await people_and_objects(services)
    ref = AttributeRef(AttributeScope.USER, ids.KUSAMA_PLUGIN_ID, "wallet", user_id=ctx["stranger"])
    await services.attributes.set_value(ref, {"wallet": ["0xabc"]})
    # wallet: read admin+user_owner, write admin (no admin role in the user scope).
    assert await attributes.read(services, Caller(ctx["stranger"]), ref) == {"wallet": ["0xabc"]}
    with pytest.raises(Forbidden):
        await attributes.read(services, Caller(ctx["owner"]), ref)
    with pytest.raises(Forbidden):
        await attributes.write(services, Caller(ctx["stranger"]), ref, {"wallet": []})


async def test_object_user_and_user_user_scopes(services: Services) -> None:
    ctx = await people_and_objects(services)
    vote = AttributeRef(
        AttributeScope.OBJECT_USER,
        ids.CORE_PLUGIN_ID,
        "vote",
        object_id=ctx["leaf"],
        user_id=ctx["stranger"],
    )
    await attributes.write(services, Caller(ctx["stranger"]), vote, {"up": True})
    await attributes.write(services, Caller(ctx["owner"]), vote, {"up": False})  # admin
    await attributes.write(services, Caller(ctx["member"]), vote, {"up": True})  # via group
    await services.users.remove_role(ctx["world"], ctx["group"])
    with pytest.raises(Forbidden):
        await attributes.write(services, Caller(ctx["member"]), vote, {})
    high_five = AttributeRef(
        AttributeScope.USER_USER,
        ids.CORE_PLUGIN_ID,
        "high_five",
        source_user_id=ctx["owner"],
        target_user_id=ctx["stranger"],
    )
    await attributes.write(services, Caller(ctx["owner"]), high_five, {"counter": 1})
    with pytest.raises(Forbidden):
        await attributes.write(services, Caller(ctx["stranger"]), high_five, {"counter": 9})
    assert await attributes.read(services, Caller(ctx["stranger"]), high_five) == {"counter": 1}


async def test_secret_node_attributes_are_never_readable(services: Services) -> None:
    ctx = await people_and_objects(services)
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
                await attributes.read(services, caller, ref)
            with pytest.raises(Forbidden):
                await attributes.write(services, caller, ref, {"secret": "mine"})
        assert await services.attributes.get_value(ref) == {"secret": "s3cr3t"}


async def test_node_attribute_admin_only_for_non_secret(services: Services) -> None:
    ctx = await people_and_objects(services)
    ref = AttributeRef(AttributeScope.NODE, ids.CORE_PLUGIN_ID, "hosting_allow_list")
    assert await attributes.read(services, Caller(ctx["node_admin"]), ref) == {"users": []}
    with pytest.raises(Forbidden):
        await attributes.read(services, Caller(ctx["world_admin"]), ref)


async def test_unknown_type_is_named_by_the_transport(services: Services) -> None:
    ctx = await people_and_objects(services)
    ref = AttributeRef(AttributeScope.OBJECT, ids.CORE_PLUGIN_ID, "no_such", object_id=ctx["leaf"])
    owner = Caller(ctx["owner"])
    with pytest.raises(InvalidOperation) as read:
        await attributes.read(services, owner, ref)
    assert read.value.reason == "invalid_plugin_attribute"
    with pytest.raises(InvalidOperation) as written:
        await attributes.write(services, owner, ref, {})
    assert written.value.reason == "invalid_attribute"
    with pytest.raises(InvalidOperation) as removed:
        await attributes.remove(services, owner, ref, unknown="invalid_plugin_attribute")
    assert removed.value.reason == "invalid_plugin_attribute"


async def test_publicize_opens_writes_to_every_signed_in_user(services: Services) -> None:
    ctx = await people_and_objects(services)
    ref = AttributeRef(AttributeScope.OBJECT, ids.CORE_PLUGIN_ID, "emoji", object_id=ctx["leaf"])
    stranger = Caller(ctx["stranger"])
    with pytest.raises(Forbidden) as refused:
        await attributes.write(services, stranger, ref, {"e": ":("})
    assert refused.value.reason == "operation_not_permitted"
    with pytest.raises(Forbidden) as not_admin:
        await attributes.publicize(services, stranger, ctx["leaf"], ids.CORE_PLUGIN_ID, "emoji")
    assert not_admin.value.reason == "not_admin"
    await attributes.publicize(
        services, Caller(ctx["owner"]), ctx["leaf"], ids.CORE_PLUGIN_ID, "emoji"
    )
    await attributes.write(services, stranger, ref, {"e": ":)"})
    assert await attributes.read(services, Caller.anonymous(), ref) == {"e": ":)"}


async def test_reading_an_unknown_object_is_not_found(services: Services) -> None:
    ctx = await people_and_objects(services)
    ref = AttributeRef(
        AttributeScope.OBJECT, ids.CORE_PLUGIN_ID, "description", object_id=ids.NIL_ID
    )
    with pytest.raises(NotFound) as missing:
        await attributes.read(services, Caller(ctx["owner"]), ref)
    assert missing.value.kind == "object"
