"""Domain errors.

Every error carries a stable machine-readable ``reason`` (snake_case) and a human ``message``.
The API layer turns them into ``{"error": {"reason": ..., "message": ...}}``; it may map a class to
a route-specific reason of the reference API (for example ``ChildTypeNotAllowed`` to
``object_type_not_permitted``) with the ``reason=`` override or its own table.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID


class DomainError(Exception):
    """Base class of all errors raised by :mod:`odyssey.core`."""

    reason: str = "domain_error"

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason

    def to_json(self) -> dict[str, Any]:
        """The error body of the HTTP API."""
        return {"error": {"reason": self.reason, "message": self.message}}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reason={self.reason!r}, message={self.message!r})"


class NotFound(DomainError, LookupError):
    """Something referenced by id does not exist.

    ``kind`` says what was looked for (``"object"``, ``"parent"``, ``"object_type"``...) and ``id``
    which id, so the API layer can choose between e.g. ``object_not_found`` and
    ``parent_not_found``.
    """

    reason = "not_found"

    def __init__(
        self,
        message: str,
        *,
        kind: str = "object",
        id: UUID | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(message, reason=reason)
        self.kind = kind
        self.id = id

    def __str__(self) -> str:  # LookupError/KeyError style quoting is not wanted
        return self.message


class Forbidden(DomainError):
    """The caller may not do this."""

    reason = "forbidden"


class InvalidOperation(DomainError):
    """The operation makes no sense on this target (remove the root, reparent, ...)."""

    reason = "invalid_operation"


class AlreadyExists(InvalidOperation):
    """An id that must be new is already taken."""

    reason = "already_exists"


class ChildTypeNotAllowed(DomainError):
    """The parent's effective ``allowed_children`` does not list the child's type."""

    reason = "child_type_not_allowed"


class ChildLimitReached(DomainError):
    """The parent already has ``child_limit`` children."""

    reason = "child_limit_reached"


class LimitReached(DomainError):
    """A configured limit stops the request (a rate, a quota, a budget).

    ``retry_after`` is the number of seconds after which the same request may succeed, when
    waiting helps (a rate window); None when it does not (a total quota).
    """

    reason = "limit_reached"

    def __init__(
        self, message: str, *, retry_after: int | None = None, reason: str | None = None
    ) -> None:
        super().__init__(message, reason=reason)
        self.retry_after = retry_after


class RateLimited(LimitReached):
    """Too many requests of one kind in a time window; retry after ``retry_after`` seconds."""

    reason = "too_many_requests"


class QuotaExceeded(LimitReached):
    """A total or per-period allowance (objects, stored bytes...) is used up."""

    reason = "quota_exceeded"


class Unavailable(DomainError):
    """A service the request needs (the database, the broker) is down for now."""

    reason = "service_unavailable"

    def __init__(self, message: str, *, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Conflict(DomainError):
    """The change collides with the stored data (a row deleted or added meanwhile under it).

    `detail` is what the database said, for the log, never for the caller.
    """

    reason = "conflict"

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


class InvalidTree(DomainError):
    """The rows given to build a tree do not form one tree (no root, two roots, a cycle...)."""

    reason = "invalid_tree"


__all__ = [
    "AlreadyExists",
    "ChildLimitReached",
    "ChildTypeNotAllowed",
    "Conflict",
    "DomainError",
    "Forbidden",
    "InvalidOperation",
    "InvalidTree",
    "LimitReached",
    "NotFound",
    "QuotaExceeded",
    "RateLimited",
    "Unavailable",
]
