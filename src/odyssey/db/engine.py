"""The database handle: one async engine, read and write sessions, engine-specific setup.

SQLite: WAL journal (readers never block the writer), foreign keys enforced, `synchronous=FULL`
so a committed write is on disk before the caller hears about it, and writes serialized through
one asyncio lock (SQLite allows one writer; queueing in Python beats "database is locked").
PostgreSQL: asyncpg, a connection pool, and the server's own concurrency control.

Outages (PostgreSQL restarting, unreachable, refusing connections) surface as the domain's
`Unavailable` (503 with Retry-After), not as a crash per request: `read()` and `write()` translate
the driver's connection errors, and `availability` logs one line when the database goes away and
one when it is back. Pooled connections are pinged before use, so once the server is back the
node carries on by itself. SQLite's own errors ("database is locked" beyond the busy timeout) are
not outages and are left alone.

A write that breaks a constraint (a parent deleted meanwhile, a duplicate key) leaves `write()`
as the domain's `Conflict` (409), so no caller above storage needs to know SQLAlchemy's errors.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeAlias

from sqlalchemy import event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine.interfaces import DBAPIConnection, Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from odyssey.config import to_async_url
from odyssey.core.errors import Conflict, Unavailable

log = logging.getLogger(__name__)

#: A write transaction handed to code above storage, which passes it on to `db` functions only.
Transaction: TypeAlias = AsyncSession

#: SQLSTATEs that mean "the server is going away or not there yet", not "your query is wrong":
#: class 08 (connection exception), admin/crash shutdown, cannot connect now, too many clients.
_OUTAGE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})


class DatabaseUnreachable(Exception):
    """Opening a connection failed: refused, timed out, the server starting or shutting down."""


def outage_reason(error: BaseException) -> str | None:
    """Why `error` means the database is unavailable; None when it is some other failure."""
    if isinstance(error, DatabaseUnreachable):
        return str(error)
    if isinstance(error, sa_exc.TimeoutError):  # every pooled connection stuck connecting
        return "no database connection became free in time"
    if isinstance(error, sa_exc.DBAPIError):
        sqlstate = getattr(error.orig, "sqlstate", None)
        outage_state = isinstance(sqlstate, str) and (
            sqlstate.startswith("08") or sqlstate in _OUTAGE_SQLSTATES
        )
        if error.connection_invalidated or outage_state:
            return str(error.orig).strip().splitlines()[0] if error.orig else "connection lost"
    return None


def conflict(error: sa_exc.IntegrityError) -> Conflict:
    """The domain's Conflict for a write that broke a constraint; the database's words kept
    for the log."""
    return Conflict("the change conflicts with the current data", detail=str(error.orig))


class Availability:
    """Whether the database answered last time; logs once per outage, not once per request."""

    def __init__(self) -> None:
        self.down_since: float | None = None
        self.refused = 0

    @property
    def is_down(self) -> bool:
        return self.down_since is not None

    def failed(self, reason: str) -> None:
        self.refused += 1
        if self.down_since is None:
            self.down_since = time.monotonic()
            self.refused = 1
            log.error("database unreachable: %s", reason)

    def answered(self) -> None:
        if self.down_since is not None:
            elapsed = time.monotonic() - self.down_since
            log.warning(
                "database reachable again after %.1f s (%d requests refused meanwhile)",
                elapsed,
                self.refused,
            )
            self.down_since = None


class Database:
    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        connect_timeout: float = 10.0,
        retry_after: int = 5,
    ) -> None:
        self.url = to_async_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        self.retry_after = retry_after
        self.availability = Availability()
        engine_args: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            engine_args["connect_args"] = {"timeout": 30}
        else:
            # Pre-ping: a pooled connection the server dropped (restart) is replaced on checkout.
            # A bounded connect: during an outage a request waits connect_timeout, not 60 s.
            engine_args.update(
                pool_size=10,
                max_overflow=20,
                pool_pre_ping=True,
                connect_args={"timeout": connect_timeout},
            )
        self.engine: AsyncEngine = create_async_engine(self.url, **engine_args)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _configure_sqlite)
            event.listen(self.engine.sync_engine, "begin", _begin_transaction)
        else:
            event.listen(self.engine.sync_engine, "do_connect", _connect_or_unreachable)
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
        try:
            async with self.sessions() as session:
                yield session
        except Exception as error:
            unavailable = self._unavailable(error)
            if unavailable is None:
                raise
            raise unavailable from error
        self.availability.answered()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A transaction: committed when the block exits normally, rolled back on an exception.

        When this returns, the write is durable (see the module docstring).
        """
        try:
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
        except sa_exc.IntegrityError as error:
            raise conflict(error) from error
        except Exception as error:
            unavailable = self._unavailable(error)
            if unavailable is None:
                raise
            raise unavailable from error
        self.availability.answered()

    async def ping(self) -> None:
        """Raise Unavailable unless the database answers a trivial query."""
        async with self.read() as session:
            await session.execute(text("SELECT 1"))

    def _unavailable(self, error: Exception) -> Unavailable | None:
        """The Unavailable that `error` amounts to when it says the database is out of reach."""
        reason = outage_reason(error)
        if reason is None:
            return None
        self.availability.failed(reason)
        return Unavailable(
            "the database is unavailable for the moment; try again shortly",
            retry_after=self.retry_after,
        )

    async def dispose(self) -> None:
        await self.engine.dispose()


def _connect_or_unreachable(
    dialect: Dialect, _record: ConnectionPoolEntry, cargs: Any, cparams: Any
) -> DBAPIConnection:
    """Open the connection as the dialect would; a failure to reach the server is named so.

    asyncpg raises plain OSError (refused, reset, timed out, no such host) or a server error
    while the server starts or stops; SQLAlchemy passes them on unwrapped, indistinguishable
    from an OSError of the caller's own code.
    """
    try:
        return dialect.connect(*cargs, **cparams)
    except OSError as error:  # ConnectionRefusedError, TimeoutError, socket.gaierror...
        raise DatabaseUnreachable(str(error) or type(error).__name__) from error
    except Exception as error:
        sqlstate = getattr(error, "sqlstate", None)
        if isinstance(sqlstate, str) and (
            sqlstate.startswith("08") or sqlstate in _OUTAGE_SQLSTATES
        ):
            raise DatabaseUnreachable(str(error)) from error
        raise


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
