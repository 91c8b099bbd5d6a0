"""Tables of the authorization server (`odyssey.auth`), on the shared `Base` metadata.

Secrets are never stored in the clear where a hash will do: client secrets, authorization codes,
refresh tokens and login-flow ids are kept as SHA-256 hex digests (they are long random strings,
so a plain hash is enough). The signing keys are the exception: a private key has to be usable.
No API reads any of these tables; migrations 0002 and 0004_auth create them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Double, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from odyssey.db.tables import Base, cascade_fk, utcnow


class SigningKey(Base):
    """A key pair that signs tokens. The newest unretired key signs; retired keys still verify
    until every token they signed has expired, then they are dropped."""

    __tablename__ = "auth_signing_key"
    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(16))
    private_jwk: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[dt.datetime | None]


class OAuthClient(Base):
    """An application whose users may sign in with this node (`odyssey admin create-client`)."""

    __tablename__ = "auth_client"
    client_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    client_secret_hash: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    # Lists (redirect URIs, grant types...) and flags, as one JSON object.
    client_metadata: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LoginFlow(Base):
    """An authorization request waiting for the login and consent pages (Hydra's login_challenge).

    `csrf_hash` binds the flow to the browser that started it (a cookie set by /oauth2/auth).
    """

    __tablename__ = "auth_login_flow"
    flow_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    csrf_hash: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[str] = mapped_column(cascade_fk("auth_client.client_id"))
    params: Mapped[dict[str, Any]]
    user_id: Mapped[uuid.UUID | None] = mapped_column(cascade_fk("user.user_id"))
    auth_method: Mapped[str | None] = mapped_column(String(32))
    auth_time: Mapped[dt.datetime | None]
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)


class AuthorizationCode(Base):
    __tablename__ = "auth_code"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(cascade_fk("auth_client.client_id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(cascade_fk("user.user_id"), index=True)
    redirect_uri: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text, default="")
    nonce: Mapped[str | None] = mapped_column(String(255))
    code_challenge: Mapped[str] = mapped_column(String(128))
    code_challenge_method: Mapped[str] = mapped_column(String(16))
    auth_method: Mapped[str] = mapped_column(String(32))
    auth_time: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    # Set when the code is exchanged; a second exchange revokes what the first one issued.
    used_at: Mapped[dt.datetime | None]
    family_id: Mapped[uuid.UUID | None]


class TokenFamily(Base):
    """One sign-in: the access tokens (claim `sid`) and the chain of refresh tokens it produced.

    Revoking the family (logout, refresh-token reuse, revocation of a refresh token) refuses every
    token of it at once. `client_id` is NULL for the node's own /api/v4/auth routes.
    """

    __tablename__ = "auth_token_family"
    family_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(cascade_fk("user.user_id"), index=True)
    client_id: Mapped[str | None] = mapped_column(cascade_fk("auth_client.client_id"), index=True)
    scope: Mapped[str] = mapped_column(Text, default="")
    auth_method: Mapped[str] = mapped_column(String(32))
    auth_time: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    revoked_at: Mapped[dt.datetime | None]


class RefreshToken(Base):
    __tablename__ = "auth_refresh_token"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    family_id: Mapped[uuid.UUID] = mapped_column(
        cascade_fk("auth_token_family.family_id"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    # Set when exchanged for a new one (rotation); presenting it again revokes the family.
    used_at: Mapped[dt.datetime | None]


class RevokedToken(Base):
    """A revoked access token, by `jti`, kept until it would have expired anyway."""

    __tablename__ = "auth_revoked_token"
    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)


class WalletChallenge(Base):
    """A single-use sign-in challenge for one wallet. `nonce` is the random part of the text."""

    __tablename__ = "auth_wallet_challenge"
    __table_args__ = (Index("ix_auth_wallet_challenge_wallet_client", "wallet_key", "client_key"),)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The wallet lower-cased: lookups are case-insensitive.
    wallet_key: Mapped[str] = mapped_column(String(80), index=True)
    # A digest of the address that asked for it: a proof is tried against the challenges its
    # own address asked for first, so challenges others ask for the wallet cannot crowd it out.
    client_key: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)


class RateBucket(Base):
    """A token bucket of the sign-in rate limits (`odyssey.auth.ratelimit`), shared by every
    process: `tat` is when the bucket is full again (seconds since the epoch)."""

    __tablename__ = "auth_rate_bucket"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    tat: Mapped[float] = mapped_column(Double)
