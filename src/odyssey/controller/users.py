"""One record per connected user: its connection, its profile, where it is, and its rates.

The controller keeps one `ConnectedUser` per user id for as long as one of its connections is
the current one. A reconnection (or a dual connection) replaces the connection in the same
record: the place and the rates carry over, so reconnecting resets no rate, and the place stays
the old connection's until that connection's close takes the user out of its world.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

from odyssey.config import Settings
from odyssey.controller.connection import Connection
from odyssey.controller.world import UserProfile, WorldSession, WorldUser
from odyssey.db import tables as t

Place = tuple[WorldSession, WorldUser]
"""A live world and the user's presence in it."""


class RateLimit:
    """A token bucket: ``burst`` events at once, refilled at ``per_second``."""

    __slots__ = ("_at", "_burst", "_per_second", "_tokens")

    def __init__(self, burst: int, per_second: float) -> None:
        self._burst = burst
        self._per_second = per_second
        self._tokens = float(burst)
        self._at = time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self._tokens = min(self._burst, self._tokens + (now - self._at) * self._per_second)
        self._at = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


@dataclass(frozen=True, slots=True)
class RateClass:
    """A kind of request a client can cause at a cost, limited per user.

    ``refusal`` is the frame a request over the rate gets; ``None`` drops it quietly.
    """

    name: str
    burst: Callable[[Settings], int]
    per_second: Callable[[Settings], float]
    refusal: bytes | None = None


@dataclass(slots=True, eq=False)
class ConnectedUser:
    connection: Connection
    profile: UserProfile
    here: Place | None = None
    # One bucket per rate class, made at the first request of that class.
    rates: dict[RateClass, RateLimit] = field(default_factory=dict)

    @property
    def user_id(self) -> UUID:
        return self.connection.user_id

    def place_of(self, connection: Connection) -> Place | None:
        """Where the user is, if it is there through this connection."""
        here = self.here
        return here if here is not None and here[1].connection is connection else None

    def allow(self, rate: RateClass, settings: Settings) -> bool:
        """Take one request of this class from the user's bucket; False when over the rate."""
        limit = self.rates.get(rate)
        if limit is None:
            limit = self.rates[rate] = RateLimit(rate.burst(settings), rate.per_second(settings))
        return limit.allow()


def profile_of(user: t.User | None) -> UserProfile | None:
    """What ``add_users`` says about a user, from its row's JSON profile."""
    if user is None:
        return None
    profile = user.profile or {}
    name = profile.get("name")
    avatar = profile.get("avatar_hash")
    return UserProfile(
        name=name if isinstance(name, str) else "",
        avatar=avatar if isinstance(avatar, str) else "",
        is_guest=bool(user.is_guest),
    )
