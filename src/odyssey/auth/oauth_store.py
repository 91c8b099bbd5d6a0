"""Storage of the OAuth side: registered clients, login flows, authorization codes, token lookups.

`Client`, `CodeRecord` and the token records are the objects Authlib's server classes work with
(duck-typed to its ClientMixin / AuthorizationCodeMixin / TokenMixin): plain frozen values read
from the database, never live rows.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from odyssey.auth.common import aware, digest, new_secret
from odyssey.auth.errors import AuthError
from odyssey.auth.tokens import FIRST_PARTY_CLIENT_ID, TokenService
from odyssey.db.auth_tables import AuthorizationCode, LoginFlow, OAuthClient
from odyssey.db.engine import Database
from odyssey.db.oauth import OAuthRows
from odyssey.db.tables import utcnow

SCOPES_SUPPORTED = ("openid", "profile", "api", "offline_access")
SCOPE_DESCRIPTIONS = {
    "openid": "know who you are on this node (your account id)",
    "profile": "see your name and whether you are a guest",
    "api": "use this node's API and real-time connection as you",
    "offline_access": "stay signed in after you close it",
}
DEFAULT_CLIENT_SCOPE = "openid profile"
CONFIDENTIAL_AUTH_METHODS = ("client_secret_basic", "client_secret_post")


def scope_list(scope: str | None) -> list[str]:
    return [part for part in (scope or "").split() if part]


@dataclass(frozen=True, slots=True)
class Client:
    client_id: str
    name: str
    secret_hash: str | None
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...]
    scope: str
    grant_types: tuple[str, ...]
    # A first-party app: no consent page after login.
    trusted: bool = False
    # A resource server: may introspect any token, not only its own.
    introspect_any: bool = False

    @property
    def is_public(self) -> bool:
        return self.secret_hash is None

    @property
    def client_metadata(self) -> dict[str, Any]:
        return {"post_logout_redirect_uris": list(self.post_logout_redirect_uris)}

    # --- Authlib's ClientMixin ----------------------------------------------------------------

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if len(self.redirect_uris) == 1 else None

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = scope_list(self.scope)
        if not scope:
            return " ".join(allowed)
        return " ".join(part for part in scope_list(scope) if part in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        if self.secret_hash is None:
            return False
        return secrets.compare_digest(self.secret_hash, digest(client_secret))

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.is_public:
            return method == "none"
        return method in CONFIDENTIAL_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types


def _client(row: OAuthClient) -> Client:
    meta = row.client_metadata or {}
    return Client(
        client_id=row.client_id,
        name=row.name,
        secret_hash=row.client_secret_hash,
        redirect_uris=tuple(meta.get("redirect_uris", [])),
        post_logout_redirect_uris=tuple(meta.get("post_logout_redirect_uris", [])),
        scope=str(meta.get("scope", DEFAULT_CLIENT_SCOPE)),
        grant_types=tuple(meta.get("grant_types", ["authorization_code", "refresh_token"])),
        trusted=bool(meta.get("trusted", False)),
        introspect_any=bool(meta.get("introspect_any", False)),
    )


def check_redirect_uri_format(uri: str) -> None:
    """Absolute, no fragment; http(s) or an app's private scheme (RFC 8252, `com.example.app:`)."""
    parts = urlsplit(uri)
    if parts.fragment or "#" in uri:
        raise ValueError(f"{uri}: a redirect URI must not have a fragment")
    if parts.scheme in ("http", "https"):
        if not parts.netloc:
            raise ValueError(f"{uri}: missing host")
        return
    if "." in parts.scheme and parts.path:
        return
    raise ValueError(f"{uri}: use an http(s) URL or a private scheme like com.example.app:/cb")


@dataclass(frozen=True, slots=True)
class NewClient:
    client: Client
    # Shown once, at creation; only its digest is stored.
    client_secret: str | None


@dataclass(frozen=True, slots=True)
class CodeRecord:
    code_hash: str
    client_id: str
    user_id: uuid.UUID
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str
    code_challenge_method: str
    auth_method: str
    auth_time: dt.datetime

    # --- Authlib's AuthorizationCodeMixin (OpenID flavour) -------------------------------------

    def get_redirect_uri(self) -> str | None:
        return self.redirect_uri or None

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return int(self.auth_time.timestamp())

    def get_acr(self) -> str | None:
        return None

    def get_amr(self) -> list[str] | None:
        return None


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """An access or refresh token as introspection and revocation see it."""

    kind: str  # "access_token" or "refresh_token"
    client_id: str
    user_id: uuid.UUID
    family_id: uuid.UUID
    scope: str
    expires_at: dt.datetime
    issued_at: dt.datetime
    is_guest: bool = False
    jti: str | None = None
    token_hash: str | None = None
    revoked: bool = False
    claims: dict[str, Any] = field(default_factory=dict)

    def check_client(self, client: Client) -> bool:
        return self.client_id == client.client_id

    def get_scope(self) -> str:
        return self.scope

    def is_expired(self) -> bool:
        return self.expires_at <= utcnow()

    def is_revoked(self) -> bool:
        return self.revoked


@dataclass(frozen=True, slots=True)
class Flow:
    flow_id: str
    client_id: str
    params: dict[str, str]
    user_id: uuid.UUID | None
    auth_method: str | None
    auth_time: dt.datetime | None


class OAuthStore:
    def __init__(
        self, db: Database, tokens: TokenService, *, code_ttl: int, login_ttl: int
    ) -> None:
        self.rows = OAuthRows(db)
        self.tokens = tokens
        self.code_ttl = dt.timedelta(seconds=code_ttl)
        self.login_ttl = dt.timedelta(seconds=login_ttl)

    # --- clients ------------------------------------------------------------------------------

    async def create_client(
        self,
        *,
        name: str,
        redirect_uris: list[str],
        public: bool,
        scope: str = DEFAULT_CLIENT_SCOPE,
        post_logout_redirect_uris: list[str] | None = None,
        trusted: bool = False,
        introspect_any: bool = False,
        client_id: str | None = None,
    ) -> NewClient:
        if not name.strip():
            raise ValueError("a client needs a name")
        if not redirect_uris:
            raise ValueError("a client needs at least one redirect URI")
        for uri in [*redirect_uris, *(post_logout_redirect_uris or [])]:
            check_redirect_uri_format(uri)
        unknown = [part for part in scope_list(scope) if part not in SCOPES_SUPPORTED]
        if unknown or "openid" not in scope_list(scope):
            raise ValueError(
                f"scope must include openid and only {', '.join(SCOPES_SUPPORTED)}"
                + (f" (unknown: {', '.join(unknown)})" if unknown else "")
            )
        client_id = client_id or secrets.token_urlsafe(18)
        if client_id == FIRST_PARTY_CLIENT_ID:
            raise ValueError(f"client id {FIRST_PARTY_CLIENT_ID!r} is reserved for the node")
        secret = None if public else new_secret()
        row = OAuthClient(
            client_id=client_id,
            client_secret_hash=None if secret is None else digest(secret),
            name=name.strip(),
            client_metadata={
                "redirect_uris": redirect_uris,
                "post_logout_redirect_uris": post_logout_redirect_uris or [],
                "scope": " ".join(scope_list(scope)),
                "grant_types": ["authorization_code", "refresh_token"],
                "trusted": trusted,
                "introspect_any": introspect_any,
            },
            created_at=utcnow(),
        )
        if not await self.rows.add_client(row):
            raise ValueError(f"client {client_id!r} already exists")
        return NewClient(client=_client(row), client_secret=secret)

    async def get_client(self, client_id: str) -> Client | None:
        if not isinstance(client_id, str) or not client_id or len(client_id) > 128:
            return None
        row = await self.rows.client(client_id)
        return None if row is None else _client(row)

    # --- login flows --------------------------------------------------------------------------

    async def start_flow(self, client_id: str, params: dict[str, str], browser: str) -> str:
        flow_id = new_secret()
        now = utcnow()
        await self.rows.add_flow(
            LoginFlow(
                flow_hash=digest(flow_id),
                csrf_hash=digest(browser),
                client_id=client_id,
                params=params,
                expires_at=now + self.login_ttl,
            ),
            now,
        )
        return flow_id

    async def get_flow(self, flow_id: str, browser: str | None) -> Flow:
        """The live flow, only for the browser that started it."""
        if not flow_id or len(flow_id) > 128:
            raise AuthError("invalid_login_flow", "missing or malformed flow")
        row = await self.rows.flow(digest(flow_id))
        if row is None or aware(row.expires_at) <= utcnow():
            raise AuthError(
                "login_flow_not_found", "this sign-in has expired or is finished: start again"
            )
        if browser is None or not secrets.compare_digest(row.csrf_hash, digest(browser)):
            raise AuthError(
                "login_flow_forbidden",
                "this sign-in was started in another browser (or cookies are off)",
            )
        return Flow(
            flow_id=flow_id,
            client_id=row.client_id,
            params=dict(row.params),
            user_id=row.user_id,
            auth_method=row.auth_method,
            auth_time=aware(row.auth_time) if row.auth_time else None,
        )

    async def complete_login(self, flow_id: str, user_id: uuid.UUID, auth_method: str) -> None:
        await self.rows.complete_login(digest(flow_id), user_id, auth_method)

    async def end_flow(self, flow_id: str) -> None:
        """Delete the flow; refuse when another request already ended it (one decision only)."""
        if not await self.rows.delete_flow(digest(flow_id)):
            raise AuthError("login_flow_not_found", "this sign-in is already finished")

    # --- authorization codes ------------------------------------------------------------------

    async def save_code(
        self,
        code: str,
        *,
        client_id: str,
        user_id: uuid.UUID,
        redirect_uri: str,
        scope: str,
        nonce: str | None,
        code_challenge: str,
        code_challenge_method: str,
        auth_method: str,
        auth_time: dt.datetime,
    ) -> None:
        now = utcnow()
        await self.rows.add_code(
            AuthorizationCode(
                code_hash=digest(code),
                client_id=client_id,
                user_id=user_id,
                redirect_uri=redirect_uri,
                scope=scope,
                nonce=nonce,
                code_challenge=code_challenge,
                code_challenge_method=code_challenge_method,
                auth_method=auth_method,
                auth_time=auth_time,
                expires_at=now + self.code_ttl,
            ),
            now,
        )

    async def find_code(self, code: str, client_id: str) -> CodeRecord | None:
        """An unused, unexpired code issued to this client."""
        if not isinstance(code, str) or not code or len(code) > 256:
            return None
        row = await self.rows.code(digest(code))
        if row is None or row.client_id != client_id:
            return None
        if aware(row.expires_at) <= utcnow():
            return None
        if row.used_at is not None:
            # RFC 6749 §4.1.2: a code used twice revokes what the first use issued.
            if row.family_id is not None:
                await self.tokens.revoke_family(
                    row.family_id, reason="authorization code used twice: the sign-in is revoked"
                )
            return None
        return CodeRecord(
            code_hash=row.code_hash,
            client_id=row.client_id,
            user_id=row.user_id,
            redirect_uri=row.redirect_uri,
            scope=row.scope,
            nonce=row.nonce,
            code_challenge=row.code_challenge,
            code_challenge_method=row.code_challenge_method,
            auth_method=row.auth_method,
            auth_time=aware(row.auth_time),
        )

    async def consume_code(self, code_hash: str, family_id: uuid.UUID) -> bool:
        """Mark the code used, atomically; False when another exchange got there first."""
        return await self.rows.consume_code(code_hash, family_id)

    async def nonce_used(self, client_id: str, nonce: str) -> bool:
        return await self.rows.nonce_used(client_id, nonce)

    # --- refresh tokens, as revocation and introspection see them ------------------------------

    async def find_refresh_token(self, refresh_token: str) -> TokenRecord | None:
        found = await self.tokens.lookup_refresh_token(refresh_token)
        if found is None:
            return None
        token, family = found
        return TokenRecord(
            kind="refresh_token",
            client_id=family.client_id or FIRST_PARTY_CLIENT_ID,
            user_id=family.user_id,
            family_id=family.family_id,
            scope=family.scope,
            expires_at=aware(token.expires_at),
            issued_at=aware(token.created_at),
            token_hash=token.token_hash,
            revoked=token.used_at is not None or family.revoked_at is not None,
        )
