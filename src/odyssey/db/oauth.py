"""The OAuth side's rows: registered clients, login flows and authorization codes, for
`odyssey.auth.oauth_store` (which validates, hashes and decides; this module stores and reads).

Flows and codes are keyed by the digests of their secrets; adding one first deletes the expired
ones, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import delete, select, update

from odyssey.db.auth_tables import AuthorizationCode, LoginFlow, OAuthClient
from odyssey.db.engine import Database
from odyssey.db.tables import utcnow


class OAuthRows:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- clients ------------------------------------------------------------------------------

    async def add_client(self, row: OAuthClient) -> bool:
        """Store a new client; False (and nothing stored) when its id is taken."""
        async with self.db.write() as session:
            if await session.get(OAuthClient, row.client_id) is not None:
                return False
            session.add(row)
        return True

    async def client(self, client_id: str) -> OAuthClient | None:
        async with self.db.read() as session:
            return await session.get(OAuthClient, client_id)

    # --- login flows --------------------------------------------------------------------------

    async def add_flow(self, row: LoginFlow, now: dt.datetime) -> None:
        async with self.db.write() as session:
            await session.execute(delete(LoginFlow).where(LoginFlow.expires_at <= now))
            session.add(row)

    async def flow(self, flow_hash: str) -> LoginFlow | None:
        async with self.db.read() as session:
            return await session.get(LoginFlow, flow_hash)

    async def complete_login(self, flow_hash: str, user_id: uuid.UUID, auth_method: str) -> None:
        async with self.db.write() as session:
            await session.execute(
                update(LoginFlow)
                .where(LoginFlow.flow_hash == flow_hash)
                .values(user_id=user_id, auth_method=auth_method, auth_time=utcnow())
            )

    async def delete_flow(self, flow_hash: str) -> bool:
        """Delete the flow; True for the one call that did."""
        async with self.db.write() as session:
            result = await session.execute(
                delete(LoginFlow).where(LoginFlow.flow_hash == flow_hash)
            )
        return bool(getattr(result, "rowcount", 0))

    # --- authorization codes ------------------------------------------------------------------

    async def add_code(self, row: AuthorizationCode, now: dt.datetime) -> None:
        async with self.db.write() as session:
            await session.execute(
                delete(AuthorizationCode).where(AuthorizationCode.expires_at <= now)
            )
            session.add(row)

    async def code(self, code_hash: str) -> AuthorizationCode | None:
        async with self.db.read() as session:
            return await session.get(AuthorizationCode, code_hash)

    async def consume_code(self, code_hash: str, family_id: uuid.UUID) -> bool:
        """Mark the code used, atomically; False when another exchange got there first."""
        async with self.db.write() as session:
            result = await session.execute(
                update(AuthorizationCode)
                .where(
                    AuthorizationCode.code_hash == code_hash,
                    AuthorizationCode.used_at.is_(None),
                    AuthorizationCode.expires_at > utcnow(),
                )
                .values(used_at=utcnow(), family_id=family_id)
            )
        return bool(getattr(result, "rowcount", 0))

    async def nonce_used(self, client_id: str, nonce: str) -> bool:
        async with self.db.read() as session:
            found = await session.scalar(
                select(AuthorizationCode.code_hash)
                .where(AuthorizationCode.client_id == client_id, AuthorizationCode.nonce == nonce)
                .limit(1)
            )
        return found is not None
