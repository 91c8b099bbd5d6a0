"""In-process bus: the embedded default when every service runs in one process."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from odyssey.bus.base import Handler
from odyssey.bus.events import Event, topic_matches

log = logging.getLogger(__name__)


@dataclass(eq=False)
class _InProcessSubscription:
    bus: InProcessBus
    topic_filter: str
    handler: Handler

    def cancel(self) -> None:
        self.bus._subscriptions.discard(self)


@dataclass(eq=False)
class InProcessBus:
    """Delivers each event to matching handlers as tasks; `drain()` waits for them (tests)."""

    _subscriptions: set[_InProcessSubscription] = field(default_factory=set)
    _pending: set[asyncio.Task[None]] = field(default_factory=set)

    async def publish(self, event: Event) -> None:
        for subscription in list(self._subscriptions):
            if topic_matches(subscription.topic_filter, event.topic):
                task = asyncio.create_task(self._deliver(subscription.handler, event))
                self._pending.add(task)
                task.add_done_callback(self._pending.discard)

    def subscribe(self, topic_filter: str, handler: Handler) -> _InProcessSubscription:
        subscription = _InProcessSubscription(self, topic_filter, handler)
        self._subscriptions.add(subscription)
        return subscription

    async def drain(self) -> None:
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    async def close(self) -> None:
        await self.drain()
        self._subscriptions.clear()

    @staticmethod
    async def _deliver(handler: Handler, event: Event) -> None:
        try:
            await handler(event)
        except Exception:
            log.exception("bus handler failed for %s", event.topic)
