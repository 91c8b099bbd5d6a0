"""Request paths no route should ever see: refused with 400 before routing.

The server decodes the path (`%00` becomes a NUL, `%2e%2e` a `..`) and the routes, the static
web client among them, then hand it to the file system or the database. Rather than every route
guarding itself, this ASGI middleware answers 400 `invalid_request_path` (the API error body) to
a path that

- is longer than `http_max_path_bytes` as sent, or has a segment longer than
  `http_max_path_segment_bytes` once decoded;
- has a `%` not followed by two hex digits, or decodes to bytes that are not UTF-8;
- decodes to a control character (NUL included);
- has a `.` or `..` segment once decoded: browsers resolve those before sending, so only a
  crafted request carries one, typically encoded (`/%2e%2e/`, `..%2f..`) to walk out of a folder.
"""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Receive, Scope, Send

_BAD_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")
_ESCAPE = re.compile(rb"%([0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def path_problem(raw_path: bytes, *, max_path_bytes: int, max_segment_bytes: int) -> str | None:
    """Why `raw_path` (the path as sent, without the query) is refused; None when it is fine."""
    if len(raw_path) > max_path_bytes:
        return f"the path is longer than {max_path_bytes} bytes"
    if _BAD_ESCAPE.search(raw_path):
        return "the path has an invalid percent-encoding"
    decoded = _ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), raw_path)
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        return "the path is not UTF-8 once decoded"
    if _CONTROL.search(text):
        return "the path contains a control character (such as NUL)"
    for segment in text.split("/"):
        if segment in (".", ".."):
            return "the path contains a '.' or '..' segment"
        if len(segment.encode("utf-8")) > max_segment_bytes:
            return f"a segment of the path is longer than {max_segment_bytes} bytes"
    return None


class PathGuard:
    """Answers 400 to an HTTP request whose path is refused (WebSockets: only `/posbus` exists)."""

    def __init__(self, app: ASGIApp, *, max_path_bytes: int, max_segment_bytes: int) -> None:
        self.app = app
        self.max_path_bytes = max_path_bytes
        self.max_segment_bytes = max_segment_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = scope.get("raw_path")
        if not isinstance(raw, bytes):
            raw = str(scope.get("path", "")).encode("utf-8", "surrogateescape")
        raw = raw.split(b"?", 1)[0]  # some servers leave the query in raw_path
        problem = path_problem(
            raw, max_path_bytes=self.max_path_bytes, max_segment_bytes=self.max_segment_bytes
        )
        if problem is None:
            await self.app(scope, receive, send)
            return
        body = json.dumps(
            {"error": {"reason": "invalid_request_path", "message": problem}}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
