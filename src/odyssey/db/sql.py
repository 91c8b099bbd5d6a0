"""Statements both engines write differently: INSERT … ON CONFLICT for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from odyssey.db import tables as t


def insert_for(session: AsyncSession, table: type[t.Base], values: Mapping[str, Any]) -> Any:
    """The engine's own INSERT (it has `on_conflict_do_update` / `_do_nothing`)."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    make: Any = pg_insert if dialect == "postgresql" else sqlite_insert
    return make(table.__table__).values(**values)


def _primary_key(table: type[t.Base]) -> list[str]:
    return [column.name for column in sa_inspect(table).primary_key]


def upsert(session: AsyncSession, table: type[t.Base], values: Mapping[str, Any]) -> Any:
    """INSERT … ON CONFLICT (primary key) DO UPDATE, for both engines."""
    key = _primary_key(table)
    statement = insert_for(session, table, values)
    updates: dict[str, Any] = {
        k: statement.excluded[k] for k in values if k not in key and k != "created_at"
    }
    if "updated_at" in table.__table__.columns:
        updates["updated_at"] = t.utcnow()
    if updates:
        return statement.on_conflict_do_update(index_elements=key, set_=updates)
    return statement.on_conflict_do_nothing(index_elements=key)


def insert_if_missing(session: AsyncSession, table: type[t.Base], values: Mapping[str, Any]) -> Any:
    """INSERT … ON CONFLICT (primary key) DO NOTHING, for both engines."""
    statement = insert_for(session, table, values)
    return statement.on_conflict_do_nothing(index_elements=_primary_key(table))


__all__ = ["insert_for", "insert_if_missing", "upsert"]
