"""A scripted browser for the login and consent pages, and ID token checks with Authlib."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.jwk import KeySet

from .conftest import DotWallet, EthWallet, challenge_on_page, hidden_field

REDIRECT_URI = "http://127.0.0.1:9/callback"
SCOPE = "openid profile api offline_access"


class Browser:
    """Follows the server's pages by HTTP, like a person clicking through them."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def _follow(self, response: httpx.Response) -> httpx.Response:
        while response.status_code == 303:
            response = await self.http.get(urljoin(str(response.url), response.headers["location"]))
        return response

    async def open_authorize(self, url: str) -> str:
        """Open the client's authorization URL; returns the login flow id."""
        response = await self._follow(await self.http.get(url))
        assert response.status_code == 200, response.text
        assert "Continue as a guest" in response.text
        return hidden_field(response.text, "flow")

    async def login_as_guest(self, flow: str) -> httpx.Response:
        return await self.http.post("/oauth2/login/guest", data={"flow": flow})

    async def login_with_wallet(self, flow: str, wallet: EthWallet | DotWallet) -> httpx.Response:
        page = await self.http.post(
            "/oauth2/login/wallet/challenge",
            data={"flow": flow, "wallet": wallet.address, "network": wallet.network},
        )
        assert page.status_code == 200, page.text
        text = challenge_on_page(page.text)
        assert wallet.address in text
        return await self.http.post(
            "/oauth2/login/wallet",
            data={
                "flow": flow,
                "wallet": hidden_field(page.text, "wallet"),
                "network": hidden_field(page.text, "network"),
                "signature": wallet.sign(text),
            },
        )

    async def consent(self, after_login: httpx.Response, decision: str = "allow") -> str:
        """Answer the consent page; returns the redirect to the client."""
        page = await self._follow(after_login)
        assert page.status_code == 200, page.text
        assert "wants to:" in page.text
        flow = hidden_field(page.text, "flow")
        answer = await self.http.post("/oauth2/consent", data={"flow": flow, "decision": decision})
        assert answer.status_code == 302, answer.text
        location: str = answer.headers["location"]
        return location


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def register_client(env: dict[str, str], *extra: str) -> dict[str, Any]:
    """`odyssey admin create-client`, as an operator would run it."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "odyssey.cli",
            "admin",
            "create-client",
            "Test app",
            "--redirect-uri",
            REDIRECT_URI,
            "--scope",
            SCOPE,
            "--json",
            *extra,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    created: dict[str, Any] = json.loads(result.stdout)
    return created


def check_id_token(
    id_token: str,
    *,
    jwks: dict[str, Any],
    algorithms: list[str],
    issuer: str,
    client_id: str,
    nonce: str,
    access_token: str,
) -> dict[str, Any]:
    decoded = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=algorithms)  # type: ignore[arg-type]
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        options={"iss": {"essential": True, "value": issuer}, "aud": {"value": client_id}},
        params={"nonce": nonce, "access_token": access_token},
    )
    claims.validate()
    return dict(claims)
