"""Upload quotas per user: uploads and bytes per time window, and bytes kept stored.

Guests, who need nothing but a click to exist, get smaller allowances than users signed in with
a wallet; node admins have none. Which allowance applies is read from the user's row, not from
the token. The accounting is the table `media_upload` (one row per upload, in
`odyssey.db.upload_quotas`), so every process of a node shares it and a restart does not reset it.

An upload is checked twice:

- `grant`, before the body is read: refused if the window's count is used up or no bytes are
  left; otherwise the grant says how many bytes the upload may bring (the least of what is left
  in the window and of the stored total). The staging file enforces that as the body arrives
  (the declared `Content-Length` first), so an upload that cannot fit is refused before it is
  read, or as soon as it passes what is left, never after it was received whole.
- `admit`, once the body is staged and before its content is checked (checking costs too): in
  one transaction that holds the user's row locked (PostgreSQL; SQLite's writes are exclusive,
  across processes too), it counts again with the real size and records the upload, so
  concurrent uploads of one user cannot all slip under a limit.

An upload refused after it was admitted (`refused`) keeps counting toward the window (the node did
receive and check those bytes) but not as stored; deleting an upload (`removed`) does the same.
The same content uploaded twice by one user is stored once and counts once as stored (though the
second upload, like any, must fit in what the grant leaves while it is received).

Refusals are `QuotaExceeded`: with `retry_after` when the window moving on helps (the time until
enough of it has left), without it for the stored total (deleting helps) or for an upload
bigger than a whole window's allowance.
"""

from __future__ import annotations

import datetime as dt
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from odyssey.core.errors import QuotaExceeded
from odyssey.db.engine import Database
from odyssey.db.upload_quotas import NewUpload, UploadLedger, Usage

#: Rows of removed uploads that left the window are deleted at most this often per process.
PURGE_EVERY_SECONDS = 300.0


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.4g} MiB"


def _who(is_guest: bool) -> str:
    return "a guest" if is_guest else "a user"


@dataclass(frozen=True, slots=True)
class Allowance:
    """What one user may upload: per window (count, bytes) and in total (bytes kept stored)."""

    uploads_per_window: int
    bytes_per_window: int
    stored_bytes: int


@dataclass(frozen=True, slots=True)
class QuotaLimits:
    window_seconds: int
    guest: Allowance
    user: Allowance

    def for_caller(self, *, is_guest: bool) -> Allowance:
        return self.guest if is_guest else self.user


@dataclass(frozen=True, slots=True)
class UploadGrant:
    """An upload allowed to start: whose it is and how many bytes it may bring.

    `exempt` (node admins): no quota, `bytes_left` is None. Otherwise `bytes_left` is what the
    upload may bring and `over_quota` the refusal for one that brings more.
    """

    user_id: uuid.UUID
    is_guest: bool
    exempt: bool
    bytes_left: int | None
    limit_text: str = ""
    retry_after: int | None = None

    @classmethod
    def unlimited(cls, user_id: uuid.UUID) -> UploadGrant:
        return cls(user_id=user_id, is_guest=False, exempt=True, bytes_left=None)

    def over_quota(self, size: int) -> QuotaExceeded:
        """The refusal of an upload of at least `size` bytes (more than `bytes_left`)."""
        return QuotaExceeded(
            f"{self.limit_text}: this upload is at least {_mib(size)}, "
            f"{_mib(self.bytes_left or 0)} are left",
            retry_after=self.retry_after,
        )


class UploadQuotas:
    def __init__(
        self,
        db: Database,
        limits: QuotaLimits,
        *,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.ledger = UploadLedger(db)
        self.limits = limits
        self._clock = clock
        self._purged_at = float("-inf")

    # --- reading ------------------------------------------------------------------------------

    def _window_start(self) -> dt.datetime:
        return self._clock() - dt.timedelta(seconds=self.limits.window_seconds)

    async def usage(self, user_id: uuid.UUID) -> Usage:
        """The user's uploads in the window and the bytes they keep stored."""
        return (await self.ledger.usage(user_id, self._window_start()))[1]

    # --- deciding -----------------------------------------------------------------------------

    def _seconds_until(self, usage: Usage, *, uploads: int = 0, bytes_: int = 0) -> int:
        """Seconds until at least `uploads` uploads and `bytes_` bytes have left the window."""
        freed_bytes = 0
        for freed_uploads, (created, size) in enumerate(usage.window, start=1):
            freed_bytes += size
            if freed_uploads >= uploads and freed_bytes >= bytes_:
                leaves = created + dt.timedelta(seconds=self.limits.window_seconds)
                return max(1, math.ceil((leaves - self._clock()).total_seconds()))
        return self.limits.window_seconds

    def _refusal(
        self,
        usage: Usage,
        allowance: Allowance,
        *,
        is_guest: bool,
        adding: int,
        already_kept: bool = False,
    ) -> QuotaExceeded | None:
        """Why an upload of `adding` bytes does not fit now, if it does not (`already_kept`:
        the user keeps this content already, so it adds nothing to what is stored)."""
        who, window = _who(is_guest), self.limits.window_seconds
        if not already_kept and usage.stored_bytes + adding > allowance.stored_bytes:
            return QuotaExceeded(
                f"{who} may keep {_mib(allowance.stored_bytes)} of uploads stored; "
                f"{_mib(usage.stored_bytes)} are, this upload is {_mib(adding)}: "
                "delete some to make room"
            )
        if usage.uploads_in_window + 1 > allowance.uploads_per_window:
            excess = usage.uploads_in_window + 1 - allowance.uploads_per_window
            return QuotaExceeded(
                f"{who} may upload {allowance.uploads_per_window} files per {window} s",
                retry_after=(
                    self._seconds_until(usage, uploads=excess)
                    if allowance.uploads_per_window > 0
                    else None
                ),
            )
        if usage.bytes_in_window + adding > allowance.bytes_per_window:
            excess = usage.bytes_in_window + adding - allowance.bytes_per_window
            return QuotaExceeded(
                f"{who} may upload {_mib(allowance.bytes_per_window)} per {window} s; "
                f"{_mib(usage.bytes_in_window)} used, this upload is {_mib(adding)}",
                retry_after=(
                    self._seconds_until(usage, bytes_=excess)
                    if adding <= allowance.bytes_per_window
                    else None
                ),
            )
        return None

    async def grant(self, user_id: uuid.UUID) -> UploadGrant:
        """Allow an upload by `user_id` to start (`QuotaExceeded` if nothing more fits)."""
        is_guest, usage = await self.ledger.usage(user_id, self._window_start())
        allowance = self.limits.for_caller(is_guest=is_guest)
        refusal = self._refusal(usage, allowance, is_guest=is_guest, adding=1)
        if refusal is not None:
            raise refusal
        window_left = allowance.bytes_per_window - usage.bytes_in_window
        stored_left = allowance.stored_bytes - usage.stored_bytes
        who = _who(is_guest)
        if stored_left <= window_left:
            return UploadGrant(
                user_id,
                is_guest,
                exempt=False,
                bytes_left=stored_left,
                limit_text=f"{who} may keep {_mib(allowance.stored_bytes)} of uploads stored "
                "(delete some to make room)",
            )
        return UploadGrant(
            user_id,
            is_guest,
            exempt=False,
            bytes_left=window_left,
            limit_text=f"{who} may upload {_mib(allowance.bytes_per_window)} "
            f"per {self.limits.window_seconds} s",
            # Waiting helps only if part of the window's allowance is in use.
            retry_after=self._seconds_until(usage, uploads=1) if usage.window else None,
        )

    async def admit(
        self, grant: UploadGrant, *, kind: str, media_hash: str, size: int
    ) -> uuid.UUID:
        """Count a received upload against the quotas and record it; its row's id."""

        def decide(is_guest: bool, usage: Usage, already_kept: bool) -> QuotaExceeded | None:
            return self._refusal(
                usage,
                self.limits.for_caller(is_guest=is_guest),
                is_guest=is_guest,
                adding=size,
                already_kept=already_kept,
            )

        upload = NewUpload(grant.user_id, kind, media_hash, size, created_at=self._clock())
        return await self.ledger.admit(
            upload, self._window_start(), decide, purge_removed_before=self._purge_before
        )

    # --- after the fact -----------------------------------------------------------------------

    async def refused(self, upload_id: uuid.UUID) -> None:
        """The upload was refused after it was admitted: it no longer counts as stored."""
        await self.ledger.mark_removed(upload_id)

    async def removed(self, kind: str, media_hash: str, user_id: uuid.UUID | None) -> None:
        """`user_id`'s uploads of this content were deleted (everyone's when None)."""
        await self.ledger.mark_content_removed(kind, media_hash, user_id)

    def _purge_before(self) -> dt.datetime | None:
        """Removed uploads that left the window are forgotten at most every few minutes: the
        moment before which they go, when it is time."""
        if time.monotonic() - self._purged_at < PURGE_EVERY_SECONDS:
            return None
        self._purged_at = time.monotonic()
        return self._window_start()
