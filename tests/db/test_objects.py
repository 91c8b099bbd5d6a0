"""Object tree storage against a real database: create, refuse, clone, delete, events."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from odyssey.bus import Event, InProcessBus, ObjectCreated, ObjectsRemoved, ObjectUpdated
from odyssey.core import ids
from odyssey.core.errors import ChildLimitReached, ChildTypeNotAllowed, InvalidOperation, NotFound
from odyssey.core.geometry import Transform, Vec3
from odyssey.db import AttributeSeed
from odyssey.db import tables as t
from odyssey.services import Services


def _recorder(services: Services) -> list[Event]:
    seen: list[Event] = []

    async def record(event: Event) -> None:
        seen.append(event)

    services.bus.subscribe("#", record)
    return seen


async def _drain(services: Services) -> None:
    assert isinstance(services.bus, InProcessBus)
    await services.bus.drain()


async def _world(services: Services) -> uuid.UUID:
    return (await services.objects.list_worlds())[0].id


async def test_create_object_persists_and_publishes(services: Services) -> None:
    seen = _recorder(services)
    world_id = await _world(services)
    node = await services.objects.create_object(
        world_id,
        ids.CUSTOM_TYPE_ID,
        name="Lamp",
        transform=Transform(Vec3(1, 2, 3), Vec3(0, 0, 0), Vec3(1, 1, 1)),
    )
    await _drain(services)
    stored = await services.objects.get(node.id)
    assert stored.name == "Lamp"
    assert stored.transform == node.transform
    assert stored.owner_id == ids.DEITY_USER_ID  # defaults to the parent's owner
    assert ObjectCreated(object_id=node.id, world_id=world_id, parent_id=world_id) in seen


async def test_child_type_not_allowed_is_refused_and_nothing_written(services: Services) -> None:
    world_id = await _world(services)
    before = len(await services.objects.tree())
    with pytest.raises(ChildTypeNotAllowed):
        await services.objects.create_object(world_id, ids.WORLD_TYPE_ID, name="Nested world")
    assert len(await services.objects.tree()) == before


async def test_child_limit_is_enforced(services: Services) -> None:
    world_id = await _world(services)
    canvas = await services.objects.create_object(world_id, ids.CANVAS_TYPE_ID, name="Canvas")
    for index in range(42):
        await services.objects.create_object(
            canvas.id, ids.CANVAS_CHILD_TYPE_ID, name=f"tile {index}"
        )
    with pytest.raises(ChildLimitReached):
        await services.objects.create_object(canvas.id, ids.CANVAS_CHILD_TYPE_ID, name="one more")
    # Auto-placed by the canvas type's helix: every child has a distinct actual position.
    tree = await services.objects.tree()
    positions = {tree.actual_transform(child.id).position for child in tree.children(canvas.id)}
    assert len(positions) == 42


async def test_delete_subtree_removes_descendants_and_publishes(services: Services) -> None:
    seen = _recorder(services)
    world_id = await _world(services)
    anchor = await services.objects.create_object(world_id, ids.ANCHOR_TYPE_ID, name="Anchor")
    children = [
        await services.objects.create_object(anchor.id, ids.CUSTOM_TYPE_ID, name=f"c{i}")
        for i in range(3)
    ]
    removed = await services.objects.delete_subtree(anchor.id)
    await _drain(services)
    assert set(removed) == {anchor.id, *(child.id for child in children)}
    assert removed[-1] == anchor.id  # deepest first, the root of the subtree last
    async with services.db.read() as session:
        left = (
            await session.scalars(select(t.Object.object_id).where(t.Object.object_id.in_(removed)))
        ).all()
    assert left == []
    assert ObjectsRemoved(object_ids=tuple(removed), world_id=world_id) in seen


async def test_worlds_and_node_cannot_be_deleted_as_objects(services: Services) -> None:
    world_id = await _world(services)
    tree = await services.objects.tree()
    with pytest.raises(InvalidOperation):
        await services.objects.delete_subtree(world_id)
    with pytest.raises(InvalidOperation):
        await services.objects.delete_subtree(tree.node.id)
    with pytest.raises(NotFound):
        await services.objects.delete_subtree(uuid.uuid4())


async def test_clone_copies_cloneable_attributes_only(services: Services) -> None:
    world_id = await _world(services)
    original = await services.objects.create_object(
        world_id,
        ids.CUSTOM_TYPE_ID,
        name="Original",
        transform=Transform(Vec3(1, 1, 1), Vec3(0, 1.5, 0), Vec3(2, 2, 2)),
        attributes=[
            AttributeSeed(ids.CORE_PLUGIN_ID, "object_color", {"value": "#ff0000"}),
            AttributeSeed(ids.CORE_PLUGIN_ID, "object_effect", {"value": "glow"}),
            AttributeSeed(ids.CORE_PLUGIN_ID, "description", {"description": "not cloneable"}),
        ],
    )
    copy = await services.objects.clone(original.id, position=Vec3(5, 0, 5))
    assert copy.id != original.id
    assert copy.parent_id == original.parent_id
    assert copy.transform == Transform(Vec3(5, 0, 5), Vec3(0, 1.5, 0), Vec3(2, 2, 2))
    async with services.db.read() as session:
        rows = (
            await session.scalars(
                select(t.ObjectAttribute).where(t.ObjectAttribute.object_id == copy.id)
            )
        ).all()
    values = {row.attribute_name: row.value for row in rows}
    assert values["object_color"] == {"value": "#ff0000"}
    assert values["object_effect"] == {"value": "transparent"}  # cloneable.use_default
    assert "description" not in values
    assert values["name"] == {"name": "Original"}


async def test_update_object_publishes_changed_fields(services: Services) -> None:
    seen = _recorder(services)
    world_id = await _world(services)
    node = await services.objects.create_object(world_id, ids.CUSTOM_TYPE_ID, name="Box")
    moved = Transform(Vec3(9, 9, 9), Vec3(0, 0, 0), Vec3(1, 1, 1))
    updated = await services.objects.update_object(node.id, name="Crate", transform=moved)
    await _drain(services)
    assert updated.name == "Crate"
    assert (await services.objects.get(node.id)).transform == moved
    assert any(
        isinstance(event, ObjectUpdated)
        and event.object_id == node.id
        and set(event.fields) == {"name", "transform"}
        for event in seen
    )


async def test_create_world_uses_the_template(services: Services) -> None:
    user = await services.users.create_user(name="Builder")
    world = await services.objects.create_world("Second", user.user_id, description="Mine")
    tree = await services.objects.tree()
    assert tree[world.id].parent_id == tree.node.id
    assert tree[world.id].owner_id == user.user_id
    assert (tree.effective_options(world.id).get("spawn_point") or {}).get("position")
    async with services.db.read() as session:
        names = set(
            (
                await session.scalars(
                    select(t.ObjectAttribute.attribute_name).where(
                        t.ObjectAttribute.object_id == world.id
                    )
                )
            ).all()
        )
    assert {"name", "world_meta", "active_skybox", "description"} <= names


async def test_every_object_stores_the_world_it_is_in(services: Services) -> None:
    """`object.world_id` (what quotas count and writes use) agrees with the tree, for the
    seeded objects and for worlds, objects and clones made afterwards."""
    world_id = await _world(services)
    owner = (await services.users.create_user(name="Owner")).user_id
    other = await services.objects.create_world("Other", owner)
    anchor = await services.objects.create_object(other.id, ids.ANCHOR_TYPE_ID, name="Anchor")
    child = await services.objects.create_object(anchor.id, ids.CUSTOM_TYPE_ID, name="Child")
    await services.objects.clone(child.id)
    await services.objects.spawn(world_id, ids.CUSTOM_TYPE_ID, name="Spawned", owner_id=owner)
    tree = await services.objects.tree()
    async with services.db.read() as session:
        stored = dict((await session.execute(select(t.Object.object_id, t.Object.world_id))).all())
    assert stored == {node.id: tree.world_of(node.id) for node in tree}
    assert await services.objects.world_of(child.id) == other.id
    assert await services.objects.world_of(tree.node.id) is None
