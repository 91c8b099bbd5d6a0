"""Authlib's OAuth client completes the whole OpenID Connect flow against a running node."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError

from .conftest import EthWallet
from .oidc_helpers import REDIRECT_URI, SCOPE, Browser, check_id_token, query_of, register_client


@pytest.mark.parametrize("login", ["guest", "ethereum"])
async def test_authlib_client_full_flow(live_server: Any, login: str) -> None:
    base = live_server.url
    async with httpx.AsyncClient(base_url=base) as http:
        # Discovery.
        meta = (await http.get("/.well-known/openid-configuration")).json()
        assert meta["issuer"] == base
        assert meta["code_challenge_methods_supported"] == ["S256"]
        jwks = (await http.get(meta["jwks_uri"])).json()
        assert jwks["keys"] and all("d" not in key for key in jwks["keys"])

    registered = await asyncio.to_thread(register_client, live_server.environment(), "--public")
    client_id = registered["client_id"]
    assert registered["client_secret"] is None

    wallet = EthWallet()
    async with (
        AsyncOAuth2Client(
            client_id=client_id,
            redirect_uri=REDIRECT_URI,
            scope=SCOPE,
            code_challenge_method="S256",
            token_endpoint_auth_method="none",
        ) as oauth,
        httpx.AsyncClient(base_url=base) as browser_http,
    ):
        # Authorize, through the login page and the consent page.
        verifier, nonce = generate_token(48), generate_token(20)
        url, state = oauth.create_authorization_url(
            meta["authorization_endpoint"], code_verifier=verifier, nonce=nonce
        )
        browser = Browser(browser_http)
        flow = await browser.open_authorize(url)
        if login == "guest":
            after_login = await browser.login_as_guest(flow)
        else:
            after_login = await browser.login_with_wallet(flow, wallet)
        callback = await browser.consent(after_login)
        assert callback.startswith(REDIRECT_URI)
        assert query_of(callback)["state"] == state

        # Token.
        token = await oauth.fetch_token(
            meta["token_endpoint"],
            authorization_response=callback,
            code_verifier=verifier,
            state=state,
        )
        assert token["token_type"].lower() == "bearer"
        assert set(token["scope"].split()) == set(SCOPE.split())
        id_claims = check_id_token(
            token["id_token"],
            jwks=jwks,
            algorithms=meta["id_token_signing_alg_values_supported"],
            issuer=base,
            client_id=client_id,
            nonce=nonce,
            access_token=token["access_token"],
        )

        # Userinfo.
        info = (await oauth.get(meta["userinfo_endpoint"])).json()
        assert info["sub"] == id_claims["sub"]
        assert info["guest"] is (login == "guest")

        # Refresh, with rotation.
        refreshed = await oauth.refresh_token(
            meta["token_endpoint"], refresh_token=token["refresh_token"]
        )
        assert refreshed["refresh_token"] != token["refresh_token"]
        assert refreshed["access_token"] != token["access_token"]
        assert (await oauth.get(meta["userinfo_endpoint"])).json()["sub"] == info["sub"]

        # Revoke the access token: userinfo refuses it from now on.
        revoked = await oauth.revoke_token(
            meta["revocation_endpoint"],
            token=refreshed["access_token"],
            token_type_hint="access_token",
        )
        assert revoked.status_code == 200
        refused = await oauth.get(meta["userinfo_endpoint"])
        assert refused.status_code == 401
        assert refused.json()["error"]["reason"] == "failed_to_verify_access_token"

        # Revoke the refresh token: no more refreshing.
        await oauth.revoke_token(
            meta["revocation_endpoint"],
            token=refreshed["refresh_token"],
            token_type_hint="refresh_token",
        )
        with pytest.raises(OAuthError) as after_revoke:
            await oauth.refresh_token(
                meta["token_endpoint"], refresh_token=refreshed["refresh_token"]
            )
        assert after_revoke.value.error == "invalid_grant"
