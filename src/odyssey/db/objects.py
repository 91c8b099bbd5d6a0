"""Object tree storage: create, update, clone and delete objects and worlds, and the reads behind
the API.

Validation (allowed children, child limits, placement) lives in `odyssey.core.tree`; this module
reads the rows one change needs (the parent and its type, how many children the parent has up to
its `child_limit`, the object itself), asks the domain, writes the outcome in one short
transaction and then publishes the event, so listeners never see a change that was rolled back.
No write reads the whole tree, so what a write costs does not grow with the world; `load_tree`
(the whole tree in memory) is for the seed, the controller and tests.

Objects made at a user's request (`by=`; spawn-by-user always) count against the quotas and the
rate of `odyssey.db.object_limits`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from odyssey.bus import AttributeChanged, Bus, ObjectCreated, ObjectsRemoved, ObjectUpdated
from odyssey.core import ids
from odyssey.core import options as opts
from odyssey.core.attributes import clone_value, effective_attribute_options, is_cloneable
from odyssey.core.errors import AlreadyExists, Forbidden, InvalidOperation, NotFound
from odyssey.core.tree import (
    ObjectNode,
    Transform,
    Vec3,
    check_child_limit,
    check_child_type,
    clone_of,
    new_child,
)
from odyssey.core.tree import ObjectTree as DomainTree
from odyssey.core.tree import ObjectType as DomainType
from odyssey.db import tables as t
from odyssey.db.engine import Database
from odyssey.db.lineage import ancestor_chain, node_id
from odyssey.db.object_limits import CreationLimiter, ObjectLimits, count_up_to, lock_world
from odyssey.db.sql import insert_if_missing, upsert

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


def _name_of(value: Mapping[str, Any] | None, fallback: str) -> str:
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
        name=_name_of(name_value, str(row.object_id)),
    )


def _node_to_row(node: ObjectNode) -> dict[str, Any]:
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


async def _name_value(session: AsyncSession, object_id: uuid.UUID) -> Any:
    return await session.scalar(
        select(t.ObjectAttribute.value).where(
            t.ObjectAttribute.plugin_id == ids.CORE_PLUGIN_ID,
            t.ObjectAttribute.attribute_name == "name",
            t.ObjectAttribute.object_id == object_id,
        )
    )


async def _object_row(session: AsyncSession, object_id: uuid.UUID) -> t.Object:
    row = await session.get(t.Object, object_id)
    if row is None:
        raise NotFound(f"object not found: {object_id}", id=object_id)
    return row


def _is_node(row: t.Object) -> bool:
    return row.object_id == row.parent_id


def world_of_child(parent: t.Object, child_id: uuid.UUID) -> uuid.UUID | None:
    """The world a (new) child of `parent` is in: the child itself under the node, else the
    parent's world."""
    return child_id if _is_node(parent) else parent.world_id


async def insert_object(
    session: AsyncSession, node: ObjectNode, attributes: Sequence[AttributeSeed] = ()
) -> None:
    """Write a planned object row (with its world), its `name` attribute and any template
    attributes."""
    parent = await session.get(t.Object, node.parent_id)  # usually in the session already
    if parent is None:
        raise NotFound(f"parent not found: {node.parent_id}", kind="parent", id=node.parent_id)
    session.add(t.Object(**_node_to_row(node), world_id=world_of_child(parent, node.id)))
    await session.flush()
    await session.execute(
        upsert(
            session,
            t.ObjectAttribute,
            {
                "plugin_id": ids.CORE_PLUGIN_ID,
                "attribute_name": "name",
                "object_id": node.id,
                "value": {"name": node.name},
                "options": None,
            },
        )
    )
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


async def _effective_options(session: AsyncSession, row: t.Object) -> dict[str, Any]:
    object_type = await session.get(t.ObjectType, row.object_type_id)
    return opts.effective_object_options(
        object_type.options if object_type is not None else None, row.options
    )


async def _check_child_limit(
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
    parent_options = await _effective_options(session, parent)
    check_child_type(parent_id, parent_options, type_id)
    await _check_child_limit(session, parent_id, parent_options)
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


async def _subtree_deepest_first(session: AsyncSession, object_id: uuid.UUID) -> list[uuid.UUID]:
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


async def _delete_rows(session: AsyncSession, deepest_first: list[uuid.UUID]) -> None:
    # Deepest first, so the self-referencing foreign key never sees an orphan.
    for start_at in range(0, len(deepest_first), _IN_CHUNK):
        chunk = deepest_first[start_at : start_at + _IN_CHUNK]
        await session.execute(delete(t.Object).where(t.Object.object_id.in_(chunk)))


async def _actual_transform(session: AsyncSession, object_id: uuid.UUID) -> Transform:
    """Where the object is, placed by its parents' `child_placement` when it has no transform.

    Reads only what placement depends on: the ancestor chain and, for each auto-placed
    object on it, its siblings (plus the object types), not the whole tree.
    """
    chain = await ancestor_chain(session, object_id)
    chain_ids = [node.id for node in chain]
    rows = {
        row.object_id: row
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
        siblings = await session.scalars(
            select(t.Object).where(
                t.Object.parent_id.in_(placed_by_parent),
                t.Object.object_id != t.Object.parent_id,
            )
        )
        for row in siblings.all():
            rows.setdefault(row.object_id, row)
    types = [
        DomainType(
            id=row.object_type_id,
            name=row.object_type_name,
            category=row.category_name,
            options=row.options or {},
        )
        for row in (await session.scalars(select(t.ObjectType))).all()
    ]
    tree = DomainTree(types, [row_to_node(row, None) for row in rows.values()])
    return tree.actual_transform(object_id)


class ObjectStore:
    def __init__(self, db: Database, bus: Bus, limits: ObjectLimits | None = None) -> None:
        self.db = db
        self.bus = bus
        self.limiter = CreationLimiter(limits or ObjectLimits())

    async def tree(self) -> DomainTree:
        """The whole tree in memory (the seed, tools and tests; no write path uses it)."""
        async with self.db.read() as session:
            return await load_tree(session)

    async def get(self, object_id: uuid.UUID) -> ObjectNode:
        async with self.db.read() as session:
            row = await session.get(t.Object, object_id)
            if row is None:
                raise NotFound(f"object {object_id} not found")
            return row_to_node(row, await _name_value(session, object_id))

    # --- limits on what users make ----------------------------------------------------------

    @staticmethod
    def _limited_world(by: uuid.UUID | None, parent: t.Object | None) -> uuid.UUID | None:
        """The world whose limits apply to a new child of `parent` made at `by`'s request;
        None when none apply (the node's own work, or a new world under the node)."""
        if by is None or parent is None or _is_node(parent):
            return None
        return parent.world_id

    async def _refuse_early(
        self, by: uuid.UUID | None, parent_id: uuid.UUID, owner: uuid.UUID | None
    ) -> None:
        """The limits' verdict from a read session: a refused request (a flood) never waits for
        the write lock. The write transaction decides again, for real."""
        if by is None:
            return
        async with self.db.read() as session:
            parent = await session.get(t.Object, parent_id)
            world = self._limited_world(by, parent)
            if parent is not None and world is not None:
                await self.limiter.check(
                    session, by=by, owner=owner or parent.owner_id, world_id=world, record=False
                )

    async def _create(
        self,
        session: AsyncSession,
        by: uuid.UUID | None,
        parent_id: uuid.UUID,
        type_id: uuid.UUID,
        attributes: Sequence[AttributeSeed] = (),
        **fields: Any,
    ) -> tuple[ObjectNode, uuid.UUID | None]:
        """Plan a new child inside the write transaction, within the limits, and write it;
        returns it and its world. `fields` are `plan_child`'s."""
        parent = await session.get(t.Object, parent_id)
        limited = self._limited_world(by, parent)
        if limited is not None:
            await lock_world(session, limited)
        node = await plan_child(session, parent_id, type_id, **fields)
        if by is not None and limited is not None:
            await self.limiter.check(
                session, by=by, owner=node.owner_id, world_id=limited, record=True
            )
        await insert_object(session, node, attributes)
        assert parent is not None  # plan_child raised NotFound otherwise
        return node, world_of_child(parent, node.id)

    # --- writes -----------------------------------------------------------------------------

    async def create_object(
        self,
        parent_id: uuid.UUID,
        type_id: uuid.UUID,
        *,
        name: str | None = None,
        owner_id: uuid.UUID | None = None,
        object_id: uuid.UUID | None = None,
        transform: Transform | None = None,
        asset_2d_id: uuid.UUID | None = None,
        asset_3d_id: uuid.UUID | None = None,
        options: dict[str, Any] | None = None,
        attributes: Sequence[AttributeSeed] = (),
        by: uuid.UUID | None = None,
    ) -> ObjectNode:
        """A new child of `parent_id`. `by`: the user asking, whose limits apply
        (`QuotaExceeded`, `RateLimited`); None for the node's own work (seed, CLI)."""
        await self._refuse_early(by, parent_id, owner_id)
        async with self.db.write() as session:
            node, world = await self._create(
                session,
                by,
                parent_id,
                type_id,
                owner_id=owner_id,
                name=name,
                object_id=object_id,
                transform=transform,
                asset_2d_id=asset_2d_id,
                asset_3d_id=asset_3d_id,
                options=options,
                attributes=attributes,
            )
        await self.bus.publish(
            ObjectCreated(object_id=node.id, world_id=world, parent_id=node.parent_id)
        )
        return node

    async def create_world(
        self,
        name: str,
        owner_id: uuid.UUID,
        *,
        world_id: uuid.UUID | None = None,
        description: str | None = None,
    ) -> ObjectNode:
        """A new world under the node, from the node's `world_template` attribute."""
        async with self.db.read() as session:
            template = await session.scalar(
                select(t.NodeAttribute.value).where(
                    t.NodeAttribute.plugin_id == ids.CORE_PLUGIN_ID,
                    t.NodeAttribute.attribute_name == "world_template",
                )
            )
            node = await node_id(session)
        template = template or {}
        attributes = [
            AttributeSeed(
                plugin_id=uuid.UUID(item["plugin_id"]),
                attribute_name=item["attribute_name"],
                value=item.get("value"),
                options=item.get("options"),
            )
            for item in template.get("object_attributes", [])
        ]
        if description:
            attributes.append(
                AttributeSeed(ids.CORE_PLUGIN_ID, "description", {"description": description})
            )
        type_id = uuid.UUID(template.get("object_type_id", str(ids.WORLD_TYPE_ID)))
        return await self.create_object(
            node,
            type_id,
            name=name,
            owner_id=owner_id,
            object_id=world_id,
            options=template.get("options"),
            attributes=attributes,
        )

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

    async def update_object(
        self,
        object_id: uuid.UUID,
        *,
        name: str | None = None,
        transform: Transform | None = None,
        asset_2d_id: uuid.UUID | None = None,
        asset_3d_id: uuid.UUID | None = None,
        options: dict[str, Any] | None = None,
        clear: Collection[str] = (),
    ) -> ObjectNode:
        """Change the given fields (None leaves a field as it is; `clear` names the asset fields
        to set to NULL: `"asset_2d_id"`, `"asset_3d_id"`)."""
        changed: list[str] = []
        async with self.db.write() as session:
            row = await session.get(t.Object, object_id)
            if row is None:
                raise NotFound(f"object {object_id} not found")
            for field_name in ("asset_2d_id", "asset_3d_id"):
                if field_name in clear:
                    setattr(row, field_name, None)
                    changed.append(field_name)
            if transform is not None:
                row.transform = transform.to_json()
                changed.append("transform")
            if asset_2d_id is not None:
                row.asset_2d_id = asset_2d_id
                changed.append("asset_2d_id")
            if asset_3d_id is not None:
                row.asset_3d_id = asset_3d_id
                changed.append("asset_3d_id")
            if options is not None:
                row.options = options
                changed.append("options")
            if name is not None:
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
                changed.append("name")
                name_value: Any = {"name": name}
            else:
                name_value = await _name_value(session, object_id)
            await session.flush()
            node = row_to_node(row, name_value)
            world = row.world_id
        if changed:
            await self.bus.publish(
                ObjectUpdated(object_id=object_id, world_id=world, fields=tuple(changed))
            )
        return node

    async def delete_subtree(self, object_id: uuid.UUID) -> list[uuid.UUID]:
        """Delete an object and its descendants; worlds and the node are refused here."""
        async with self.db.write() as session:
            row = await _object_row(session, object_id)
            parent = await _object_row(session, row.parent_id)
            if _is_node(row) or _is_node(parent):
                raise InvalidOperation("worlds and the node cannot be deleted as objects")
            world = row.world_id
            removed = await _subtree_deepest_first(session, object_id)
            await _delete_rows(session, removed)
        await self.bus.publish(ObjectsRemoved(object_ids=tuple(removed), world_id=world))
        return removed

    async def delete_world(self, world_id: uuid.UUID) -> list[uuid.UUID]:
        async with self.db.write() as session:
            row = await _object_row(session, world_id)
            parent = await _object_row(session, row.parent_id)
            if _is_node(row) or not _is_node(parent):
                raise InvalidOperation(f"{world_id} is not a world")
            removed = await _subtree_deepest_first(session, world_id)
            await _delete_rows(session, removed)
        await self.bus.publish(ObjectsRemoved(object_ids=tuple(removed), world_id=world_id))
        return removed

    async def clone(
        self, object_id: uuid.UUID, position: Vec3 | None = None, *, by: uuid.UUID | None = None
    ) -> ObjectNode:
        """Copy an object (not its children) and its cloneable attributes, beside it. `by`: the
        user asking, whose limits apply (the copy is owned by the original's owner, whose
        quota it counts against)."""
        if by is not None:
            async with self.db.read() as session:
                found = await session.get(t.Object, object_id)
            if found is not None and not _is_node(found):
                await self._refuse_early(by, found.parent_id, found.owner_id)
        async with self.db.write() as session:
            row = await _object_row(session, object_id)
            original = row_to_node(row, await _name_value(session, object_id))
            if original.is_root:
                raise InvalidOperation("the node cannot be cloned")
            parent = await _object_row(session, row.parent_id)
            limited = self._limited_world(by, parent)
            if limited is not None:
                await lock_world(session, limited)
            parent_options = await _effective_options(session, parent)
            await _check_child_limit(session, parent.object_id, parent_options)
            actual = await _actual_transform(session, object_id) if position is not None else None
            node = clone_of(original, position=position, actual=actual)
            if by is not None and limited is not None:
                await self.limiter.check(
                    session, by=by, owner=node.owner_id, world_id=limited, record=True
                )
            copies: list[AttributeSeed] = []
            attributes = await session.execute(
                select(t.ObjectAttribute, t.AttributeType.options)
                .outerjoin(
                    t.AttributeType,
                    (t.AttributeType.plugin_id == t.ObjectAttribute.plugin_id)
                    & (t.AttributeType.attribute_name == t.ObjectAttribute.attribute_name),
                )
                .where(t.ObjectAttribute.object_id == object_id)
            )
            for attribute, type_options in attributes.tuples().all():
                if (attribute.plugin_id, attribute.attribute_name) == (ids.CORE_PLUGIN_ID, "name"):
                    continue
                effective = effective_attribute_options(type_options or {}, attribute.options)
                if not is_cloneable(effective):
                    continue
                value = clone_value(effective, attribute.value)
                copies.append(
                    AttributeSeed(
                        attribute.plugin_id, attribute.attribute_name, value, attribute.options
                    )
                )
            await insert_object(session, node, copies)
            world = world_of_child(parent, node.id)
        await self.bus.publish(
            ObjectCreated(object_id=node.id, world_id=world, parent_id=node.parent_id)
        )
        return node

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
        transform (see `_actual_transform`)."""
        async with self.db.read() as session:
            return await _actual_transform(session, object_id)

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
                name=_name_of(row.value, str(row.object_id)),
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

    async def set_sub_option(self, object_id: uuid.UUID, key: str, value: Any) -> dict[str, Any]:
        """Set `options.subs[key]`; returns the object's new (own) options."""
        return await self._change_subs(object_id, lambda subs: {**subs, key: value})

    async def remove_sub_option(self, object_id: uuid.UUID, key: str) -> dict[str, Any]:
        return await self._change_subs(
            object_id, lambda subs: {k: v for k, v in subs.items() if k != key}
        )

    async def _change_subs(
        self, object_id: uuid.UUID, change: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> dict[str, Any]:
        async with self.db.write() as session:
            row = await session.get(t.Object, object_id)
            if row is None:
                raise NotFound(f"object {object_id} not found", kind="object", id=object_id)
            options = dict(row.options or {})
            subs = options.get("subs")
            options["subs"] = change(dict(subs) if isinstance(subs, dict) else {})
            row.options = options
            world = row.world_id
        await self.bus.publish(
            ObjectUpdated(object_id=object_id, world_id=world, fields=("options",))
        )
        return options

    async def spawn(
        self,
        parent_id: uuid.UUID,
        type_id: uuid.UUID,
        *,
        name: str,
        owner_id: uuid.UUID,
        transform: Transform | None = None,
        asset_2d_id: uuid.UUID | None = None,
        asset_3d_id: uuid.UUID | None = None,
        options: dict[str, Any] | None = None,
        object_user_attributes: Sequence[AttributeSeed] = (),
    ) -> ObjectNode:
        """A new child of `parent_id`, plus object-user attributes of (the new object, owner),
        in one transaction (spawn-by-user), within the owner's limits (`QuotaExceeded`,
        `RateLimited`); only inside a world (`Forbidden` under the node). The caller has
        checked those attributes may be written; their types must exist (`NotFound` kind
        `attribute_type`)."""
        await self._refuse_early(owner_id, parent_id, owner_id)
        async with self.db.write() as session:
            parent = await session.get(t.Object, parent_id)
            if parent is not None and _is_node(parent):
                # The node's allowed children are worlds: this would let any guest make one.
                raise Forbidden("worlds are made with POST /worlds, not spawned")
            for seed_row in object_user_attributes:
                key = (seed_row.plugin_id, seed_row.attribute_name)
                if await session.get(t.AttributeType, key) is None:
                    raise NotFound(
                        f"attribute type {key[0]}/{key[1]} does not exist", kind="attribute_type"
                    )
            node, world = await self._create(
                session,
                owner_id,
                parent_id,
                type_id,
                owner_id=owner_id,
                name=name,
                transform=transform,
                asset_2d_id=asset_2d_id,
                asset_3d_id=asset_3d_id,
                options=options,
            )
            for seed_row in object_user_attributes:
                await session.execute(
                    upsert(
                        session,
                        t.ObjectUserAttribute,
                        {
                            "plugin_id": seed_row.plugin_id,
                            "attribute_name": seed_row.attribute_name,
                            "object_id": node.id,
                            "user_id": owner_id,
                            "value": seed_row.value,
                            "options": seed_row.options,
                        },
                    )
                )
        await self.bus.publish(
            ObjectCreated(object_id=node.id, world_id=world, parent_id=node.parent_id)
        )
        for seed_row in object_user_attributes:
            await self.bus.publish(
                AttributeChanged(
                    scope="object_user",
                    plugin_id=seed_row.plugin_id,
                    attribute_name=seed_row.attribute_name,
                    change_type="attribute_changed",
                    value=seed_row.value,
                    object_id=node.id,
                    user_id=owner_id,
                )
            )
        return node


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


__all__ = [
    "AttributeSeed",
    "ObjectStore",
    "ObjectView",
    "SubtreeRow",
    "insert_if_missing",
    "insert_object",
    "load_tree",
    "plan_child",
    "row_to_node",
    "upsert",
    "world_of_child",
]
