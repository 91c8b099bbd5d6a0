"""The reference's sign-in routes, `/api/v4/auth/*` and the wallet routes under `/users/me`.

Shapes, statuses and error reasons follow the reference (api-v4.md §1.3, §2). Additions, all
backward compatible: token responses also carry `refreshToken` and `expiresIn` (access tokens are
short-lived here), `POST /auth/refresh` rotates a refresh token, `POST /auth/logout` ends the
sign-in, and the challenge response also carries its `nonce` and `expiresAt` for Sign-In with
Ethereum clients.

The web client keeps its refresh token where page scripts cannot read it: a request with the
header `X-Odyssey-Auth: cookie` gets its refresh token as an HttpOnly, SameSite=Strict cookie
scoped to `/api/v4/auth` (Secure on https) instead of in the body, and `POST /auth/refresh`
with that header uses the cookie. The header is what a cross-site page cannot send without a
CORS preflight (which the node never grants); on top of that a request whose `Sec-Fetch-Site`
or `Origin` says it comes from another site is refused. Clients without the header (bots,
scripts, other apps) get and send the refresh token in the body, as before.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, TypeVar
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from odyssey.api.errors import ApiError, error_body
from odyssey.api.identity import CurrentIdentity, WalletIdentity, client_address, services_of
from odyssey.auth.errors import AuthError
from odyssey.auth.service import AuthService
from odyssey.auth.signin import parse_wallet
from odyssey.auth.tokens import IssuedTokens
from odyssey.auth.wallets import Network
from odyssey.db import tables as t

router = APIRouter(prefix="/api/v4", tags=["auth"])

ModelT = TypeVar("ModelT", bound=BaseModel)
MAX_BODY_BYTES = 64 * 1024
PROFILE_KEYS = ("bio", "location", "avatarHash", "profileLink")

# The web client's refresh token: the cookie, where it is sent, and the header asking for it.
REFRESH_COOKIE = "odyssey_refresh"
REFRESH_COOKIE_PATH = "/api/v4/auth"
COOKIE_MODE_HEADER = "X-Odyssey-Auth"
COOKIE_MODE = "cookie"
# Sec-Fetch-Site values of requests made by the node's own pages (or typed by the person).
SAME_ORIGIN_FETCH_SITES = frozenset({"same-origin", "none"})


class WalletProof(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    wallet: str = Field(min_length=1, max_length=200)
    signed_challenge: str = Field(alias="signedChallenge", min_length=1, max_length=1000)
    network: str | None = Field(default=None, max_length=40)
    # A Sign-In with Ethereum (EIP-4361) message, when that is what was signed.
    message: str | None = Field(default=None, max_length=4000)


class RefreshRequest(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    # Required, unless the request uses the refresh cookie.
    refresh_token: str | None = Field(
        default=None, alias="refreshToken", min_length=1, max_length=512
    )


class WalletRef(BaseModel):
    wallet: str = Field(min_length=1, max_length=200)


async def read_body(request: Request, model: type[ModelT], *, empty: Any = None) -> ModelT:
    """Parse a JSON body strictly; 400 `invalid_request_body` (the reference's reason).

    An empty body is read as `empty` (JSON null, refused by every model, unless given)."""
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "payload_too_large", "request body too large")
    try:
        return model.model_validate(json.loads(raw) if raw else empty)
    except (ValueError, ValidationError) as error:
        detail = (
            "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}"
                for e in error.errors()
            )
            if isinstance(error, ValidationError)
            else "body is not JSON"
        )
        raise ApiError(400, "invalid_request_body", detail) from None


# --- the refresh cookie --------------------------------------------------------------------------


def uses_refresh_cookie(request: Request) -> bool:
    """Whether the caller keeps its refresh token in the cookie (the web client). Refuses
    (403 `cross_site_request`) such a request when the browser says another site made it."""
    if request.headers.get(COOKIE_MODE_HEADER, "").strip().lower() != COOKIE_MODE:
        return False
    fetch_site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    if fetch_site is not None and fetch_site.lower() not in SAME_ORIGIN_FETCH_SITES:
        raise _cross_site(f"Sec-Fetch-Site is {fetch_site!r}")
    if origin is not None and urlsplit(origin).netloc not in _own_hosts(request):
        raise _cross_site("the Origin is another site")
    return True


def _own_hosts(request: Request) -> set[str]:
    public = urlsplit(services_of(request).auth.settings.resolved_public_url).netloc
    return {public, request.headers.get("host", "")}


def _cross_site(why: str) -> AuthError:
    return AuthError(
        "cross_site_request", f"the session cookie is for this node's own pages ({why})"
    )


def _secure_cookies(request: Request, auth: AuthService) -> bool:
    return auth.settings.resolved_public_url.startswith("https://") or request.url.scheme == "https"


def set_refresh_cookie(
    response: JSONResponse, request: Request, auth: AuthService, refresh_token: str
) -> None:
    response.set_cookie(
        REFRESH_COOKIE,
        refresh_token,
        max_age=auth.settings.auth_refresh_token_ttl,
        path=REFRESH_COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=_secure_cookies(request, auth),
    )


def clear_refresh_cookie(response: JSONResponse, request: Request, auth: AuthService) -> None:
    response.delete_cookie(
        REFRESH_COOKIE,
        path=REFRESH_COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=_secure_cookies(request, auth),
    )


def tokens_response(
    request: Request, body: dict[str, Any], tokens: IssuedTokens, *, cookie: bool
) -> JSONResponse:
    """A response carrying `tokens`: with `cookie`, the refresh token is set as the cookie (and
    `body` was built without it)."""
    response = JSONResponse(body)
    if cookie and tokens.refresh_token is not None:
        set_refresh_cookie(response, request, services_of(request).auth, tokens.refresh_token)
    return response


def rfc3339(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def user_json(user: t.User, **extra: Any) -> dict[str, Any]:
    """The reference's User shape."""
    profile = user.profile or {}
    name = profile.get("name")
    return {
        "id": str(user.user_id),
        "userTypeId": str(user.user_type_id),
        "name": name if isinstance(name, str) else "",
        "profile": {key: profile[key] for key in PROFILE_KEYS if profile.get(key) is not None},
        **extra,
        "createdAt": rfc3339(user.created_at),
        "updatedAt": rfc3339(user.updated_at),
        "isGuest": bool(user.is_guest),
    }


def tokens_json(tokens: IssuedTokens, *, with_refresh_token: bool = True) -> dict[str, Any]:
    if not with_refresh_token:
        return {"token": tokens.access_token, "expiresIn": tokens.expires_in}
    return {
        "token": tokens.access_token,
        "refreshToken": tokens.refresh_token,
        "expiresIn": tokens.expires_in,
    }


@router.get("/auth/challenge")
async def challenge(request: Request, wallet: str | None = None) -> Any:
    if not wallet or len(wallet) > 200:
        raise ApiError(400, "invalid_request_query", "query parameter wallet is required")
    parse_wallet(wallet)
    auth = services_of(request).auth
    address = client_address(request)
    await auth.limits.challenge(address)
    issued = await auth.signin.issue_challenge(wallet, client_address=address)
    return {
        "challenge": issued.message,
        "nonce": issued.nonce,
        "expiresAt": rfc3339(issued.expires_at),
    }


@router.post("/auth/token")
async def token(request: Request) -> Any:
    proof = await read_body(request, WalletProof)
    cookie = uses_refresh_cookie(request)
    auth = services_of(request).auth
    address = client_address(request)
    async with auth.limits.wallet_proof(address, proof.wallet):
        issued = await auth.sign_in_wallet(
            proof.wallet,
            proof.signed_challenge,
            Network.from_request(proof.network),
            message=proof.message,
            client_address=address,
        )
    return tokens_response(
        request, tokens_json(issued, with_refresh_token=not cookie), issued, cookie=cookie
    )


@router.post("/auth/guest-token")
async def guest_token(request: Request) -> Any:
    cookie = uses_refresh_cookie(request)
    auth = services_of(request).auth
    await auth.limits.guest(client_address(request))
    guest = await auth.sign_in_guest()
    body = user_json(guest.user, **tokens_json(guest.tokens, with_refresh_token=not cookie))
    return tokens_response(request, body, guest.tokens, cookie=cookie)


@router.post("/auth/refresh")
async def refresh(request: Request) -> Any:
    cookie = uses_refresh_cookie(request)
    body = await read_body(request, RefreshRequest, empty={} if cookie else None)
    auth = services_of(request).auth
    await auth.limits.refresh(client_address(request))
    refresh_token = body.refresh_token
    if refresh_token is None and cookie:
        refresh_token = request.cookies.get(REFRESH_COOKIE)
        if not refresh_token:
            return _refresh_refused(
                request, auth, "no refresh token: sign in (or send refreshToken)"
            )
    if refresh_token is None:
        raise ApiError(400, "invalid_request_body", "refreshToken: Field required")
    try:
        issued = await auth.refresh(refresh_token)
    except AuthError as error:
        if cookie and error.reason == "invalid_refresh_token":
            return _refresh_refused(request, auth, error.message)  # and forget the cookie
        raise
    return tokens_response(
        request, tokens_json(issued, with_refresh_token=not cookie), issued, cookie=cookie
    )


def _refresh_refused(request: Request, auth: AuthService, message: str) -> JSONResponse:
    response = JSONResponse(error_body("invalid_refresh_token", message), status_code=400)
    clear_refresh_cookie(response, request, auth)
    return response


@router.post("/auth/logout")
async def logout(request: Request, identity: CurrentIdentity) -> JSONResponse:
    auth = services_of(request).auth
    await auth.sign_out(identity)
    response = JSONResponse(None)
    if REFRESH_COOKIE in request.cookies:
        clear_refresh_cookie(response, request, auth)
    return response


async def _attach(request: Request, identity: WalletIdentity) -> JSONResponse:
    proof = await read_body(request, WalletProof)
    auth = services_of(request).auth
    address = client_address(request)
    async with auth.limits.wallet_proof(address, proof.wallet):
        wallets = await auth.signin.attach_wallet(
            identity.user_id,
            proof.wallet,
            proof.signed_challenge,
            Network.from_request(proof.network),
            message=proof.message,
            client_address=address,
        )
    return JSONResponse({"wallet": wallets}, status_code=202)


router.add_api_route("/users/me/attach-account", _attach, methods=["POST"], status_code=202)
# The reference registered this one without its auth middleware, so it always failed; here it is
# the same route as /users/me/attach-account, with the token required.
router.add_api_route("/auth/attach-account", _attach, methods=["POST"], status_code=202)


@router.delete("/users/me/remove-wallet")
async def remove_wallet(request: Request, identity: WalletIdentity) -> None:
    body = await read_body(request, WalletRef)
    await services_of(request).auth.signin.remove_wallet(identity.user_id, body.wallet)
