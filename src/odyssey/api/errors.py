"""The error body every HTTP route uses: `{"error": {"reason": ..., "message": ...}}`.

Handlers raise `ApiError` (or let a `DomainError` escape); the handlers installed by
`install_error_handlers` turn them, validation failures and anything unexpected into that shape,
so a client never sees a stack trace or a bare 500 page.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from odyssey.core.errors import DomainError

log = logging.getLogger(__name__)

# Domain reasons → HTTP status. Anything else a DomainError carries is a 400.
_DOMAIN_STATUS = {
    "not_found": 404,
    "forbidden": 403,
    "unauthorized": 401,
    "conflict": 409,
}


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
        fallback = 404 if error.reason.endswith("not_found") else 400
        status = _DOMAIN_STATUS.get(error.reason, fallback)
        return error_response(status, error.reason, error.message)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item.get('loc', ()))}: {item.get('msg')}"
            for item in error.errors()
        )
        return error_response(400, "invalid_request", problems or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        message = error.detail if isinstance(error.detail, str) else "request failed"
        return error_response(error.status_code, _status_reason(error.status_code), message)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "internal error; see the node's log")
