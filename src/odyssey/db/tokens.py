"""The rows of sign-ins (`TokenFamily`), refresh tokens and revoked access tokens, for
`odyssey.auth.tokens` (which mints, verifies and decides; this module only stores and reads).

Functions taking a `Transaction` write in the caller's transaction (a sign-in's user, its
challenge and its tokens commit together); the `TokenStore` methods are transactions of their own.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, exists, select, update

from odyssey.db import tables as t
from odyssey.db.auth_tables import RefreshToken, RevokedToken, TokenFamily
from odyssey.db.engine import Database, Transaction
from odyssey.db.sql import insert_if_missing
from odyssey.db.tables import aware, utcnow


@dataclass(frozen=True, slots=True)
class NewFamily:
    """A sign-in to record: its user, client, scope and how and when the user signed in."""

    family_id: uuid.UUID
    user_id: uuid.UUID
    client_id: str | None
    scope: str
    auth_method: str
    auth_time: dt.datetime


@dataclass(frozen=True, slots=True)
class Liveness:
    """What the database says of an access token: its `jti` revoked, its sign-in's revocation
    time, whether the sign-in and the user still exist."""

    token_revoked: bool
    family_revoked_at: dt.datetime | None
    family_exists: bool
    user_exists: bool


async def start_family(session: Transaction, family: NewFamily, expires_at: dt.datetime) -> None:
    """Record the sign-in, once (a second call for the same family changes nothing)."""
    await session.execute(
        insert_if_missing(
            session,
            TokenFamily,
            {
                "family_id": family.family_id,
                "user_id": family.user_id,
                "client_id": family.client_id,
                "scope": family.scope,
                "auth_method": family.auth_method,
                "auth_time": family.auth_time,
                "created_at": utcnow(),
                "expires_at": expires_at,
            },
        )
    )


async def add_refresh_token(
    session: Transaction, family_id: uuid.UUID, token_hash: str, expires_at: dt.datetime
) -> None:
    """A refresh token of the sign-in; it expires with the sign-in (`expires_at` when the
    sign-in is not there)."""
    family = await session.get(TokenFamily, family_id)
    session.add(
        RefreshToken(
            token_hash=token_hash,
            family_id=family_id,
            created_at=utcnow(),
            expires_at=aware(family.expires_at) if family else expires_at,
        )
    )


async def mark_seen(session: Transaction, user_id: uuid.UUID) -> None:
    """A new access token was issued to the user: it was seen now (the guest sweep keeps it
    for the retention, which is never shorter than the token's lifetime)."""
    await session.execute(
        update(t.User)
        .where(t.User.user_id == user_id)
        .values(last_seen_at=utcnow(), updated_at=t.User.updated_at)
    )


class TokenStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def liveness(self, jti: str, family_id: uuid.UUID, user_id: uuid.UUID) -> Liveness:
        """One read: is the token, its sign-in and its user still good."""
        async with self.db.read() as session:
            row = (
                await session.execute(
                    select(
                        exists().where(RevokedToken.jti == jti),
                        select(TokenFamily.revoked_at)
                        .where(TokenFamily.family_id == family_id)
                        .scalar_subquery(),
                        exists().where(TokenFamily.family_id == family_id),
                        exists().where(t.User.user_id == user_id),
                    )
                )
            ).one()
        return Liveness(bool(row[0]), row[1], bool(row[2]), bool(row[3]))

    async def refresh_token(self, token_hash: str) -> tuple[RefreshToken, TokenFamily] | None:
        """The stored refresh token and its sign-in, whatever their state."""
        async with self.db.read() as session:
            found = (
                await session.execute(
                    select(RefreshToken, TokenFamily)
                    .join(TokenFamily, TokenFamily.family_id == RefreshToken.family_id)
                    .where(RefreshToken.token_hash == token_hash)
                )
            ).one_or_none()
        return None if found is None else (found[0], found[1])

    async def consume_refresh_token(self, token_hash: str) -> bool:
        """Mark a refresh token used, atomically: True for the one call that did."""
        async with self.db.write() as session:
            result = await session.execute(
                update(RefreshToken)
                .where(RefreshToken.token_hash == token_hash, RefreshToken.used_at.is_(None))
                .values(used_at=utcnow())
            )
        return bool(getattr(result, "rowcount", 0))

    async def is_guest(self, user_id: uuid.UUID) -> bool | None:
        """Whether the user is a guest; None when there is no such user."""
        async with self.db.read() as session:
            user = await session.get(t.User, user_id)
        return None if user is None else user.is_guest

    async def family_and_guest(self, family_id: uuid.UUID) -> tuple[TokenFamily, bool] | None:
        """The sign-in and whether its user is a guest."""
        async with self.db.read() as session:
            found = (
                await session.execute(
                    select(TokenFamily, t.User.is_guest)
                    .join(t.User, t.User.user_id == TokenFamily.user_id)
                    .where(TokenFamily.family_id == family_id)
                )
            ).one_or_none()
        return None if found is None else (found[0], bool(found[1]))

    async def save_tokens(
        self,
        family: NewFamily,
        expires_at: dt.datetime,
        refresh_token_hash: str | None,
    ) -> None:
        """In one transaction: the sign-in (once), a refresh token of it, the user seen."""
        async with self.db.write() as session:
            await start_family(session, family, expires_at)
            if refresh_token_hash is not None:
                await add_refresh_token(session, family.family_id, refresh_token_hash, expires_at)
            await mark_seen(session, family.user_id)

    async def add_refresh_token(
        self, family_id: uuid.UUID, user_id: uuid.UUID, token_hash: str, expires_at: dt.datetime
    ) -> None:
        """In one transaction: a new refresh token of the sign-in, its user seen."""
        async with self.db.write() as session:
            await add_refresh_token(session, family_id, token_hash, expires_at)
            await mark_seen(session, user_id)

    async def purge(self, now: dt.datetime, families_expired_before: dt.datetime) -> None:
        """Drop the revocations past their token's expiry, and sign-ins expired before."""
        async with self.db.write() as session:
            await session.execute(delete(RevokedToken).where(RevokedToken.expires_at < now))
            await session.execute(
                delete(TokenFamily).where(TokenFamily.expires_at < families_expired_before)
            )

    async def revoke_access_token(self, jti: str, expires_at: dt.datetime) -> None:
        async with self.db.write() as session:
            await session.execute(
                insert_if_missing(session, RevokedToken, {"jti": jti, "expires_at": expires_at})
            )

    async def revoke_family(self, family_id: uuid.UUID) -> uuid.UUID | None:
        """End a sign-in; its user's id when this call ended it (None if it already was)."""
        async with self.db.write() as session:
            return (
                await session.execute(
                    update(TokenFamily)
                    .where(TokenFamily.family_id == family_id, TokenFamily.revoked_at.is_(None))
                    .values(revoked_at=utcnow())
                    .returning(TokenFamily.user_id)
                )
            ).scalar_one_or_none()
