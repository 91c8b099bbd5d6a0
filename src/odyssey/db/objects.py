"""Object tree storage: create, update, clone and delete objects and worlds (`ObjectStore`),
with the reads behind the API (`odyssey.db.object_reads`) and the row helpers both use
(`odyssey.db.object_rows`).

Validation (allowed children, child limits, placement) lives in `odyssey.core.tree`; a write
reads the rows its change needs (the parent and its type, how many children the parent has up
to its `child_limit`, the object itself, the subtree it deletes), asks the domain, writes the
outcome in one short transaction and then publishes the event, so listeners never see a change
that was rolled back. No write reads the whole tree, so what a write costs does not grow with
the world (`tests/db/test_object_write_rows.py`).

Objects made at a user's request (`by=`; spawn-by-user always) count against the quotas and the
rate of `odyssey.db.object_limits`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from odyssey.bus import AttributeChanged, Bus, ObjectCreated, ObjectsRemoved, ObjectUpdated
from odyssey.core import ids
from odyssey.core.attributes import clone_value, effective_attribute_options, is_cloneable
from odyssey.core.errors import Forbidden, InvalidOperation, NotFound
from odyssey.core.tree import ObjectNode, Transform, Vec3, clone_of
from odyssey.db import tables as t
from odyssey.db.engine import Database
from odyssey.db.lineage import node_id
from odyssey.db.object_limits import CreationLimiter, ObjectLimits, lock_world
from odyssey.db.object_reads import ObjectReads, ObjectView, SubtreeRow
from odyssey.db.object_rows import (
    AttributeSeed,
    actual_transform,
    check_parent_child_limit,
    delete_rows,
    effective_options,
    insert_object,
    is_node,
    load_tree,
    name_value,
    object_row,
    plan_child,
    row_to_node,
    subtree_deepest_first,
    world_of_child,
    write_name,
)
from odyssey.db.sql import insert_if_missing, upsert


class ObjectStore(ObjectReads):
    """The object tree's store: the writes here, the reads in `ObjectReads`."""

    def __init__(self, db: Database, bus: Bus, limits: ObjectLimits | None = None) -> None:
        self.db = db
        self.bus = bus
        self.limiter = CreationLimiter(limits or ObjectLimits())

    # --- limits on what users make ----------------------------------------------------------

    @staticmethod
    def _limited_world(by: uuid.UUID | None, parent: t.Object | None) -> uuid.UUID | None:
        """The world whose limits apply to a new child of `parent` made at `by`'s request;
        None when none apply (the node's own work, or a new world under the node)."""
        if by is None or parent is None or is_node(parent):
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
                await write_name(session, object_id, name)
                changed.append("name")
                name_json: Any = {"name": name}
            else:
                name_json = await name_value(session, object_id)
            await session.flush()
            node = row_to_node(row, name_json)
            world = row.world_id
        if changed:
            await self.bus.publish(
                ObjectUpdated(object_id=object_id, world_id=world, fields=tuple(changed))
            )
        return node

    async def delete_subtree(self, object_id: uuid.UUID) -> list[uuid.UUID]:
        """Delete an object and its descendants; worlds and the node are refused here."""
        async with self.db.write() as session:
            row = await object_row(session, object_id)
            parent = await object_row(session, row.parent_id)
            if is_node(row) or is_node(parent):
                raise InvalidOperation("worlds and the node cannot be deleted as objects")
            world = row.world_id
            removed = await subtree_deepest_first(session, object_id)
            await delete_rows(session, removed)
        await self.bus.publish(ObjectsRemoved(object_ids=tuple(removed), world_id=world))
        return removed

    async def delete_world(self, world_id: uuid.UUID) -> list[uuid.UUID]:
        async with self.db.write() as session:
            row = await object_row(session, world_id)
            parent = await object_row(session, row.parent_id)
            if is_node(row) or not is_node(parent):
                raise InvalidOperation(f"{world_id} is not a world")
            removed = await subtree_deepest_first(session, world_id)
            await delete_rows(session, removed)
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
            if found is not None and not is_node(found):
                await self._refuse_early(by, found.parent_id, found.owner_id)
        async with self.db.write() as session:
            row = await object_row(session, object_id)
            original = row_to_node(row, await name_value(session, object_id))
            if original.is_root:
                raise InvalidOperation("the node cannot be cloned")
            parent = await object_row(session, row.parent_id)
            limited = self._limited_world(by, parent)
            if limited is not None:
                await lock_world(session, limited)
            parent_options = await effective_options(session, parent)
            await check_parent_child_limit(session, parent.object_id, parent_options)
            actual = await actual_transform(session, object_id) if position is not None else None
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
            if parent is not None and is_node(parent):
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
