"""Serving the built web client (web/dist) at `/`.

Installed last, after every API router, so it never shadows `/api`, `/posbus`, `/health` or
`/version`: it only answers GET/HEAD requests nothing else matched.

- `/assets/*` are content-hashed by Vite: cached for a year, immutable. The build also writes
  gzip copies (`*.gz`), sent to browsers that accept gzip.
- `index.html` is always revalidated (`no-cache`), so a new build is picked up at once.
- Client routes (`/explore`, `/odyssey/<id>`, ...) fall back to index.html; unknown `/api/...`
  paths and missing files with an extension stay 404.
- With `web_test_hooks`, index.html carries `<meta name="odyssey-test-hooks" content="1">`, which
  turns on `window.__odysseyTest` in the client. A normal serve never does.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from odyssey.config import Settings

log = logging.getLogger(__name__)

IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
STATIC_MAX_AGE = "public, max-age=3600"
TEST_HOOKS_META = '<meta name="odyssey-test-hooks" content="1" />'
# Paths that belong to the node, never to the client router.
RESERVED_PREFIXES = ("api/", "posbus", "health", "version", "assets/")

mimetypes.add_type("application/javascript", ".js")
mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("model/gltf-binary", ".glb")


def install_web_app(app: FastAPI, settings: Settings) -> None:
    web_dir = settings.web_dir
    if web_dir is None or not (web_dir / "index.html").is_file():
        log.info("no built web client (run `make web`); `/` serves nothing")
        return
    root = web_dir.resolve()
    index_path = root / "index.html"

    def index_response(request: Request) -> Response:
        html = index_path.read_text(encoding="utf-8")
        if settings.web_test_hooks:
            html = html.replace("<head>", "<head>\n    " + TEST_HOOKS_META, 1)
        headers = {"Cache-Control": NO_CACHE}
        if request.method == "HEAD":
            return Response(status_code=200, media_type="text/html; charset=utf-8", headers=headers)
        return HTMLResponse(html, headers=headers)

    def file_for(path: str) -> Path | None:
        try:
            candidate = (root / path).resolve()
        except (OSError, ValueError):
            # A name the file system cannot hold (NUL, too long): no such file. PathGuard
            # refuses such paths first; this keeps a missed one a 404, never a 500.
            return None
        if not candidate.is_relative_to(root) or not candidate.is_file():
            return None
        return candidate

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def web_client(request: Request, path: str) -> Response:
        if path in ("", "index.html"):
            return index_response(request)
        found = file_for(path)
        if found is not None:
            cache = IMMUTABLE if path.startswith("assets/") else STATIC_MAX_AGE
            headers = {"Cache-Control": cache}
            gzipped = found.with_name(found.name + ".gz")
            if gzipped.is_file():
                headers["Vary"] = "Accept-Encoding"
                if "gzip" in request.headers.get("accept-encoding", ""):
                    # The precompressed copy written by the build (web/scripts/compress-dist.mjs).
                    headers["Content-Encoding"] = "gzip"
                    media_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
                    return FileResponse(gzipped, media_type=media_type, headers=headers)
            return FileResponse(found, headers=headers)
        if path.startswith(RESERVED_PREFIXES) or "." in path.rsplit("/", 1)[-1]:
            raise HTTPException(status_code=404)
        return index_response(request)
