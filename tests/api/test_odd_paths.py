"""Odd request paths get 400 with the API error body, never a 500 or a file outside the web client.

`GET /index.html%00` used to answer 500: the decoded NUL reached the file system. The cases run
in process (the real app) and, for the bytes only a real server sees as sent, against
`odyssey serve` over a raw socket.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from odyssey.api.paths import path_problem
from odyssey.app import create_app
from odyssey.config import Settings
from tests.live_node import LiveServer

TEN_KB = "/" + "a" * 10_240
ODD_PATHS = [
    "/index.html%00",
    "/%00",
    "/api/v4/users/%00",
    "/api/v4/media/render/get/abc%00def",
    "/assets/x.js%00.png",
    "/%2e%2e/",
    "/%2E%2E/%2e%2e/etc/passwd",
    "/media/render/..%2f..",
    "/media/render/..%2f..%2fsecret",
    "/api/v4/media/render/get/..%2f..%2f..%2fetc%2fpasswd",
    "/api/v4/media/render/plugin/0123/..%2f..%2fkeys",
    "/assets/%2e",
    "/%zz",
    "/index.html%",
    "/api/v4/worlds%2",
    "/%C3%28",  # not UTF-8 once decoded
    "/%0d%0aSet-Cookie:%20x=1",
    TEN_KB,
    "/api/v4/" + "b" * 10_240,
    "/" + "c" * 300,  # one segment longer than any file name
]


@pytest.fixture
def web_dir(tmp_path: Path) -> Path:
    web = tmp_path / "web"
    (web / "assets").mkdir(parents=True)
    (web / "index.html").write_text('<!doctype html><div id="root"></div>')
    (web / "assets" / "app.js").write_text("console.log('app')\n")
    (tmp_path / "secret").write_text("outside the web client")
    return web


@pytest.fixture
async def app(settings: Settings, web_dir: Path) -> AsyncIterator[FastAPI]:
    node = create_app(settings.model_copy(update={"web_dir": web_dir}))
    async with node.router.lifespan_context(node):
        yield node


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.mark.parametrize("path", ODD_PATHS, ids=lambda path: path[:40])
async def test_odd_paths_are_refused_with_the_api_error_body(
    http: httpx.AsyncClient, path: str
) -> None:
    for method in ("GET", "HEAD", "POST", "DELETE"):
        response = await http.request(method, path)
        assert response.status_code == 400, (method, path, response.text[:200])
        if method != "HEAD":
            assert response.json()["error"]["reason"] == "invalid_request_path"
        assert response.headers["x-content-type-options"] == "nosniff"


async def test_ordinary_paths_still_work(http: httpx.AsyncClient) -> None:
    assert (await http.get("/")).status_code == 200
    assert (await http.get("/index.html")).status_code == 200
    assert (await http.get("/assets/app.js")).status_code == 200
    assert (await http.get("/odyssey/a%20world%E2%9C%93")).status_code == 200  # encoded UTF-8
    assert (await http.get("/api/v4/config/ui-client")).status_code == 200
    assert (await http.get("/assets/missing.js")).status_code == 404
    assert (await http.get("/" + "d" * 255)).status_code == 200  # client route, at the limit
    assert (await http.get("/api/v4/worlds?q=%00")).status_code != 500  # the query is not a path


def test_path_problem_is_exact_about_its_limits() -> None:
    ok = {"max_path_bytes": 4096, "max_segment_bytes": 255}
    assert path_problem(b"/", **ok) is None
    assert path_problem(b"/" + b"a" * 4095, max_path_bytes=4096, max_segment_bytes=4096) is None
    assert path_problem(b"/" + b"a" * 4096, max_path_bytes=4096, max_segment_bytes=4096)
    assert path_problem(b"/" + b"a" * 255, **ok) is None
    assert path_problem(b"/" + b"a" * 256, **ok)
    assert path_problem(b"/%E2%9C%93", **ok) is None
    assert path_problem(b"/a%2Fb", **ok) is None  # an encoded slash alone is harmless
    assert path_problem(b"/...", **ok) is None  # three dots are a name
    assert path_problem(b"/a/./b", **ok)
    assert path_problem(b"/%7f", **ok)


def _raw_get(server: LiveServer, target: bytes) -> tuple[int, bytes]:
    """The status and body of `GET target`, sent byte for byte (no client normalizes it)."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def test_a_real_server_refuses_them_too(settings: Settings, web_dir: Path, tmp_path: Path) -> None:
    server = LiveServer(
        settings, tmp_path / "node.log", extra_env={"ODYSSEY_WEB_DIR": str(web_dir)}
    )
    server.start()
    try:
        for path in [*ODD_PATHS, "/../secret", "/assets/../../secret"]:
            status, body = _raw_get(server, path.encode())
            assert status == 400, (path[:60], body[:200])
            assert b'"invalid_request_path"' in body, path[:60]
        status, body = _raw_get(server, b"/index.html")
        assert status == 200 and b'<div id="root">' in body
    finally:
        server.stop()
    log = (tmp_path / "node.log").read_text()
    assert "Traceback" not in log
