"""Refusals of the sign-in service, as the API's `{"error": {"reason", "message"}}` errors.

Rate limits refuse with `odyssey.core.errors.RateLimited` (429 with Retry-After).
"""

from __future__ import annotations

from odyssey.api.errors import ApiError

# The reference's reason for every refused bearer token (missing, malformed, expired, revoked...).
TOKEN_REFUSED = "failed_to_verify_access_token"


class AuthError(ApiError):
    """Raised by the auth services; the app's ApiError handler turns it into the error body."""


class TokenRejected(AuthError):
    def __init__(self, message: str) -> None:
        super().__init__(401, TOKEN_REFUSED, message)
