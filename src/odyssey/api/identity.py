"""Who is calling: FastAPI dependencies for routes that need a signed-in caller (a transport
concern, so here in api/ and not in auth/, which stays free of HTTP).

    @router.get("/users/me")
    async def me(identity: CurrentIdentity) -> ...: ...

    @router.post("/stakes")
    async def stake(identity: WalletIdentity) -> ...: ...   # guests get 403

Both call `AuthService.verify_token`, the same verifier the controller uses for the posbus
handshake. The header is `Authorization: Bearer <token>` (the scheme is case-insensitive); a bare
token without a scheme is accepted too, as the reference does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from odyssey.auth.errors import AuthError, TokenRejected
from odyssey.auth.ratelimit import address_key
from odyssey.auth.tokens import Identity

if TYPE_CHECKING:
    from odyssey.services import Services

MAX_HEADER_LENGTH = 8192


def bearer_token(request: Request) -> str:
    """The token of the Authorization header; TokenRejected when there is none."""
    header = request.headers.get("authorization")
    if not header:
        raise TokenRejected("missing Authorization header (Bearer token)")
    if len(header) > MAX_HEADER_LENGTH:
        raise TokenRejected("Authorization header too long")
    scheme, _, value = header.strip().partition(" ")
    if not value:
        return scheme  # a bare token
    if scheme.lower() != "bearer":
        raise TokenRejected(f"unsupported authorization scheme {scheme!r}: use Bearer")
    return value.strip()


def client_address(request: Request) -> str:
    """Whom the sign-in limits count a request for: the client's IPv4 address or IPv6 /64
    (behind a proxy, the address it forwards: uvicorn's `--proxy-headers`)."""
    return address_key(request.client.host if request.client else None)


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def current_identity(request: Request) -> Identity:
    """The verified caller (guests included). 401 `failed_to_verify_access_token` otherwise."""
    identity: Identity = await services_of(request).auth.verify_token(bearer_token(request))
    return identity


async def require_wallet_user(
    identity: Annotated[Identity, Depends(current_identity)],
) -> Identity:
    """The verified caller, who must not be a guest: 403 `wallet_user_required` otherwise."""
    if identity.is_guest:
        raise AuthError("wallet_user_required", "sign in with a wallet: guests cannot do this")
    return identity


CurrentIdentity = Annotated[Identity, Depends(current_identity)]
WalletIdentity = Annotated[Identity, Depends(require_wallet_user)]
