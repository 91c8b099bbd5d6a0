"""End-to-end fixtures: the built web client, a real node with test hooks, headless Chromium.

Chromium is Debian's (`/usr/bin/chromium`, or `ODYSSEY_E2E_CHROMIUM`), driven by Playwright for
Python; no browser is ever downloaded. The web client is built once per session when `web/dist` is
older than its sources. Each test gets its own node (`odyssey serve` on a free port, on the
database `ODYSSEY_TEST_DATABASE_URL` picks) started with `ODYSSEY_WEB_TEST_HOOKS=1`, so the page
exposes `window.__odysseyTest` and tests wait on its state instead of sleeping.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import playwright.sync_api as playwright_sync
import pytest

from odyssey.config import Settings
from tests.live_node import LiveServer, fresh_database

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
DIST = WEB / "dist"
SCREENSHOTS = ROOT / "docs" / "screenshots"
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
VIEWPORT = {"width": 1440, "height": 900}


def _newest_source_mtime() -> float:
    newest = 0.0
    for path in [WEB / "index.html", WEB / "package.json", WEB / "vite.config.ts"]:
        if path.exists():
            newest = max(newest, path.stat().st_mtime)
    for folder in (WEB / "src", WEB / "public"):
        for path in folder.rglob("*"):
            if path.is_file() and ".test." not in path.name:
                newest = max(newest, path.stat().st_mtime)
    return newest


@pytest.fixture(scope="session")
def web_dist() -> Path:
    """web/dist, rebuilt when a source is newer than the last build."""
    index = DIST / "index.html"
    if not index.exists() or index.stat().st_mtime < _newest_source_mtime():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to build the web client (web/)")
        if not (WEB / "node_modules").exists():
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=WEB, check=True)
        subprocess.run([npm, "run", "build"], cwd=WEB, check=True)
    return DIST


class Node(LiveServer):
    """`odyssey serve` in a child process with the web client and its test hooks."""

    def __init__(self, settings: Settings, log_path: Path, web_dir: Path) -> None:
        super().__init__(
            settings,
            log_path,
            extra_env={
                "ODYSSEY_LOG_LEVEL": "warning",
                "ODYSSEY_WEB_DIR": str(web_dir),
                "ODYSSEY_WEB_TEST_HOOKS": "1",
            },
        )
        self.web_dir = web_dir


@pytest.fixture
def e2e_settings(tmp_path: Path, prepared_template: str) -> Iterator[Settings]:
    """Settings on a fresh database of the engine under test (no asyncio fixture involved)."""
    with fresh_database(tmp_path, prepared_template) as url:
        yield Settings(data_dir=tmp_path / "data", database_url=url, port=0)


@pytest.fixture
def node(e2e_settings: Settings, tmp_path: Path, web_dist: Path) -> Iterator[Node]:
    server = Node(e2e_settings, tmp_path / "server.log", web_dist)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Module scope, not session: sync Playwright runs an event loop on the main thread while it
    # is open, which the asyncio tests collected after tests/e2e must not find running.
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def new_page(
    browser: Any, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[], Any]]:
    """Pages in fresh browser contexts (separate storage: separate users).

    When the test fails, each page's screenshot and toasts are kept in its tmp_path.
    """
    contexts: list[Any] = []
    pages: list[Any] = []

    def make() -> Any:
        context = browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.errors = errors
        pages.append(page)
        return page

    yield make
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        for i, page in enumerate(pages):
            try:
                page.screenshot(path=str(tmp_path / f"failure-page{i}.png"))
                toasts = page.locator('[data-testid="toast"]').all_inner_texts()
                print(f"page {i}: {page.url} toasts={toasts} errors={page.errors}")
            except Exception as error:  # the page may be gone
                print(f"page {i}: no screenshot ({error})")
        print(f"failure screenshots in {tmp_path}")
    for context in contexts:
        context.close()


def world_state(page: Any) -> dict[str, Any] | None:
    state: dict[str, Any] | None = page.evaluate("() => window.__odysseyTest?.world() ?? null")
    return state


def wait_world(
    page: Any, predicate: str = "w => w.entered", timeout: float = 30_000
) -> dict[str, Any]:
    """Wait until the test hook's world snapshot satisfies a JS predicate, then return it."""
    page.wait_for_function(
        f"() => {{ const w = window.__odysseyTest?.world(); return !!w && ({predicate})(w); }}",
        timeout=timeout,
    )
    state = world_state(page)
    assert state is not None
    return state


LOADED = (
    "w => w.entered && w.status === 'open' && w.pendingLoads === 0 && w.objects.length > 0 "
    "&& w.objects.length === w.modelObjects && w.objects.every(o => o.loaded) "
    "&& w.firstCompleteFrameAt !== null"
)


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path))
    return path


def not_blank(path: Path) -> bool:
    """True when an image has real content: many distinct colours, not one flat fill."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").resize((160, 100))
        colours = small.getcolors(maxcolors=160 * 100) or []
    return len(colours) > 200
