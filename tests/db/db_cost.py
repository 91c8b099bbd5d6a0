"""What a write costs: the database work of a block (statements, rows the database returned,
rows it changed), counted through SQLAlchemy's events, never by time, so a test fails on work
that grows with the data and not on a slow machine; and big worlds to measure it in."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.orm import ORMExecuteState, Session

from odyssey.core import ids
from odyssey.core.ids import new_id
from odyssey.db import tables as t
from odyssey.db.engine import Database
from odyssey.services import Services

_READS = ("SELECT", "WITH")


@dataclass
class Cost:
    statements: int = 0
    rows_read: int = 0
    rows_written: int = 0
    # (SQL, parameters) in order; not part of a cost compared between two worlds.
    executed: list[tuple[str, Any]] = field(default_factory=list, compare=False, repr=False)

    def queries(self) -> list[str]:
        """The reading statements run (not BEGIN, writes and the like)."""
        return [sql for sql, _ in self.executed if sql.lstrip().upper().startswith(_READS)]


@contextmanager
def counting(db: Database) -> Iterator[Cost]:
    """The work `db`'s sessions do inside the block."""
    cost = Cost()
    engine = db.engine.sync_engine

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        cost.statements += 1
        cost.executed.append((statement, parameters))

    def after(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(_READS):
            cost.rows_written += max(0, cursor.rowcount)

    def rows(state: ORMExecuteState) -> Any:
        # Every session of the node is an AsyncSession over a sync Session: listen there, for
        # this database's sessions (the write ones use an engine with options: the same pool).
        if not state.is_select or state.session.get_bind().engine.pool is not engine.pool:
            return None
        frozen = state.invoke_statement().freeze()
        cost.rows_read += len(frozen().all())
        return frozen()

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    event.listen(Session, "do_orm_execute", rows)
    try:
        yield cost
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
        event.remove(Session, "do_orm_execute", rows)


async def world_with(services: Services, size: int, owner: uuid.UUID) -> uuid.UUID:
    """A world with `size` objects in it."""
    world = (await services.worlds.create(f"World of {size}", owner)).id
    await add_children(services, world, world, size)
    return world


async def add_children(
    services: Services, parent: uuid.UUID, world: uuid.UUID, size: int
) -> list[uuid.UUID]:
    """`size` placed children of `parent` in `world`, written in bulk (one by one is slow, and
    the tree's rules would not let every type have children)."""
    objects = [new_id() for _ in range(size)]
    async with services.db.write() as session:
        await session.execute(
            insert(t.Object),
            [
                {
                    "object_id": object_id,
                    "object_type_id": ids.CUSTOM_TYPE_ID,
                    "owner_id": ids.DEITY_USER_ID,  # made by somebody else
                    "parent_id": parent,
                    "world_id": world,
                    "transform": {"position": {"x": i, "y": 0, "z": 0}},
                }
                for i, object_id in enumerate(objects)
            ],
        )
        await session.execute(
            insert(t.ObjectAttribute),
            [
                {
                    "plugin_id": ids.CORE_PLUGIN_ID,
                    "attribute_name": "name",
                    "object_id": object_id,
                    "value": {"name": f"Thing {i}"},
                }
                for i, object_id in enumerate(objects)
            ],
        )
    return objects
