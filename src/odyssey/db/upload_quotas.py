"""The ledger of the upload quotas (`media_upload`, one row per upload; `odyssey.media.quotas`
decides what fits). Admitting an upload is one transaction that holds the user's row locked
(PostgreSQL; SQLite's writes are exclusive, across processes too): count, decide, record, so
concurrent uploads of one user cannot all slip under a limit."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from odyssey.core.errors import QuotaExceeded
from odyssey.db.engine import Database
from odyssey.db.media_tables import MediaUpload
from odyssey.db.tables import aware
from odyssey.db.users import is_guest_or_gone


@dataclass(frozen=True, slots=True)
class Usage:
    """One user's uploads: in the window (count, bytes, each upload's time and size, oldest
    first) and the bytes kept stored."""

    uploads_in_window: int
    bytes_in_window: int
    stored_bytes: int
    window: tuple[tuple[dt.datetime, int], ...]


@dataclass(frozen=True, slots=True)
class NewUpload:
    user_id: uuid.UUID
    kind: str
    media_hash: str
    size: int
    created_at: dt.datetime


#: Decides whether an upload fits: (is the user a guest (or gone), their usage, do they keep this
#: content already) -> the refusal, or None.
Decision = Callable[[bool, Usage, bool], QuotaExceeded | None]


async def usage(session: AsyncSession, user_id: uuid.UUID, since: dt.datetime) -> Usage:
    rows = (
        await session.execute(
            select(MediaUpload.created_at, MediaUpload.size)
            .where(MediaUpload.user_id == user_id, MediaUpload.created_at > since)
            .order_by(MediaUpload.created_at)
        )
    ).all()
    window = tuple((aware(created), int(size)) for created, size in rows)
    kept = (
        select(MediaUpload.kind, MediaUpload.media_hash, MediaUpload.size)
        .where(MediaUpload.user_id == user_id, MediaUpload.removed.is_(False))
        .distinct()
        .subquery()
    )
    stored = await session.scalar(select(func.coalesce(func.sum(kept.c.size), 0)))
    return Usage(
        uploads_in_window=len(window),
        bytes_in_window=sum(size for _created, size in window),
        stored_bytes=int(stored or 0),
        window=window,
    )


class UploadLedger:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def usage(self, user_id: uuid.UUID, since: dt.datetime) -> tuple[bool, Usage]:
        """Whether the user is a guest (or gone), and their uploads since `since`."""
        async with self.db.read() as session:
            is_guest = await is_guest_or_gone(session, user_id, lock=False)
            return is_guest, await usage(session, user_id, since)

    async def admit(
        self,
        upload: NewUpload,
        since: dt.datetime,
        decide: Decision,
        *,
        purge_removed_before: Callable[[], dt.datetime | None] | None = None,
    ) -> uuid.UUID:
        """Count, decide and record an upload in one transaction (the decision's refusal is
        raised and nothing is recorded); its row's id. Once it is recorded,
        `purge_removed_before()` may name a moment: removed uploads older than that are
        forgotten in the same transaction."""
        upload_id = uuid.uuid4()
        async with self.db.write() as session:
            is_guest = await is_guest_or_gone(session, upload.user_id, lock=True)
            current = await usage(session, upload.user_id, since)
            already_kept = await session.scalar(
                select(MediaUpload.upload_id)
                .where(
                    MediaUpload.user_id == upload.user_id,
                    MediaUpload.kind == upload.kind,
                    MediaUpload.media_hash == upload.media_hash,
                    MediaUpload.removed.is_(False),
                )
                .limit(1)
            )
            refusal = decide(is_guest, current, already_kept is not None)
            if refusal is not None:
                raise refusal
            session.add(
                MediaUpload(
                    upload_id=upload_id,
                    user_id=upload.user_id,
                    kind=upload.kind,
                    media_hash=upload.media_hash,
                    size=upload.size,
                    created_at=upload.created_at,
                    removed=False,
                )
            )
            before = purge_removed_before() if purge_removed_before is not None else None
            if before is not None:
                await session.execute(
                    delete(MediaUpload).where(
                        MediaUpload.removed.is_(True), MediaUpload.created_at < before
                    )
                )
        return upload_id

    async def mark_removed(self, upload_id: uuid.UUID) -> None:
        async with self.db.write() as session:
            await session.execute(
                update(MediaUpload).where(MediaUpload.upload_id == upload_id).values(removed=True)
            )

    async def mark_content_removed(
        self, kind: str, media_hash: str, user_id: uuid.UUID | None
    ) -> None:
        """`user_id`'s uploads of this content are removed (everyone's when None)."""
        condition = (MediaUpload.kind == kind) & (MediaUpload.media_hash == media_hash)
        if user_id is not None:
            condition &= MediaUpload.user_id == user_id
        async with self.db.write() as session:
            await session.execute(update(MediaUpload).where(condition).values(removed=True))
