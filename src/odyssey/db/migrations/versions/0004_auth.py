"""auth: token-bucket rate limits keyed per address, challenges remember the address that asked

Revision ID: 0004_auth
Revises: 0003_objects
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_auth"
down_revision = "0003_objects"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The fixed-window counters are replaced, not converted: a rate limit's state is worth a
    # minute at most.
    op.drop_table("auth_rate_limit")
    op.create_table(
        "auth_rate_bucket",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("tat", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_auth_rate_bucket")),
    )
    # A plain ADD COLUMN: SQLite need not rebuild the table.
    op.add_column(
        "auth_wallet_challenge", sa.Column("client_key", sa.String(length=64), nullable=True)
    )
    op.create_index(
        "ix_auth_wallet_challenge_wallet_client",
        "auth_wallet_challenge",
        ["wallet_key", "client_key"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_auth_wallet_challenge_wallet_client", table_name="auth_wallet_challenge")
    with op.batch_alter_table("auth_wallet_challenge") as batch:
        batch.drop_column("client_key")
    op.drop_table("auth_rate_bucket")
    op.create_table(
        "auth_rate_limit",
        sa.Column("bucket", sa.String(length=200), nullable=False),
        sa.Column("window_start", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "window_start", name=op.f("pk_auth_rate_limit")),
    )
