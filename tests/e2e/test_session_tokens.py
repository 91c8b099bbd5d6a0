"""The web client's tokens are out of reach of page scripts: the access token lives in memory, the
refresh token in an HttpOnly cookie; a reload still keeps the person signed in."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from .conftest import Node
from .test_creator import install_wallet
from .test_presence import my_id

# What any script running on the node's origin can read.
READABLE_STORAGE = """() => JSON.stringify({
  local: Object.fromEntries(Object.entries(localStorage)),
  session: Object.fromEntries(Object.entries(sessionStorage)),
  cookie: document.cookie,
})"""


def refresh_cookie(page: Any) -> dict[str, Any]:
    [cookie] = [c for c in page.context.cookies() if c["name"] == "odyssey_refresh"]
    return dict(cookie)


def access_tokens(responses: list[Any]) -> list[str]:
    """The access tokens the node handed this page (sign-ins and refreshes)."""
    found: list[str] = []
    for response in responses:
        if response.ok and response.request.method == "POST" and "/api/v4/auth/" in response.url:
            body = response.json()
            if isinstance(body, dict) and "token" in body:
                assert "refreshToken" not in body  # the refresh token never reaches the page
                found.append(body["token"])
    return found


def assert_unreadable(page: Any, secrets: list[str]) -> None:
    readable = page.evaluate(READABLE_STORAGE)
    for secret in secrets:
        assert secret not in readable
    assert "eyJ" not in readable  # no JWT of any kind
    assert "odyssey_refresh" not in readable


def sign_up(page: Any, name: str) -> None:
    """Connect the stub wallet on a page that is signed in as a guest, and sign up as `name`."""
    page.click('[data-testid="menu-connect"]')
    page.click('[data-testid="connect-ethereum"]')
    page.fill('[data-testid="signup-name"]', name)
    page.click('[data-testid="signup-submit"]')
    page.wait_for_function(f"() => window.__odysseyTest.session().user?.name === {name!r}")


def signed_in_as(page: Any, name: str) -> None:
    page.wait_for_function(
        f"() => window.__odysseyTest?.session().user?.name === {name!r}", timeout=30_000
    )


def test_tokens_are_not_readable_by_page_scripts_and_a_reload_keeps_the_session(
    node: Node, new_page: Callable[[], Any]
) -> None:
    page = new_page()
    install_wallet(page)
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(node.url + "/")
    page.wait_for_function("() => window.__odysseyTest?.session().user?.isGuest === true")

    sign_up(page, "Ada Private")
    member_id = my_id(page)

    cookie = refresh_cookie(page)
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/api/v4/auth"
    tokens = access_tokens(responses)
    assert len(tokens) >= 2  # the first guest's and the member's
    responses.clear()  # (bodies are gone once the page navigates)
    assert_unreadable(page, [cookie["value"], *tokens])

    # A reload: no token survives in the page, yet the person is still signed in, as before.
    page.reload()
    page.wait_for_function("() => window.__odysseyTest?.session().user?.name === 'Ada Private'")
    assert my_id(page) == member_id
    rotated = refresh_cookie(page)
    assert rotated["value"] != cookie["value"]  # the reload refreshed with the cookie
    assert_unreadable(page, [cookie["value"], rotated["value"], *access_tokens(responses)])

    # Signing out ends it: a new guest, and the member's cookie is gone.
    page.click('[data-testid="menu-profile"]')
    page.click('[data-testid="logout"]')
    page.wait_for_function("() => window.__odysseyTest.session().user?.isGuest === true")
    assert refresh_cookie(page)["value"] != rotated["value"]
    page.reload()
    page.wait_for_function("() => window.__odysseyTest?.session().user?.isGuest === true")
    assert my_id(page) != member_id
    assert not page.errors


def test_a_sign_in_kept_by_the_older_client_moves_into_the_cookie(
    node: Node, new_page: Callable[[], Any]
) -> None:
    """Earlier versions kept both tokens in localStorage: the first load carries the sign-in over
    and removes them."""
    guest = httpx.post(f"{node.url}/api/v4/auth/guest-token").json()
    page = new_page()
    page.goto(node.url + "/api/v4/version")
    page.evaluate(
        "([token, refresh]) => { localStorage.setItem('odyssey.token', token);"
        " localStorage.setItem('odyssey.refresh', refresh); }",
        [guest["token"], guest["refreshToken"]],
    )
    page.goto(node.url + "/")
    page.wait_for_function("() => window.__odysseyTest?.session().phase === 'ready'")
    assert my_id(page) == guest["id"]
    kept = json.loads(page.evaluate(READABLE_STORAGE))["local"]
    assert "odyssey.token" not in kept and "odyssey.refresh" not in kept
    assert_unreadable(page, [guest["token"], guest["refreshToken"]])
    assert refresh_cookie(page)["httpOnly"] is True
    page.reload()
    page.wait_for_function("() => window.__odysseyTest?.session().phase === 'ready'")
    assert my_id(page) == guest["id"]


def test_tabs_opened_at_once_all_keep_the_sign_in(node: Node, new_page: Callable[[], Any]) -> None:
    """Each tab refreshes with the one cookie when it loads; they take turns, so none of them
    presents a cookie another has just used up (which would end the sign-in as stolen)."""
    page = new_page()
    install_wallet(page)
    page.goto(node.url + "/")
    page.wait_for_function("() => window.__odysseyTest?.session().user?.isGuest === true")
    sign_up(page, "Tab Keeper")
    tabs = [page.context.new_page() for _ in range(4)]
    for tab in [*tabs, page]:
        tab.goto(node.url + "/", wait_until="commit")
    for tab in [*tabs, page]:
        signed_in_as(tab, "Tab Keeper")
    page.reload()
    signed_in_as(page, "Tab Keeper")
