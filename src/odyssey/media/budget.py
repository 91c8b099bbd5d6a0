"""A memory budget for image decoding: reserve the bytes a decode will take before it starts.

`MemoryBudget.reserve(amount)` waits until `amount` bytes fit next to the reservations held, in
arrival order (a large image is not starved by a stream of small ones), and gives up after
`wait_seconds` with `Unavailable` (503 with Retry-After): a flood of uploads is refused, never
queued forever. `amount` above the whole budget is the caller's to refuse before asking.

When the last reservation is released, `on_idle` runs (the service returns freed memory to the
operating system there).
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from odyssey.core.errors import Unavailable


class MemoryBudget:
    def __init__(
        self,
        capacity: int,
        *,
        wait_seconds: float,
        on_idle: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.capacity = capacity
        self.wait_seconds = wait_seconds
        self._on_idle = on_idle
        self._waiting: deque[tuple[int, asyncio.Future[None]]] = deque()
        self.in_use = 0
        self.holders = 0
        # Accounting, for operators and tests: the most ever held at once.
        self.peak_in_use = 0
        self.peak_holders = 0
        self.refused = 0

    @asynccontextmanager
    async def reserve(self, amount: int) -> AsyncIterator[None]:
        if amount > self.capacity:
            raise ValueError(f"{amount} bytes can never fit a budget of {self.capacity}")
        await self._acquire(amount)
        try:
            yield
        finally:
            await self._release(amount)

    async def _acquire(self, amount: int) -> None:
        if not self._waiting and self.in_use + amount <= self.capacity:
            self._grant(amount)
            return
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (amount, granted)
        self._waiting.append(entry)
        try:
            await asyncio.wait_for(asyncio.shield(granted), self.wait_seconds)
        except (TimeoutError, asyncio.CancelledError) as error:
            if granted.done() and not granted.cancelled():
                await self._release(amount)  # granted just as we gave up: hand it back
            else:
                granted.cancel()
                self._waiting.remove(entry)
                self._wake()  # the ones behind us may fit now
            if isinstance(error, asyncio.CancelledError):
                raise
            self.refused += 1
            retry_after = max(1, math.ceil(self.wait_seconds / 2))
            raise Unavailable(
                "the node is busy decoding other images; try again in a moment",
                retry_after=retry_after,
            ) from None

    def _grant(self, amount: int) -> None:
        self.in_use += amount
        self.holders += 1
        self.peak_in_use = max(self.peak_in_use, self.in_use)
        self.peak_holders = max(self.peak_holders, self.holders)

    def _wake(self) -> None:
        while self._waiting and self.in_use + self._waiting[0][0] <= self.capacity:
            amount, granted = self._waiting.popleft()
            self._grant(amount)
            granted.set_result(None)

    async def _release(self, amount: int) -> None:
        self.in_use -= amount
        self.holders -= 1
        self._wake()
        if self.holders == 0 and self._on_idle is not None:
            await self._on_idle()
