"""Seed a node: idempotent, one transaction, safe to run on every start.

Reference rows (types, plugins, attribute types, assets) are inserted when missing and never
overwritten, so an operator's edits survive restarts. The node object and the first world are
created once; the first world's id is remembered in the node's `node_settings`, so deleting that
world later does not bring it back.
"""

from __future__ import annotations

import logging
import math
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from odyssey.assets import Manifest, load_manifest
from odyssey.core import ids
from odyssey.core.ids import new_id
from odyssey.core.tree import ObjectTree, Transform, Vec3
from odyssey.db import seed_data
from odyssey.db import tables as t
from odyssey.db.engine import Database
from odyssey.db.object_rows import write_name
from odyssey.db.objects import AttributeSeed, insert_if_missing, insert_object, load_tree

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SeedResult:
    node_id: uuid.UUID
    default_world_id: uuid.UUID | None
    created_node: bool
    created_world: bool


async def seed(db: Database, *, node_name: str) -> SeedResult:
    """Insert the missing seed rows. The shipped media files are installed by the media service."""
    manifest = load_manifest()
    async with db.write() as session:
        result = await _seed(session, manifest, node_name)
    log.info(
        "seed: node %s%s%s",
        result.node_id,
        " (created)" if result.created_node else "",
        " with the first world" if result.created_world else "",
    )
    return result


async def _insert_missing(session: AsyncSession, table: type[t.Base], rows: list[Any]) -> None:
    for row in rows:
        await session.execute(insert_if_missing(session, table, row))


async def _seed(session: AsyncSession, manifest: Manifest, node_name: str) -> SeedResult:
    await _seed_types_and_assets(session, manifest)
    skybox_hash = manifest.image("skybox-default").hash
    node_id, created_node = await _seed_node(session, node_name)
    await _insert_missing(session, t.NodeAttribute, _node_attributes(node_name, skybox_hash))
    settings = await session.get(t.NodeAttribute, (ids.CORE_PLUGIN_ID, "node_settings"))
    assert settings is not None
    world_id: uuid.UUID | None = None
    created_world = False
    if "default_world_id" not in (settings.value or {}):
        world_id = await _create_default_world(session, manifest, skybox_hash)
        settings.value = {**settings.value, "default_world_id": str(world_id)}
        created_world = True
    else:
        world_id = uuid.UUID(settings.value["default_world_id"])
    return SeedResult(node_id, world_id, created_node, created_world)


async def _seed_types_and_assets(session: AsyncSession, manifest: Manifest) -> None:
    """User, attribute and object types, the core plugins, and the bundled 2D and 3D assets."""
    await _insert_missing(session, t.UserType, seed_data.USER_TYPES)
    await _insert_missing(session, t.User, [seed_data.DEITY_USER])
    await _insert_missing(session, t.Plugin, seed_data.PLUGINS)
    await _insert_missing(session, t.AttributeType, seed_data.ATTRIBUTE_TYPES)
    await _insert_missing(session, t.Asset2d, seed_data.ASSETS_2D)
    await _insert_missing(
        session,
        t.Asset3d,
        [
            {
                "asset_3d_id": model.id,
                "meta": {"name": model.name, "type": model.type, "category": model.category},
                "options": {},
            }
            for model in manifest.models
        ],
    )
    await _insert_missing(
        session,
        t.Asset3dUser,
        [
            {
                "asset_3d_id": model.id,
                "user_id": ids.DEITY_USER_ID,
                "meta": {"name": model.name},
                "is_private": False,
            }
            for model in manifest.models
        ],
    )
    cube = manifest.model("Cube").id
    orb = manifest.model("Orb").id
    await _insert_missing(session, t.ObjectType, seed_data.object_type_rows(cube, orb))
    await session.flush()


async def _seed_node(session: AsyncSession, node_name: str) -> tuple[uuid.UUID, bool]:
    """The node object (the root, its own parent) and its name; its id, and whether it is new."""
    node = await session.scalar(select(t.Object).where(t.Object.object_id == t.Object.parent_id))
    created_node = node is None
    if node is None:
        node_id = new_id()
        session.add(
            t.Object(
                object_id=node_id,
                object_type_id=ids.NODE_TYPE_ID,
                owner_id=ids.DEITY_USER_ID,
                parent_id=node_id,
            )
        )
        await session.flush()
        await write_name(session, node_id, node_name)
    else:
        node_id = node.object_id
    return node_id, created_node


def _node_attributes(node_name: str, skybox_hash: str) -> list[dict[str, Any]]:
    """The node's settings, world template, hosting allow-list and skybox list."""
    return [
        {
            "plugin_id": ids.CORE_PLUGIN_ID,
            "attribute_name": "node_settings",
            "value": {
                "name": node_name,
                "guest_user_type": str(ids.GUEST_USER_TYPE_ID),
                "normal_user_type": str(ids.USER_TYPE_ID),
            },
        },
        {
            "plugin_id": ids.CORE_PLUGIN_ID,
            "attribute_name": "world_template",
            "value": seed_data.world_template(skybox_hash),
        },
        {
            "plugin_id": ids.CORE_PLUGIN_ID,
            "attribute_name": "hosting_allow_list",
            "value": {"users": []},
        },
        {
            "plugin_id": ids.CORE_PLUGIN_ID,
            "attribute_name": "skybox_list",
            "value": {"skyboxes": [{"name": "Night sky", "render_hash": skybox_hash}]},
        },
    ]


def _colour(hex_colour: str) -> AttributeSeed:
    return AttributeSeed(ids.CORE_PLUGIN_ID, "object_color", {"value": hex_colour})


async def _create_default_world(
    session: AsyncSession, manifest: Manifest, skybox_hash: str
) -> uuid.UUID:
    await session.flush()
    tree = await load_tree(session)
    template = seed_data.world_template(skybox_hash)
    world_attributes = [
        AttributeSeed(uuid.UUID(item["plugin_id"]), item["attribute_name"], item["value"])
        for item in template["object_attributes"]
    ]
    world_attributes.append(
        AttributeSeed(
            ids.CORE_PLUGIN_ID,
            "description",
            {"description": seed_data.DEFAULT_WORLD_DESCRIPTION},
        )
    )
    avatar = manifest.image("world-avatar-default").hash
    world_attributes.append(
        AttributeSeed(ids.CORE_PLUGIN_ID, "world_avatar", {"render_hash": avatar})
    )
    world = tree.plan_child(
        tree.node.id,
        ids.WORLD_TYPE_ID,
        owner_id=ids.DEITY_USER_ID,
        name=seed_data.DEFAULT_WORLD_NAME,
        options=template["options"],
    )
    await insert_object(session, world, world_attributes)
    tree.add(world)

    for item in seed_data.DEFAULT_WORLD_OBJECTS:
        node = tree.plan_child(
            world.id,
            ids.CUSTOM_TYPE_ID,
            name=item.name,
            asset_3d_id=manifest.model(item.shape).id,
            transform=Transform(
                position=Vec3(*item.position),
                rotation=Vec3(*item.rotation),
                scale=Vec3(item.scale, item.scale, item.scale),
            ),
        )
        await insert_object(session, node, [_colour(item.colour)])
        tree.add(node)

    await _create_ring(session, manifest, tree, world.id)
    return world.id


async def _create_ring(
    session: AsyncSession, manifest: Manifest, tree: ObjectTree, world_id: uuid.UUID
) -> None:
    # A ring of small shapes placed by the anchor's circular algorithm: no explicit transforms.
    anchor = tree.plan_child(
        world_id,
        ids.ANCHOR_TYPE_ID,
        name="Ring",
        asset_3d_id=manifest.model("Octahedron").id,
        transform=Transform(
            position=Vec3(0.0, 10.0, 0.0), rotation=Vec3(0.0, 0.0, 0.0), scale=Vec3(1.0, 1.0, 1.0)
        ),
        options={
            "child_placement": {
                str(ids.NIL_ID): {"algo": "circular", "options": {"R": 12, "Vshift": 0}}
            }
        },
    )
    await insert_object(session, anchor, [_colour("#ffffff")])
    tree.add(anchor)
    ring_shapes = [
        ("Dodecahedron", "Dodecahedron"),
        ("Capsule", "Capsule"),
        ("Quad", "Panel"),
        ("Sphere", "Moon"),
        ("Cube", "Block"),
        ("Buckyball (truncated icosahedron)", "Buckyball"),
    ]
    for index, (shape, label) in enumerate(ring_shapes):
        hue = index / len(ring_shapes)
        red, green, blue = (
            int(127 + 127 * math.cos(2 * math.pi * (hue + offset))) for offset in (0, 1 / 3, 2 / 3)
        )
        node = tree.plan_child(
            anchor.id,
            ids.CUSTOM_TYPE_ID,
            name=label,
            asset_3d_id=manifest.model(shape).id,
        )
        await insert_object(session, node, [_colour(f"#{red:02x}{green:02x}{blue:02x}")])
        tree.add(node)
