"""A plugin's HTML or SVG opened in a real browser cannot read the node's origin's storage.

The web client keeps its session in the node origin's `localStorage`. A plugin bundle is uploaded
by a node admin, but what it holds is somebody else's code: its pages are served with a sandboxing
Content-Security-Policy, so they run (if at all) in an opaque origin. The plugin's JavaScript
modules must still load into a page of the node.

Real Chromium (`/usr/bin/chromium` through Playwright) against a real node (`odyssey serve`).
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import playwright.sync_api as playwright_sync
import pytest

from odyssey.config import Settings
from tests.live_node import LiveServer
from tests.media import media_samples as samples

CHROMIUM = os.environ.get("ODYSSEY_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]
SECRET_KEY = "odyssey-test-secret"

# What a hostile page would do: read the node's storage and send it home.
_STEAL = f"""
var seen;
try {{ seen = localStorage.getItem("{SECRET_KEY}") + "|" + document.cookie; }}
catch (error) {{ seen = "blocked:" + error.name; }}
document.title = "seen:" + seen;
fetch("/leak?" + encodeURIComponent(seen)).catch(function () {{}});
"""
STEALING_HTML = f"""<!doctype html>
<html><head><title>not run</title></head>
<body><p>plugin page</p><script>{_STEAL}</script></body></html>
""".encode()
STEALING_SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
<title>not run</title><script><![CDATA[{_STEAL}]]></script>
<rect width="10" height="10" fill="red"/></svg>
""".encode()

READ_STORAGE = f"""() => {{
  try {{ return String(localStorage.getItem("{SECRET_KEY}")); }}
  catch (error) {{ return "blocked:" + error.name; }}
}}"""
READ_COOKIE = """() => {
  try { return document.cookie; } catch (error) { return "blocked:" + error.name; }
}"""


@pytest.fixture(params=["filesystem"])
def store(request: pytest.FixtureRequest) -> str:
    """One store is enough here: the headers do not depend on it."""
    kind: str = request.param
    return kind


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_sync.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


def upload_plugin_as_admin(server: LiveServer, bundle: bytes) -> str:
    signed_in = httpx.post(f"{server.url}/api/v4/auth/guest-token", timeout=30).json()
    server.cli("admin", "make-node-admin", signed_in["id"])
    response = httpx.post(
        f"{server.url}/api/v4/media/upload/plugin",
        files={"file": ("plugin.tar.gz", bundle)},
        headers={"Authorization": f"Bearer {signed_in['token']}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    plugin: str = response.json()["hash"]
    return plugin


@pytest.fixture
def web_node(settings: Settings, tmp_path: Path) -> Iterator[LiveServer]:
    """A node serving a minimal web client: its page has the client's Content-Security-Policy."""
    web = tmp_path / "web"
    web.mkdir()
    (web / "index.html").write_text("<!doctype html><html><head></head><body></body></html>")
    server = LiveServer(settings, tmp_path / "server.log", extra_env={"ODYSSEY_WEB_DIR": str(web)})
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_plugin_page_cannot_read_the_node_origins_storage(
    web_node: LiveServer, browser: Any
) -> None:
    live_server = web_node
    files = {
        **samples.default_plugin_files(),
        "index.html": STEALING_HTML,
        "icon.svg": STEALING_SVG,
    }
    plugin = upload_plugin_as_admin(live_server, samples.plugin_bundle(files))
    base = f"{live_server.url}/api/v4/media/render/plugin/{plugin}"
    secret = secrets.token_hex(16)

    context = browser.new_context()
    try:
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))

        page.goto(f"{live_server.url}/")
        page.evaluate(
            f"(secret) => {{ localStorage.setItem({json.dumps(SECRET_KEY)}, secret);"
            " document.cookie = 'odyssey_test=' + secret + '; path=/'; }",
            secret,
        )
        assert page.evaluate(READ_STORAGE) == secret  # the node's origin holds it

        for name in ("index.html", "icon.svg"):
            page.goto(f"{base}/{name}", wait_until="load")
            page.wait_for_timeout(300)  # time for a fetch the page might send
            assert secret not in page.title(), name
            assert page.evaluate("() => self.origin") == "null", name  # an opaque origin
            assert secret not in page.evaluate(READ_STORAGE), name
            assert secret not in page.evaluate(READ_COOKIE), name
            assert not [url for url in requested if secret in url or "/leak" in url], name

        # The plugin's module still loads into a page of the node, as the client imports it
        # (under the client's policy: `/health` and the API allow no script at all).
        page.goto(f"{live_server.url}/")
        module_url = f"{base}/remoteEntry.js"
        answer = page.evaluate("async (url) => (await import(url)).answer", module_url)
        assert answer == 42
    finally:
        context.close()
