"""`MemoryBudget` on its own: arrival order, bounded waits, accounting, cancellation."""

from __future__ import annotations

import asyncio

import pytest

from odyssey.core.errors import Unavailable
from odyssey.media.budget import MemoryBudget


async def test_reservations_wait_their_turn_in_arrival_order() -> None:
    idle_calls: list[int] = []

    async def on_idle() -> None:
        idle_calls.append(budget.in_use)

    budget = MemoryBudget(100, wait_seconds=5, on_idle=on_idle)
    order: list[str] = []
    release_first = asyncio.Event()

    async def hold(name: str, amount: int, until: asyncio.Event | None = None) -> None:
        async with budget.reserve(amount):
            order.append(name)
            if until is not None:
                await until.wait()

    first = asyncio.create_task(hold("big-1", 80, release_first))
    await asyncio.sleep(0)
    second = asyncio.create_task(hold("big-2", 60))  # must wait for big-1
    await asyncio.sleep(0)
    third = asyncio.create_task(hold("small", 10))  # would fit, but arrived after big-2
    await asyncio.sleep(0.01)
    assert order == ["big-1"]
    assert budget.in_use == 80
    release_first.set()
    await asyncio.gather(first, second, third)
    assert order == ["big-1", "big-2", "small"]
    assert budget.in_use == 0 and budget.holders == 0
    assert budget.peak_in_use == 80  # big-2 never ran next to big-1
    assert idle_calls and idle_calls[-1] == 0


async def test_a_wait_is_bounded_and_refused_with_retry_after() -> None:
    budget = MemoryBudget(100, wait_seconds=0.05)
    async with budget.reserve(100):
        with pytest.raises(Unavailable) as refused:
            async with budget.reserve(1):
                pass  # pragma: no cover
    assert refused.value.retry_after >= 1
    assert budget.refused == 1
    assert budget.in_use == 0
    async with budget.reserve(100):  # nothing left behind by the refused waiter
        assert budget.in_use == 100


async def test_a_refused_waiter_lets_the_ones_behind_it_in() -> None:
    budget = MemoryBudget(100, wait_seconds=0.05)
    done = asyncio.Event()
    granted: list[int] = []

    async def hold(amount: int) -> None:
        async with budget.reserve(amount):
            granted.append(amount)
            await done.wait()

    held = asyncio.create_task(hold(50))
    await asyncio.sleep(0)
    too_big_now = asyncio.create_task(hold(100))
    await asyncio.sleep(0)
    budget.wait_seconds = 5
    small = asyncio.create_task(hold(40))
    with pytest.raises(Unavailable):
        await too_big_now
    for _ in range(100):  # a few loop turns for the grant to reach the waiter
        if len(granted) == 2:
            break
        await asyncio.sleep(0.001)
    assert granted == [50, 40]  # granted once the head of the queue gave up
    assert budget.in_use == 90
    done.set()
    await asyncio.gather(held, small)
    assert budget.in_use == 0


async def test_a_cancelled_waiter_takes_nothing() -> None:
    budget = MemoryBudget(10, wait_seconds=5)

    async def hold() -> None:
        async with budget.reserve(5):
            pass  # pragma: no cover

    async with budget.reserve(10):
        waiter = asyncio.create_task(hold())
        await asyncio.sleep(0.01)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
    assert budget.in_use == 0
    assert budget.refused == 0


def test_more_than_the_whole_budget_is_a_caller_error() -> None:
    budget = MemoryBudget(10, wait_seconds=1)

    async def ask() -> None:
        async with budget.reserve(11):
            pass  # pragma: no cover

    with pytest.raises(ValueError):
        asyncio.run(ask())
