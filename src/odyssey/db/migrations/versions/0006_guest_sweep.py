"""guest sweep: when each user was last seen, so idle guests are deleted whatever restarts

Revision ID: 0006_guest_sweep
Revises: 0005_media
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_guest_sweep"
down_revision = "0005_media"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain nullable ADD COLUMN: SQLite need not rebuild the table (the user table is the
    # target of many cascading foreign keys).
    op.add_column("user", sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
    # Nobody knows when existing users were last seen: every guest gets the full retention from
    # the upgrade on, so none that is still about is deleted by the first sweep.
    op.execute(sa.text('UPDATE "user" SET last_seen_at = CURRENT_TIMESTAMP'))
    op.create_index(
        "ix_user_is_guest_last_seen_at", "user", ["is_guest", "last_seen_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_user_is_guest_last_seen_at", table_name="user")
    op.drop_column("user", "last_seen_at")
