"""media: the upload quotas' ledger (one row per upload a user made)

Revision ID: 0005_media
Revises: 0004_auth
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_media"
down_revision = "0004_auth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media_upload",
        sa.Column("upload_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("media_hash", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.user_id"],
            name=op.f("fk_media_upload_user_id_user"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("upload_id", name=op.f("pk_media_upload")),
    )
    op.create_index("ix_media_upload_user_id_created_at", "media_upload", ["user_id", "created_at"])
    op.create_index("ix_media_upload_kind_media_hash", "media_upload", ["kind", "media_hash"])


def downgrade() -> None:
    op.drop_table("media_upload")
