"""Quotas and a rate on the objects users make through the API, counted in the database.

Three limits apply to every object made on a user's request (spawn-by-user, create, clone):

* a world holds at most ``max_per_world`` objects, whoever asks (admins included);
* unless the caller administers the world (node admins administer every world): the new
  object's owner may own at most ``max_per_user_per_world`` (guests ``max_per_guest_per_world``)
  objects in it, and the caller may make at most ``per_user_per_minute``
  (guests ``per_guest_per_minute``) objects a minute.

Everything is counted in SQL, so every process of a node shares the counts and they survive a
restart: the world's and the owner's objects through the index on ``object(world_id,
owner_id)``, each count stopping at its limit (a bounded scan of that index, never of the tree);
the rate in fixed one-minute windows (``object_creation_window``, one row per user and window).

`CreationLimiter.check` runs twice per creation: first in a read session, so that a refused
request (a flood) never waits for the database's write lock; then inside the write transaction,
which makes the decision and counts the object. On PostgreSQL that transaction first locks the
world's row, so concurrent creations in one world are decided one after the other and no cap
(nor the parent's ``child_limit``) can be overshot.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, delete, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from odyssey.core.errors import LimitReached, QuotaExceeded, RateLimited
from odyssey.db import tables as t
from odyssey.db.sql import insert_for
from odyssey.db.users import is_admin

if TYPE_CHECKING:
    from odyssey.config import Settings

WINDOW_SECONDS = 60
#: Old windows are deleted at most this often per process (inside a creation's transaction).
PURGE_EVERY_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class ObjectLimits:
    """The limits (the defaults are the settings' defaults, `odyssey.config`)."""

    max_per_world: int = 10_000
    max_per_user_per_world: int = 500
    max_per_guest_per_world: int = 25
    per_user_per_minute: int = 60
    per_guest_per_minute: int = 10

    @classmethod
    def from_settings(cls, settings: Settings) -> ObjectLimits:
        return cls(
            max_per_world=settings.objects_max_per_world,
            max_per_user_per_world=settings.objects_max_per_user_per_world,
            max_per_guest_per_world=settings.objects_max_per_guest_per_world,
            per_user_per_minute=settings.objects_per_user_per_minute,
            per_guest_per_minute=settings.objects_per_guest_per_minute,
        )

    def owned_per_world(self, is_guest: bool) -> int:
        return self.max_per_guest_per_world if is_guest else self.max_per_user_per_world

    def per_minute(self, is_guest: bool) -> int:
        return self.per_guest_per_minute if is_guest else self.per_user_per_minute


async def count_up_to(session: AsyncSession, limit: int, *where: ColumnElement[bool]) -> int:
    """How many objects match, counting no further than `limit` (the scan stops there)."""
    if limit <= 0:
        return 0
    matching = select(literal(1)).select_from(t.Object).where(*where).limit(limit).subquery()
    return int(await session.scalar(select(func.count()).select_from(matching)) or 0)


class CreationLimiter:
    def __init__(self, limits: ObjectLimits, *, clock: Callable[[], float] = time.time) -> None:
        self.limits = limits
        self._clock = clock
        self._purged_at = float("-inf")

    async def check(
        self,
        session: AsyncSession,
        *,
        by: uuid.UUID,
        owner: uuid.UUID,
        world_id: uuid.UUID,
        record: bool,
    ) -> None:
        """Refuse (`QuotaExceeded`, `RateLimited`) a new object owned by `owner` in `world_id`
        made at the request of `by`. With `record` (inside the write transaction, after
        `lock_world`) the object is also counted in `by`'s rate window; the transaction's
        rollback uncounts it."""
        limits = self.limits
        guests = await _guest_flags(session, {by, owner})
        refusal: LimitReached | None = None
        try:
            await self._check_rate(session, by, guests[by], record)
        except RateLimited as limited:
            refusal = limited
        if refusal is None:
            quota = limits.owned_per_world(guests[owner])
            owned = await count_up_to(
                session, quota, t.Object.world_id == world_id, t.Object.owner_id == owner
            )
            if owned >= quota:
                whose = "you already own" if owner == by else "the owner already owns"
                refusal = QuotaExceeded(
                    f"{whose} {quota} objects in this world, the most allowed; delete some first"
                )
        # Admins of the world are exempt: asked only when a per-user limit would refuse, so
        # the common case (within the limits) costs no admin lookup.
        if refusal is not None and not await is_admin(session, by, world_id):
            raise refusal
        # The world's own row is in the world too (its world_id is itself): one more to count.
        rows = await count_up_to(session, limits.max_per_world + 1, t.Object.world_id == world_id)
        if rows - 1 >= limits.max_per_world:
            raise QuotaExceeded(
                f"this world already holds {limits.max_per_world} objects, the most it may hold"
            )

    async def _check_rate(
        self, session: AsyncSession, user_id: uuid.UUID, is_guest: bool, record: bool
    ) -> None:
        allowed = self.limits.per_minute(is_guest)
        now = int(self._clock())
        window_start = now - now % WINDOW_SECONDS
        window = t.ObjectCreationWindow
        if record:
            counted = (
                insert_for(
                    session, window, {"user_id": user_id, "window_start": window_start, "count": 1}
                )
                .on_conflict_do_update(
                    index_elements=["user_id", "window_start"], set_={"count": window.count + 1}
                )
                .returning(window.count)
            )
            made = int((await session.execute(counted)).scalar_one()) - 1
            await self._purge(session, window_start)
        else:
            made = int(
                await session.scalar(
                    select(window.count).where(
                        window.user_id == user_id, window.window_start == window_start
                    )
                )
                or 0
            )
        if made >= allowed:
            retry_after = max(1, window_start + WINDOW_SECONDS - now)
            raise RateLimited(
                f"at most {allowed} new objects a minute; try again in {retry_after} s",
                retry_after=retry_after,
            )

    async def _purge(self, session: AsyncSession, window_start: int) -> None:
        if time.monotonic() - self._purged_at < PURGE_EVERY_SECONDS:
            return
        self._purged_at = time.monotonic()
        await session.execute(
            delete(t.ObjectCreationWindow).where(t.ObjectCreationWindow.window_start < window_start)
        )


async def lock_world(session: AsyncSession, world_id: uuid.UUID) -> None:
    """Make concurrent creations in the world wait for this transaction (PostgreSQL)."""
    # SQLite: writers are already serialized (one write lock). PostgreSQL: creations in one
    # world wait for each other here, so counts read next stay true until the commit. FOR NO KEY
    # UPDATE does not block other inserts' foreign-key checks on the world row.
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await session.execute(
            select(t.Object.object_id)
            .where(t.Object.object_id == world_id)
            .with_for_update(key_share=True)
        )


async def _guest_flags(session: AsyncSession, user_ids: set[uuid.UUID]) -> dict[uuid.UUID, bool]:
    """user id → is a guest; a user that does not exist (any more) counts as a guest."""
    rows = await session.execute(
        select(t.User.user_id, t.User.is_guest).where(t.User.user_id.in_(user_ids))
    )
    found: dict[uuid.UUID, Any] = {user_id: flag for user_id, flag in rows.all()}
    return {user_id: bool(found.get(user_id, True)) for user_id in user_ids}


__all__ = ["WINDOW_SECONDS", "CreationLimiter", "ObjectLimits", "count_up_to", "lock_world"]
