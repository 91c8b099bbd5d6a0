"""The wallets' single-use sign-in challenges (`auth_wallet_challenge`), for `odyssey.auth.signin`.

A challenge is burnt in the same transaction as what its proof buys (`burn_then`), so it is good
once, across processes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy import delete, select, text

from odyssey.db.auth_tables import WalletChallenge
from odyssey.db.engine import Database, Transaction
from odyssey.db.tables import utcnow

T = TypeVar("T")


class WalletChallengeStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, challenge: WalletChallenge, *, purge_every_wallet: bool) -> None:
        """Store a challenge, first deleting the expired ones of its wallet (of every wallet
        with `purge_every_wallet`)."""
        async with self.db.write() as session:
            expired = delete(WalletChallenge).where(
                WalletChallenge.expires_at <= challenge.created_at
            )
            if not purge_every_wallet:
                expired = expired.where(WalletChallenge.wallet_key == challenge.wallet_key)
            await session.execute(expired)
            session.add(challenge)

    async def candidates(
        self, wallet_key: str, nonce: str | None, client_key: str | None, limit: int
    ) -> list[WalletChallenge]:
        """The newest `limit` challenges of the wallet (only `nonce`'s when given): those asked
        for from `client_key` first, then the others."""
        query = select(WalletChallenge).where(WalletChallenge.wallet_key == wallet_key)
        if nonce is not None:
            query = query.where(WalletChallenge.nonce == nonce)
        newest = WalletChallenge.created_at.desc()
        async with self.db.read() as session:
            rows: list[WalletChallenge] = []
            if client_key is not None:
                # Anyone may ask challenges for any wallet: the prover's own come first, so a
                # flood of challenges asked elsewhere cannot push them out of the candidates.
                own = query.where(WalletChallenge.client_key == client_key)
                rows = list(await session.scalars(own.order_by(newest).limit(limit)))
                query = query.where(
                    (WalletChallenge.client_key != client_key)
                    | WalletChallenge.client_key.is_(None)
                )
            if len(rows) < limit:
                others = query.order_by(newest).limit(limit - len(rows))
                rows += list(await session.scalars(others))
        return rows

    async def burn_then(
        self,
        wallet_key: str,
        nonce: str,
        then: Callable[[Transaction], Awaitable[T]],
        *,
        refused: Callable[[], Exception],
    ) -> T:
        """Burn the live challenge `nonce` and run `then(transaction)` in the same transaction;
        `refused()` is raised when the challenge was already used or has expired."""
        async with self.db.write() as session:
            if self.db.dialect == "postgresql":
                # One proof per wallet at a time: no two first sign-ins create two users.
                await session.execute(
                    text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                    {"key": "wallet:" + wallet_key},
                )
            burnt = await session.execute(
                delete(WalletChallenge).where(
                    WalletChallenge.nonce == nonce, WalletChallenge.expires_at > utcnow()
                )
            )
            if not getattr(burnt, "rowcount", 0):
                raise refused()
            return await then(session)
