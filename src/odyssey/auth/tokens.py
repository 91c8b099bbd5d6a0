"""Access tokens: issue, verify, refresh and revoke. `verify_token` is the node's one verifier.

An access token is a JWT (RFC 9068 profile, header `typ: at+jwt`) signed with the node's current
signing key (`odyssey.auth.keys`). Claims: `iss`, `sub` (user UUID), `aud` (this node's API and
controller), `iat`, `exp`, `jti`, `client_id`, `scope`, `sid` (the sign-in it belongs to, a
`TokenFamily`) and `guest`.

Verification checks, in order: the compact form, `typ`, a known `kid`, the signature with that
key's own algorithm (so `alg: none`, HMAC with a public key, or a swapped algorithm never pass),
the time claims with a small leeway, issuer, audience, the claim types, the required scope, and
then one database read: the `jti` not revoked, the sign-in not revoked, the user still there.

Every revocation is also published on the bus (`SignInEnded`), so the real-time controller closes
the `/posbus` connections that authenticated with what was revoked at once, in this process or
(once the bus is MQTT) any other: a connection checks its token only at the handshake.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError

from odyssey.auth.common import aware, digest, new_secret
from odyssey.auth.errors import AuthError, TokenRejected
from odyssey.auth.keys import SigningKeys
from odyssey.bus import Bus, SignInEnded
from odyssey.config import Settings
from odyssey.db import tokens as stored
from odyssey.db.auth_tables import RefreshToken, TokenFamily
from odyssey.db.engine import Database, Transaction
from odyssey.db.tables import utcnow
from odyssey.db.tokens import NewFamily, TokenStore

ACCESS_TOKEN_TYPE = "at+jwt"
API_SCOPE = "api"
# `client_id` of tokens issued by the node's own /api/v4/auth routes.
FIRST_PARTY_CLIENT_ID = "odyssey"
FIRST_PARTY_SCOPE = "openid profile api"
PURGE_EVERY_SECONDS = 300.0
SIGNED_OUT = "signed out"
REUSED_REFRESH_TOKEN = "refresh token used twice: the sign-in is revoked"


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a verified access token speaks for."""

    user_id: uuid.UUID
    is_guest: bool
    client_id: str
    scopes: frozenset[str]
    session_id: uuid.UUID
    token_id: str
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Grant:
    """One sign-in of a user, the unit that refresh tokens extend and logout revokes."""

    user_id: uuid.UUID
    is_guest: bool
    family_id: uuid.UUID
    client_id: str | None
    scope: str
    auth_method: str
    auth_time: dt.datetime


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    access_token: str
    expires_in: int
    refresh_token: str | None
    scope: str


_LIVENESS_CACHE_SIZE = 50_000


class TokenService:
    def __init__(self, settings: Settings, db: Database, keys: SigningKeys, bus: Bus) -> None:
        self.store = TokenStore(db)
        self.keys = keys
        self.bus = bus
        self.issuer = settings.resolved_auth_issuer
        self.audience = settings.resolved_auth_audience
        self.access_ttl = settings.auth_access_token_ttl
        self.refresh_ttl = dt.timedelta(seconds=settings.auth_refresh_token_ttl)
        self.leeway = settings.auth_clock_skew
        self._purged_at = float("-inf")
        # jti -> when the database last confirmed the token live (not revoked, user exists).
        # Within `auth_liveness_cache_seconds` a token is trusted without that round trip;
        # every revocation made by this process clears the cache at once, so only a revocation
        # made by another process can take up to that long to be seen here.
        self.liveness_ttl = settings.auth_liveness_cache_seconds
        self._confirmed_live: dict[str, float] = {}

    # --- issuing ------------------------------------------------------------------------------

    def sign_access_token(self, grant: Grant, scope: str) -> str:
        """A signed access token for `grant` (synchronous; call `keys.ready()` first)."""
        signer = self.keys.signer()
        now = int(utcnow().timestamp())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": str(grant.user_id),
            "aud": self.audience,
            "iat": now,
            "exp": now + self.access_ttl,
            "jti": secrets.token_urlsafe(16),
            "client_id": grant.client_id or FIRST_PARTY_CLIENT_ID,
            "scope": scope,
            "sid": str(grant.family_id),
            "guest": grant.is_guest,
        }
        header = {"alg": signer.algorithm, "kid": signer.kid, "typ": ACCESS_TOKEN_TYPE}
        return jwt.encode(header, claims, signer.key, algorithms=[signer.algorithm])

    async def start_family(self, session: Transaction, grant: Grant) -> None:
        await stored.start_family(session, new_family(grant), utcnow() + self.refresh_ttl)

    async def add_refresh_token(
        self, session: Transaction, family_id: uuid.UUID, refresh_token: str
    ) -> None:
        await stored.add_refresh_token(
            session, family_id, digest(refresh_token), utcnow() + self.refresh_ttl
        )

    async def issue_first_party(self, session: Transaction, grant: Grant) -> IssuedTokens:
        """Tokens of the /api/v4/auth routes, written in the caller's transaction.

        Call `keys.ready()` before opening that transaction (loading may write the first key).
        """
        await self.start_family(session, grant)
        refresh_token = new_secret()
        await self.add_refresh_token(session, grant.family_id, refresh_token)
        return IssuedTokens(
            access_token=self.sign_access_token(grant, grant.scope),
            expires_in=self.access_ttl,
            refresh_token=refresh_token,
            scope=grant.scope,
        )

    # --- verifying ----------------------------------------------------------------------------

    async def decode(self, token: str) -> dict[str, Any]:
        """Signature and claims of an access token, without the database checks."""
        if not isinstance(token, str) or token.count(".") != 2 or len(token) > 8192:
            raise TokenRejected("not a JSON Web Token")
        try:
            header = jws.extract_compact(token.encode("ascii")).headers()
        except (JoseError, UnicodeEncodeError, ValueError):
            raise TokenRejected("malformed token") from None
        if header.get("typ") != ACCESS_TOKEN_TYPE:
            raise TokenRejected("not an access token (typ must be at+jwt)")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise TokenRejected("the token names no signing key")
        await self.keys.ready()
        key = self.keys.get(kid)
        if key is None:
            await self.keys.reload_for_unknown_kid()
            key = self.keys.get(kid)
        if key is None:
            raise TokenRejected("the token was signed by an unknown or expired key")
        if header.get("alg") != key.algorithm:
            raise TokenRejected(f"algorithm {header.get('alg')!r} is not this key's")
        try:
            claims = dict(jwt.decode(token, key.key, algorithms=[key.algorithm]).claims)
            jwt.JWTClaimsRegistry(
                leeway=self.leeway,
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.audience},
                sub={"essential": True},
                exp={"essential": True},
                iat={"essential": True},
                jti={"essential": True},
            ).validate(claims)
        except JoseError as error:
            raise TokenRejected(f"invalid token: {error.description or error.error}") from None
        for name, kind in (("sid", str), ("client_id", str), ("scope", str), ("guest", bool)):
            if not isinstance(claims.get(name), kind):
                raise TokenRejected(f"invalid token: claim {name!r} missing or mistyped")
        return claims

    async def verify_token(self, token: str, *, scope: str | None = API_SCOPE) -> Identity:
        """The one verifier of the API and the controller. Raises TokenRejected (401).

        `scope` is the scope the token must carry (`api` for the API and the controller,
        `openid` for userinfo, None for any).
        """
        claims = await self.decode(token)
        try:
            user_id = uuid.UUID(claims["sub"])
            session_id = uuid.UUID(claims["sid"])
        except ValueError:
            raise TokenRejected("invalid token: sub and sid must be UUIDs") from None
        scopes = frozenset(claims["scope"].split())
        if scope is not None and scope not in scopes:
            raise TokenRejected(f"the token lacks the {scope!r} scope")
        identity = Identity(
            user_id=user_id,
            is_guest=claims["guest"],
            client_id=claims["client_id"],
            scopes=scopes,
            session_id=session_id,
            token_id=claims["jti"],
            expires_at=dt.datetime.fromtimestamp(claims["exp"], dt.UTC),
        )
        confirmed_at = self._confirmed_live.get(claims["jti"])
        now = time.monotonic()
        if confirmed_at is not None and now - confirmed_at < self.liveness_ttl:
            return identity
        live = await self.store.liveness(claims["jti"], session_id, user_id)
        if live.token_revoked or live.family_revoked_at is not None:
            raise TokenRejected("the token has been revoked")
        if not live.family_exists:
            raise TokenRejected("the token belongs to no sign-in of this node")
        if not live.user_exists:
            raise TokenRejected("the token's user no longer exists")
        if len(self._confirmed_live) >= _LIVENESS_CACHE_SIZE:
            self._confirmed_live.clear()
        self._confirmed_live[claims["jti"]] = now
        return identity

    # --- refresh ------------------------------------------------------------------------------

    async def lookup_refresh_token(
        self, refresh_token: str
    ) -> tuple[RefreshToken, TokenFamily] | None:
        """The stored refresh token and its sign-in, whatever their state."""
        if not isinstance(refresh_token, str) or not 16 <= len(refresh_token) <= 512:
            return None
        return await self.store.refresh_token(digest(refresh_token))

    async def find_refresh_token(self, refresh_token: str) -> tuple[RefreshToken, TokenFamily]:
        """The live refresh token and its sign-in. Presenting a used one revokes the sign-in."""
        found = await self.lookup_refresh_token(refresh_token)
        if found is None:
            raise AuthError("invalid_refresh_token", "unknown refresh token")
        token, family = found
        if token.used_at is not None:
            await self.revoke_family(family.family_id, reason=REUSED_REFRESH_TOKEN)
            raise AuthError(
                "invalid_refresh_token",
                "refresh token already used: the whole sign-in is revoked",
            )
        if family.revoked_at is not None:
            raise AuthError("invalid_refresh_token", "the sign-in has been revoked")
        if aware(token.expires_at) <= utcnow():
            raise AuthError("invalid_refresh_token", "refresh token expired")
        return token, family

    async def consume_refresh_token(self, token_hash: str, family_id: uuid.UUID) -> None:
        """Mark a refresh token used, atomically: of two concurrent uses only one wins, and the
        loser revokes the sign-in (someone else holds a copy of the token)."""
        if not await self.store.consume_refresh_token(token_hash):
            await self.revoke_family(family_id, reason=REUSED_REFRESH_TOKEN)
            raise AuthError(
                "invalid_refresh_token",
                "refresh token already used: the whole sign-in is revoked",
            )

    async def refresh_first_party(self, refresh_token: str) -> IssuedTokens:
        """Rotate a refresh token of the /api/v4/auth routes."""
        token, family = await self.find_refresh_token(refresh_token)
        if family.client_id is not None:
            raise AuthError(
                "invalid_refresh_token", "this refresh token belongs to an OAuth client"
            )
        await self.consume_refresh_token(token.token_hash, family.family_id)
        is_guest = await self.store.is_guest(family.user_id)
        if is_guest is None:
            raise AuthError("invalid_refresh_token", "the user no longer exists")
        grant = grant_of(family, is_guest=is_guest)
        await self.keys.ready()
        new_refresh = new_secret()
        await self.store.add_refresh_token(
            family.family_id, family.user_id, digest(new_refresh), utcnow() + self.refresh_ttl
        )
        return IssuedTokens(
            access_token=self.sign_access_token(grant, grant.scope),
            expires_in=self.access_ttl,
            refresh_token=new_refresh,
            scope=grant.scope,
        )

    async def grant_of_family(self, family_id: uuid.UUID) -> Grant | None:
        found = await self.store.family_and_guest(family_id)
        if found is None:
            return None
        family, is_guest = found
        return grant_of(family, is_guest=bool(is_guest))

    async def save_oauth_tokens(self, grant: Grant, refresh_token: str | None) -> None:
        """Record what the token endpoint issued: the sign-in (once) and the refresh token."""
        await self.store.save_tokens(
            new_family(grant),
            utcnow() + self.refresh_ttl,
            None if refresh_token is None else digest(refresh_token),
        )
        await self.purge_expired()

    # --- housekeeping -------------------------------------------------------------------------

    async def purge_expired(self, *, force: bool = False) -> None:
        """Drop revocations and sign-ins no token can use any more (at most every few minutes)."""
        if not force and time.monotonic() - self._purged_at < PURGE_EVERY_SECONDS:
            return
        self._purged_at = time.monotonic()
        now = utcnow()
        # A sign-in outlives its refresh tokens by one access-token lifetime.
        last_use = dt.timedelta(seconds=self.access_ttl + self.leeway)
        await self.store.purge(now, now - last_use)

    # --- revoking -----------------------------------------------------------------------------

    async def revoke_access_token(
        self,
        jti: str,
        expires_at: dt.datetime,
        *,
        user_id: uuid.UUID | None = None,
        session_id: uuid.UUID | None = None,
    ) -> None:
        """Refuse one access token from now on. With its user (and sign-in), the real-time
        connections that authenticated with exactly this token are closed too."""
        self._confirmed_live.clear()
        await self.store.revoke_access_token(jti, expires_at)
        if user_id is not None:
            await self.bus.publish(
                SignInEnded(user_id, session_id, token_id=jti, reason="access token revoked")
            )

    async def revoke_family(self, family_id: uuid.UUID, *, reason: str = "sign-in revoked") -> None:
        """End a sign-in: its refresh tokens and every access token with its `sid`.

        `reason` is what its open real-time connections are told when they are closed.
        """
        self._confirmed_live.clear()
        ended = await self.store.revoke_family(family_id)
        # Only the call that ended it announces it (a sign-in is ended once, whoever asks).
        if ended is not None:
            await self.bus.publish(SignInEnded(ended, family_id, reason=reason))


def new_family(grant: Grant) -> NewFamily:
    return NewFamily(
        family_id=grant.family_id,
        user_id=grant.user_id,
        client_id=grant.client_id,
        scope=grant.scope,
        auth_method=grant.auth_method,
        auth_time=grant.auth_time,
    )


def grant_of(family: TokenFamily, *, is_guest: bool) -> Grant:
    return Grant(
        user_id=family.user_id,
        is_guest=is_guest,
        family_id=family.family_id,
        client_id=family.client_id,
        scope=family.scope,
        auth_method=family.auth_method,
        auth_time=aware(family.auth_time),
    )
