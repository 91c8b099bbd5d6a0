"""The database handle: one async engine, read and write sessions, engine-specific setup.

SQLite: WAL journal (readers never block the writer), foreign keys enforced, `synchronous=FULL`
so a committed write is on disk before the caller hears about it, and writes serialized through
one asyncio lock (SQLite allows one writer; queueing in Python beats "database is locked").
PostgreSQL: asyncpg, a connection pool, and the server's own concurrency control.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from odyssey.config import to_async_url


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = to_async_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        engine_args: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            engine_args["connect_args"] = {"timeout": 30}
        else:
            engine_args.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
        self.engine: AsyncEngine = create_async_engine(self.url, **engine_args)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _configure_sqlite)
            event.listen(self.engine.sync_engine, "begin", _begin_transaction)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # Write transactions on SQLite start with BEGIN IMMEDIATE (see _begin_transaction).
        self._write_engine = self.engine.execution_options(odyssey_write=True)
        self._write_lock = asyncio.Lock()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for queries; nothing it does is committed."""
        async with self.sessions() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A transaction: committed when the block exits normally, rolled back on an exception.

        When this returns, the write is durable (see the module docstring).
        """
        if self.is_sqlite:
            async with (
                self._write_lock,
                self.sessions(bind=self._write_engine) as session,
                session.begin(),
            ):
                yield session
        else:
            async with self.sessions() as session, session.begin():
                yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


def _configure_sqlite(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # The sqlite3 module's own transaction handling fights SQLAlchemy's; turn it off and let
    # the "begin" listener below emit BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _begin_transaction(connection: Any) -> None:
    # With the driver's implicit transactions off, SQLAlchemy's BEGIN must be emitted by hand
    # (SQLAlchemy's documented recipe for pysqlite/aiosqlite). A write transaction takes the
    # database's write lock up front (BEGIN IMMEDIATE): a deferred one that reads first and then
    # writes fails with "database is locked" when another process (the CLI, a second node
    # process) wrote in between, while an immediate one waits its turn (busy_timeout).
    # Writers inside this process are already serialized by the write lock.
    if connection.get_execution_options().get("odyssey_write"):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")
