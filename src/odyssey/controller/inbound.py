"""The inbound message rate of one connection: what a client may send, and when it is a flood.

A token bucket per connection: `burst` messages at once, refilled at `per_second`. The web
client sends its transform at the tick rate (at most 20 a second, `worldSession.ts`) and the
odd command, far below the default 60 a second; a reconnecting client or a network hiccup that
delivers a backlog at once fits in the burst. A message over the rate is dropped without being
decoded (a dropped transform is superseded by the next one anyway). A client that keeps sending
over the rate, `max_dropped` messages dropped without ever pausing long enough for its burst
allowance to fill up again, is flooding: the endpoint closes it with 1008.

This is the hot path (every frame of every client): one clock read and a few float operations.
"""

from __future__ import annotations

from time import monotonic

from odyssey.config import Settings


class MessageRate:
    """A connection's inbound token bucket and the count of messages it dropped in a row."""

    __slots__ = ("_at", "_burst", "_max_dropped", "_per_second", "_tokens", "dropped")

    def __init__(self, per_second: float, burst: int, max_dropped: int) -> None:
        self._per_second = per_second
        self._burst = float(burst)
        self._max_dropped = max_dropped
        self._tokens = float(burst)
        self._at = monotonic()
        # Messages dropped since the allowance was last full: a flood never lets it fill up.
        self.dropped = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> MessageRate:
        return cls(
            settings.controller_messages_per_second,
            settings.controller_messages_burst,
            settings.controller_messages_dropped_max,
        )

    def allow(self) -> bool:
        """Take one message's allowance; False when the message must be dropped."""
        now = monotonic()
        tokens = self._tokens + (now - self._at) * self._per_second
        self._at = now
        if tokens >= self._burst:
            self._tokens = self._burst - 1.0
            self.dropped = 0
            return True
        if tokens >= 1.0:
            self._tokens = tokens - 1.0
            return True
        self._tokens = tokens
        self.dropped += 1
        return False

    @property
    def flooding(self) -> bool:
        """More messages dropped in a row than a client that merely lags could have sent."""
        return self.dropped > self._max_dropped

    def describe(self) -> str:
        return (
            f"too many messages: over {self._per_second:g} per second "
            f"(burst {self._burst:g}) for {self.dropped} messages"
        )
