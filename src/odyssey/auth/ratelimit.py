"""Rate limits as token buckets kept in the database, so every process of a node shares them.

A `Rate(count, per_seconds)` lets a burst of `count` requests through at once, then one every
`per_seconds / count` seconds: a bucket of `count` tokens, refilled evenly over `per_seconds`.
Stacking rates on one subject (say 300 a minute, 2,000 an hour and 10,000 a day) gives a burst
that a real crowd fits in and a sustained rate that bounds a flood.

Each bucket is one row holding its theoretical arrival time (`tat`, GCRA, the generic cell rate
algorithm): the moment at which the bucket will be full again. A request is let through when
`max(tat, now) + interval - now <= per_seconds`, and then `tat` moves on by one interval; a
refused request changes nothing, so a flood gets exactly the sustained rate. The check and the
update are one conditional upsert (`INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING`, in
`odyssey.db.rate_buckets`), atomic on both engines and across processes. A row whose `tat` has
passed is a full bucket, the same as no row: such rows are deleted at most once a minute per
process.

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

from odyssey.auth.common import digest
from odyssey.core.errors import RateLimited
from odyssey.db.engine import Database
from odyssey.db.rate_buckets import BucketCost, RateBucketStore

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


def _cost(bucket: Bucket) -> BucketCost:
    return BucketCost(bucket.key, bucket.rate.interval, bucket.rate.tolerance)


class RateLimiter:
    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time) -> None:
        self.store = RateBucketStore(db)
        self.clock = clock
        self._purged_at = float("-inf")

    async def take(self, buckets: Sequence[Bucket]) -> None:
        """Take one token from every bucket, or from none: RateLimited when any is empty.

        Retry-After is when the emptiest of the refusing buckets lets one request through again.
        """
        now = self.clock()
        purge = abs(now - self._purged_at) >= PURGE_EVERY_SECONDS
        refused = await self.store.take_all([_cost(b) for b in buckets], now, purge=purge)
        if refused:
            raise refusal(
                [
                    (
                        buckets[index],
                        _seconds_until_token(now if tat is None else tat, buckets[index].rate, now),
                    )
                    for index, tat in refused
                ]
            )
        if purge:
            self._purged_at = now

    async def spend(self, bucket: Bucket) -> None:
        """Take a token if there is one; never refuses (counting what already happened)."""
        await self.store.spend(_cost(bucket), self.clock())

    async def check(self, bucket: Bucket) -> None:
        """RateLimited when the bucket is empty; takes nothing."""
        now = self.clock()
        tat = await self.store.tat(bucket.key)
        if tat is not None and max(tat, now) - now > bucket.rate.tolerance:
            raise refusal([(bucket, _seconds_until_token(tat, bucket.rate, now))])


def _seconds_until_token(tat: float, rate: Rate, now: float) -> float:
    return max(tat, now) - now - rate.tolerance


def refusal(refused: Sequence[tuple[Bucket, float]]) -> RateLimited:
    wait = max(seconds for _bucket, seconds in refused)
    # Rounded up (a client that waits Retry-After gets through), but not for float noise.
    retry_after = max(1, math.ceil(wait - 1e-6))
    what = " and ".join(dict.fromkeys(bucket.what for bucket, _seconds in refused))
    return RateLimited(f"too many {what}; try again in {retry_after} s", retry_after=retry_after)
