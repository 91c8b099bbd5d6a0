"""Fixtures of the sign-in tests: an in-process node, random wallets, small HTTP helpers."""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sr25519
from eth_account import Account
from eth_account.messages import encode_defunct
from fastapi import FastAPI

from odyssey.config import Settings
from odyssey.services import Services


class EthWallet:
    """A random Ethereum key, signing like MetaMask's personal_sign."""

    network = "ethereum"

    def __init__(self) -> None:
        self.account = Account.create()

    @property
    def address(self) -> str:
        return str(self.account.address)

    def sign(self, text: str) -> str:
        signature: bytes = self.account.sign_message(encode_defunct(text=text)).signature
        return "0x" + signature.hex()


class DotWallet:
    """A random sr25519 key, signing like polkadot-js `signRaw` (type bytes)."""

    network = "polkadot"

    def __init__(self) -> None:
        pair: tuple[bytes, bytes] = sr25519.pair_from_seed(secrets.token_bytes(32))
        self.public_key, self.secret_key = pair

    @property
    def address(self) -> str:
        return "0x" + self.public_key.hex()

    def sign(self, text: str) -> str:
        pair = (self.public_key, self.secret_key)
        signature: bytes = sr25519.sign(pair, f"<Bytes>{text}</Bytes>".encode())
        return "0x" + signature.hex()


Wallet = EthWallet | DotWallet


@dataclass
class Node:
    app: FastAPI
    http: httpx.AsyncClient

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services

    @asynccontextmanager
    async def client_at(self, address: str) -> AsyncIterator[httpx.AsyncClient]:
        """A client whose requests come from `address` (as the node sees the peer)."""
        transport = httpx.ASGITransport(app=self.app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http

    async def challenge(self, wallet: str, *, http: httpx.AsyncClient | None = None) -> str:
        http = http or self.http
        response = await http.get("/api/v4/auth/challenge", params={"wallet": wallet})
        assert response.status_code == 200, response.text
        text: str = response.json()["challenge"]
        return text

    async def sign_in(
        self, wallet: Wallet, *, http: httpx.AsyncClient | None = None
    ) -> dict[str, Any]:
        http = http or self.http
        text = await self.challenge(wallet.address, http=http)
        response = await http.post(
            "/api/v4/auth/token",
            json={
                "wallet": wallet.address,
                "signedChallenge": wallet.sign(text),
                "network": wallet.network,
            },
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def guest(self, *, http: httpx.AsyncClient | None = None) -> dict[str, Any]:
        response = await (http or self.http).post("/api/v4/auth/guest-token")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def error_reason(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"reason", "message"}, body
    assert body["error"]["message"], body
    reason: str = body["error"]["reason"]
    return reason


def hidden_field(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no {name} field in the page"
    return html.unescape(match.group(1))


def challenge_on_page(page: str) -> str:
    match = re.search(r'<pre id="challenge">(.*?)</pre>', page, re.S)
    assert match, "no challenge on the page"
    return html.unescape(match.group(1))


@pytest.fixture
def auth_settings(settings: Settings) -> Settings:
    return settings


@pytest.fixture
async def node(auth_settings: Settings) -> AsyncIterator[Node]:
    """The app in-process (startup migrates and seeds), with its services reachable."""
    from odyssey.app import create_app

    app = create_app(auth_settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as http,
    ):
        yield Node(app=app, http=http)
