"""The token buckets of the rate limits (`odyssey.auth.ratelimit`), one row each (`RateBucket`).

A take is one conditional upsert (`INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING`), atomic on
both engines and across processes: the row's `tat` moves on by one interval only when the bucket
has a token, and a refused take changes nothing. Taking from several buckets is one transaction:
one token from each, or from none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Double, delete, func, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from odyssey.db.auth_tables import RateBucket
from odyssey.db.engine import Database

KEY_LENGTH = 200


@dataclass(frozen=True, slots=True)
class BucketCost:
    """What one take asks of a bucket: its key, the seconds a token costs (`interval`), and how
    far ahead of now its `tat` may be and still let a request through (`tolerance`)."""

    key: str
    interval: float
    tolerance: float


class _Refused(Exception):
    """Rolls back the buckets already taken when another bucket of the request is empty."""


class RateBucketStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def take_all(
        self, costs: Sequence[BucketCost], now: float, *, purge: bool = False
    ) -> list[tuple[int, float | None]]:
        """Take one token from every bucket, or from none, in one transaction.

        Returns the refusing buckets, as (index in `costs`, their `tat`); empty when every take
        went through, and then, with `purge`, full buckets (`tat` passed) are deleted too.
        """
        refused: list[tuple[int, float | None]] = []
        try:
            async with self.db.write() as session:
                # One order for every transaction: two requests never wait on each other's rows.
                for index, cost in sorted(enumerate(costs), key=lambda pair: pair[1].key):
                    if not await self._take_one(session, cost, now):
                        refused.append((index, await _tat(session, cost.key)))
                if refused:
                    raise _Refused
                if purge:
                    await session.execute(delete(RateBucket).where(RateBucket.tat < now))
        except _Refused:
            pass
        return refused

    async def spend(self, cost: BucketCost, now: float) -> None:
        """Take a token if there is one; never refuses."""
        async with self.db.write() as session:
            await self._take_one(session, cost, now)

    async def tat(self, key: str) -> float | None:
        """When the bucket is full again; None when it has no row (it is full)."""
        async with self.db.read() as session:
            return await _tat(session, key)

    async def _take_one(self, session: AsyncSession, cost: BucketCost, now: float) -> bool:
        at: ColumnElement[float] = literal(now, Double())
        insert = pg_insert if self.db.dialect == "postgresql" else sqlite_insert
        # When the bucket is full again, or now if it already is (SQLite's two-argument max).
        later = (
            func.greatest(RateBucket.tat, at)
            if self.db.dialect == "postgresql"
            else func.max(RateBucket.tat, at)
        )
        statement = (
            insert(RateBucket)
            .values(key=cost.key[:KEY_LENGTH], tat=now + cost.interval)
            .on_conflict_do_update(
                index_elements=["key"],
                set_={"tat": later + cost.interval},
                where=later - at <= cost.tolerance,
            )
            .returning(RateBucket.tat)
        )
        return (await session.execute(statement)).first() is not None


async def _tat(session: AsyncSession, key: str) -> float | None:
    tat = await session.scalar(select(RateBucket.tat).where(RateBucket.key == key[:KEY_LENGTH]))
    return None if tat is None else float(tat)
