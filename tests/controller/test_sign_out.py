"""Ending a sign-in closes the `/posbus` connections it opened, at once (issue 11, point 5).

Against a running node: a connection checks its token only at the handshake, so before the fix a
signed-out client kept moving for as long as it stayed connected. Each test waits for the close
with a generous bound (a close that never comes fails; how fast it comes is not asserted). That
another sign-in of the same user goes on is checked after a barrier: a second, unrelated sign-out
whose connection is seen closing, so the first event has certainly been handled by then.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client
from websockets.exceptions import ConnectionClosed

from odyssey.posbus import SetWorld, Signal, SignalType
from tests.auth.conftest import EthWallet
from tests.auth.oidc_helpers import REDIRECT_URI, SCOPE, Browser, register_client

from .conftest import Guest, LiveNode, PosbusClient, connect, live_node_fixture

live_node = live_node_fixture()

CLOSE_WITHIN = 15.0  # generous: a close that takes this long is as good as none


async def _in_world(node: LiveNode, clients: list[PosbusClient], user: Guest) -> PosbusClient:
    """A client of this token, handshaken and inside a world of its own."""
    world_id = await node.create_world(f"sign-out {uuid.uuid4().hex[:6]}", user.id)
    client = await connect(node, user)
    clients.append(client)
    await client.handshake()
    await client.teleport(world_id)
    await client.expect(SetWorld, id=world_id)
    return client


async def _closed(client: PosbusClient) -> tuple[int | None, str | None]:
    """Wait for the server to close the connection; its close code and reason."""
    with pytest.raises(ConnectionClosed):
        while True:
            await client.recv(within=CLOSE_WITHIN)
    return client.ws.close_code, client.ws.close_reason


async def _guest_tokens(node: LiveNode) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=node.url) as http:
        response = await http.post("/api/v4/auth/guest-token")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


async def _wallet_sign_in(node: LiveNode, wallet: EthWallet) -> Guest:
    """A first-party sign-in of the wallet's user (each call: a new sign-in, the same user)."""
    async with httpx.AsyncClient(base_url=node.url) as http:
        challenge = await http.get("/api/v4/auth/challenge", params={"wallet": wallet.address})
        assert challenge.status_code == 200, challenge.text
        text = challenge.json()["challenge"]
        response = await http.post(
            "/api/v4/auth/token",
            json={"wallet": wallet.address, "signedChallenge": wallet.sign(text),
                  "network": wallet.network},
        )  # fmt: skip
        assert response.status_code == 200, response.text
        token = response.json()["token"]
        me = await http.get("/api/v4/users/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200, me.text
        return Guest(uuid.UUID(me.json()["id"]), token, me.json()["name"])


async def _logout(node: LiveNode, token: str) -> None:
    async with node.api(token) as api:
        response = await api.post("/api/v4/auth/logout")
        assert response.status_code == 200, response.text


async def _barrier(node: LiveNode, clients: list[PosbusClient]) -> None:
    """Sign a bystander out and see its connection close: sign-outs before it were handled."""
    bystander = await _in_world(node, clients, await node.guest())
    await _logout(node, bystander.user.token)
    assert (await _closed(bystander))[0] == 1008


async def test_logout_closes_the_connection_of_that_sign_in(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    user = await live_node.guest()
    client = await _in_world(live_node, clients, user)
    await _logout(live_node, user.token)
    code, reason = await _closed(client)
    assert (code, reason) == (1008, "signed out")
    assert any(
        isinstance(m, Signal) and m.value == SignalType.INVALID_TOKEN for m in client.received
    )
    # Reconnecting with the same token is refused at the handshake.
    again = await connect(live_node, user)
    clients.append(again)
    await again.handshake()
    assert (await again.expect(Signal)).value == SignalType.INVALID_TOKEN
    assert (await _closed(again))[0] == 1008


async def test_another_sign_in_of_the_same_user_stays_open(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    wallet = EthWallet()
    laptop, phone = (
        await _wallet_sign_in(live_node, wallet),
        await _wallet_sign_in(live_node, wallet),
    )
    assert laptop.id == phone.id and laptop.token != phone.token
    client = await _in_world(live_node, clients, phone)
    await _logout(live_node, laptop.token)  # the other sign-in
    await _barrier(live_node, clients)
    world = client.received[-1]
    assert isinstance(world, SetWorld)
    await client.teleport(world.id)
    await client.expect(SetWorld, id=world.id)  # still served
    await _logout(live_node, phone.token)
    assert await _closed(client) == (1008, "signed out")


async def test_a_replayed_refresh_token_closes_the_connection(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    first = await _guest_tokens(live_node)
    async with httpx.AsyncClient(base_url=live_node.url) as http:
        rotated = await http.post(
            "/api/v4/auth/refresh", json={"refreshToken": first["refreshToken"]}
        )
        assert rotated.status_code == 200, rotated.text
        # Connected with the new access token: the same sign-in.
        user = Guest(uuid.UUID(first["id"]), rotated.json()["token"], first["name"])
        client = await _in_world(live_node, clients, user)
        replay = await http.post(
            "/api/v4/auth/refresh", json={"refreshToken": first["refreshToken"]}
        )
        assert replay.status_code == 400
    code, reason = await _closed(client)
    assert code == 1008 and "refresh token used twice" in (reason or "")


async def _oauth_sign_in(
    node: LiveNode, client_id: str, wallet: EthWallet | None
) -> dict[str, Any]:
    """The OpenID Connect code flow through the node's pages (a guest, or this wallet)."""
    async with (
        AsyncOAuth2Client(
            client_id=client_id,
            redirect_uri=REDIRECT_URI,
            scope=SCOPE,
            code_challenge_method="S256",
            token_endpoint_auth_method="none",
        ) as oauth,
        httpx.AsyncClient(base_url=node.url) as browser_http,
    ):
        verifier = generate_token(48)
        url, state = oauth.create_authorization_url(
            f"{node.url}/oauth2/auth", code_verifier=verifier, nonce=generate_token(20)
        )
        browser = Browser(browser_http)
        flow = await browser.open_authorize(url)
        if wallet is None:
            after_login = await browser.login_as_guest(flow)
        else:
            after_login = await browser.login_with_wallet(flow, wallet)
        callback = await browser.consent(after_login)
        token: dict[str, Any] = await oauth.fetch_token(
            f"{node.url}/oauth2/token",
            authorization_response=callback,
            code_verifier=verifier,
            state=state,
        )
        return token


async def _user_of(node: LiveNode, access_token: str) -> Guest:
    async with node.api(access_token) as api:
        me = (await api.get("/api/v4/users/me")).json()
    return Guest(uuid.UUID(me["id"]), access_token, me["name"])


async def _revoke(node: LiveNode, client_id: str, token: str, hint: str) -> None:
    async with httpx.AsyncClient(base_url=node.url) as http:
        response = await http.post(
            "/oauth2/revoke", data={"token": token, "token_type_hint": hint, "client_id": client_id}
        )
        assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
def oauth_client_id(live_node: LiveNode) -> str:
    client_id: str = register_client(live_node.environment(), "--public")["client_id"]
    return client_id


async def test_oauth_revocation_of_the_refresh_token_closes_the_connection(
    live_node: LiveNode, clients: list[PosbusClient], oauth_client_id: str
) -> None:
    token = await _oauth_sign_in(live_node, oauth_client_id, None)
    client = await _in_world(live_node, clients, await _user_of(live_node, token["access_token"]))
    await _revoke(live_node, oauth_client_id, token["refresh_token"], "refresh_token")
    assert await _closed(client) == (1008, "sign-in revoked")


async def test_oauth_revocation_leaves_the_users_other_sign_in_open(
    live_node: LiveNode, clients: list[PosbusClient], oauth_client_id: str
) -> None:
    wallet = EthWallet()
    app_token = await _oauth_sign_in(live_node, oauth_client_id, wallet)
    web = await _wallet_sign_in(live_node, wallet)
    client = await _in_world(live_node, clients, web)
    assert (await _user_of(live_node, app_token["access_token"])).id == web.id
    await _revoke(live_node, oauth_client_id, app_token["refresh_token"], "refresh_token")
    await _barrier(live_node, clients)
    world = client.received[-1]
    assert isinstance(world, SetWorld)
    await client.teleport(world.id)
    await client.expect(SetWorld, id=world.id)


async def test_oauth_revocation_of_the_access_token_closes_its_connection(
    live_node: LiveNode, clients: list[PosbusClient], oauth_client_id: str
) -> None:
    token = await _oauth_sign_in(live_node, oauth_client_id, None)
    client = await _in_world(live_node, clients, await _user_of(live_node, token["access_token"]))
    await _revoke(live_node, oauth_client_id, token["access_token"], "access_token")
    assert await _closed(client) == (1008, "access token revoked")


async def test_oidc_logout_closes_the_connection(
    live_node: LiveNode, clients: list[PosbusClient], oauth_client_id: str
) -> None:
    token = await _oauth_sign_in(live_node, oauth_client_id, None)
    client = await _in_world(live_node, clients, await _user_of(live_node, token["access_token"]))
    async with httpx.AsyncClient(base_url=live_node.url) as http:
        response = await http.get("/oauth2/logout", params={"id_token_hint": token["id_token"]})
        assert response.status_code == 200, response.text
    assert await _closed(client) == (1008, "signed out")
