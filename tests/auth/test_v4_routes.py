"""The reference's /api/v4/auth routes and the wallet routes of /users/me, end to end."""

from __future__ import annotations

import datetime as dt
import uuid

import httpx
import pytest

from odyssey.auth.signin import find_user_by_wallet, wallets_of
from odyssey.core import ids
from odyssey.db import tables as t

from .conftest import DotWallet, EthWallet, Node, Wallet, bearer, error_reason


async def test_guest_token_returns_the_reference_user_shape(node: Node) -> None:
    body = await node.guest()
    assert set(body) >= {"id", "userTypeId", "name", "profile", "token", "createdAt", "isGuest"}
    assert body["isGuest"] is True
    assert body["userTypeId"] == str(ids.GUEST_USER_TYPE_ID)
    assert body["name"].startswith("Visitor_") and len(body["name"]) == len("Visitor_") + 7
    assert body["name"][len("Visitor_") :].isdigit()
    assert body["profile"] == {}
    assert body["createdAt"].endswith("Z")
    identity = await node.services.auth.verify_token(body["token"])
    assert identity.user_id == uuid.UUID(body["id"])
    assert identity.is_guest
    # Every call is a new guest.
    assert (await node.guest())["id"] != body["id"]


@pytest.mark.parametrize("make_wallet", [EthWallet, DotWallet], ids=["ethereum", "polkadot"])
async def test_wallet_sign_in_end_to_end(node: Node, make_wallet: type[Wallet]) -> None:
    wallet = make_wallet()
    first = await node.sign_in(wallet)
    identity = await node.services.auth.verify_token(first["token"])
    assert not identity.is_guest
    async with node.services.db.read() as session:
        user = await session.get(t.User, identity.user_id)
        attribute = await session.get(
            t.UserAttribute, (identity.user_id, ids.KUSAMA_PLUGIN_ID, "wallet")
        )
        assert await find_user_by_wallet(session, wallet.address.upper().replace("0X", "0x")) == (
            identity.user_id
        )
    assert user is not None and not user.is_guest and user.user_type_id == ids.USER_TYPE_ID
    assert attribute is not None
    assert [w.lower() for w in wallets_of(attribute.value)] == [wallet.address.lower()]
    # The second sign-in finds the same user.
    second = await node.sign_in(wallet)
    assert (await node.services.auth.verify_token(second["token"])).user_id == identity.user_id


async def test_ethereum_address_is_compared_case_insensitively(node: Node) -> None:
    wallet = EthWallet()
    text = await node.challenge(wallet.address.lower())
    response = await node.http.post(
        "/api/v4/auth/token",
        json={
            "wallet": wallet.address.lower(),
            "signedChallenge": wallet.sign(text),
            "network": "ethereum",
        },
    )
    assert response.status_code == 200, response.text
    async with node.services.db.read() as session:
        assert await find_user_by_wallet(session, wallet.address) is not None


async def test_challenge_text_and_nonce(node: Node) -> None:
    wallet = EthWallet()
    one = (await node.http.get("/api/v4/auth/challenge", params={"wallet": wallet.address})).json()
    two = (await node.http.get("/api/v4/auth/challenge", params={"wallet": wallet.address})).json()
    prefix = f"Please sign this message with the private key for address {wallet.address} "
    assert one["challenge"].startswith(prefix + "to prove that you own it. ")
    assert one["challenge"].endswith(one["nonce"])
    assert one["nonce"] != two["nonce"] and len(one["nonce"]) == 32


@pytest.mark.parametrize(
    ("params", "reason"),
    [({}, "invalid_request_query"), ({"wallet": "not-a-wallet"}, "invalid_wallet")],
)
async def test_challenge_refuses_bad_queries(
    node: Node, params: dict[str, str], reason: str
) -> None:
    response = await node.http.get("/api/v4/auth/challenge", params=params)
    assert response.status_code == 400
    assert error_reason(response) == reason


@pytest.mark.parametrize(
    "body",
    [None, {}, {"wallet": "0x" + "1" * 40}, {"signedChallenge": "0x00"}, [1, 2], "text"],
)
async def test_token_refuses_bad_bodies(node: Node, body: object) -> None:
    response = await node.http.post("/api/v4/auth/token", json=body)
    assert response.status_code == 400
    assert error_reason(response) == "invalid_request_body"


async def test_token_without_challenge_is_404(node: Node) -> None:
    wallet = EthWallet()
    response = await node.http.post(
        "/api/v4/auth/token",
        json={"wallet": wallet.address, "signedChallenge": wallet.sign("x"), "network": "ethereum"},
    )
    assert response.status_code == 404
    assert error_reason(response) == "challenge_not_found"


async def test_network_must_match_the_wallet(node: Node) -> None:
    wallet = EthWallet()
    text = await node.challenge(wallet.address)
    response = await node.http.post(
        "/api/v4/auth/token",
        json={"wallet": wallet.address, "signedChallenge": wallet.sign(text)},  # network omitted
    )
    assert response.status_code == 400
    assert error_reason(response) == "signature_validation_failed"


async def test_refresh_rotates_and_reuse_revokes_the_sign_in(node: Node) -> None:
    first = await node.sign_in(EthWallet())
    rotated = await node.http.post(
        "/api/v4/auth/refresh", json={"refreshToken": first["refreshToken"]}
    )
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()
    assert second["refreshToken"] != first["refreshToken"]
    assert (
        await node.http.get("/oauth2/userinfo", headers=bearer(second["token"]))
    ).status_code == 200
    # The old refresh token again: refused, and the whole sign-in ends.
    replay = await node.http.post(
        "/api/v4/auth/refresh", json={"refreshToken": first["refreshToken"]}
    )
    assert replay.status_code == 400
    assert error_reason(replay) == "invalid_refresh_token"
    for token in (first["token"], second["token"]):
        refused = await node.http.get("/oauth2/userinfo", headers=bearer(token))
        assert refused.status_code == 401
    again = await node.http.post(
        "/api/v4/auth/refresh", json={"refreshToken": second["refreshToken"]}
    )
    assert again.status_code == 400


async def test_logout_revokes_the_sign_in(node: Node) -> None:
    guest = await node.guest()
    response = await node.http.post("/api/v4/auth/logout", headers=bearer(guest["token"]))
    assert response.status_code == 200
    assert response.json() is None
    refused = await node.http.post("/api/v4/auth/logout", headers=bearer(guest["token"]))
    assert refused.status_code == 401
    assert error_reason(refused) == "failed_to_verify_access_token"
    replay = await node.http.post(
        "/api/v4/auth/refresh", json={"refreshToken": guest["refreshToken"]}
    )
    assert replay.status_code == 400


async def _attach(
    node: Node, token: str, wallet: Wallet, path: str = "/api/v4/users/me/attach-account"
) -> httpx.Response:
    text = await node.challenge(wallet.address)
    return await node.http.post(
        path,
        headers=bearer(token),
        json={
            "wallet": wallet.address,
            "signedChallenge": wallet.sign(text),
            "network": wallet.network,
        },
    )


async def test_attach_and_remove_wallets(node: Node) -> None:
    main, extra, dot = EthWallet(), EthWallet(), DotWallet()
    token = (await node.sign_in(main))["token"]
    attached = await _attach(node, token, extra)
    assert attached.status_code == 202, attached.text
    assert attached.json() == {"wallet": [main.address, extra.address]}
    attached = await _attach(node, token, dot, "/api/v4/auth/attach-account")
    assert attached.status_code == 202
    # Signing in with the attached wallet reaches the same user.
    identity = await node.services.auth.verify_token(token)
    other = await node.sign_in(extra)
    assert (await node.services.auth.verify_token(other["token"])).user_id == identity.user_id

    removed = await node.http.request(
        "DELETE",
        "/api/v4/users/me/remove-wallet",
        headers=bearer(token),
        json={"wallet": extra.address.lower()},
    )
    assert removed.status_code == 200 and removed.json() is None
    removed = await node.http.request(
        "DELETE",
        "/api/v4/users/me/remove-wallet",
        headers=bearer(token),
        json={"wallet": dot.address},
    )
    assert removed.status_code == 200
    last = await node.http.request(
        "DELETE",
        "/api/v4/users/me/remove-wallet",
        headers=bearer(token),
        json={"wallet": main.address},
    )
    assert last.status_code == 400
    assert error_reason(last) == "cannot_remove_last_wallet"
    missing = await node.http.request(
        "DELETE",
        "/api/v4/users/me/remove-wallet",
        headers=bearer(token),
        json={"wallet": extra.address},
    )
    assert missing.status_code == 404
    assert error_reason(missing) == "wallet_not_found"


async def test_attach_refuses_a_wallet_already_attached(node: Node) -> None:
    mine, theirs = EthWallet(), EthWallet()
    token = (await node.sign_in(mine))["token"]
    await node.sign_in(theirs)
    own = await _attach(node, token, mine)
    assert own.status_code == 400
    assert error_reason(own) == "wallet_already_exists"
    other = await _attach(node, token, theirs)
    assert other.status_code == 400
    assert error_reason(other) == "wallet_already_exists"


async def test_attach_with_a_wrong_signature_keeps_the_wallets(node: Node) -> None:
    mine, extra, impostor = EthWallet(), EthWallet(), EthWallet()
    token = (await node.sign_in(mine))["token"]
    text = await node.challenge(extra.address)
    response = await node.http.post(
        "/api/v4/users/me/attach-account",
        headers=bearer(token),
        json={
            "wallet": extra.address,
            "signedChallenge": impostor.sign(text),
            "network": "ethereum",
        },
    )
    assert response.status_code == 400
    assert error_reason(response) == "signature_validation_failed"
    identity = await node.services.auth.verify_token(token)
    async with node.services.db.read() as session:
        row = await session.get(t.UserAttribute, (identity.user_id, ids.KUSAMA_PLUGIN_ID, "wallet"))
    assert row is not None and wallets_of(row.value) == [mine.address]


async def test_unknown_routes_still_answer_json(node: Node) -> None:
    response = await node.http.post("/api/v4/auth/nothing-here")
    assert response.status_code in (404, 405)
    assert error_reason(response)


async def test_expired_revocations_and_sign_ins_are_purged(node: Node) -> None:
    from sqlalchemy import func, select, update

    from odyssey.db.auth_tables import RefreshToken, RevokedToken, TokenFamily

    tokens = node.services.auth.tokens
    old, live = await node.guest(), await node.guest()
    old_claims = await tokens.decode(old["token"])
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    await tokens.revoke_access_token(old_claims["jti"], long_ago)
    async with node.services.db.write() as session:
        await session.execute(
            update(TokenFamily)
            .where(TokenFamily.family_id == uuid.UUID(old_claims["sid"]))
            .values(expires_at=long_ago)
        )
    await tokens.purge_expired(force=True)
    async with node.services.db.read() as session:
        assert await session.get(RevokedToken, old_claims["jti"]) is None
        assert await session.get(TokenFamily, uuid.UUID(old_claims["sid"])) is None
        families = await session.scalar(select(func.count()).select_from(TokenFamily))
        refresh = await session.scalar(select(func.count()).select_from(RefreshToken))
    assert families == 1 and refresh == 1
    assert (await tokens.verify_token(live["token"])).user_id == uuid.UUID(live["id"])
