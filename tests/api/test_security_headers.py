"""Every HTTP response carries the security headers; a policy a route set itself is kept.

Against the real application (create_app) with a small built web client in a temporary folder,
so `/` is served the way a node serves web/dist.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from odyssey.api.headers import RESOURCE_POLICY
from odyssey.app import create_app
from odyssey.config import Settings

COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def assert_common(response: httpx.Response) -> None:
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, (response.request.url, name)
    assert "content-security-policy" in response.headers, response.request.url


@pytest.fixture
def web_dir(tmp_path: Path) -> Path:
    web = tmp_path / "web"
    (web / "assets").mkdir(parents=True)
    (web / "index.html").write_text(
        '<!doctype html><html><head><script type="module" src="/assets/app.js"></script>'
        '</head><body><div id="root"></div></body></html>'
    )
    (web / "assets" / "app.js").write_text("console.log('app')\n")
    return web


@pytest.fixture
async def app(settings: Settings, web_dir: Path) -> AsyncIterator[FastAPI]:
    node = create_app(settings.model_copy(update={"web_dir": web_dir}))

    @node.post("/api/v4/test-only/boom", include_in_schema=False)
    async def boom() -> None:
        raise RuntimeError("a bug")

    async with node.router.lifespan_context(node):
        yield node


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    # raise_app_exceptions=False: receive the 500 answer like a browser would.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_the_web_app_gets_its_content_security_policy(http: httpx.AsyncClient) -> None:
    for path in ("/", "/index.html", "/explore", "/odyssey/some-world"):
        response = await http.get(path)
        assert response.status_code == 200, path
        assert_common(response)
        policy = directives(response.headers["content-security-policy"])
        assert policy["script-src"] == ["'self'"], path  # no inline script, no eval
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "'self'" in policy["connect-src"]
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        assert "'unsafe-eval'" not in response.headers["content-security-policy"]
    head = await http.head("/")
    assert_common(head)


async def test_api_static_and_infra_responses_carry_the_headers(
    http: httpx.AsyncClient,
) -> None:
    guest = (await http.post("/api/v4/auth/guest-token")).json()["token"]
    auth = {"Authorization": f"Bearer {guest}"}
    for method, path, status in [
        ("GET", "/api/v4/config/ui-client", 200),
        ("GET", "/api/v4/worlds", 200),
        ("GET", "/api/v4/users/me", 200),
        ("GET", "/assets/app.js", 200),
        ("GET", "/health", 200),
        ("GET", "/version", 200),
        ("GET", "/.well-known/openid-configuration", 200),
    ]:
        response = await http.request(method, path, headers=auth)
        assert response.status_code == status, path
        assert_common(response)
        assert response.headers["content-security-policy"] == RESOURCE_POLICY, path


async def test_error_responses_carry_the_headers(http: httpx.AsyncClient) -> None:
    cases = [
        ("GET", "/api/v4/no-such-route", 404),  # unknown API route
        ("GET", "/assets/missing.js", 404),  # missing static file
        ("GET", "/api/v4/users/me", 401),  # no token
        ("GET", "/api/v4/auth/challenge", 400),  # bad input
        ("DELETE", "/health", 405),
        ("POST", "/api/v4/test-only/boom", 500),  # an unexpected error
    ]
    for method, path, status in cases:
        response = await http.request(method, path)
        assert response.status_code == status, (path, response.text)
        assert_common(response)
        assert response.headers["content-security-policy"] == RESOURCE_POLICY
        assert "error" in response.json()


async def test_a_policy_the_route_set_is_kept(http: httpx.AsyncClient, app: FastAPI) -> None:
    # The sign-in pages send their own nonce policy and no referrer at all.
    redirect = "http://127.0.0.1:9/callback"
    created = await app.state.services.auth.oauth.create_client(
        name="Test app", redirect_uris=[redirect], public=True, scope="openid"
    )
    params = {
        "response_type": "code",
        "client_id": created.client.client_id,
        "redirect_uri": redirect,
        "scope": "openid",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
    }
    started = await http.get("/oauth2/auth", params=params)
    assert started.status_code == 303, started.text
    page = await http.get(started.headers["location"])
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "script-src 'nonce-" in policy and "default-src 'none'" in policy
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cross-origin-opener-policy"] == "same-origin"
    # One header each: the middleware never adds a second copy of a header the route set.
    assert len(page.headers.get_list("content-security-policy")) == 1
    assert len(page.headers.get_list("x-frame-options")) == 1
