"""The media manager's table (`odyssey.media`), on the shared `odyssey.db.tables.Base` metadata.

`media_upload` is the ledger of the upload quotas (`odyssey.media.quotas`): one row per upload a
user made, kept in the database so every process of the node counts the same uploads and a
restart forgets none.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from odyssey.db.tables import Base, cascade_fk, utcnow


class MediaUpload(Base):
    """One upload: who, what (kind and hash), how many bytes were received, and when.

    `removed` is set when the upload did not end as stored content (refused after its bytes were
    received) or was deleted since: it still counts toward the per-window quotas (the node did
    receive and check those bytes) but no longer toward the bytes the user keeps stored.
    """

    __tablename__ = "media_upload"
    __table_args__ = (
        Index("ix_media_upload_user_id_created_at", "user_id", "created_at"),
        Index("ix_media_upload_kind_media_hash", "kind", "media_hash"),
    )
    upload_id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(cascade_fk("user.user_id"))
    kind: Mapped[str] = mapped_column(String(16))
    media_hash: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    removed: Mapped[bool] = mapped_column(default=False)
