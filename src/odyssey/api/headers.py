"""Security headers on every HTTP response of the node (`/`, `/api`, `/oauth2`, `/media`, ...).

A pure ASGI middleware: it only edits the `http.response.start` message, so streamed bodies
(media, large files) pass through untouched and unbuffered (Starlette's BaseHTTPMiddleware would
buffer them). It is wrapped around the whole application, outside Starlette's
ServerErrorMiddleware, so even the 500 answer of an unexpected error carries the headers.

A header a route set itself wins: plugin pages keep their sandboxing Content-Security-Policy, the
sign-in pages their nonce policy and `Referrer-Policy: no-referrer`.

- HTML documents (the web client's index.html) get the web app's policy: scripts, styles and
  fonts from the node only; images and media also as `blob:`/`data:` (glTF models carry their
  textures inline and Babylon.js shows them through blob URLs); network requests to the node
  (`'self'` covers the `/posbus` WebSocket of the same host) and to its public URL; the video
  players the object panel embeds; no plugins, no `<base>`, never framed.
- Everything else (JSON, media, scripts) gets a policy that allows nothing: if such a response is
  ever opened as a document (an SVG, a JSON body a browser renders), it runs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The players `web/src/panels/WorldPanels.tsx` (embedUrl) puts in an iframe.
VIDEO_PLAYERS = (
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
    "https://player.twitch.tv",
)

#: For every response that is not an HTML document and set no policy of its own.
RESOURCE_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def document_policy(public_url: str) -> str:
    """The Content-Security-Policy of the web client's pages, for a node reached at `public_url`.

    The client takes media from the public URL (the config's RENDER_SERVICE_URL), which may name
    another host than the page's when the node sits behind a proxy: that origin is allowed too,
    and its WebSocket form, for browsers whose `'self'` does not cover ws:/wss:.
    """
    extra: list[str] = []
    parts = urlsplit(public_url)
    if parts.scheme in ("http", "https") and parts.netloc:
        origin = f"{parts.scheme}://{parts.netloc}"
        socket = ("wss" if parts.scheme == "https" else "ws") + f"://{parts.netloc}"
        extra = [origin, socket]
    connect = " ".join(["'self'", *extra])
    media = " ".join(["'self'", *extra[:1], "blob:", "data:"])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {media}",
            f"media-src {media}",
            "font-src 'self'",
            f"connect-src {connect}",
            "worker-src 'self' blob:",
            f"frame-src {' '.join(VIDEO_PLAYERS)}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def common_headers() -> dict[str, str]:
    """The headers every response gets unless it set its own."""
    return {
        "X-Content-Type-Options": "nosniff",
        # Other sites learn the node's origin from a followed link, never a world's or user's
        # path; the embedded video players need at least the origin to play.
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


class SecurityHeaders:
    """Adds the security headers to every HTTP response (not to WebSocket traffic)."""

    def __init__(self, app: ASGIApp, *, public_url: str) -> None:
        self.app = app
        self.document_policy = document_policy(public_url)
        self.headers = list(common_headers().items())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.add(MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def add(self, headers: MutableHeaders) -> None:
        _set_missing(headers, self.headers)
        if "content-security-policy" not in headers:
            content_type = headers.get("content-type", "")
            is_document = content_type.split(";", 1)[0].strip().lower() == "text/html"
            policy = self.document_policy if is_document else RESOURCE_POLICY
            headers["Content-Security-Policy"] = policy


def _set_missing(headers: MutableHeaders, wanted: Iterable[tuple[str, str]]) -> None:
    for name, value in wanted:
        if name not in headers:
            headers[name] = value
