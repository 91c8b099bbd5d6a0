"""Every forged, stale, replayed or misdirected credential is refused, with a clear JSON error."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from joserfc import jwt
from joserfc.jwk import import_key
from sqlalchemy import update

from odyssey.api.identity import CurrentIdentity, WalletIdentity
from odyssey.auth.errors import TokenRejected
from odyssey.auth.keys import generate_private_jwk
from odyssey.auth.wallets import wallet_key
from odyssey.db.auth_tables import WalletChallenge

from .conftest import DotWallet, EthWallet, Node, bearer, error_reason


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mount_probes(app: FastAPI) -> None:
    """Two routes guarded by the dependencies the API uses (ahead of the web app's catch-all)."""
    probes = APIRouter()

    @probes.get("/_probe/identity")
    async def identity(who: CurrentIdentity) -> dict[str, Any]:
        return {"user_id": str(who.user_id), "guest": who.is_guest}

    @probes.get("/_probe/wallet-only")
    async def wallet_only(who: WalletIdentity) -> dict[str, Any]:
        return {"user_id": str(who.user_id)}

    app.router.routes[:0] = probes.routes


async def valid_claims(node: Node) -> dict[str, Any]:
    """Claims of a real, live guest sign-in, to be bent by each attack."""
    guest = await node.guest()
    token = guest["token"]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    return claims


async def forge(node: Node, claims: dict[str, Any], **header: Any) -> str:
    keys = node.services.auth.keys
    await keys.ready()
    signer = keys.signer()
    full_header = {"alg": signer.algorithm, "kid": signer.kid, "typ": "at+jwt", **header}
    return jwt.encode(full_header, claims, signer.key, algorithms=[full_header["alg"]])


async def assert_refused(node: Node, token: str, fragment: str) -> None:
    with pytest.raises(TokenRejected) as refused:
        await node.services.auth.verify_token(token)
    assert fragment in refused.value.message, refused.value.message
    response = await node.http.get("/_probe/identity", headers=bearer(token))
    assert response.status_code == 401
    assert error_reason(response) == "failed_to_verify_access_token"


@pytest.fixture
async def probed(node: Node) -> Node:
    mount_probes(node.app)
    return node


async def test_the_control_token_passes(probed: Node) -> None:
    token = await forge(probed, await valid_claims(probed))
    assert (await probed.http.get("/_probe/identity", headers=bearer(token))).status_code == 200


async def test_alg_none_is_refused(probed: Node) -> None:
    claims = await valid_claims(probed)
    kid = probed.services.auth.keys.signer().kid
    header = {"alg": "none", "typ": "at+jwt", "kid": kid}
    token = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}."
    await assert_refused(probed, token, "algorithm")


async def test_hs256_signed_with_the_public_key_is_refused(probed: Node) -> None:
    claims = await valid_claims(probed)
    signer = probed.services.auth.keys.signer()
    header = {"alg": "HS256", "typ": "at+jwt", "kid": signer.kid}
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    for secret in (
        signer.key.as_pem(private=False),
        json.dumps(signer.public_jwk()).encode(),
    ):
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        await assert_refused(probed, f"{signing_input}.{b64(mac)}", "algorithm")


async def test_a_key_that_is_not_ours_is_refused(probed: Node) -> None:
    claims = await valid_claims(probed)
    signer = probed.services.auth.keys.signer()
    stranger = import_key(generate_private_jwk(signer.algorithm, signer.kid))
    header = {"alg": signer.algorithm, "kid": signer.kid, "typ": "at+jwt"}
    same_kid = jwt.encode(header, claims, stranger, algorithms=[signer.algorithm])
    await assert_refused(probed, same_kid, "invalid token")
    unknown_kid = jwt.encode(
        {**header, "kid": "someone-else"}, claims, stranger, algorithms=[signer.algorithm]
    )
    await assert_refused(probed, unknown_kid, "unknown or expired key")


def _shift(**changes: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], None]:
    def apply(claims: dict[str, Any]) -> None:
        for name, change in changes.items():
            claims[name] = change(claims)

    return apply


@pytest.mark.parametrize(
    ("bend", "fragment"),
    [
        (_shift(exp=lambda c: int(time.time()) - 3600), "expired"),
        (_shift(nbf=lambda c: int(time.time()) + 3600), "not yet valid"),
        (_shift(iat=lambda c: int(time.time()) + 3600), "issued in the future"),
        (_shift(aud=lambda c: "https://another-node.example"), "'aud'"),
        (_shift(iss=lambda c: "https://another-node.example"), "'iss'"),
        (_shift(scope=lambda c: "openid profile"), "lacks the 'api' scope"),
        (_shift(sid=lambda c: str(uuid.uuid4())), "no sign-in"),
        (_shift(sub=lambda c: str(uuid.uuid4())), "no longer exists"),
        (_shift(sub=lambda c: "not-a-uuid"), "UUIDs"),
        (_shift(guest=lambda c: "false"), "'guest'"),
    ],
    ids=[
        "expired",
        "not-yet-valid",
        "issued-in-future",
        "wrong-audience",
        "wrong-issuer",
        "no-api-scope",
        "unknown-sign-in",
        "unknown-user",
        "bad-sub",
        "mistyped-guest",
    ],
)
async def test_bent_claims_are_refused(
    probed: Node, bend: Callable[[dict[str, Any]], None], fragment: str
) -> None:
    claims = await valid_claims(probed)
    bend(claims)
    await assert_refused(probed, await forge(probed, claims), fragment)


@pytest.mark.parametrize("claim", ["exp", "iat", "jti", "aud", "iss", "sub"])
async def test_missing_claims_are_refused(probed: Node, claim: str) -> None:
    claims = await valid_claims(probed)
    del claims[claim]
    await assert_refused(probed, await forge(probed, claims), "invalid token")


async def test_tampered_payload_is_refused(probed: Node) -> None:
    victim = await probed.sign_in(EthWallet())
    attacker = await probed.guest()
    header, payload, signature = attacker["token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    victim_claims = json.loads(base64.urlsafe_b64decode(victim["token"].split(".")[1] + "=="))
    claims.update(sub=victim_claims["sub"], sid=victim_claims["sid"], guest=False)
    tampered = f"{header}.{b64(json.dumps(claims).encode())}.{signature}"
    await assert_refused(probed, tampered, "invalid token")


async def test_id_token_is_not_an_access_token(probed: Node) -> None:
    claims = await valid_claims(probed)
    await assert_refused(probed, await forge(probed, claims, typ="JWT"), "typ must be at+jwt")


async def test_revoked_tokens_are_refused(probed: Node) -> None:
    tokens = probed.services.auth.tokens
    by_jti = await probed.guest()
    claims = await tokens.decode(by_jti["token"])
    await tokens.revoke_access_token(
        claims["jti"], dt.datetime.fromtimestamp(claims["exp"], dt.UTC)
    )
    await assert_refused(probed, by_jti["token"], "revoked")

    by_logout = await probed.guest()
    assert (
        await probed.http.post("/api/v4/auth/logout", headers=bearer(by_logout["token"]))
    ).status_code == 200
    await assert_refused(probed, by_logout["token"], "revoked")


async def test_deleted_users_tokens_are_refused(probed: Node) -> None:
    from odyssey.db import tables as t

    guest = await probed.guest()
    async with probed.services.db.write() as session:
        user = await session.get(t.User, uuid.UUID(guest["id"]))
        await session.delete(user)
    await assert_refused(probed, guest["token"], "no ")


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Basic dXNlcjpwYXNz", "Bearer not.a.token", "Bearer " + "a" * 9000, "x.y.z"],
)
async def test_malformed_authorization_headers(probed: Node, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = await probed.http.get("/_probe/identity", headers=headers)
    assert response.status_code == 401
    assert error_reason(response) == "failed_to_verify_access_token"


async def test_bare_token_and_lowercase_scheme_are_accepted(probed: Node) -> None:
    token = (await probed.guest())["token"]
    for value in (token, f"bearer {token}", f"Bearer {token}"):
        response = await probed.http.get("/_probe/identity", headers={"Authorization": value})
        assert response.status_code == 200


async def test_guest_token_where_a_wallet_user_is_required(probed: Node) -> None:
    guest = await probed.guest()
    response = await probed.http.get("/_probe/wallet-only", headers=bearer(guest["token"]))
    assert response.status_code == 403
    assert error_reason(response) == "wallet_user_required"
    wallet = EthWallet()
    text = await probed.challenge(wallet.address)
    attach = await probed.http.post(
        "/api/v4/users/me/attach-account",
        headers=bearer(guest["token"]),
        json={
            "wallet": wallet.address,
            "signedChallenge": wallet.sign(text),
            "network": "ethereum",
        },
    )
    assert attach.status_code == 403
    assert error_reason(attach) == "wallet_user_required"
    remove = await probed.http.request(
        "DELETE",
        "/api/v4/users/me/remove-wallet",
        headers=bearer(guest["token"]),
        json={"wallet": wallet.address},
    )
    assert remove.status_code == 403
    member = await probed.sign_in(EthWallet())
    allowed = await probed.http.get("/_probe/wallet-only", headers=bearer(member["token"]))
    assert allowed.status_code == 200


# --- wallet challenges ---------------------------------------------------------------------------


async def _token_request(node: Node, wallet: EthWallet | DotWallet, signature: str) -> Any:
    return await node.http.post(
        "/api/v4/auth/token",
        json={"wallet": wallet.address, "signedChallenge": signature, "network": wallet.network},
    )


@pytest.mark.parametrize("make_wallet", [EthWallet, DotWallet], ids=["ethereum", "polkadot"])
async def test_replayed_challenge_is_refused(
    node: Node, make_wallet: type[EthWallet | DotWallet]
) -> None:
    wallet = make_wallet()
    signature = wallet.sign(await node.challenge(wallet.address))
    assert (await _token_request(node, wallet, signature)).status_code == 200
    replay = await _token_request(node, wallet, signature)
    assert replay.status_code == 404
    assert error_reason(replay) == "challenge_not_found"


async def test_concurrent_replay_signs_in_once(node: Node) -> None:
    wallet = EthWallet()
    signature = wallet.sign(await node.challenge(wallet.address))
    results = await asyncio.gather(*(_token_request(node, wallet, signature) for _ in range(5)))
    statuses = sorted(result.status_code for result in results)
    assert statuses == [200, 404, 404, 404, 404]


async def test_expired_challenge_is_refused(node: Node) -> None:
    wallet = EthWallet()
    signature = wallet.sign(await node.challenge(wallet.address))
    async with node.services.db.write() as session:
        await session.execute(
            update(WalletChallenge)
            .where(WalletChallenge.wallet_key == wallet_key(wallet.address))
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    response = await _token_request(node, wallet, signature)
    assert response.status_code == 400
    assert error_reason(response) == "challenge_expired"


async def test_challenge_expires_after_the_configured_time(node: Node) -> None:
    wallet = EthWallet()
    before = dt.datetime.now(dt.UTC)
    body = (await node.http.get("/api/v4/auth/challenge", params={"wallet": wallet.address})).json()
    expires = dt.datetime.fromisoformat(body["expiresAt"])
    ttl = node.services.settings.auth_challenge_ttl
    assert (
        before + dt.timedelta(seconds=ttl - 2) <= expires <= before + dt.timedelta(seconds=ttl + 2)
    )


@pytest.mark.parametrize(
    ("make_wallet", "status", "reason"),
    [
        (EthWallet, 400, "signature_validation_failed"),
        (DotWallet, 403, "invalid_signature"),
    ],
    ids=["ethereum", "polkadot"],
)
async def test_signature_by_another_key_is_refused(
    node: Node, make_wallet: type[EthWallet | DotWallet], status: int, reason: str
) -> None:
    wallet, impostor = make_wallet(), make_wallet()
    text = await node.challenge(wallet.address)
    response = await _token_request(node, wallet, impostor.sign(text))
    assert response.status_code == status
    assert error_reason(response) == reason
    # The challenge survives a failed attempt: the owner can still use it.
    assert (await _token_request(node, wallet, wallet.sign(text))).status_code == 200


async def test_challenge_of_another_wallet_is_refused(node: Node) -> None:
    wallet, other = EthWallet(), EthWallet()
    text = await node.challenge(other.address)
    response = await _token_request(node, wallet, wallet.sign(text))
    assert response.status_code == 404
    assert error_reason(response) == "challenge_not_found"


def _siwe(address: str, domain: str, nonce: str) -> str:
    issued = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{domain} wants you to sign in with your Ethereum account:\n{address}\n\n"
        f"Sign in to Odyssey.\n\nURI: http://{domain}/\nVersion: 1\nChain ID: 1\n"
        f"Nonce: {nonce}\nIssued At: {issued}"
    )


async def _siwe_sign_in(node: Node, wallet: EthWallet, domain: str) -> Any:
    body = (await node.http.get("/api/v4/auth/challenge", params={"wallet": wallet.address})).json()
    message = _siwe(wallet.address, domain, body["nonce"])
    return await node.http.post(
        "/api/v4/auth/token",
        json={
            "wallet": wallet.address,
            "signedChallenge": wallet.sign(message),
            "network": "ethereum",
            "message": message,
        },
    )


async def test_sign_in_with_ethereum(node: Node) -> None:
    wallet = EthWallet()
    domain = node.services.auth.signin.siwe_domain
    response = await _siwe_sign_in(node, wallet, domain)
    assert response.status_code == 200, response.text
    identity = await node.services.auth.verify_token(response.json()["token"])
    assert not identity.is_guest


async def test_siwe_message_for_another_domain_is_refused(node: Node) -> None:
    response = await _siwe_sign_in(node, EthWallet(), "evil.example")
    assert response.status_code == 403
    assert error_reason(response) == "siwe_domain_mismatch"


async def test_siwe_with_a_nonce_we_did_not_issue_is_refused(node: Node) -> None:
    wallet = EthWallet()
    await node.challenge(wallet.address)
    message = _siwe(wallet.address, node.services.auth.signin.siwe_domain, secrets.token_hex(16))
    response = await node.http.post(
        "/api/v4/auth/token",
        json={
            "wallet": wallet.address,
            "signedChallenge": wallet.sign(message),
            "network": "ethereum",
            "message": message,
        },
    )
    assert response.status_code == 404
    assert error_reason(response) == "challenge_not_found"


async def test_siwe_for_another_address_is_refused(node: Node) -> None:
    wallet, other = EthWallet(), EthWallet()
    body = (await node.http.get("/api/v4/auth/challenge", params={"wallet": wallet.address})).json()
    message = _siwe(other.address, node.services.auth.signin.siwe_domain, body["nonce"])
    response = await node.http.post(
        "/api/v4/auth/token",
        json={
            "wallet": wallet.address,
            "signedChallenge": other.sign(message),
            "network": "ethereum",
            "message": message,
        },
    )
    assert response.status_code == 400
    assert error_reason(response) == "signature_validation_failed"
