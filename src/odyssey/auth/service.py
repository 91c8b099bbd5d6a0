"""The sign-in service: one object the API, the controller, the OIDC routes and the CLI share.

`verify_token` is the node's only token verifier. The rest composes the parts: signing keys,
tokens, identity providers (guest and wallets), rate limits and the OAuth storage.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from odyssey.auth.keys import SigningKeys
from odyssey.auth.limits import SignInLimits
from odyssey.auth.oauth_store import OAuthStore
from odyssey.auth.signin import SignIn, WalletUser
from odyssey.auth.tokens import (
    API_SCOPE,
    FIRST_PARTY_SCOPE,
    SIGNED_OUT,
    Grant,
    Identity,
    IssuedTokens,
    TokenService,
)
from odyssey.auth.wallets import Network
from odyssey.bus import Bus
from odyssey.config import Settings
from odyssey.core.ids import new_id
from odyssey.db import tables as t
from odyssey.db.engine import Database, Transaction
from odyssey.db.tables import utcnow
from odyssey.db.users import UserStore

if TYPE_CHECKING:
    from odyssey.auth.oauth import NodeAuthorizationServer


@dataclass(frozen=True, slots=True)
class GuestSignIn:
    user: t.User
    tokens: IssuedTokens


class AuthService:
    def __init__(self, settings: Settings, db: Database, bus: Bus, users: UserStore) -> None:
        self.settings = settings
        self.db = db
        self.users = users
        self.keys = SigningKeys(
            db,
            algorithm=settings.auth_signing_algorithm,
            token_lifetime=settings.auth_access_token_ttl,
        )
        self.tokens = TokenService(settings, db, self.keys, bus)
        self.signin = SignIn(settings, db, bus, users)
        self.limits = SignInLimits(settings, db)
        self.oauth = OAuthStore(
            db, self.tokens, code_ttl=settings.auth_code_ttl, login_ttl=settings.auth_login_ttl
        )

    @property
    def issuer(self) -> str:
        return self.settings.resolved_auth_issuer

    @cached_property
    def oauth_server(self) -> NodeAuthorizationServer:
        """Authlib's server, wired to this service (built on first use; it holds no state)."""
        from odyssey.auth.oauth import NodeAuthorizationServer

        return NodeAuthorizationServer(self)

    # --- verification -------------------------------------------------------------------------

    async def verify_token(self, token: str, *, scope: str | None = API_SCOPE) -> Identity:
        """Verify an access token for the API or the controller. Raises TokenRejected (401)."""
        return await self.tokens.verify_token(token, scope=scope)

    # --- the /api/v4/auth sign-ins ------------------------------------------------------------

    def _first_party_grant(self, user_id: uuid.UUID, *, is_guest: bool, method: str) -> Grant:
        return Grant(
            user_id=user_id,
            is_guest=is_guest,
            family_id=new_id(),
            client_id=None,
            scope=FIRST_PARTY_SCOPE,
            auth_method=method,
            auth_time=utcnow(),
        )

    async def sign_in_guest(self) -> GuestSignIn:
        user = await self.signin.create_guest()
        grant = self._first_party_grant(user.user_id, is_guest=True, method="guest")
        await self.keys.ready()
        async with self.db.write() as session:
            tokens = await self.tokens.issue_first_party(session, grant)
        await self.tokens.purge_expired()
        return GuestSignIn(user=user, tokens=tokens)

    async def sign_in_wallet(
        self,
        wallet: str,
        signature: str,
        network: Network,
        *,
        message: str | None = None,
        client_address: str | None = None,
    ) -> IssuedTokens:
        async def issue(session: Transaction, user: WalletUser) -> IssuedTokens:
            grant = self._first_party_grant(user.user_id, is_guest=False, method=network.value)
            return await self.tokens.issue_first_party(session, grant)

        await self.keys.ready()
        tokens = await self.signin.sign_in_with_wallet(
            wallet, signature, network, message=message, then=issue, client_address=client_address
        )
        await self.tokens.purge_expired()
        return tokens

    async def refresh(self, refresh_token: str) -> IssuedTokens:
        """Rotate a refresh token of the /api/v4/auth routes, within the sign-in's own rate
        (checked before the token is used up, so a refused refresh can be retried)."""
        found = await self.tokens.lookup_refresh_token(refresh_token)
        if found is not None:
            await self.limits.refresh_of_sign_in(found[1].family_id)
        return await self.tokens.refresh_first_party(refresh_token)

    async def sign_out(self, identity: Identity) -> None:
        """End the sign-in the token belongs to: every token of it is refused from now on."""
        await self.tokens.revoke_family(identity.session_id, reason=SIGNED_OUT)
