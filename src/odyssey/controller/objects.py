"""Object definitions: what ``add_objects`` says about each object of a world.

Pure, no I/O (data-model §2.2, posbus.md §3.7). Built from the in-memory object tree, the
objects' actual transforms (explicit or placed by the parent) and the format of their 3D assets.
"""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from odyssey.core import options as opts
from odyssey.core.geometry import Transform as CoreTransform
from odyssey.core.geometry import Vec3 as CoreVec3
from odyssey.core.ids import NIL_ID
from odyssey.core.tree import ObjectNode, ObjectTree
from odyssey.posbus import AssetFormat, ObjectDefinition, Transform, Vec3

# An asset whose meta names no format is a GLB: every model this node stores is one.
DEFAULT_ASSET_FORMAT = AssetFormat.GLTF


def wire_vec3(value: CoreVec3) -> Vec3:
    return Vec3(value.x, value.y, value.z)


def wire_transform(value: CoreTransform) -> Transform:
    return Transform(wire_vec3(value.position), wire_vec3(value.rotation), wire_vec3(value.scale))


def core_transform(value: Transform) -> CoreTransform:
    p, r, s = value.position, value.rotation, value.scale
    return CoreTransform(CoreVec3(p.x, p.y, p.z), CoreVec3(r.x, r.y, r.z), CoreVec3(s.x, s.y, s.z))


def asset_3d_of(tree: ObjectTree, node: ObjectNode) -> UUID | None:
    """The object's own 3D asset, else its type's."""
    if node.asset_3d_id is not None:
        return node.asset_3d_id
    object_type = tree.types.get(node.type_id)
    return object_type.asset_3d_id if object_type is not None else None


def asset_format(meta: Mapping[str, object] | None) -> int:
    """``asset_3d.meta.type`` (0 addressable, 1 GLTF, 2 basic) as the wire's int8."""
    raw = (meta or {}).get("type")
    if isinstance(raw, int) and not isinstance(raw, bool) and -128 <= raw <= 127:
        return raw
    return int(DEFAULT_ASSET_FORMAT)


def object_definition(
    tree: ObjectTree,
    node: ObjectNode,
    transform: CoreTransform,
    asset_formats: Mapping[UUID, int],
) -> ObjectDefinition:
    """The ``add_objects`` element of one object (its parent id is the node for a world)."""
    options = tree.effective_options(node.id)
    asset = asset_3d_of(tree, node)
    return ObjectDefinition(
        id=node.id,
        parent_id=node.parent_id,
        asset_type=asset if asset is not None else NIL_ID,
        asset_format=asset_formats.get(asset, int(DEFAULT_ASSET_FORMAT))
        if asset is not None
        else int(DEFAULT_ASSET_FORMAT),
        name=node.name,
        transform=wire_transform(transform),
        is_editable=opts.is_editable(options),
        tethered_to_parent=False,
        show_on_minimap=opts.show_on_minimap(options),
    )


def subtree_definitions(
    tree: ObjectTree, root_id: UUID, asset_formats: Mapping[UUID, int]
) -> dict[UUID, ObjectDefinition]:
    """Definitions of an object and all its descendants, breadth first (the object first)."""
    transforms = tree.actual_transforms(root_id)
    return {
        object_id: object_definition(tree, tree[object_id], transforms[object_id], asset_formats)
        for object_id in tree.subtree_ids(root_id)
    }


def assets_of_subtree(tree: ObjectTree, root_id: UUID) -> set[UUID]:
    """Every 3D asset the objects of a subtree show (to look their formats up)."""
    found: set[UUID] = set()
    for object_id in tree.subtree_ids(root_id):
        asset = asset_3d_of(tree, tree[object_id])
        if asset is not None:
            found.add(asset)
    return found
