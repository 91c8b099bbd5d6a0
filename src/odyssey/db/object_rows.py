"""The rows of the object tree: reading them into domain nodes, planning and writing one new
object, and the few rows placement needs.

What one change reads is bounded by the change, not by the tree: the parent and its type, its
children counted up to its `child_limit`, the ancestor chain. `load_tree` (the whole tree in
memory) is for the seed, the controller and tests, never a write.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from odyssey.core import ids
from odyssey.core import options as opts
from odyssey.core.errors import AlreadyExists, NotFound
from odyssey.core.tree import (
    ObjectNode,
    Transform,
    check_child_limit,
    check_child_type,
    new_child,
)
from odyssey.core.tree import ObjectTree as DomainTree
from odyssey.core.tree import ObjectType as DomainType
from odyssey.db import tables as t
from odyssey.db.lineage import ancestor_chain
from odyssey.db.object_limits import count_up_to
from odyssey.db.sql import upsert

# Deeper than any real tree; stops the recursive subtree query should a cycle ever sneak in.
_MAX_DEPTH = 1000
_IN_CHUNK = 500  # ids per DELETE … IN (...)


@dataclass(frozen=True, slots=True)
class AttributeSeed:
    """An attribute written together with a new object (templates, seed)."""

    plugin_id: uuid.UUID
    attribute_name: str
    value: dict[str, Any] | None
    options: dict[str, Any] | None = None


def name_of(value: Mapping[str, Any] | None, fallback: str) -> str:
    name = (value or {}).get("name")
    return name if isinstance(name, str) and name else fallback


async def load_tree(session: AsyncSession) -> DomainTree:
    """The whole object tree with types and names: one query per table, no N+1."""
    types = [
        DomainType(
            id=row.object_type_id,
            name=row.object_type_name,
            category=row.category_name,
            description=row.description,
            options=row.options or {},
            asset_2d_id=row.asset_2d_id,
            asset_3d_id=row.asset_3d_id,
        )
        for row in (await session.scalars(select(t.ObjectType))).all()
    ]
    names: dict[uuid.UUID, Any] = dict(
        (
            await session.execute(
                select(t.ObjectAttribute.object_id, t.ObjectAttribute.value).where(
                    t.ObjectAttribute.plugin_id == ids.CORE_PLUGIN_ID,
                    t.ObjectAttribute.attribute_name == "name",
                )
            )
        ).all()
    )
    objects = [
        row_to_node(row, names.get(row.object_id))
        for row in (await session.scalars(select(t.Object))).all()
    ]
    return DomainTree(types, objects)


def row_to_node(row: t.Object, name_value: Mapping[str, Any] | None) -> ObjectNode:
    return ObjectNode(
        id=row.object_id,
        parent_id=row.parent_id,
        type_id=row.object_type_id,
        owner_id=row.owner_id,
        asset_2d_id=row.asset_2d_id,
        asset_3d_id=row.asset_3d_id,
        options=row.options,
        transform=Transform.from_json(row.transform) if row.transform else None,
        name=name_of(name_value, str(row.object_id)),
    )


def node_to_row(node: ObjectNode) -> dict[str, Any]:
    return {
        "object_id": node.id,
        "object_type_id": node.type_id,
        "owner_id": node.owner_id,
        "parent_id": node.parent_id,
        "asset_2d_id": node.asset_2d_id,
        "asset_3d_id": node.asset_3d_id,
        "options": node.options,
        "transform": node.transform.to_json() if node.transform else None,
    }


async def name_value(session: AsyncSession, object_id: uuid.UUID) -> Any:
    return await session.scalar(
        select(t.ObjectAttribute.value).where(
            t.ObjectAttribute.plugin_id == ids.CORE_PLUGIN_ID,
            t.ObjectAttribute.attribute_name == "name",
            t.ObjectAttribute.object_id == object_id,
        )
    )


async def object_row(session: AsyncSession, object_id: uuid.UUID) -> t.Object:
    row = await session.get(t.Object, object_id)
    if row is None:
        raise NotFound(f"object not found: {object_id}", id=object_id)
    return row


def is_node(row: t.Object) -> bool:
    return row.object_id == row.parent_id


def world_of_child(parent: t.Object, child_id: uuid.UUID) -> uuid.UUID | None:
    """The world a (new) child of `parent` is in: the child itself under the node, else the
    parent's world."""
    return child_id if is_node(parent) else parent.world_id


async def write_name(session: AsyncSession, object_id: uuid.UUID, name: str) -> None:
    """Set an object's name: the core plugin's `name` attribute (made or replaced)."""
    await session.execute(
        upsert(
            session,
            t.ObjectAttribute,
            {
                "plugin_id": ids.CORE_PLUGIN_ID,
                "attribute_name": "name",
                "object_id": object_id,
                "value": {"name": name},
            },
        )
    )


async def insert_object(
    session: AsyncSession, node: ObjectNode, attributes: Sequence[AttributeSeed] = ()
) -> None:
    """Write a planned object row (with its world), its `name` attribute and any template
    attributes."""
    parent = await session.get(t.Object, node.parent_id)  # usually in the session already
    if parent is None:
        raise NotFound(f"parent not found: {node.parent_id}", kind="parent", id=node.parent_id)
    session.add(t.Object(**node_to_row(node), world_id=world_of_child(parent, node.id)))
    await session.flush()
    await write_name(session, node.id, node.name)
    for attribute in attributes:
        await session.execute(
            upsert(
                session,
                t.ObjectAttribute,
                {
                    "plugin_id": attribute.plugin_id,
                    "attribute_name": attribute.attribute_name,
                    "object_id": node.id,
                    "value": attribute.value,
                    "options": attribute.options,
                },
            )
        )


async def effective_options(session: AsyncSession, row: t.Object) -> dict[str, Any]:
    object_type = await session.get(t.ObjectType, row.object_type_id)
    return opts.effective_object_options(
        object_type.options if object_type is not None else None, row.options
    )


async def check_parent_child_limit(
    session: AsyncSession, parent_id: uuid.UUID, parent_options: Mapping[str, Any]
) -> None:
    limit = opts.child_limit(parent_options)
    if limit is not None:
        children = await count_up_to(
            session,
            limit,
            t.Object.parent_id == parent_id,
            t.Object.object_id != t.Object.parent_id,
        )
        check_child_limit(parent_id, parent_options, children)


async def plan_child(
    session: AsyncSession,
    parent_id: uuid.UUID,
    type_id: uuid.UUID,
    *,
    owner_id: uuid.UUID | None = None,
    name: str | None = None,
    object_id: uuid.UUID | None = None,
    transform: Transform | None = None,
    asset_2d_id: uuid.UUID | None = None,
    asset_3d_id: uuid.UUID | None = None,
    options: dict[str, Any] | None = None,
) -> ObjectNode:
    """`ObjectTree.plan_child` from the rows it needs (the parent and its type, the new type,
    the parent's children counted up to its `child_limit`): the same refusals, in the same
    order."""
    parent = await session.get(t.Object, parent_id)
    if parent is None:
        raise NotFound(f"parent not found: {parent_id}", kind="parent", id=parent_id)
    if await session.get(t.ObjectType, type_id) is None:
        raise NotFound(f"object type not found: {type_id}", kind="object_type", id=type_id)
    if object_id is not None and await session.get(t.Object, object_id) is not None:
        raise AlreadyExists(f"object already exists: {object_id}")
    parent_options = await effective_options(session, parent)
    check_child_type(parent_id, parent_options, type_id)
    await check_parent_child_limit(session, parent_id, parent_options)
    return new_child(
        row_to_node(parent, None),
        type_id,
        owner_id=owner_id,
        name=name,
        object_id=object_id,
        transform=transform,
        asset_2d_id=asset_2d_id,
        asset_3d_id=asset_3d_id,
        options=options,
    )


async def subtree_deepest_first(session: AsyncSession, object_id: uuid.UUID) -> list[uuid.UUID]:
    """The object and its descendants, deepest level first (the object last): one query."""
    start = select(t.Object.object_id, literal(0).label("depth")).where(
        t.Object.object_id == object_id
    )
    levels = start.cte("doomed", recursive=True)
    child = aliased(t.Object)
    levels = levels.union_all(
        select(child.object_id, levels.c.depth + 1).where(
            child.parent_id == levels.c.object_id,
            child.object_id != child.parent_id,
            levels.c.depth < _MAX_DEPTH,
        )
    )
    rows = await session.execute(
        select(levels.c.object_id).order_by(levels.c.depth.desc(), levels.c.object_id)
    )
    return list(rows.scalars().all())


async def delete_rows(session: AsyncSession, deepest_first: list[uuid.UUID]) -> None:
    # Deepest first, so the self-referencing foreign key never sees an orphan.
    for start_at in range(0, len(deepest_first), _IN_CHUNK):
        chunk = deepest_first[start_at : start_at + _IN_CHUNK]
        await session.execute(delete(t.Object).where(t.Object.object_id.in_(chunk)))


async def actual_transform(session: AsyncSession, object_id: uuid.UUID) -> Transform:
    """Where the object is, placed by its parents' `child_placement` when it has no transform.

    Reads only what placement depends on: the ancestor chain, for each auto-placed object on it
    the ids and types of its siblings (their order and number place it), and the types of the
    chain (their options hold the `child_placement`), not the whole tree.
    """
    chain = await ancestor_chain(session, object_id)
    chain_ids = [node.id for node in chain]
    rows = {
        row.object_id: row_to_node(row, None)
        for row in (
            await session.scalars(select(t.Object).where(t.Object.object_id.in_(chain_ids)))
        ).all()
    }
    placed_by_parent = [
        rows[node.id].parent_id
        for node in chain
        if rows[node.id].transform is None and not node.is_root
    ]
    if placed_by_parent:
        siblings = await session.execute(
            select(
                t.Object.object_id,
                t.Object.parent_id,
                t.Object.object_type_id,
                t.Object.owner_id,
                t.Object.transform,
            ).where(
                t.Object.parent_id.in_(placed_by_parent),
                t.Object.object_id != t.Object.parent_id,
            )
        )
        for sibling in siblings.all():
            rows.setdefault(
                sibling.object_id,
                ObjectNode(
                    id=sibling.object_id,
                    parent_id=sibling.parent_id,
                    type_id=sibling.object_type_id,
                    owner_id=sibling.owner_id,
                    transform=Transform.from_json(sibling.transform) if sibling.transform else None,
                ),
            )
    chain_types = {rows[object_id].type_id for object_id in chain_ids}
    types = [
        DomainType(
            id=row.object_type_id,
            name=row.object_type_name,
            category=row.category_name,
            options=row.options or {},
        )
        for row in (
            await session.scalars(
                select(t.ObjectType).where(t.ObjectType.object_type_id.in_(chain_types))
            )
        ).all()
    ]
    return DomainTree(types, rows.values()).actual_transform(object_id)
