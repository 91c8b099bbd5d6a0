"""Which real-time connections a `SignInEnded` event ends.

A connection checks its access token once, at the handshake; what it authenticated with (the
user, the sign-in the token belongs to and the token itself) stays with the connection. When a
sign-in ends (sign-out, revocation, a reused refresh token) or the user is deleted, the bus says
so and the controller closes the connections the event covers, and only those: another sign-in
of the same user (another device) goes on.

A handshake that verified its token just before the sign-in ended, and is still reading the
user's profile when the event arrives, has no connection to close yet; `EndedSignIns` remembers
recent ends for a minute so that the handshake is refused instead.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from uuid import UUID

from odyssey.bus import SignInEnded

# A handshake takes at most a few database reads between its token check and its connection;
# a minute is ample, and bounds the memory a burst of sign-outs can take.
REMEMBER_SECONDS = 60.0
REMEMBER_AT_MOST = 100_000


def covers(
    event: SignInEnded, user_id: UUID, sign_in_id: UUID | None, token_id: str | None
) -> bool:
    """Whether the event ends a connection that authenticated as this user, sign-in and token."""
    if event.user_id != user_id:
        return False
    if event.session_id is not None and event.session_id != sign_in_id:
        return False
    return event.token_id is None or event.token_id == token_id


class EndedSignIns:
    """Sign-ins, users and tokens that ended in the last minute, with the reason."""

    def __init__(
        self,
        *,
        remember_seconds: float = REMEMBER_SECONDS,
        at_most: int = REMEMBER_AT_MOST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._remember = remember_seconds
        self._at_most = at_most
        self._clock = clock
        # key -> (when, reason), oldest first. Keys: ("sign-in", id), ("user", id), ("token", jti).
        self._ended: OrderedDict[tuple[str, UUID | str], tuple[float, str]] = OrderedDict()

    def record(self, event: SignInEnded) -> None:
        now = self._clock()
        key: tuple[str, UUID | str]
        if event.token_id is not None:
            key = ("token", event.token_id)
        elif event.session_id is not None:
            key = ("sign-in", event.session_id)
        else:
            key = ("user", event.user_id)
        self._ended.pop(key, None)
        self._ended[key] = (now, event.reason)
        while self._ended:
            oldest = next(iter(self._ended.values()))[0]
            if len(self._ended) <= self._at_most and now - oldest < self._remember:
                break
            self._ended.popitem(last=False)

    def reason(self, user_id: UUID, sign_in_id: UUID | None, token_id: str | None) -> str | None:
        """Why a handshake with this user, sign-in and token must be refused (None: it need not)."""
        if not self._ended:
            return None
        now = self._clock()
        keys: list[tuple[str, UUID | str]] = [("user", user_id)]
        if sign_in_id is not None:
            keys.append(("sign-in", sign_in_id))
        if token_id is not None:
            keys.append(("token", token_id))
        for key in keys:
            found = self._ended.get(key)
            if found is not None and now - found[0] < self._remember:
                return found[1]
        return None
