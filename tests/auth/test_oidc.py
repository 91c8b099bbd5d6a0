"""The OpenID Connect provider in-process: policies, one verifier, introspection, logout, keys."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.discovery import OpenIDProviderMetadata
from sqlalchemy import update

from odyssey.auth.oauth_store import NewClient
from odyssey.config import Settings
from odyssey.controller.controller import Controller, HandshakeRejected
from odyssey.db.auth_tables import SigningKey
from odyssey.posbus import HandShake, encode

from .conftest import EthWallet, Node, bearer, error_reason
from .oidc_helpers import REDIRECT_URI, SCOPE, Browser, check_id_token, query_of
from .test_attacks import mount_probes

BASE = "http://127.0.0.1:4000"
LOGOUT_URI = "http://127.0.0.1:9/bye"


@pytest.fixture
def auth_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"public_url": BASE})


@pytest.fixture
async def app_node(node: Node) -> Node:
    mount_probes(node.app)
    return node


@pytest.fixture
async def browser(app_node: Node) -> AsyncIterator[Browser]:
    transport = httpx.ASGITransport(app=app_node.app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        yield Browser(http)


async def new_client(node: Node, **options: Any) -> NewClient:
    defaults: dict[str, Any] = {
        "name": "Test app",
        "redirect_uris": [REDIRECT_URI],
        "public": True,
        "scope": SCOPE,
        "post_logout_redirect_uris": [LOGOUT_URI],
    }
    return await node.services.auth.oauth.create_client(**{**defaults, **options})


def oauth_client(node: Node, created: NewClient) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=created.client.client_id,
        client_secret=created.client_secret,
        redirect_uri=REDIRECT_URI,
        scope=SCOPE,
        code_challenge_method="S256",
        token_endpoint_auth_method="none"
        if created.client_secret is None
        else "client_secret_basic",
        transport=httpx.ASGITransport(app=node.app),
        base_url=BASE,
    )


async def sign_in(
    oauth: AsyncOAuth2Client, browser: Browser, *, wallet: EthWallet | None = None
) -> tuple[dict[str, Any], str, str]:
    """The whole code flow; returns the token, the callback URL and the code verifier."""
    verifier = generate_token(48)
    url, state = oauth.create_authorization_url(
        f"{BASE}/oauth2/auth", code_verifier=verifier, nonce=generate_token(16)
    )
    flow = await browser.open_authorize(url)
    if wallet is None:
        after = await browser.login_as_guest(flow)
    else:
        after = await browser.login_with_wallet(flow, wallet)
    callback = await browser.consent(after)
    token = await oauth.fetch_token(
        f"{BASE}/oauth2/token", authorization_response=callback, code_verifier=verifier, state=state
    )
    return dict(token), callback, verifier


def authorize_url(client_id: str, **params: str) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid",
        "state": "xyz",
        "code_challenge": create_s256_code_challenge(generate_token(48)),
        "code_challenge_method": "S256",
        **params,
    }
    return str(httpx.URL(f"{BASE}/oauth2/auth", params={k: v for k, v in query.items() if v}))


# --- one verifier --------------------------------------------------------------------------------


async def test_guest_route_and_token_endpoint_tokens_pass_the_same_verifier(
    app_node: Node, browser: Browser
) -> None:
    """The API dependency and `verify_token` (what the controller calls) accept both kinds."""
    created = await new_client(app_node)
    guest = await app_node.guest()
    async with oauth_client(app_node, created) as oauth:
        oidc_guest, _, _ = await sign_in(oauth, browser)
    async with oauth_client(app_node, created) as oauth:
        oidc_member, _, _ = await sign_in(oauth, browser, wallet=EthWallet())

    for token, is_guest in (
        (guest["token"], True),
        (oidc_guest["access_token"], True),
        (oidc_member["access_token"], False),
    ):
        identity = await app_node.services.auth.verify_token(token)
        assert identity.is_guest is is_guest
        through_api = await app_node.http.get("/_probe/identity", headers=bearer(token))
        assert through_api.status_code == 200, through_api.text
        assert through_api.json() == {"user_id": str(identity.user_id), "guest": is_guest}
        wallet_only = await app_node.http.get("/_probe/wallet-only", headers=bearer(token))
        assert wallet_only.status_code == (403 if is_guest else 200)

    assert (await app_node.services.auth.verify_token(oidc_guest["access_token"])).client_id == (
        created.client.client_id
    )


async def test_the_controller_and_the_api_accept_the_same_tokens(
    app_node: Node, browser: Browser
) -> None:
    """The posbus handshake verifies with the same function as the API's dependency."""
    controller = app_node.services.presence
    assert isinstance(controller, Controller)
    created = await new_client(app_node)
    async with oauth_client(app_node, created) as oauth:
        oidc, _, _ = await sign_in(oauth, browser, wallet=EthWallet())
    guest = (await app_node.guest())["token"]
    for token in (guest, oidc["access_token"]):
        identity = await app_node.services.auth.verify_token(token)
        frame = encode(HandShake(1, 1, token, identity.user_id, uuid.uuid4()))
        signed_in = await controller.authenticate(frame)
        assert signed_in.user_id == identity.user_id
        api = await app_node.http.get("/_probe/identity", headers=bearer(token))
        assert api.json()["user_id"] == str(signed_in.user_id)
        # Revoked once, refused by both.
        await app_node.http.post("/api/v4/auth/logout", headers=bearer(token))
        with pytest.raises(HandshakeRejected):
            await controller.authenticate(frame)
        assert (
            await app_node.http.get("/_probe/identity", headers=bearer(token))
        ).status_code == 401


async def test_tokens_without_the_api_scope_do_not_open_the_api(
    app_node: Node, browser: Browser
) -> None:
    created = await new_client(app_node, scope="openid profile")
    async with oauth_client(app_node, created) as oauth:
        oauth.scope = "openid profile"
        token, _, _ = await sign_in(oauth, browser)
    refused = await app_node.http.get("/_probe/identity", headers=bearer(token["access_token"]))
    assert refused.status_code == 401
    assert "api" in refused.json()["error"]["message"]
    userinfo = await app_node.http.get("/oauth2/userinfo", headers=bearer(token["access_token"]))
    assert userinfo.status_code == 200
    # The ID token is never accepted as an access token.
    for token_value in (token["id_token"],):
        response = await app_node.http.get("/_probe/identity", headers=bearer(token_value))
        assert response.status_code == 401


# --- authorization policies ----------------------------------------------------------------------


async def test_a_reused_code_is_refused_and_revokes_its_tokens(
    app_node: Node, browser: Browser
) -> None:
    created = await new_client(app_node)
    async with oauth_client(app_node, created) as oauth:
        token, callback, verifier = await sign_in(oauth, browser)
        with pytest.raises(OAuthError) as reused:
            await oauth.fetch_token(
                f"{BASE}/oauth2/token", authorization_response=callback, code_verifier=verifier
            )
    assert reused.value.error == "invalid_grant"
    response = await app_node.http.get("/_probe/identity", headers=bearer(token["access_token"]))
    assert response.status_code == 401


async def test_wrong_code_verifier_is_refused(app_node: Node, browser: Browser) -> None:
    created = await new_client(app_node)
    async with oauth_client(app_node, created) as oauth:
        verifier = generate_token(48)
        url, state = oauth.create_authorization_url(f"{BASE}/oauth2/auth", code_verifier=verifier)
        callback = await browser.consent(
            await browser.login_as_guest(await browser.open_authorize(url))
        )
        with pytest.raises(OAuthError) as refused:
            await oauth.fetch_token(
                f"{BASE}/oauth2/token",
                authorization_response=callback,
                code_verifier=generate_token(48),
                state=state,
            )
    assert refused.value.error == "invalid_grant"


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"code_challenge": "", "code_challenge_method": ""}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"scope": "openid admin"}, "invalid_scope"),
        ({"prompt": "none"}, "login_required"),
    ],
    ids=["no-pkce", "plain-pkce", "unknown-scope", "prompt-none"],
)
async def test_bad_authorization_requests_go_back_to_the_client(
    app_node: Node, browser: Browser, params: dict[str, str], error: str
) -> None:
    created = await new_client(app_node)
    response = await browser.http.get(authorize_url(created.client.client_id, **params))
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(REDIRECT_URI)
    assert query_of(location)["error"] == error
    assert query_of(location)["state"] == "xyz"


@pytest.mark.parametrize(
    ("client_id", "redirect_uri", "reason"),
    [
        ("no-such-client", REDIRECT_URI, "invalid_client"),
        (None, "http://evil.example/callback", "invalid_request"),
    ],
    ids=["unknown-client", "unregistered-redirect"],
)
async def test_requests_that_cannot_be_sent_back_are_refused_here(
    app_node: Node, browser: Browser, client_id: str | None, redirect_uri: str, reason: str
) -> None:
    created = await new_client(app_node)
    url = authorize_url(client_id or created.client.client_id, redirect_uri=redirect_uri)
    response = await browser.http.get(url)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert error_reason(response) == reason
    page = await browser.http.get(url, headers={"Accept": "text/html"})
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    assert "Cannot sign in" in page.text


async def test_denied_consent_tells_the_client(app_node: Node, browser: Browser) -> None:
    created = await new_client(app_node)
    flow = await browser.open_authorize(authorize_url(created.client.client_id))
    location = await browser.consent(await browser.login_as_guest(flow), decision="deny")
    assert query_of(location)["error"] == "access_denied"
    assert query_of(location)["state"] == "xyz"
    # The flow is finished: answering again is refused.
    again = await browser.http.post("/oauth2/consent", data={"flow": flow, "decision": "allow"})
    assert again.status_code == 404
    assert error_reason(again) == "login_flow_not_found"


async def test_the_login_flow_belongs_to_the_browser_that_started_it(
    app_node: Node, browser: Browser
) -> None:
    created = await new_client(app_node)
    flow = await browser.open_authorize(authorize_url(created.client.client_id))
    transport = httpx.ASGITransport(app=app_node.app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as stranger:
        stolen = await stranger.post("/oauth2/login/guest", data={"flow": flow})
        assert stolen.status_code == 403
        assert error_reason(stolen) == "login_flow_forbidden"
        page = await stranger.get(f"/oauth2/login?flow={flow}", headers={"Accept": "text/html"})
        assert page.status_code == 403 and "another browser" in page.text


async def test_trusted_clients_skip_consent(app_node: Node, browser: Browser) -> None:
    created = await new_client(app_node, trusted=True)
    flow = await browser.open_authorize(authorize_url(created.client.client_id))
    response = await browser.login_as_guest(flow)
    assert response.status_code == 302
    assert "code" in query_of(response.headers["location"])


async def test_wallet_login_page_refuses_a_wrong_signature(
    app_node: Node, browser: Browser
) -> None:
    created = await new_client(app_node)
    flow = await browser.open_authorize(authorize_url(created.client.client_id))
    wallet, impostor = EthWallet(), EthWallet()
    await browser.http.post(
        "/oauth2/login/wallet/challenge",
        data={"flow": flow, "wallet": wallet.address, "network": "ethereum"},
    )
    response = await browser.http.post(
        "/oauth2/login/wallet",
        data={
            "flow": flow,
            "wallet": wallet.address,
            "network": "ethereum",
            "signature": impostor.sign("anything"),
        },
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 400
    assert "not made by this wallet" in response.text and "Continue as a guest" in response.text
    # The flow is still open: the owner's signature now works.
    text = await app_node.challenge(wallet.address)
    retry = await browser.http.post(
        "/oauth2/login/wallet",
        data={
            "flow": flow,
            "wallet": wallet.address,
            "network": "ethereum",
            "signature": wallet.sign(text),
        },
    )
    assert retry.status_code == 303
    assert retry.headers["location"].startswith("/oauth2/consent")


async def test_pages_are_self_contained(app_node: Node, browser: Browser) -> None:
    created = await new_client(app_node)
    response = await browser.http.get(authorize_url(created.client.client_id))
    page = await browser.http.get(response.headers["location"])
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-frame-options"] == "DENY"
    for marker in ('src="http', "href=", "@import", "url("):
        assert marker not in page.text
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/oauth2" in cookie


# --- introspection, revocation, logout -----------------------------------------------------------


async def test_introspection(app_node: Node, browser: Browser) -> None:
    app = await new_client(app_node, public=False)
    resource = await new_client(app_node, public=False, introspect_any=True)
    bystander = await new_client(app_node, public=False)
    async with oauth_client(app_node, app) as oauth:
        token, _, _ = await sign_in(oauth, browser)

        async def introspect(who: NewClient, value: str) -> dict[str, Any]:
            response = await app_node.http.post(
                "/oauth2/introspect",
                data={"token": value},
                auth=(who.client.client_id, who.client_secret or ""),
            )
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            return body

        own = await introspect(app, token["access_token"])
        assert own["active"] is True
        assert own["client_id"] == app.client.client_id and own["guest"] is True
        assert (await introspect(resource, token["access_token"]))["active"] is True
        assert (await introspect(bystander, token["access_token"])) == {"active": False}
        assert (await introspect(app, token["refresh_token"]))["active"] is True
        assert (await introspect(app, "not-a-token")) == {"active": False}
        first_party = (await app_node.guest())["token"]
        assert (await introspect(resource, first_party))["active"] is True

        await oauth.revoke_token(f"{BASE}/oauth2/revoke", token=token["refresh_token"])
        assert (await introspect(app, token["access_token"])) == {"active": False}
        assert (await introspect(app, token["refresh_token"])) == {"active": False}

    public = await new_client(app_node)
    refused = await app_node.http.post(
        "/oauth2/introspect",
        data={"token": token["access_token"], "client_id": public.client.client_id},
    )
    assert refused.status_code in (400, 401)
    assert refused.json()["error"] == "invalid_client"


async def test_a_client_cannot_revoke_another_clients_token(
    app_node: Node, browser: Browser
) -> None:
    mine, theirs = await new_client(app_node), await new_client(app_node)
    async with oauth_client(app_node, theirs) as oauth:
        token, _, _ = await sign_in(oauth, browser)
    response = await app_node.http.post(
        "/oauth2/revoke", data={"token": token["access_token"], "client_id": mine.client.client_id}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert (await app_node.services.auth.verify_token(token["access_token"])).user_id


async def test_logout_with_id_token_hint_ends_the_sign_in(app_node: Node, browser: Browser) -> None:
    created = await new_client(app_node)
    async with oauth_client(app_node, created) as oauth:
        token, _, _ = await sign_in(oauth, browser)
    response = await browser.http.get(
        "/oauth2/logout",
        params={
            "id_token_hint": token["id_token"],
            "post_logout_redirect_uri": LOGOUT_URI,
            "state": "s1",
        },
    )
    assert response.status_code == 302
    assert response.headers["location"] == f"{LOGOUT_URI}?state=s1"
    refused = await app_node.http.get("/_probe/identity", headers=bearer(token["access_token"]))
    assert refused.status_code == 401
    refresh = await app_node.http.post(
        "/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": created.client.client_id,
        },
    )
    assert refresh.status_code == 400 and refresh.json()["error"] == "invalid_grant"
    # Without a hint there is nothing to end, and an unregistered redirect is never followed.
    bare = await browser.http.get("/oauth2/logout", headers={"Accept": "application/json"})
    assert bare.status_code == 400
    assert error_reason(bare) == "id_token_hint_required"


async def test_refresh_token_reuse_revokes_the_sign_in(app_node: Node, browser: Browser) -> None:
    created = await new_client(app_node)
    async with oauth_client(app_node, created) as oauth:
        token, _, _ = await sign_in(oauth, browser)
        fresh = await oauth.refresh_token(
            f"{BASE}/oauth2/token", refresh_token=token["refresh_token"]
        )
        with pytest.raises(OAuthError) as reused:
            await oauth.refresh_token(f"{BASE}/oauth2/token", refresh_token=token["refresh_token"])
        assert reused.value.error == "invalid_grant"
    refused = await app_node.http.get("/_probe/identity", headers=bearer(fresh["access_token"]))
    assert refused.status_code == 401


# --- discovery and keys --------------------------------------------------------------------------


async def test_discovery_document_is_valid(app_node: Node) -> None:
    meta = (await app_node.http.get("/.well-known/openid-configuration")).json()
    OpenIDProviderMetadata(meta).validate()
    assert meta["issuer"] == BASE
    assert meta["jwks_uri"] == f"{BASE}/.well-known/jwks.json"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    same = (await app_node.http.get("/.well-known/oauth-authorization-server")).json()
    assert same == meta


async def test_key_rotation(app_node: Node, browser: Browser) -> None:
    auth = app_node.services.auth
    before = (await app_node.guest())["token"]
    old_kid = json.loads(base64.urlsafe_b64decode(before.split(".")[0] + "=="))["kid"]
    new_kid = await auth.keys.rotate()
    assert new_kid != old_kid
    after = (await app_node.guest())["token"]
    assert json.loads(base64.urlsafe_b64decode(after.split(".")[0] + "=="))["kid"] == new_kid
    kids = [
        key["kid"] for key in (await app_node.http.get("/.well-known/jwks.json")).json()["keys"]
    ]
    assert kids == [new_kid, old_kid]
    # Tokens of the old key still verify, until that key's tokens have all expired.
    assert (await auth.verify_token(before)).user_id
    async with app_node.services.db.write() as session:
        await session.execute(
            update(SigningKey)
            .where(SigningKey.kid == old_kid)
            .values(retired_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
        )
    await auth.keys.rotate()  # drops the old key for good
    refused = await app_node.http.get("/_probe/identity", headers=bearer(before))
    assert refused.status_code == 401
    kids = [
        key["kid"] for key in (await app_node.http.get("/.well-known/jwks.json")).json()["keys"]
    ]
    assert old_kid not in kids and new_kid in kids
    assert (await auth.verify_token(after)).user_id  # the retired-but-recent key still verifies
    async with app_node.services.db.read() as session:
        assert await session.get(SigningKey, old_kid) is None


@pytest.mark.parametrize("algorithm", ["ES256", "EdDSA"])
async def test_rotation_to_another_algorithm(app_node: Node, algorithm: str) -> None:
    auth = app_node.services.auth
    before = (await app_node.guest())["token"]
    auth.keys.algorithm = algorithm  # what ODYSSEY_AUTH_SIGNING_ALGORITHM sets
    await auth.keys.rotate()
    after = (await app_node.guest())["token"]
    assert json.loads(base64.urlsafe_b64decode(after.split(".")[0] + "=="))["alg"] == algorithm
    for token in (before, after):
        response = await app_node.http.get("/_probe/identity", headers=bearer(token))
        assert response.status_code == 200
    meta = (await app_node.http.get("/.well-known/openid-configuration")).json()
    assert set(meta["id_token_signing_alg_values_supported"]) >= {"RS256", algorithm}


async def test_id_token_signed_by_the_current_key(app_node: Node, browser: Browser) -> None:
    created = await new_client(app_node)
    nonce = generate_token(16)
    async with oauth_client(app_node, created) as oauth:
        verifier = generate_token(48)
        url, _ = oauth.create_authorization_url(
            f"{BASE}/oauth2/auth", code_verifier=verifier, nonce=nonce
        )
        callback = await browser.consent(
            await browser.login_with_wallet(await browser.open_authorize(url), EthWallet())
        )
        token = await oauth.fetch_token(
            f"{BASE}/oauth2/token", authorization_response=callback, code_verifier=verifier
        )
    jwks = (await app_node.http.get("/.well-known/jwks.json")).json()
    claims = check_id_token(
        token["id_token"],
        jwks=jwks,
        algorithms=["RS256"],
        issuer=BASE,
        client_id=created.client.client_id,
        nonce=nonce,
        access_token=token["access_token"],
    )
    assert claims["guest"] is False
    identity = await app_node.services.auth.verify_token(token["access_token"])
    assert claims["sid"] == str(identity.session_id)
