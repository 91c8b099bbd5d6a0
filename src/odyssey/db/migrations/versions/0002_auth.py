"""auth: signing keys, OAuth clients, login flows, codes, token families, challenges, rate limits

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _when(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(column: str, target: str, table: str) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column],
        [target],
        name=op.f(f"fk_{table}_{column}_{referred}"),
        onupdate="CASCADE",
        ondelete="CASCADE",
    )


def _index(table: str, column: str) -> None:
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "auth_signing_key",
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("algorithm", sa.String(length=16), nullable=False),
        sa.Column("private_jwk", JSON, nullable=False),
        _when("created_at"),
        _when("retired_at", nullable=True),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_auth_signing_key")),
    )
    op.create_table(
        "auth_client",
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("client_secret_hash", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("client_metadata", JSON, nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_auth_client")),
    )
    op.create_table(
        "auth_login_flow",
        sa.Column("flow_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_hash", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("params", JSON, nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("auth_method", sa.String(length=32), nullable=True),
        _when("auth_time", nullable=True),
        _when("expires_at"),
        _fk("client_id", "auth_client.client_id", "auth_login_flow"),
        _fk("user_id", "user.user_id", "auth_login_flow"),
        sa.PrimaryKeyConstraint("flow_hash", name=op.f("pk_auth_login_flow")),
    )
    _index("auth_login_flow", "expires_at")

    op.create_table(
        "auth_code",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("redirect_uri", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("nonce", sa.String(length=255), nullable=True),
        sa.Column("code_challenge", sa.String(length=128), nullable=False),
        sa.Column("code_challenge_method", sa.String(length=16), nullable=False),
        sa.Column("auth_method", sa.String(length=32), nullable=False),
        _when("auth_time"),
        _when("expires_at"),
        _when("used_at", nullable=True),
        sa.Column("family_id", sa.Uuid(), nullable=True),
        _fk("client_id", "auth_client.client_id", "auth_code"),
        _fk("user_id", "user.user_id", "auth_code"),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_auth_code")),
    )
    for column in ("client_id", "user_id", "expires_at"):
        _index("auth_code", column)

    op.create_table(
        "auth_token_family",
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=True),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("auth_method", sa.String(length=32), nullable=False),
        _when("auth_time"),
        _when("created_at"),
        _when("expires_at"),
        _when("revoked_at", nullable=True),
        _fk("client_id", "auth_client.client_id", "auth_token_family"),
        _fk("user_id", "user.user_id", "auth_token_family"),
        sa.PrimaryKeyConstraint("family_id", name=op.f("pk_auth_token_family")),
    )
    for column in ("client_id", "user_id", "expires_at"):
        _index("auth_token_family", column)

    op.create_table(
        "auth_refresh_token",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        _when("used_at", nullable=True),
        _fk("family_id", "auth_token_family.family_id", "auth_refresh_token"),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_auth_refresh_token")),
    )
    _index("auth_refresh_token", "family_id")

    op.create_table(
        "auth_revoked_token",
        sa.Column("jti", sa.String(length=64), nullable=False),
        _when("expires_at"),
        sa.PrimaryKeyConstraint("jti", name=op.f("pk_auth_revoked_token")),
    )
    _index("auth_revoked_token", "expires_at")

    op.create_table(
        "auth_wallet_challenge",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("wallet_key", sa.String(length=80), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_auth_wallet_challenge")),
    )
    _index("auth_wallet_challenge", "wallet_key")
    _index("auth_wallet_challenge", "expires_at")

    op.create_table(
        "auth_rate_limit",
        sa.Column("bucket", sa.String(length=200), nullable=False),
        sa.Column("window_start", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "window_start", name=op.f("pk_auth_rate_limit")),
    )


def downgrade() -> None:
    for table in (
        "auth_rate_limit",
        "auth_wallet_challenge",
        "auth_revoked_token",
        "auth_refresh_token",
        "auth_token_family",
        "auth_code",
        "auth_login_flow",
        "auth_client",
        "auth_signing_key",
    ):
        op.drop_table(table)
