"""Reads of the object tree behind the API: an object with its type, where it is, its world, a
subtree with names and children counts. One or two statements each, whatever the tree's size.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.orm import aliased

from odyssey.core import ids
from odyssey.core.errors import NotFound
from odyssey.core.tree import ObjectNode, Transform
from odyssey.core.tree import ObjectTree as DomainTree
from odyssey.db import tables as t
from odyssey.db.engine import Database
from odyssey.db.lineage import node_id
from odyssey.db.object_rows import actual_transform, load_tree, name_of, name_value, row_to_node


@dataclass(frozen=True, slots=True)
class ObjectView:
    """An object row joined with its type (what the API's object routes read)."""

    id: uuid.UUID
    owner_id: uuid.UUID
    parent_id: uuid.UUID
    type_id: uuid.UUID
    asset_2d_id: uuid.UUID | None
    asset_3d_id: uuid.UUID | None
    options: dict[str, Any] | None
    transform: dict[str, Any] | None
    created_at: dt.datetime
    type_asset_2d_id: uuid.UUID | None
    type_asset_3d_id: uuid.UUID | None
    type_options: dict[str, Any]
    type_category: str

    @property
    def is_node(self) -> bool:
        return self.id == self.parent_id


@dataclass(frozen=True, slots=True)
class SubtreeRow:
    id: uuid.UUID
    parent_id: uuid.UUID
    type_id: uuid.UUID
    type_name: str
    name: str
    created_at: dt.datetime
    depth: int
    child_count: int


class ObjectReads:
    """The read side of `ObjectStore` (`odyssey.db.objects`)."""

    db: Database

    async def tree(self) -> DomainTree:
        """The whole tree in memory (the seed, tools and tests; no write path uses it)."""
        async with self.db.read() as session:
            return await load_tree(session)

    async def get(self, object_id: uuid.UUID) -> ObjectNode:
        async with self.db.read() as session:
            row = await session.get(t.Object, object_id)
            if row is None:
                raise NotFound(f"object {object_id} not found")
            return row_to_node(row, await name_value(session, object_id))

    async def list_worlds(self) -> list[ObjectNode]:
        """The node's children, oldest first, with their names."""
        async with self.db.read() as session:
            node = await node_id(session)
            rows = await session.execute(
                select(t.Object, t.ObjectAttribute.value)
                .outerjoin(
                    t.ObjectAttribute,
                    (t.ObjectAttribute.object_id == t.Object.object_id)
                    & (t.ObjectAttribute.plugin_id == ids.CORE_PLUGIN_ID)
                    & (t.ObjectAttribute.attribute_name == "name"),
                )
                .where(t.Object.parent_id == node, t.Object.object_id != node)
                .order_by(t.Object.created_at, t.Object.object_id)
            )
            return [row_to_node(row, name) for row, name in rows.tuples().all()]

    # --- reads behind the API (one or two statements each, whatever the tree's size) ----------

    async def view(self, object_id: uuid.UUID) -> ObjectView:
        """The object row with its type's assets and options: one statement."""
        async with self.db.read() as session:
            row = (
                await session.execute(
                    select(
                        t.Object.object_id,
                        t.Object.owner_id,
                        t.Object.parent_id,
                        t.Object.object_type_id,
                        t.Object.asset_2d_id,
                        t.Object.asset_3d_id,
                        t.Object.options,
                        t.Object.transform,
                        t.Object.created_at,
                        t.ObjectType.asset_2d_id.label("type_asset_2d_id"),
                        t.ObjectType.asset_3d_id.label("type_asset_3d_id"),
                        t.ObjectType.options.label("type_options"),
                        t.ObjectType.category_name,
                    )
                    .join(t.ObjectType, t.ObjectType.object_type_id == t.Object.object_type_id)
                    .where(t.Object.object_id == object_id)
                )
            ).first()
        if row is None:
            raise NotFound(f"object {object_id} not found", kind="object", id=object_id)
        return ObjectView(
            id=row.object_id,
            owner_id=row.owner_id,
            parent_id=row.parent_id,
            type_id=row.object_type_id,
            asset_2d_id=row.asset_2d_id,
            asset_3d_id=row.asset_3d_id,
            options=row.options,
            transform=row.transform,
            created_at=row.created_at,
            type_asset_2d_id=row.type_asset_2d_id,
            type_asset_3d_id=row.type_asset_3d_id,
            type_options=row.type_options or {},
            type_category=row.category_name,
        )

    async def actual_transform(self, object_id: uuid.UUID) -> Transform:
        """Where the object is, placed by its parents' `child_placement` when it has no
        transform (see `odyssey.db.object_rows.actual_transform`)."""
        async with self.db.read() as session:
            return await actual_transform(session, object_id)

    async def world_of(self, object_id: uuid.UUID) -> uuid.UUID | None:
        """The world holding the object (itself for a world, None for the node)."""
        async with self.db.read() as session:
            found = await session.execute(
                select(t.Object.world_id).where(t.Object.object_id == object_id)
            )
            row = found.first()
        if row is None:
            raise NotFound(f"object {object_id} not found", kind="object", id=object_id)
        world: uuid.UUID | None = row.world_id
        return world

    async def subtree(self, object_id: uuid.UUID, max_depth: int) -> list[SubtreeRow]:
        """The object and its descendants down to `max_depth` levels below it, breadth first,
        each with name, type name and number of direct children: one statement."""
        start = select(t.Object.object_id, literal(0).label("depth")).where(
            t.Object.object_id == object_id
        )
        levels = start.cte("subtree", recursive=True)
        child = aliased(t.Object)
        levels = levels.union_all(
            select(child.object_id, levels.c.depth + 1).where(
                child.parent_id == levels.c.object_id,
                child.object_id != child.parent_id,
                levels.c.depth < max_depth,
            )
        )
        statement = (
            select(
                t.Object.object_id,
                t.Object.parent_id,
                t.Object.object_type_id,
                t.Object.created_at,
                t.ObjectType.object_type_name,
                t.ObjectAttribute.value,
                levels.c.depth,
            )
            .join(levels, levels.c.object_id == t.Object.object_id)
            .join(t.ObjectType, t.ObjectType.object_type_id == t.Object.object_type_id)
            .outerjoin(
                t.ObjectAttribute,
                (t.ObjectAttribute.object_id == t.Object.object_id)
                & (t.ObjectAttribute.plugin_id == ids.CORE_PLUGIN_ID)
                & (t.ObjectAttribute.attribute_name == "name"),
            )
            .order_by(levels.c.depth, t.Object.created_at, t.Object.object_id)
        )
        async with self.db.read() as session:
            rows = (await session.execute(statement)).all()
            if not rows:
                raise NotFound(f"object {object_id} not found", kind="object", id=object_id)
            # Children counts: the rows hold every child of the levels above the deepest one;
            # only the deepest level's counts need the database.
            counts: dict[uuid.UUID, int] = defaultdict(int)
            for row in rows:
                if row.depth > 0:
                    counts[row.parent_id] += 1
            deepest = [row.object_id for row in rows if row.depth == max_depth]
            for start_at in range(0, len(deepest), 1000):
                chunk = deepest[start_at : start_at + 1000]
                grouped = await session.execute(
                    select(t.Object.parent_id, func.count())
                    .where(t.Object.parent_id.in_(chunk), t.Object.object_id != t.Object.parent_id)
                    .group_by(t.Object.parent_id)
                )
                counts.update(dict(grouped.tuples().all()))
        return [
            SubtreeRow(
                id=row.object_id,
                parent_id=row.parent_id,
                type_id=row.object_type_id,
                type_name=row.object_type_name,
                name=name_of(row.value, str(row.object_id)),
                created_at=row.created_at,
                depth=row.depth,
                child_count=counts[row.object_id],
            )
            for row in rows
        ]

    async def check_assets(
        self, asset_2d_id: uuid.UUID | None = None, asset_3d_id: uuid.UUID | None = None
    ) -> None:
        """`NotFound` (kind `asset_2d` / `asset_3d`) unless the given assets exist."""
        async with self.db.read() as session:
            if asset_2d_id is not None and await session.get(t.Asset2d, asset_2d_id) is None:
                raise NotFound(f"2D asset {asset_2d_id} not found", kind="asset_2d", id=asset_2d_id)
            if asset_3d_id is not None and await session.get(t.Asset3d, asset_3d_id) is None:
                raise NotFound(f"3D asset {asset_3d_id} not found", kind="asset_3d", id=asset_3d_id)


__all__ = ["ObjectReads", "ObjectView", "SubtreeRow"]
