"""How many `/posbus` connections one client address and one user may hold at once.

Every open WebSocket costs the node a task, buffers and a slot in a world's fan-out, so nobody
may hold an unbounded number of them:

* per client address, counted as the sign-in limits count it (`odyssey.auth.ratelimit.
  address_key`: the IPv4 address, or the IPv6 /64; behind a trusted proxy, the address it
  forwards), from the moment the socket is opened (before its handshake) until it is gone. The
  default admits thousands: an event's visitors behind one NAT, or the fan-out benchmark's 2,000
  guests on 127.0.0.1, must fit; a script opening sockets until the node falls over does not;
* per user, from the handshake until the socket is gone (a connection being closed still
  counts). The node keeps one live connection per user, but each new handshake displaces the
  previous one: a guest with a thousand tabs open would keep them displacing each other.

Counts are per process (each process serves its own sockets).
"""

from __future__ import annotations

from collections.abc import Hashable
from uuid import UUID

from odyssey.config import Settings
from odyssey.core.errors import LimitReached

TOO_MANY_CONNECTIONS = "too_many_connections"
# Seconds after which trying again may help (another socket of the same address or user has
# closed by then, or the client should back off anyway).
RETRY_AFTER = 5


class _Counter:
    """Open connections per key, at most `limit` each; keys with none are forgotten."""

    __slots__ = ("_counts", "limit")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._counts: dict[Hashable, int] = {}

    def take(self, key: Hashable) -> bool:
        count = self._counts.get(key, 0)
        if count >= self.limit:
            return False
        self._counts[key] = count + 1
        return True

    def release(self, key: Hashable) -> None:
        count = self._counts.get(key, 0) - 1
        if count > 0:
            self._counts[key] = count
        else:
            self._counts.pop(key, None)

    def __getitem__(self, key: Hashable) -> int:
        return self._counts.get(key, 0)


class ConnectionCaps:
    """The open connections of this process, by client address and by user."""

    def __init__(self, per_address: int, per_user: int) -> None:
        self._addresses = _Counter(per_address)
        self._users = _Counter(per_user)

    @classmethod
    def from_settings(cls, settings: Settings) -> ConnectionCaps:
        return cls(
            settings.controller_connections_per_address, settings.controller_connections_per_user
        )

    def open_from(self, address: str) -> None:
        """A socket from this address is opening. LimitReached when it already has its share;
        else call `closed_from` once the socket is gone."""
        if not self._addresses.take(address):
            raise LimitReached(
                f"too many connections: at most {self._addresses.limit} at once from one address",
                reason=TOO_MANY_CONNECTIONS,
                retry_after=RETRY_AFTER,
            )

    def closed_from(self, address: str) -> None:
        self._addresses.release(address)

    def signed_in(self, user_id: UUID) -> None:
        """A socket hand-shook as this user. LimitReached when the user has its share open;
        else call `signed_out` once the socket is gone."""
        if not self._users.take(user_id):
            raise LimitReached(
                f"too many connections: at most {self._users.limit} at once for one user",
                reason=TOO_MANY_CONNECTIONS,
                retry_after=RETRY_AFTER,
            )

    def signed_out(self, user_id: UUID) -> None:
        self._users.release(user_id)

    def from_address(self, address: str) -> int:
        return self._addresses[address]

    def of_user(self, user_id: UUID) -> int:
        return self._users[user_id]
