"""Authlib's OAuth 2.0 / OpenID Connect server classes, wired to the node's storage.

Authlib does the protocol: request validation, PKCE, the authorization-code and refresh-token
grants, ID tokens, RFC 7009 revocation, RFC 7662 introspection and RP-initiated logout. This
module is the glue. Authlib's classes are synchronous, so the routes run them in a worker thread
(`run_server`) and the hooks below reach the async storage through `anyio.from_thread.run`.

Policies set here: PKCE with S256 for every client (no `plain`, no request without it); one
authorization code, one exchange (a second one revokes what the first issued); refresh tokens
rotate, and a used one presented again revokes the whole sign-in.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

import anyio
import anyio.to_thread
from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    InvalidGrantError,
    InvalidRequestError,
    OAuth2Request,
)
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant, RefreshTokenGrant
from authlib.oauth2.rfc6749.requests import OAuth2Payload
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.rpinitiated import EndSessionEndpoint
from joserfc.jwk import KeySet

from odyssey.auth.common import new_secret
from odyssey.auth.errors import AuthError, TokenRejected
from odyssey.auth.oauth_store import SCOPES_SUPPORTED, Client, CodeRecord, TokenRecord
from odyssey.auth.service import AuthService
from odyssey.auth.tokens import SIGNED_OUT, Grant
from odyssey.core.ids import new_id

P = ParamSpec("P")
R = TypeVar("R")

ENDPOINTS = {
    "authorization_endpoint": "/oauth2/auth",
    "token_endpoint": "/oauth2/token",
    "userinfo_endpoint": "/oauth2/userinfo",
    "jwks_uri": "/.well-known/jwks.json",
    "revocation_endpoint": "/oauth2/revoke",
    "introspection_endpoint": "/oauth2/introspect",
    "end_session_endpoint": "/oauth2/logout",
}
TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]


def call_async(function: Callable[P, Awaitable[R]], *args: P.args, **kwargs: P.kwargs) -> R:
    """From a worker thread started by `run_server`, run a coroutine on the event loop."""

    async def run() -> R:
        return await function(*args, **kwargs)

    return anyio.from_thread.run(run)


@dataclass(frozen=True, slots=True)
class LoginUser:
    """Who passed the login page, handed to Authlib as the resource owner."""

    user_id: uuid.UUID
    auth_method: str
    auth_time: dt.datetime


# --- requests ------------------------------------------------------------------------------------


class FormPayload(OAuth2Payload):  # type: ignore[misc]
    """Query and form parameters, read by the route before the worker thread starts."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._datalist: dict[str, list[str]] = defaultdict(list)
        for key, value in items:
            self._datalist[key].append(value)
        self._data = {key: values[0] for key, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> dict[str, list[str]]:
        return self._datalist


class NodeRequest(OAuth2Request):  # type: ignore[misc]
    """An OAuth2Request from values the route already read.

    Authlib's constructor refuses plain-http URLs; whether the node is behind TLS is the
    operator's business (its public URL), so this sets the same attributes without that check.
    """

    def __init__(
        self,
        method: str,
        uri: str,
        headers: Mapping[str, str],
        query: list[tuple[str, str]],
        form: list[tuple[str, str]],
    ) -> None:
        self.method = method
        self.uri = uri
        self.headers = headers  # keep the case-insensitive mapping: Authlib reads 'Authorization'
        self._body = None
        self.payload = FormPayload(query + form)
        self._args = dict(query)
        self._form = dict(form)
        self.client = None
        self.auth_method = None
        self.user = None
        self.authorization_code = None
        self.refresh_token = None
        self.credential = None
        self._scope = None

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


@dataclass(frozen=True, slots=True)
class OAuthAnswer:
    """What Authlib answers: a status, a body (a JSON object, text or nothing) and headers. The
    transport (`odyssey.api.routes.oidc`) turns it into an HTTP response; auth knows no HTTP."""

    status: int
    body: Any
    headers: list[tuple[str, str]]


# --- grants ----------------------------------------------------------------------------------


class S256CodeChallenge(CodeChallenge):  # type: ignore[misc]
    """PKCE required for every authorization request, S256 only."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    CODE_CHALLENGE_METHODS = {"S256": CodeChallenge.CODE_CHALLENGE_METHODS["S256"]}

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send code_challenge (S256)")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("code_challenge_method must be S256")
        super().validate_code_challenge(grant, redirect_uri)


class NodeOpenIDCode(OpenIDCode):  # type: ignore[misc]
    def __init__(self, auth: AuthService) -> None:
        super().__init__(require_nonce=False)
        self.auth = auth

    def exists_nonce(self, nonce: str, request: Any) -> bool:
        return call_async(self.auth.oauth.nonce_used, request.payload.client_id, nonce)

    def generate_user_info(self, user: Grant, scope: str) -> UserInfo:
        return call_async(user_info, self.auth, user.user_id, scope)

    def resolve_client_private_key(self, client: Client) -> Any:
        return self.auth.keys.signer().key

    def get_client_algorithm(self, client: Client) -> str:
        return self.auth.keys.signer().algorithm

    def get_encode_header(self, client: Client) -> dict[str, str]:
        signer = self.auth.keys.signer()
        return {"alg": signer.algorithm, "kid": signer.kid, "typ": "JWT"}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        now = int(time.time())
        return {
            "iss": self.auth.issuer,
            "aud": [client.client_id],
            "iat": now,
            "exp": now + self.auth.settings.auth_access_token_ttl,
        }

    def get_compatible_claims(self, request: Any) -> dict[str, Any]:
        claims: dict[str, Any] = super().get_compatible_claims(request)
        grant: Grant = request.user
        claims["sid"] = str(grant.family_id)
        claims["auth_time"] = int(grant.auth_time.timestamp())
        return claims


async def user_info(auth: AuthService, user_id: uuid.UUID, scope: str) -> UserInfo:
    """OpenID claims of a user: `sub` and `guest` always, `name` with the profile scope."""
    user = await auth.users.find(user_id)
    if user is None:
        raise AuthError("user_not_found", "the user no longer exists")
    info = UserInfo(sub=str(user.user_id), guest=bool(user.is_guest))
    if "profile" in scope.split():
        name = (user.profile or {}).get("name")
        info["name"] = name if isinstance(name, str) else ""
    return info


class CodeGrant(AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = TOKEN_ENDPOINT_AUTH_METHODS

    @property
    def auth(self) -> AuthService:
        auth: AuthService = self.server.auth
        return auth

    def save_authorization_code(self, code: str, request: Any) -> None:
        user: LoginUser = request.user
        data = request.payload.data
        call_async(
            self.auth.oauth.save_code,
            code,
            client_id=request.client.client_id,
            user_id=user.user_id,
            redirect_uri=request.payload.redirect_uri or "",
            scope=request.scope or "",
            nonce=data.get("nonce"),
            code_challenge=data["code_challenge"],
            code_challenge_method=data["code_challenge_method"],
            auth_method=user.auth_method,
            auth_time=user.auth_time,
        )

    def query_authorization_code(self, code: str, client: Client) -> CodeRecord | None:
        return call_async(self.auth.oauth.find_code, code, client.client_id)

    def delete_authorization_code(self, authorization_code: CodeRecord) -> None:
        """Nothing to do: `authenticate_user` marked the code used before any token existed."""

    def authenticate_user(self, authorization_code: CodeRecord) -> Grant:
        family_id = new_id()
        if not call_async(self.auth.oauth.consume_code, authorization_code.code_hash, family_id):
            raise InvalidGrantError("the code was already used or has expired")
        is_guest = call_async(is_guest_user, self.auth, authorization_code.user_id)
        if is_guest is None:
            raise InvalidGrantError("the user no longer exists")
        return Grant(
            user_id=authorization_code.user_id,
            is_guest=is_guest,
            family_id=family_id,
            client_id=authorization_code.client_id,
            scope=authorization_code.scope,
            auth_method=authorization_code.auth_method,
            auth_time=authorization_code.auth_time,
        )


async def is_guest_user(auth: AuthService, user_id: uuid.UUID) -> bool | None:
    user = await auth.users.find(user_id)
    return None if user is None else bool(user.is_guest)


@dataclass(frozen=True, slots=True)
class RefreshCredential:
    token_hash: str
    family_id: uuid.UUID
    client_id: str | None
    user_id: uuid.UUID
    scope: str

    def check_client(self, client: Client) -> bool:
        return self.client_id == client.client_id

    def get_scope(self) -> str:
        return self.scope


class RotatingRefreshTokenGrant(RefreshTokenGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = TOKEN_ENDPOINT_AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    @property
    def auth(self) -> AuthService:
        auth: AuthService = self.server.auth
        return auth

    def authenticate_refresh_token(self, refresh_token: str) -> RefreshCredential:
        try:
            token, family = call_async(self.auth.tokens.find_refresh_token, refresh_token)
        except AuthError as error:
            raise InvalidGrantError(error.message) from None
        return RefreshCredential(
            token_hash=token.token_hash,
            family_id=family.family_id,
            client_id=family.client_id,
            user_id=family.user_id,
            scope=family.scope,
        )

    def authenticate_user(self, refresh_token: RefreshCredential) -> Grant:
        try:
            call_async(
                self.auth.tokens.consume_refresh_token,
                refresh_token.token_hash,
                refresh_token.family_id,
            )
        except AuthError as error:
            raise InvalidGrantError(error.message) from None
        grant = call_async(self.auth.tokens.grant_of_family, refresh_token.family_id)
        if grant is None:
            raise InvalidGrantError("the user no longer exists")
        return grant

    def revoke_old_credential(self, refresh_token: RefreshCredential) -> None:
        """Nothing to do: `authenticate_user` marked the token used."""


# --- endpoints -----------------------------------------------------------------------------------


async def token_record(auth: AuthService, token: str, hint: str | None) -> TokenRecord | None:
    """An access token (a JWT of ours) or a refresh token, for revocation and introspection."""
    if hint != "refresh_token" and token.count(".") == 2:
        try:
            claims = await auth.tokens.decode(token)
        except TokenRejected:
            return None
        try:
            await auth.tokens.verify_token(token, scope=None)
            revoked = False
        except TokenRejected:
            revoked = True
        return TokenRecord(
            kind="access_token",
            client_id=claims["client_id"],
            user_id=uuid.UUID(claims["sub"]),
            family_id=uuid.UUID(claims["sid"]),
            scope=claims["scope"],
            expires_at=_from_timestamp(claims["exp"]),
            issued_at=_from_timestamp(claims["iat"]),
            is_guest=claims["guest"],
            jti=claims["jti"],
            revoked=revoked,
            claims=claims,
        )
    return await auth.oauth.find_refresh_token(token)


def _from_timestamp(value: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(value, dt.UTC)


async def revoke_record(auth: AuthService, record: TokenRecord) -> None:
    if record.kind == "access_token" and record.jti is not None:
        await auth.tokens.revoke_access_token(
            record.jti, record.expires_at, user_id=record.user_id, session_id=record.family_id
        )
    else:
        # RFC 7009 §2.1: revoking a refresh token also ends the access tokens of its grant.
        await auth.tokens.revoke_family(record.family_id)


class Revocation(RevocationEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS = TOKEN_ENDPOINT_AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None) -> TokenRecord | None:
        return call_async(token_record, self.server.auth, token_string, token_type_hint)

    def revoke_token(self, token: TokenRecord, request: Any) -> None:
        call_async(revoke_record, self.server.auth, token)


class Introspection(IntrospectionEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def query_token(self, token_string: str, token_type_hint: str | None) -> TokenRecord | None:
        return call_async(token_record, self.server.auth, token_string, token_type_hint)

    def check_permission(self, token: TokenRecord, client: Client, request: Any) -> bool:
        return client.introspect_any or token.client_id == client.client_id

    def introspect_token(self, token: TokenRecord) -> dict[str, Any]:
        auth: AuthService = self.server.auth
        return {
            "active": True,
            "token_type": "Bearer" if token.kind == "access_token" else "refresh_token",
            "client_id": token.client_id,
            "sub": str(token.user_id),
            "scope": token.scope,
            "iss": auth.issuer,
            "aud": auth.settings.resolved_auth_audience,
            "exp": int(token.expires_at.timestamp()),
            "iat": int(token.issued_at.timestamp()),
            "sid": str(token.family_id),
            **({"jti": token.jti, "guest": token.is_guest} if token.jti else {}),
        }


class EndSession(EndSessionEndpoint):  # type: ignore[misc]
    def get_server_jwks(self) -> KeySet:
        auth: AuthService = self.server.auth
        return auth.keys.public_key_set()

    def resolve_client_from_id_token_claims(self, id_token_claims: dict[str, Any]) -> Any:
        """Our ID tokens have one audience, written as a one-element list."""
        audience = id_token_claims.get("aud")
        if isinstance(audience, list) and len(audience) == 1:
            audience = audience[0]
        return self.server.query_client(audience) if isinstance(audience, str) else None

    def end_session(self, end_session_request: Any) -> None:
        claims = end_session_request.id_token_claims or {}
        if claims.get("iss") != self.server.auth.issuer:
            return
        try:
            family_id = uuid.UUID(str(claims.get("sid")))
        except ValueError:
            return
        call_async(self.server.auth.tokens.revoke_family, family_id, reason=SIGNED_OUT)


# --- the server ----------------------------------------------------------------------------------


class NodeAuthorizationServer(AuthorizationServer):  # type: ignore[misc]
    def __init__(self, auth: AuthService) -> None:
        super().__init__(scopes_supported=list(SCOPES_SUPPORTED))
        self.auth = auth
        self.register_token_generator("default", self.generate_bearer_token)
        self.register_grant(CodeGrant, [S256CodeChallenge(required=True), NodeOpenIDCode(auth)])
        self.register_grant(RotatingRefreshTokenGrant)
        self.register_endpoint(Revocation)
        self.register_endpoint(Introspection)
        self.register_endpoint(EndSession)

    def query_client(self, client_id: str) -> Client | None:
        return call_async(self.auth.oauth.get_client, client_id)

    def generate_bearer_token(
        self,
        grant_type: str,
        client: Client,
        user: Grant | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        if user is None:
            raise InvalidGrantError("no user for this token")
        token: dict[str, Any] = {
            "token_type": "Bearer",
            "access_token": self.auth.tokens.sign_access_token(user, scope or ""),
            "expires_in": self.auth.settings.auth_access_token_ttl,
            "scope": scope or "",
        }
        if include_refresh_token:
            token["refresh_token"] = new_secret()
        return token

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        call_async(self.auth.tokens.save_oauth_tokens, request.user, token.get("refresh_token"))

    def create_oauth2_request(self, request: Any) -> Any:
        return request

    def create_json_request(self, request: Any) -> Any:
        return request

    def handle_response(
        self, status: int, body: Any, headers: list[tuple[str, str]]
    ) -> OAuthAnswer:
        return OAuthAnswer(status, body, headers)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signals: nothing listens."""


async def run_server(auth: AuthService, work: Callable[[NodeAuthorizationServer], R]) -> R:
    """Run Authlib's synchronous `work` in a worker thread, keys loaded first."""
    await auth.keys.ready()
    server: NodeAuthorizationServer = auth.oauth_server
    return await anyio.to_thread.run_sync(work, server)
