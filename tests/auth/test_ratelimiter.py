"""The token buckets themselves, on the real database of the engine under test."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import func, select

from odyssey.auth.ratelimit import Bucket, Rate, RateLimiter
from odyssey.core.errors import RateLimited
from odyssey.db.auth_tables import RateBucket
from odyssey.services import Services


class Clock:
    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def __call__(self) -> float:
        return self.now


def limiter_of(services: Services) -> tuple[RateLimiter, Clock]:
    clock = Clock()
    return RateLimiter(services.db, clock=clock), clock


async def admitted(limiter: RateLimiter, bucket: Bucket, attempts: int) -> int:
    count = 0
    for _ in range(attempts):
        try:
            await limiter.take([bucket])
            count += 1
        except RateLimited:
            pass
    return count


async def test_a_burst_then_the_sustained_rate(services: Services) -> None:
    limiter, clock = limiter_of(services)
    bucket = Bucket("test:burst", Rate(10, 60), "tests")
    assert await admitted(limiter, bucket, 15) == 10
    with pytest.raises(RateLimited) as refused:
        await limiter.take([bucket])
    assert refused.value.retry_after == 6
    assert refused.value.reason == "too_many_requests"
    assert "too many tests" in refused.value.message
    clock.now += 6
    assert await admitted(limiter, bucket, 3) == 1
    clock.now += 30
    assert await admitted(limiter, bucket, 10) == 5
    # A quiet while refills the whole burst, never more.
    clock.now += 3600
    assert await admitted(limiter, bucket, 20) == 10


async def test_refused_requests_cost_nothing(services: Services) -> None:
    """A flood gets the sustained rate, exactly: refusals do not push the bucket further."""
    limiter, clock = limiter_of(services)
    bucket = Bucket("test:flood", Rate(4, 4), "tests")
    total = 0
    for _ in range(20):
        total += await admitted(limiter, bucket, 50)
        clock.now += 1
    assert total == 4 + 19


async def test_several_buckets_are_taken_all_or_none(services: Services) -> None:
    limiter, _clock = limiter_of(services)
    small = Bucket("test:small", Rate(2, 60), "small things")
    large = Bucket("test:large", Rate(100, 60), "large things")
    assert await admitted(limiter, small, 2) == 2
    for _ in range(5):
        with pytest.raises(RateLimited, match="small things"):
            await limiter.take([large, small])
    # The refused requests took nothing from the large bucket: still 100 in it.
    assert await admitted(limiter, large, 120) == 100


async def test_check_takes_nothing_and_spend_never_refuses(services: Services) -> None:
    limiter, clock = limiter_of(services)
    bucket = Bucket("test:failures", Rate(3, 30), "failures")
    for _ in range(10):
        await limiter.check(bucket)
    for _ in range(3):
        await limiter.spend(bucket)
    with pytest.raises(RateLimited) as refused:
        await limiter.check(bucket)
    assert refused.value.retry_after == 10
    await limiter.spend(bucket)  # an empty bucket: nothing taken, nothing raised
    clock.now += 10
    await limiter.check(bucket)


async def test_concurrent_requests_share_one_bucket(services: Services) -> None:
    """Many requests at once (on PostgreSQL, truly concurrent transactions): exactly the burst
    gets through."""
    limiter, _clock = limiter_of(services)
    bucket = Bucket("test:concurrent", Rate(25, 3600), "tests")

    async def one() -> bool:
        try:
            await limiter.take([bucket])
            return True
        except RateLimited:
            return False

    results = await asyncio.gather(*(one() for _ in range(60)))
    assert sum(results) == 25


async def test_two_limiters_share_the_database(services: Services) -> None:
    """Two processes' limiters see one bucket."""
    first, clock = limiter_of(services)
    second = RateLimiter(services.db, clock=clock)
    bucket = Bucket("test:shared", Rate(6, 60), "tests")
    assert await admitted(first, bucket, 4) == 4
    assert await admitted(second, bucket, 4) == 2


async def test_full_buckets_are_purged(services: Services) -> None:
    limiter, clock = limiter_of(services)
    for index in range(5):
        await limiter.take([Bucket(f"test:purge-{index}", Rate(10, 60), "tests")])
    clock.now += 61
    await limiter.take([Bucket("test:purge-trigger", Rate(10, 60), "tests")])
    async with services.db.read() as session:
        left = await session.scalar(select(func.count()).select_from(RateBucket))
    assert left == 1


def test_the_older_per_ip_setting_lifts_every_per_address_limit() -> None:
    # The shared fan-out benchmark starts nodes with ODYSSEY_AUTH_RATE_LIMIT_PER_IP=1000000 to
    # sign 1,500 guests in from 127.0.0.1: it must keep meaning "lift the per-address limits".
    from odyssey.config import Settings

    lifted = Settings(auth_rate_limit_per_ip=1_000_000)
    assert lifted.auth_guests_per_address_per_minute == 1_000_000
    assert lifted.auth_guests_per_address_per_hour == 1_000_000
    assert lifted.auth_guests_per_address_per_day == 1_000_000
    assert lifted.auth_challenges_per_address_per_minute == 1_000_000
    # Limits that are not per address keep their defaults: nobody can lock a wallet out.
    assert (
        lifted.auth_failed_sign_ins_per_wallet_per_minute
        == Settings().auth_failed_sign_ins_per_wallet_per_minute
    )
    # Lower than a default, it changes nothing (it is a floor, not a cap).
    assert Settings(auth_rate_limit_per_ip=5).auth_guests_per_address_per_minute == 300
