"""Refusals of the sign-in service: domain errors with a reason and a message, never an HTTP status.

The API's one table (`STATUS` in api/errors.py) gives each reason its status; a reason used
here must be listed there (tests/api/test_error_mapping.py checks every `AuthReason`). Rate
limits refuse with `odyssey.core.errors.RateLimited`.
"""

from __future__ import annotations

from typing import Final, Literal

from odyssey.core.errors import DomainError

# The reference's reason for every refused bearer token (missing, malformed, expired, revoked...).
TOKEN_REFUSED: Final = "failed_to_verify_access_token"

# Why a signature or a Sign-In with Ethereum message proves nothing (`WalletProofError`).
ProofReason = Literal[
    "signature_validation_failed",
    "invalid_signature",
    "invalid_siwe_message",
    "siwe_domain_mismatch",
    "siwe_expired",
    "siwe_not_yet_valid",
]

# Every reason an AuthError carries.
AuthReason = Literal[
    ProofReason,
    "failed_to_verify_access_token",
    "wallet_user_required",
    "user_not_found",
    "invalid_wallet",
    "wallet_already_exists",
    "wallet_not_found",
    "cannot_remove_last_wallet",
    "challenge_not_found",
    "challenge_expired",
    "invalid_refresh_token",
    "cross_site_request",
    "invalid_login_flow",
    "login_flow_not_found",
    "login_flow_forbidden",
    "login_required",
    "id_token_hint_required",
]


class AuthError(DomainError):
    """Raised by the auth services; the API's DomainError handler answers it."""

    reason = "auth_error"

    def __init__(self, reason: AuthReason, message: str) -> None:
        super().__init__(message, reason=reason)


class TokenRejected(AuthError):
    """A bearer token that does not verify (missing, malformed, expired, revoked...)."""

    reason = TOKEN_REFUSED

    def __init__(self, message: str) -> None:
        super().__init__(TOKEN_REFUSED, message)


class OAuthRequestError(AuthError):
    """An OAuth request refused where the client cannot be told on its redirect URI: the reason
    is the RFC 6749 error code (`invalid_request`, `invalid_client`, `invalid_scope`...)."""

    reason = "invalid_request"

    def __init__(self, error: str, message: str) -> None:
        DomainError.__init__(self, message, reason=error)
