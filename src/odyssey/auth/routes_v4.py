"""The reference's sign-in routes, `/api/v4/auth/*` and the wallet routes under `/users/me`.

Shapes, statuses and error reasons follow the reference (api-v4.md §1.3, §2). Additions, all
backward compatible: token responses also carry `refreshToken` and `expiresIn` (access tokens are
short-lived here), `POST /auth/refresh` rotates a refresh token, `POST /auth/logout` ends the
sign-in, and the challenge response also carries its `nonce` and `expiresAt` for Sign-In with
Ethereum clients.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from odyssey.api.errors import ApiError, error_response
from odyssey.auth.deps import CurrentIdentity, WalletIdentity, services_of
from odyssey.auth.errors import RateLimited
from odyssey.auth.signin import parse_wallet
from odyssey.auth.tokens import IssuedTokens
from odyssey.auth.wallets import Network
from odyssey.db import tables as t

router = APIRouter(prefix="/api/v4", tags=["auth"])

ModelT = TypeVar("ModelT", bound=BaseModel)
MAX_BODY_BYTES = 64 * 1024
PROFILE_KEYS = ("bio", "location", "avatarHash", "profileLink")


class WalletProof(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    wallet: str = Field(min_length=1, max_length=200)
    signed_challenge: str = Field(alias="signedChallenge", min_length=1, max_length=1000)
    network: str | None = Field(default=None, max_length=40)
    # A Sign-In with Ethereum (EIP-4361) message, when that is what was signed.
    message: str | None = Field(default=None, max_length=4000)


class RefreshRequest(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    refresh_token: str = Field(alias="refreshToken", min_length=1, max_length=512)


class WalletRef(BaseModel):
    wallet: str = Field(min_length=1, max_length=200)


async def read_body(request: Request, model: type[ModelT]) -> ModelT:
    """Parse a JSON body strictly; 400 `invalid_request_body` (the reference's reason)."""
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "payload_too_large", "request body too large")
    try:
        return model.model_validate(json.loads(raw or b"null"))
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


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def rate_limited(error: RateLimited) -> JSONResponse:
    return error_response(
        error.status, error.reason, error.message, **{"Retry-After": str(error.retry_after)}
    )


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


def tokens_json(tokens: IssuedTokens) -> dict[str, Any]:
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
    try:
        await auth.limit("challenge", client_ip(request), wallet)
    except RateLimited as error:
        return rate_limited(error)
    issued = await auth.signin.issue_challenge(wallet)
    return {
        "challenge": issued.message,
        "nonce": issued.nonce,
        "expiresAt": rfc3339(issued.expires_at),
    }


@router.post("/auth/token")
async def token(request: Request) -> Any:
    proof = await read_body(request, WalletProof)
    auth = services_of(request).auth
    try:
        await auth.limit("token", client_ip(request), proof.wallet)
    except RateLimited as error:
        return rate_limited(error)
    issued = await auth.sign_in_wallet(
        proof.wallet,
        proof.signed_challenge,
        Network.from_request(proof.network),
        message=proof.message,
    )
    return tokens_json(issued)


@router.post("/auth/guest-token")
async def guest_token(request: Request) -> Any:
    auth = services_of(request).auth
    try:
        await auth.limit("guest", client_ip(request))
    except RateLimited as error:
        return rate_limited(error)
    guest = await auth.sign_in_guest()
    return user_json(guest.user, **tokens_json(guest.tokens))


@router.post("/auth/refresh")
async def refresh(request: Request) -> Any:
    body = await read_body(request, RefreshRequest)
    auth = services_of(request).auth
    try:
        await auth.limit("refresh", client_ip(request))
    except RateLimited as error:
        return rate_limited(error)
    return tokens_json(await auth.refresh(body.refresh_token))


@router.post("/auth/logout")
async def logout(request: Request, identity: CurrentIdentity) -> None:
    await services_of(request).auth.sign_out(identity)


async def _attach(request: Request, identity: WalletIdentity) -> JSONResponse:
    proof = await read_body(request, WalletProof)
    auth = services_of(request).auth
    try:
        await auth.limit("token", client_ip(request), proof.wallet)
    except RateLimited as error:
        return rate_limited(error)
    wallets = await auth.signin.attach_wallet(
        identity.user_id,
        proof.wallet,
        proof.signed_challenge,
        Network.from_request(proof.network),
        message=proof.message,
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
