"""The web client's refresh token lives in an HttpOnly, SameSite=Strict cookie that page scripts
cannot read; other sites cannot use it; clients without the header keep the body-based flow."""

from __future__ import annotations

from http.cookies import SimpleCookie

import httpx
import pytest

from odyssey.config import Settings

from .conftest import EthWallet, Node, bearer, error_reason

COOKIE = {"X-Odyssey-Auth": "cookie"}


def refresh_cookie(response: httpx.Response) -> tuple[str, dict[str, str | bool]]:
    """The value and attributes of the odyssey_refresh cookie a response sets."""
    [header] = [h for h in response.headers.get_list("set-cookie") if "odyssey_refresh=" in h]
    parsed = SimpleCookie()
    parsed.load(header)
    morsel = parsed["odyssey_refresh"]
    attributes: dict[str, str | bool] = {
        key: value for key, value in morsel.items() if value not in ("", False)
    }
    return morsel.value, attributes


async def test_guest_sign_in_sets_the_cookie_and_keeps_the_token_out_of_the_body(
    node: Node,
) -> None:
    response = await node.http.post("/api/v4/auth/guest-token", headers=COOKIE)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "refreshToken" not in body
    assert body["token"] and body["expiresIn"] > 0 and body["isGuest"] is True
    value, attributes = refresh_cookie(response)
    assert len(value) >= 32
    assert attributes["httponly"] is True
    assert attributes["samesite"] == "strict"
    assert attributes["path"] == "/api/v4/auth"
    assert "secure" not in attributes  # an http node: a Secure cookie would never come back
    assert int(str(attributes["max-age"])) == node.services.settings.auth_refresh_token_ttl
    # The access token works; the cookie refreshes it (the client sends it back itself).
    assert (await node.http.get("/api/v4/users/me", headers=bearer(body["token"]))).is_success
    refreshed = await node.http.post("/api/v4/auth/refresh", headers=COOKIE)
    assert refreshed.status_code == 200, refreshed.text
    assert set(refreshed.json()) == {"token", "expiresIn"}
    rotated, _ = refresh_cookie(refreshed)
    assert rotated != value
    me = await node.http.get("/api/v4/users/me", headers=bearer(refreshed.json()["token"]))
    assert me.json()["id"] == body["id"]


async def test_wallet_sign_in_sets_the_cookie(node: Node) -> None:
    wallet = EthWallet()
    text = await node.challenge(wallet.address)
    response = await node.http.post(
        "/api/v4/auth/token",
        json={
            "wallet": wallet.address,
            "signedChallenge": wallet.sign(text),
            "network": "ethereum",
        },
        headers=COOKIE,
    )
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"token", "expiresIn"}
    refresh_cookie(response)


async def test_a_replayed_cookie_ends_the_sign_in_and_is_cleared(node: Node) -> None:
    first = await node.http.post("/api/v4/auth/guest-token", headers=COOKIE)
    old, _ = refresh_cookie(first)
    assert (await node.http.post("/api/v4/auth/refresh", headers=COOKIE)).status_code == 200
    # Someone replays the old cookie value (copied before it rotated).
    async with node.client_at("198.51.100.7") as thief:
        thief.cookies.set("odyssey_refresh", old, path="/api/v4/auth")
        replay = await thief.post("/api/v4/auth/refresh", headers=COOKIE)
    assert replay.status_code == 400
    assert error_reason(replay) == "invalid_refresh_token"
    cleared, attributes = refresh_cookie(replay)
    assert cleared == "" and int(str(attributes["max-age"])) == 0
    # The whole sign-in ended: the current cookie no longer works either.
    after = await node.http.post("/api/v4/auth/refresh", headers=COOKIE)
    assert after.status_code == 400
    assert error_reason(after) == "invalid_refresh_token"


async def test_refresh_without_a_cookie_says_so(node: Node) -> None:
    response = await node.http.post("/api/v4/auth/refresh", headers=COOKIE)
    assert response.status_code == 400
    assert error_reason(response) == "invalid_refresh_token"


async def test_the_cookie_is_ignored_without_the_header(node: Node) -> None:
    """A plain form post or an old client carrying the cookie gets nothing from it."""
    await node.http.post("/api/v4/auth/guest-token", headers=COOKIE)
    assert node.http.cookies.get("odyssey_refresh")
    response = await node.http.post("/api/v4/auth/refresh")
    assert response.status_code == 400
    assert error_reason(response) == "invalid_request_body"
    form = await node.http.post(
        "/api/v4/auth/refresh",
        content=b"refreshToken=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 400
    assert error_reason(form) == "invalid_request_body"


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "http://testserver.evil.example"},
    ],
)
async def test_cross_site_requests_are_refused(node: Node, headers: dict[str, str]) -> None:
    await node.http.post("/api/v4/auth/guest-token", headers=COOKIE)
    for path in ("/api/v4/auth/refresh", "/api/v4/auth/guest-token"):
        response = await node.http.post(path, headers={**COOKIE, **headers})
        assert response.status_code == 403, response.text
        assert error_reason(response) == "cross_site_request"
        assert "set-cookie" not in response.headers


async def test_same_origin_requests_pass(node: Node) -> None:
    await node.http.post("/api/v4/auth/guest-token", headers=COOKIE)
    response = await node.http.post(
        "/api/v4/auth/refresh",
        headers={**COOKIE, "Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
    )
    assert response.status_code == 200, response.text


async def test_logout_ends_the_sign_in_and_clears_the_cookie(node: Node) -> None:
    signed_in = (await node.http.post("/api/v4/auth/guest-token", headers=COOKIE)).json()
    response = await node.http.post(
        "/api/v4/auth/logout", headers={**COOKIE, **bearer(signed_in["token"])}
    )
    assert response.status_code == 200, response.text
    cleared, attributes = refresh_cookie(response)
    assert cleared == "" and int(str(attributes["max-age"])) == 0
    assert attributes["path"] == "/api/v4/auth"
    assert not node.http.cookies.get("odyssey_refresh")
    me = await node.http.get("/api/v4/users/me", headers=bearer(signed_in["token"]))
    assert me.status_code == 401


async def test_body_clients_are_unchanged(node: Node) -> None:
    """Bots and scripts (no header) get the refresh token in the body and no cookie."""
    response = await node.http.post("/api/v4/auth/guest-token")
    assert "set-cookie" not in response.headers
    refresh_token = response.json()["refreshToken"]
    refreshed = await node.http.post("/api/v4/auth/refresh", json={"refreshToken": refresh_token})
    assert refreshed.status_code == 200
    assert set(refreshed.json()) == {"token", "refreshToken", "expiresIn"}
    assert "set-cookie" not in refreshed.headers


async def test_a_body_token_moves_into_the_cookie(node: Node) -> None:
    """How the web client carries a sign-in kept by its older version over to the cookie."""
    refresh_token = (await node.http.post("/api/v4/auth/guest-token")).json()["refreshToken"]
    moved = await node.http.post(
        "/api/v4/auth/refresh", json={"refreshToken": refresh_token}, headers=COOKIE
    )
    assert moved.status_code == 200, moved.text
    assert "refreshToken" not in moved.json()
    refresh_cookie(moved)
    assert (await node.http.post("/api/v4/auth/refresh", headers=COOKIE)).status_code == 200


@pytest.fixture
def auth_settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    url = getattr(request, "param", None)
    return settings.model_copy(update={"public_url": url}) if url else settings


@pytest.mark.parametrize("auth_settings", ["https://node.example"], indirect=True)
async def test_the_cookie_is_secure_behind_https(node: Node) -> None:
    response = await node.http.post(
        "/api/v4/auth/guest-token",
        headers={**COOKIE, "Origin": "https://node.example", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 200, response.text
    _, attributes = refresh_cookie(response)
    assert attributes["secure"] is True
