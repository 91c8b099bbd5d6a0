"""The signing keys' rows (`auth_signing_key`): what `odyssey.auth.keys` loads, adds and drops."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update

from odyssey.db.auth_tables import SigningKey
from odyssey.db.engine import Database


class SigningKeyStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def all(self) -> Sequence[SigningKey]:
        async with self.db.read() as session:
            return (await session.scalars(select(SigningKey))).all()

    async def add(
        self,
        kid: str,
        algorithm: str,
        private_jwk: dict[str, Any],
        now: dt.datetime,
        *,
        retire_others: bool,
    ) -> None:
        """Store a new key, retiring the unretired ones first (in the same transaction) when
        `retire_others`."""
        async with self.db.write() as session:
            if retire_others:
                await session.execute(
                    update(SigningKey).where(SigningKey.retired_at.is_(None)).values(retired_at=now)
                )
            session.add(
                SigningKey(kid=kid, algorithm=algorithm, private_jwk=private_jwk, created_at=now)
            )

    async def drop_retired_before(self, cutoff: dt.datetime) -> None:
        async with self.db.write() as session:
            old = await session.scalars(
                select(SigningKey).where(
                    SigningKey.retired_at.is_not(None), SigningKey.retired_at < cutoff
                )
            )
            for row in old.all():
                await session.delete(row)
