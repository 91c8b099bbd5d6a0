"""Fixed-window rate limits kept in the database, so every process of a node shares them.

`hit` adds one to each named bucket's counter for the current window (one upsert each, in one
transaction) and refuses with RateLimited when any of them is over its limit. Old windows are
deleted at most once a minute per process.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from odyssey.auth.errors import RateLimited
from odyssey.auth.tables import RateLimitWindow
from odyssey.db.engine import Database

PURGE_EVERY_SECONDS = 60.0


class RateLimiter:
    def __init__(self, db: Database, *, window_seconds: int) -> None:
        self.db = db
        self.window = window_seconds
        self._purged_at = float("-inf")

    async def hit(self, limits: Sequence[tuple[str, int]]) -> None:
        """Count one request against each `(bucket, limit)`; raise RateLimited if any is over."""
        now = int(time.time())
        window_start = now - now % self.window
        insert = pg_insert if self.db.dialect == "postgresql" else sqlite_insert
        over: list[str] = []
        async with self.db.write() as session:
            for bucket, limit in limits:
                new_row = insert(RateLimitWindow).values(
                    bucket=bucket[:200], window_start=window_start, count=1
                )
                counted = new_row.on_conflict_do_update(
                    index_elements=["bucket", "window_start"],
                    set_={"count": RateLimitWindow.count + 1},
                ).returning(RateLimitWindow.count)
                count = (await session.execute(counted)).scalar_one()
                if count > limit:
                    over.append(bucket.split(":", 2)[1] if bucket.count(":") >= 2 else bucket)
            if time.monotonic() - self._purged_at > PURGE_EVERY_SECONDS:
                self._purged_at = time.monotonic()
                await session.execute(
                    delete(RateLimitWindow).where(RateLimitWindow.window_start < window_start)
                )
        if over:
            retry_after = window_start + self.window - now
            raise RateLimited(
                f"too many requests for this {' and this '.join(dict.fromkeys(over))}; "
                f"try again in {retry_after} s",
                retry_after=max(retry_after, 1),
            )
