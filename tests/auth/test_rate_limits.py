"""Sign-in rate limits: nobody locks out someone else, a crowd behind one address gets in, a
flood from one address is refused with 429 and Retry-After while other addresses notice nothing.

The node sees each `client_at(address)` client as a different peer address.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from odyssey.auth.common import digest
from odyssey.auth.ratelimit import address_key
from odyssey.config import Settings
from odyssey.db.auth_tables import RefreshToken

from .conftest import EthWallet, Node, error_reason

ATTACKER = "198.51.100.7"
VICTIM = "203.0.113.9"
NEIGHBOUR = "192.0.2.44"


class Clock:
    """The rate limiter's clock, moved by hand (refills without waiting)."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def __call__(self) -> float:
        return self.now


@asynccontextmanager
async def node_with(settings: Settings, **limits: Any) -> AsyncIterator[tuple[Node, Clock]]:
    """A node with some limits changed, and its rate limiter on a clock the test moves."""
    from odyssey.app import create_app

    app = create_app(settings.model_copy(update=limits))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as http,
    ):
        node = Node(app=app, http=http)
        clock = Clock()
        node.services.auth.limits.limiter.clock = clock
        yield node, clock


def assert_rate_limited(response: httpx.Response, *words: str) -> int:
    assert response.status_code == 429, response.text
    assert error_reason(response) == "too_many_requests"
    message = response.json()["error"]["message"]
    for word in words:
        assert word in message, message
    retry_after = int(response.headers["Retry-After"])
    assert retry_after >= 1
    return retry_after


async def bad_proof(http: httpx.AsyncClient, wallet: str) -> httpx.Response:
    """A proof for `wallet` signed by some other key (what an attacker can send)."""
    text = (await http.get("/api/v4/auth/challenge", params={"wallet": wallet})).json()
    return await http.post(
        "/api/v4/auth/token",
        json={
            "wallet": wallet,
            "signedChallenge": EthWallet().sign(text["challenge"]),
            "network": "ethereum",
        },
    )


# --- wallets: nobody can lock a wallet out from elsewhere ---------------------------------------


async def test_an_attacker_elsewhere_cannot_lock_a_victims_wallet_out(node: Node) -> None:
    victim = EthWallet()
    limit = node.services.settings.auth_failed_sign_ins_per_wallet_per_minute
    async with node.client_at(ATTACKER) as attacker, node.client_at(VICTIM) as home:
        # The victim asks for a challenge and takes a while to sign it in the wallet...
        text = await node.challenge(victim.address, http=home)
        # ...meanwhile the attacker asks challenges for the victim's wallet (enough to crowd the
        # victim's out of the newest ones) and sends failing proofs until refused.
        for _ in range(3 * limit):
            response = await attacker.get(
                "/api/v4/auth/challenge", params={"wallet": victim.address}
            )
            assert response.status_code == 200, response.text
        for _ in range(limit):
            failed = await bad_proof(attacker, victim.address)
            assert failed.status_code == 400, failed.text
            assert error_reason(failed) == "signature_validation_failed"
        assert_rate_limited(
            await bad_proof(attacker, victim.address), "failed sign-ins for this wallet"
        )
        # The victim's proof, from home, goes through.
        response = await home.post(
            "/api/v4/auth/token",
            json={
                "wallet": victim.address,
                "signedChallenge": victim.sign(text),
                "network": "ethereum",
            },
        )
        assert response.status_code == 200, response.text
        assert response.json()["token"]
        # And again later, with a new challenge.
        assert (await node.sign_in(victim, http=home))["token"]
        # The attacker's address is refused for that wallet only, not for its own wallet.
        assert (await node.sign_in(EthWallet(), http=attacker))["token"]


async def test_successful_sign_ins_are_not_counted_against_the_wallet(node: Node) -> None:
    wallet = EthWallet()
    limit = node.services.settings.auth_failed_sign_ins_per_wallet_per_minute
    for _ in range(limit + 5):
        assert (await node.sign_in(wallet))["token"]


async def test_failed_proofs_from_one_address_refuse_only_that_address(settings: Settings) -> None:
    async with node_with(settings, auth_failed_sign_ins_per_wallet_per_minute=3) as (node, clock):
        wallet = EthWallet()
        async with node.client_at(ATTACKER) as attacker, node.client_at(NEIGHBOUR) as other:
            for _ in range(3):
                assert (await bad_proof(attacker, wallet.address)).status_code == 400
            retry_after = assert_rate_limited(await bad_proof(attacker, wallet.address))
            assert retry_after <= 20  # one failure back every 60 / 3 s
            # Another address's failures have their own allowance.
            assert (await bad_proof(other, wallet.address)).status_code == 400
            # Once the bucket refills, the attacker may fail again (once).
            clock.now += 20
            assert (await bad_proof(attacker, wallet.address)).status_code == 400
            assert (await bad_proof(attacker, wallet.address)).status_code == 429


async def test_challenges_and_proofs_are_bounded_per_address(settings: Settings) -> None:
    async with (
        node_with(
            settings,
            auth_challenges_per_address_per_minute=5,
            auth_sign_ins_per_address_per_minute=4,
        ) as (node, _clock),
        node.client_at(ATTACKER) as attacker,
        node.client_at(NEIGHBOUR) as other,
    ):
        for _ in range(5):
            response = await attacker.get(
                "/api/v4/auth/challenge", params={"wallet": EthWallet().address}
            )
            assert response.status_code == 200
        flood = await attacker.get("/api/v4/auth/challenge", params={"wallet": EthWallet().address})
        assert_rate_limited(flood, "challenges from this address")
        # Proof attempts (any wallet, right or wrong) have their own per-address allowance.
        for _ in range(4):
            response = await attacker.post(
                "/api/v4/auth/token",
                json={"wallet": EthWallet().address, "signedChallenge": "0x00"},
            )
            assert response.status_code in (400, 404), response.text
        proof = await attacker.post(
            "/api/v4/auth/token",
            json={"wallet": EthWallet().address, "signedChallenge": "0x00"},
        )
        assert_rate_limited(proof, "sign-in attempts from this address")
        # Another address signs in as if nothing happened.
        assert (await node.sign_in(EthWallet(), http=other))["token"]


# --- guests: a crowd behind one address gets in, a flood does not ------------------------------


async def test_two_hundred_guests_from_one_address_join_at_once(node: Node) -> None:
    """The acceptance case: an event's visitors behind one NAT address (default limits)."""
    async with node.client_at(VICTIM) as event:

        async def join() -> int:
            return (await event.post("/api/v4/auth/guest-token")).status_code

        statuses: list[int] = []
        for _ in range(10):  # ten waves of twenty visitors at once
            statuses += await asyncio.gather(*(join() for _ in range(20)))
    assert statuses == [200] * 200


async def test_a_guest_flood_is_bounded_per_minute_hour_and_day(settings: Settings) -> None:
    async with (
        node_with(
            settings,
            auth_guests_per_address_per_minute=20,
            auth_guests_per_address_per_hour=30,
            auth_guests_per_address_per_day=36,
        ) as (node, clock),
        node.client_at(ATTACKER) as flood,
        node.client_at(NEIGHBOUR) as other,
    ):
        for _ in range(20):
            assert (await flood.post("/api/v4/auth/guest-token")).status_code == 200
        # The burst is used up: one more every 60 / 20 = 3 s.
        retry_after = assert_rate_limited(
            await flood.post("/api/v4/auth/guest-token"), "guest sign-ins"
        )
        assert retry_after == 3
        # Others behind other addresses are not affected.
        assert (await node.guest(http=other))["isGuest"] is True
        # A minute later the minute's allowance is back, but only ten are left of the hour.
        clock.now += 60
        for _ in range(10):
            assert (await flood.post("/api/v4/auth/guest-token")).status_code == 200
        retry_after = assert_rate_limited(await flood.post("/api/v4/auth/guest-token"), "per hour")
        # One every 3600 / 30 = 120 s; half of one refilled during the minute waited.
        assert retry_after == 60
        # An hour later, what is left of the day's allowance (36, and 36 / 24 an hour).
        clock.now += 3600
        admitted = 0
        while (response := await flood.post("/api/v4/auth/guest-token")).status_code == 200:
            admitted += 1
            assert admitted < 36
        assert_rate_limited(response, "per day")
        elapsed = 3660
        assert 20 + 10 + admitted <= 36 + elapsed * 36 / 86400 + 1


# --- refreshes ----------------------------------------------------------------------------------


async def test_refreshes_of_one_sign_in_are_bounded_and_a_refused_one_can_be_retried(
    settings: Settings,
) -> None:
    async with node_with(settings, auth_refreshes_per_sign_in_per_hour=3) as (node, clock):
        refresh_token = (await node.guest())["refreshToken"]
        for _ in range(3):
            response = await node.http.post(
                "/api/v4/auth/refresh", json={"refreshToken": refresh_token}
            )
            assert response.status_code == 200, response.text
            refresh_token = response.json()["refreshToken"]
        refused = await node.http.post("/api/v4/auth/refresh", json={"refreshToken": refresh_token})
        assert_rate_limited(refused, "refreshes of this sign-in")
        # The refused refresh did not use the token up: it works once the bucket refills.
        async with node.services.db.read() as session:
            row = await session.get(RefreshToken, digest(refresh_token))
        assert row is not None and row.used_at is None
        clock.now += 1200
        again = await node.http.post("/api/v4/auth/refresh", json={"refreshToken": refresh_token})
        assert again.status_code == 200, again.text
        # Another sign-in is not affected by this one's refreshes.
        other = (await node.guest())["refreshToken"]
        response = await node.http.post("/api/v4/auth/refresh", json={"refreshToken": other})
        assert response.status_code == 200


async def test_refresh_attempts_are_bounded_per_address(settings: Settings) -> None:
    async with (
        node_with(settings, auth_refreshes_per_address_per_minute=5) as (node, _clock),
        node.client_at(ATTACKER) as flood,
        node.client_at(NEIGHBOUR) as other,
    ):
        for _ in range(5):
            response = await flood.post("/api/v4/auth/refresh", json={"refreshToken": "x" * 43})
            assert response.status_code == 400
        assert_rate_limited(
            await flood.post("/api/v4/auth/refresh", json={"refreshToken": "x" * 43}),
            "refreshes from this address",
        )
        refresh_token = (await node.guest(http=other))["refreshToken"]
        response = await other.post("/api/v4/auth/refresh", json={"refreshToken": refresh_token})
        assert response.status_code == 200


# --- the OAuth side keeps its response shapes ---------------------------------------------------


async def test_the_oauth_token_endpoint_is_bounded_per_address(settings: Settings) -> None:
    async with (
        node_with(settings, auth_oauth_tokens_per_address_per_minute=3) as (node, _clock),
        node.client_at(ATTACKER) as flood,
    ):
        for _ in range(3):
            response = await flood.post(
                "/oauth2/token", data={"grant_type": "refresh_token", "refresh_token": "x"}
            )
            assert response.status_code in (400, 401), response.text
            assert "error" in response.json() and isinstance(response.json()["error"], str)
        assert_rate_limited(
            await flood.post(
                "/oauth2/token", data={"grant_type": "refresh_token", "refresh_token": "x"}
            ),
            "token requests from this address",
        )


async def test_the_login_page_shows_a_rate_limit_as_a_page_with_retry_after(
    settings: Settings,
) -> None:
    from .oidc_helpers import REDIRECT_URI, SCOPE

    async with node_with(settings, auth_guests_per_address_per_minute=1) as (node, _clock):
        created = await node.services.auth.oauth.create_client(
            name="Test app", redirect_uris=[REDIRECT_URI], public=True, scope=SCOPE
        )
        async with node.client_at(ATTACKER) as browser:
            from authlib.common.security import generate_token
            from authlib.oauth2.rfc7636 import create_s256_code_challenge

            params = {
                "response_type": "code",
                "client_id": created.client.client_id,
                "redirect_uri": REDIRECT_URI,
                "scope": "openid",
                "state": "xyz",
                "code_challenge": create_s256_code_challenge(generate_token(48)),
                "code_challenge_method": "S256",
            }
            started = await browser.get("/oauth2/auth", params=params)
            assert started.status_code == 303, started.text
            flow = httpx.URL(started.headers["location"]).params["flow"]
            assert (await browser.post("/api/v4/auth/guest-token")).status_code == 200
            page = await browser.post(
                "/oauth2/login/guest", data={"flow": flow}, headers={"Accept": "text/html"}
            )
            assert page.status_code == 429
            assert page.headers["content-type"].startswith("text/html")
            assert "guest sign-ins" in page.text
            assert int(page.headers["Retry-After"]) >= 1
            as_json = await browser.post("/oauth2/login/guest", data={"flow": flow})
            assert_rate_limited(as_json, "guest sign-ins")


# --- who counts as one address ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "counted_as"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("fe80::1%eth0", "fe80::/64"),
        (None, "unknown"),
        ("testclient", "testclient"),
    ],
)
def test_address_keys(host: str | None, counted_as: str) -> None:
    assert address_key(host) == counted_as


async def test_an_ipv6_network_is_one_address(settings: Settings) -> None:
    async with node_with(settings, auth_guests_per_address_per_minute=2) as (node, _clock):
        for host in ("2001:db8:1:2::1", "2001:db8:1:2::2"):
            async with node.client_at(host) as http:
                assert (await http.post("/api/v4/auth/guest-token")).status_code == 200
        async with node.client_at("2001:db8:1:2::3") as http:
            assert_rate_limited(await http.post("/api/v4/auth/guest-token"))
        async with node.client_at("2001:db8:1:3::1") as http:
            assert (await http.post("/api/v4/auth/guest-token")).status_code == 200


async def test_no_address_is_stored_in_the_clear(node: Node) -> None:
    from odyssey.db.auth_tables import RateBucket, WalletChallenge

    async with node.client_at(VICTIM) as http:
        await node.guest(http=http)
        await node.challenge(EthWallet().address, http=http)
    async with node.services.db.read() as session:
        keys = list(await session.scalars(select(RateBucket.key)))
        clients = list(await session.scalars(select(WalletChallenge.client_key)))
    assert keys and clients
    assert not any(VICTIM in value for value in [*keys, *clients] if value)
