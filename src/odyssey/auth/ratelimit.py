"""Rate limits as token buckets kept in the database, so every process of a node shares them.

A `Rate(count, per_seconds)` lets a burst of `count` requests through at once, then one every
`per_seconds / count` seconds: a bucket of `count` tokens, refilled evenly over `per_seconds`.
Stacking rates on one subject (say 300 a minute, 2,000 an hour and 10,000 a day) gives a burst
that a real crowd fits in and a sustained rate that bounds a flood.

Each bucket is one row holding its theoretical arrival time (`tat`, GCRA, the generic cell rate
algorithm): the moment at which the bucket will be full again. A request is let through when
`max(tat, now) + interval - now <= per_seconds`, and then `tat` moves on by one interval; a
refused request changes nothing, so a flood gets exactly the sustained rate. The check and the
update are one conditional upsert (`INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING`), atomic
on both engines and across processes. A row whose `tat` has passed is a full bucket, the same as
no row: such rows are deleted at most once a minute per process.

Subjects are keyed by what they name (an address, a wallet and an address, a sign-in), hashed:
no visitor's address is stored in the clear. An IPv6 client counts as its /64 network (one
household or host gets a /64, and can pick any address inside it).
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Double, delete, func, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from odyssey.auth.common import digest
from odyssey.core.errors import RateLimited
from odyssey.db.auth_tables import RateBucket
from odyssey.db.engine import Database

PURGE_EVERY_SECONDS = 60.0
IPV6_NETWORK_PREFIX = 64
UNKNOWN_ADDRESS = "unknown"


def address_key(host: str | None) -> str:
    """The network a client address is counted as: the IPv4 address itself, an IPv6 /64.

    IPv4-mapped IPv6 addresses count as their IPv4 address; anything that is not an IP address
    (a Unix socket peer, a test client's name) is counted as the text it is.
    """
    if not host:
        return UNKNOWN_ADDRESS
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return host[:100]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, IPV6_NETWORK_PREFIX), strict=False))
    return str(address)


def subject_key(kind: str, *parts: str) -> str:
    """A bucket's key: what is counted, and a digest of whom it is counted for."""
    return f"{kind}:{digest(chr(0x1F).join(parts))}"


@dataclass(frozen=True, slots=True)
class Rate:
    """A burst of `count`, refilled at `count` per `per_seconds`."""

    count: int
    per_seconds: float

    @property
    def interval(self) -> float:
        """Seconds one request costs."""
        return self.per_seconds / self.count

    @property
    def tolerance(self) -> float:
        """How far ahead of now a bucket's `tat` may be and still let a request through."""
        return self.per_seconds - self.interval


@dataclass(frozen=True, slots=True)
class Bucket:
    key: str
    rate: Rate
    # The refusal's words: "too many <what>; try again in N s".
    what: str


class _Refused(Exception):
    """Rolls back the buckets already taken when another bucket of the request is empty."""


class RateLimiter:
    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.clock = clock
        self._purged_at = float("-inf")

    async def take(self, buckets: Sequence[Bucket]) -> None:
        """Take one token from every bucket, or from none: RateLimited when any is empty.

        Retry-After is when the emptiest of the refusing buckets lets one request through again.
        """
        now = self.clock()
        refused: list[tuple[Bucket, float]] = []
        try:
            async with self.db.write() as session:
                # One order for every transaction: two requests never wait on each other's rows.
                for bucket in sorted(buckets, key=lambda b: b.key):
                    if not await self._take_one(session, bucket, now):
                        refused.append((bucket, await self._wait(session, bucket, now)))
                if refused:
                    raise _Refused
                await self._purge(session, now)
        except _Refused:
            pass
        if refused:
            raise refusal(refused)

    async def spend(self, bucket: Bucket) -> None:
        """Take a token if there is one; never refuses (counting what already happened)."""
        now = self.clock()
        async with self.db.write() as session:
            await self._take_one(session, bucket, now)

    async def check(self, bucket: Bucket) -> None:
        """RateLimited when the bucket is empty; takes nothing."""
        now = self.clock()
        async with self.db.read() as session:
            tat = await self._tat(session, bucket)
        if tat is not None and max(tat, now) - now > bucket.rate.tolerance:
            raise refusal([(bucket, _seconds_until_token(tat, bucket.rate, now))])

    async def _take_one(self, session: AsyncSession, bucket: Bucket, now: float) -> bool:
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
            .values(key=bucket.key[:200], tat=now + bucket.rate.interval)
            .on_conflict_do_update(
                index_elements=["key"],
                set_={"tat": later + bucket.rate.interval},
                where=later - at <= bucket.rate.tolerance,
            )
            .returning(RateBucket.tat)
        )
        return (await session.execute(statement)).first() is not None

    async def _tat(self, session: AsyncSession, bucket: Bucket) -> float | None:
        tat = await session.scalar(select(RateBucket.tat).where(RateBucket.key == bucket.key[:200]))
        return None if tat is None else float(tat)

    async def _wait(self, session: AsyncSession, bucket: Bucket, now: float) -> float:
        tat = await self._tat(session, bucket)
        return _seconds_until_token(tat if tat is not None else now, bucket.rate, now)

    async def _purge(self, session: AsyncSession, now: float) -> None:
        if abs(now - self._purged_at) < PURGE_EVERY_SECONDS:
            return
        self._purged_at = now
        await session.execute(delete(RateBucket).where(RateBucket.tat < now))


def _seconds_until_token(tat: float, rate: Rate, now: float) -> float:
    return max(tat, now) - now - rate.tolerance


def refusal(refused: Sequence[tuple[Bucket, float]]) -> RateLimited:
    wait = max(seconds for _bucket, seconds in refused)
    # Rounded up (a client that waits Retry-After gets through), but not for float noise.
    retry_after = max(1, math.ceil(wait - 1e-6))
    what = " and ".join(dict.fromkeys(bucket.what for bucket, _seconds in refused))
    return RateLimited(f"too many {what}; try again in {retry_after} s", retry_after=retry_after)
