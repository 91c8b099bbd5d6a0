"""Seed data: what a new node contains, and that seeding again adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from odyssey.assets import load_manifest, media_hash
from odyssey.core import ids
from odyssey.db import tables as t
from odyssey.services import Services


async def _row_counts(services: Services) -> dict[str, int]:
    counts: dict[str, int] = {}
    async with services.db.read() as session:
        for name, table in t.Base.metadata.tables.items():
            counts[name] = int(await session.scalar(select(func.count()).select_from(table)) or 0)
    return counts


async def test_seed_is_idempotent(services: Services) -> None:
    before = await _row_counts(services)
    again = await services.seed()
    assert not again.created_node
    assert not again.created_world
    assert await _row_counts(services) == before


async def test_seed_creates_the_node_and_the_first_world(services: Services) -> None:
    tree = await services.objects.tree()
    assert tree.node.type_id == ids.NODE_TYPE_ID
    assert tree.node.owner_id == ids.DEITY_USER_ID
    worlds = tree.worlds()
    assert [world.name for world in worlds] == ["Odyssey"]
    world = worlds[0]
    objects = [node for node in tree if tree.world_of(node.id) == world.id and node.id != world.id]
    assert len(objects) >= 5
    # Every seeded object is visible: it has a 3D asset and an actual transform.
    transforms = tree.actual_transforms(world.id)
    for node in objects:
        assert node.asset_3d_id is not None
        assert transforms[node.id].scale.x > 0


async def test_seed_ships_real_assets_and_installs_media(services: Services) -> None:
    manifest = load_manifest()
    async with services.db.read() as session:
        asset_ids = set((await session.scalars(select(t.Asset3d.asset_3d_id))).all())
    assert {model.id for model in manifest.models} <= asset_ids
    for model in manifest.models:
        stored = services.media_dir / "assets" / model.id.hex
        assert stored.read_bytes()[:4] == b"glTF"
    skybox = manifest.image("skybox-default")
    assert media_hash((services.media_dir / "images" / skybox.hash).read_bytes()) == skybox.hash


async def test_seed_does_not_bring_back_a_deleted_first_world(services: Services) -> None:
    world = (await services.objects.list_worlds())[0]
    await services.objects.delete_world(world.id)
    result = await services.seed()
    assert not result.created_world
    assert await services.objects.list_worlds() == []


async def test_seeded_attribute_types_cover_reserved_attributes(services: Services) -> None:
    async with services.db.read() as session:
        names = set(
            (
                await session.execute(
                    select(t.AttributeType.plugin_id, t.AttributeType.attribute_name)
                )
            ).all()
        )
    for name in ("name", "active_skybox", "world_template", "node_settings", "object_color"):
        assert (ids.CORE_PLUGIN_ID, name) in names
    assert (ids.KUSAMA_PLUGIN_ID, "wallet") in names
