"""Where an object sits: its ancestor chain and the node, by recursive queries.

A few rows whatever the size of the tree, unlike loading the whole tree (`objects.load_tree`).
"""

from __future__ import annotations

import uuid

from sqlalchemy import literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from odyssey.core import ids
from odyssey.core.errors import NotFound
from odyssey.core.tree import ObjectNode
from odyssey.db import tables as t

# Deeper than any real tree; stops the recursive queries should a cycle ever sneak in.
_MAX_DEPTH = 1000


async def ancestor_chain(session: AsyncSession, object_id: uuid.UUID) -> list[ObjectNode]:
    """The object, its parent, ... up to the node, with owners: one recursive query.

    Raises `NotFound` for an unknown object. Only ids, parents and owners are filled in.
    """
    start = select(
        t.Object.object_id, t.Object.parent_id, t.Object.owner_id, literal(0).label("depth")
    ).where(t.Object.object_id == object_id)
    chain = start.cte("ancestor_chain", recursive=True)
    parent = aliased(t.Object)
    chain = chain.union_all(
        select(parent.object_id, parent.parent_id, parent.owner_id, chain.c.depth + 1).where(
            parent.object_id == chain.c.parent_id,
            chain.c.object_id != chain.c.parent_id,
            chain.c.depth < _MAX_DEPTH,
        )
    )
    rows = (await session.execute(select(chain).order_by(chain.c.depth))).all()
    if not rows:
        raise NotFound(f"object {object_id} not found", kind="object", id=object_id)
    return [
        ObjectNode(
            id=row.object_id, parent_id=row.parent_id, type_id=ids.NIL_ID, owner_id=row.owner_id
        )
        for row in rows
    ]


async def node_id(session: AsyncSession) -> uuid.UUID:
    """The id of the node object (the one object that is its own parent)."""
    # The node is the one object in no world: an index lookup, not a scan of every object.
    found = await session.scalar(
        select(t.Object.object_id).where(
            t.Object.world_id.is_(None), t.Object.object_id == t.Object.parent_id
        )
    )
    if found is None:
        raise NotFound("the node object does not exist (seed the database)", kind="node")
    return found
