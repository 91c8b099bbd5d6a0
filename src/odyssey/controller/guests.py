"""Guest clean-up: guests not seen for the retention are deleted, with what they own.

Durable: every guest row carries `last_seen_at` (sign-in, token refresh, connect, leave, and a
heartbeat while connected), and each process's sweep deletes the guests not seen for the
retention. Nothing is kept in memory, so a restart forgets nothing, and a guest connected to
another process is never deleted: that process marks it seen several times per retention.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from uuid import UUID

from odyssey.bus import Bus, ObjectsRemoved
from odyssey.config import Settings
from odyssey.db.realtime import RealtimeStore

log = logging.getLogger(__name__)


class GuestSweep:
    """Marks this process's connected guests seen, and deletes the idle ones."""

    def __init__(
        self,
        settings: Settings,
        store: RealtimeStore,
        bus: Bus,
        connected_guests: Callable[[], list[UUID]],
    ) -> None:
        self._settings = settings
        self._store = store
        self._bus = bus
        self._connected_guests = connected_guests

    @property
    def retention(self) -> float:
        """Seconds a guest lives unseen: the setting, but never less than an access token's
        lifetime (a guest holding a valid token is never deleted under it)."""
        token_life = self._settings.auth_access_token_ttl + self._settings.auth_clock_skew
        return max(self._settings.controller_guest_cleanup_seconds, float(token_life))

    async def mark_seen(self, user_ids: list[UUID], at: dt.datetime | None = None) -> None:
        try:
            await self._store.mark_seen(user_ids, at or dt.datetime.now(dt.UTC))
        except Exception:
            log.warning("could not mark %d guests as seen", len(user_ids), exc_info=True)

    async def run_forever(self) -> None:
        # At least three heartbeats per retention, so another process never finds one of our
        # connected guests unseen for a whole retention.
        period = min(self._settings.controller_guest_sweep_seconds, self.retention / 3)
        while True:
            await asyncio.sleep(period)
            try:
                await self.sweep()
            except Exception:
                log.warning("guest sweep failed; trying again later", exc_info=True)

    async def sweep(self, now: dt.datetime | None = None, *, batch: int = 500) -> int:
        """Mark this process's connected guests as seen, then delete every guest not seen for
        the retention, ``batch`` at a time; the number deleted. Their objects leave the live
        worlds (`ObjectsRemoved` on the bus). ``now`` is for tests."""
        now = now or dt.datetime.now(dt.UTC)
        await self._store.mark_seen(self._connected_guests(), now)
        cutoff = now - dt.timedelta(seconds=self.retention)
        total = 0
        while True:
            deleted = await self._store.delete_idle_guests(cutoff, limit=batch)
            total += deleted.users
            for world_id, object_ids in deleted.objects.items():
                await self._bus.publish(ObjectsRemoved(tuple(object_ids), world_id))
            if deleted.users < batch:
                break
        if total:
            log.info("guest sweep: %d idle guests deleted", total)
        return total
