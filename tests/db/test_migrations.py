"""Migrations on an empty database, on the engine under test."""

from __future__ import annotations

import uuid

from sqlalchemy import inspect

from odyssey.db.engine import Database
from odyssey.db.migrate import current_revision, head_revision, upgrade
from odyssey.db.tables import Base


async def test_upgrade_empty_database_creates_every_table(empty_database_url: str) -> None:
    db = Database(empty_database_url)
    try:
        assert await current_revision(db) is None
        await upgrade(db)
        assert await current_revision(db) == head_revision()
        async with db.engine.connect() as conn:
            tables = set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
        assert set(Base.metadata.tables) <= tables
    finally:
        await db.dispose()


async def test_upgrade_twice_is_a_no_op(empty_database_url: str) -> None:
    db = Database(empty_database_url)
    try:
        await upgrade(db)
        await upgrade(db)
        assert await current_revision(db) == head_revision()
    finally:
        await db.dispose()


async def test_schema_matches_the_models(empty_database_url: str) -> None:
    """The migrations and the SQLAlchemy models describe the same schema (no drift)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    db = Database(empty_database_url)
    try:
        await upgrade(db)
        async with db.engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
        assert diff == []
    finally:
        await db.dispose()


async def test_0003_gives_every_existing_object_its_world(empty_database_url: str) -> None:
    """Objects made before `object.world_id` existed get it from their place in the tree."""
    import sqlalchemy as sa

    from odyssey.core.ids import new_id

    json = sa.JSON()
    user_type = sa.table(
        "user_type",
        sa.column("user_type_id", sa.Uuid()),
        sa.column("user_type_name"),
        sa.column("description"),
    )
    user = sa.table(
        "user",
        sa.column("user_id", sa.Uuid()),
        sa.column("user_type_id", sa.Uuid()),
        sa.column("profile", json),
        sa.column("is_guest", sa.Boolean()),
    )
    object_type = sa.table(
        "object_type",
        sa.column("object_type_id", sa.Uuid()),
        sa.column("object_type_name"),
        sa.column("category_name"),
        sa.column("description"),
        sa.column("options", json),
    )
    objects = sa.table(
        "object",
        sa.column("object_id", sa.Uuid()),
        sa.column("object_type_id", sa.Uuid()),
        sa.column("owner_id", sa.Uuid()),
        sa.column("parent_id", sa.Uuid()),
    )
    kind, owner, type_id = new_id(), new_id(), new_id()
    node, first, second, box, inner = (new_id() for _ in range(5))
    parents = {node: node, first: node, second: node, box: first, inner: box}
    db = Database(empty_database_url)
    try:
        await upgrade(db, "0002")
        async with db.engine.begin() as conn:
            await conn.execute(
                user_type.insert().values(user_type_id=kind, user_type_name="u", description="")
            )
            await conn.execute(
                user.insert().values(user_id=owner, user_type_id=kind, profile={}, is_guest=False)
            )
            await conn.execute(
                object_type.insert().values(
                    object_type_id=type_id,
                    object_type_name="t",
                    category_name="c",
                    description="",
                    options={},
                )
            )
            for object_id, parent_id in parents.items():  # parents before children
                await conn.execute(
                    objects.insert().values(
                        object_id=object_id,
                        object_type_id=type_id,
                        owner_id=owner,
                        parent_id=parent_id,
                    )
                )
        await upgrade(db)
        async with db.engine.connect() as conn:
            rows = await conn.execute(sa.text('SELECT object_id, world_id FROM "object"'))
            found = {
                uuid.UUID(str(object_id)): None if world is None else uuid.UUID(str(world))
                for object_id, world in rows.all()
            }
        assert found == {node: None, first: first, second: second, box: first, inner: first}
    finally:
        await db.dispose()
