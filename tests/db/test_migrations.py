"""Migrations on an empty database, on the engine under test."""

from __future__ import annotations

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
