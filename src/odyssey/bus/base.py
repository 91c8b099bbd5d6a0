"""The bus interface every implementation provides."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from odyssey.bus.events import Event

Handler = Callable[[Event], Awaitable[None]]


class Subscription(Protocol):
    def cancel(self) -> None: ...


class Bus(Protocol):
    """Publish/subscribe by MQTT-style topic filter.

    `publish` returns once the event is handed to the transport; handlers run concurrently and a
    failing handler never affects the publisher or other handlers.
    """

    async def publish(self, event: Event) -> None: ...

    def subscribe(self, topic_filter: str, handler: Handler) -> Subscription: ...

    async def close(self) -> None: ...
