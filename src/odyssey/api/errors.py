"""The error body every HTTP route uses: `{"error": {"reason": ..., "message": ...}}`.

Below the API, errors are domain errors (`odyssey.core.errors.DomainError` and its subclasses in
core, db, auth and media): a reason and a message, never an HTTP status. `STATUS` is the one table
from reason to status; a route raises `ApiError` only for what is HTTP's own (a malformed body, a
bad id in the path) or for a reason the reference API gives one route alone. The handlers
installed by `install_error_handlers` turn both, validation failures and anything unexpected
into that shape, so a client never sees a stack trace or a bare 500 page.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from odyssey.core.errors import Conflict, DomainError, LimitReached, NotFound, Unavailable

log = logging.getLogger(__name__)

# The one table: a domain error's reason -> its HTTP status (the media routes, the sign-in routes
# and the reference routes alike). An error whose own reason is not
# listed takes the status of its class's reason, or of the nearest base class's (an AuthError
# of an OAuth error code is a 400, a DomainError a 400). tests/api/test_error_mapping.py checks
# that every DomainError subclass and every reason auth declares is listed.
STATUS: dict[str, int] = {
    # odyssey.core.errors
    "domain_error": 400,
    "not_found": 404,
    "forbidden": 403,
    "unauthorized": 401,
    "conflict": 409,
    "invalid_operation": 400,
    "already_exists": 409,
    "child_type_not_allowed": 400,
    "child_limit_reached": 400,
    "limit_reached": 429,
    "too_many_requests": 429,
    "quota_exceeded": 429,
    "service_unavailable": 503,
    "invalid_tree": 400,
    "invalid_link": 400,  # odyssey.core.links
    "too_many_connections": 429,  # odyssey.controller.admission (posbus, answered there)
    # odyssey.auth.errors
    "auth_error": 400,
    "failed_to_verify_access_token": 401,
    "wallet_user_required": 403,
    "user_not_found": 404,
    "invalid_wallet": 400,
    "wallet_already_exists": 400,
    "wallet_not_found": 404,
    "cannot_remove_last_wallet": 400,
    "challenge_not_found": 404,
    "challenge_expired": 400,
    "signature_validation_failed": 400,
    "invalid_signature": 403,
    "invalid_siwe_message": 400,
    "siwe_domain_mismatch": 403,
    "siwe_expired": 400,
    "siwe_not_yet_valid": 400,
    "invalid_refresh_token": 400,
    "cross_site_request": 403,
    "invalid_login_flow": 400,
    "login_flow_not_found": 404,
    "login_flow_forbidden": 403,
    "login_required": 400,
    "id_token_hint_required": 400,
    "invalid_request": 400,  # OAuthRequestError, whatever its RFC 6749 error code
    # odyssey.media.errors
    "media_error": 400,
    "invalid_upload": 400,
    "file_too_large": 413,
    "unsupported_media_type": 415,
    "invalid_image": 400,
    "image_too_large": 400,
    "invalid_media": 400,
    "invalid_asset": 400,
    "invalid_plugin": 400,
    "invalid_format": 400,
    "not_admin": 403,  # a Forbidden of the media service (plugin bundles)
}
# Domain reasons renamed to the reference API's reasons.
_DOMAIN_REASONS = {"child_type_not_allowed": "object_type_not_permitted"}
# What a NotFound of each kind is called, and its status, when the route did not say.
_NOT_FOUND = {"object_type": (400, "invalid_object_type_id")}

# Where a validation error was found → the reference's reason.
_VALIDATION_REASONS = {
    "body": "invalid_request_body",
    "query": "invalid_request_query",
    "path": "invalid_request_path",
    "header": "invalid_request_header",
}


def status_of(error: DomainError) -> int:
    """The HTTP status of a domain error: its reason's, else its class's (see `STATUS`)."""
    if error.reason in STATUS:
        return STATUS[error.reason]
    for cls in type(error).__mro__:
        reason = vars(cls).get("reason")
        if isinstance(reason, str) and reason in STATUS:
            return STATUS[reason]
    return 400


def domain_error_response(error: DomainError) -> tuple[int, str]:
    """The status and reason a domain error becomes."""
    if isinstance(error, NotFound) and error.reason == NotFound.reason:
        return _NOT_FOUND.get(error.kind, (404, f"{error.kind}_not_found"))
    return status_of(error), _DOMAIN_REASONS.get(error.reason, error.reason)


class ApiError(Exception):
    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message


def error_body(reason: str, message: str) -> dict[str, Any]:
    return {"error": {"reason": reason, "message": message}}


def error_response(status: int, reason: str, message: str, **headers: str) -> JSONResponse:
    return JSONResponse(error_body(reason, message), status_code=status, headers=headers or None)


def _status_reason(status: int) -> str:
    return {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "payload_too_large",
        415: "unsupported_media_type",
        429: "too_many_requests",
    }.get(status, "error")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, error: ApiError) -> JSONResponse:
        return error_response(error.status, error.reason, error.message)

    @app.exception_handler(DomainError)
    async def _domain_error(_request: Request, error: DomainError) -> JSONResponse:
        status, reason = domain_error_response(error)
        headers = {}
        retry_after = error.retry_after if isinstance(error, LimitReached | Unavailable) else None
        if retry_after is not None:
            headers["Retry-After"] = str(max(1, retry_after))
        return error_response(status, reason, error.message, **headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        items = error.errors()
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item.get('loc', ()))}: {item.get('msg')}"
            for item in items
        )
        where = str(items[0].get("loc", ("",))[0]) if items else ""
        reason = _VALIDATION_REASONS.get(where, "invalid_request")
        return error_response(400, reason, problems[:2000] or "invalid request")

    @app.exception_handler(Conflict)
    async def _conflict(_request: Request, error: Conflict) -> JSONResponse:
        # A row changed under us (deleted parent, user removed meanwhile): a conflict, not a crash.
        log.info("integrity error: %s", error.detail)
        return error_response(409, "conflict", error.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        message = error.detail if isinstance(error.detail, str) else "request failed"
        return error_response(error.status_code, _status_reason(error.status_code), message)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "internal error; see the node's log")
