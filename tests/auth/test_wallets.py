"""The pure wallet proofs: addresses, EIP-191, SIWE parsing and checks, sr25519."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sr25519

from odyssey.auth.wallets import (
    Network,
    WalletProofError,
    challenge_text,
    is_siwe_message,
    normalize_wallet,
    parse_siwe_message,
    recover_ethereum_signer,
    verify_ethereum,
    verify_sr25519,
)

from .conftest import DotWallet, EthWallet

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
LEEWAY = dt.timedelta(seconds=10)


def siwe(address: str, *, domain: str = "node.example:4000", nonce: str = "abcdef0123456789",
         extra: str = "") -> str:  # fmt: skip
    return (
        f"{domain} wants you to sign in with your Ethereum account:\n"
        f"{address}\n\n"
        "Sign in to the node.\n\n"
        f"URI: http://{domain}/\n"
        "Version: 1\n"
        "Chain ID: 1\n"
        f"Nonce: {nonce}\n"
        "Issued At: 2026-11-28T11:59:00Z" + extra
    )


def test_normalize_wallet() -> None:
    wallet = EthWallet()
    assert normalize_wallet(wallet.address.lower()) == wallet.address
    dot = DotWallet()
    assert normalize_wallet(dot.address.upper().replace("0X", "0x")) == dot.address
    for junk in ("", "0x12", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", "x" * 42):
        with pytest.raises(ValueError):
            normalize_wallet(junk)


def test_network_from_request_follows_the_reference() -> None:
    assert Network.from_request("ethereum") is Network.ETHEREUM
    assert Network.from_request("polkadot") is Network.POLKADOT
    assert Network.from_request(None) is Network.POLKADOT
    assert Network.from_request("Ethereum") is Network.POLKADOT


def test_personal_sign_round_trip_and_refusals() -> None:
    wallet, other = EthWallet(), EthWallet()
    text = challenge_text(wallet.address, "n0nce")
    signature = wallet.sign(text)
    assert recover_ethereum_signer(text, signature) == wallet.address
    verify_ethereum(text, signature, wallet.address.lower())  # case-insensitive
    verify_ethereum(text, signature[2:], wallet.address)  # hex without 0x
    with pytest.raises(WalletProofError) as refused:
        verify_ethereum(text, signature, other.address)
    assert refused.value.reason == "signature_validation_failed"
    with pytest.raises(WalletProofError):
        verify_ethereum(text + " ", signature, wallet.address)
    for bad in ("0x1234", "zz" * 65, "0x" + "00" * 65, signature[:-2] + "1d"):
        with pytest.raises(WalletProofError) as refused:
            verify_ethereum(text, bad, wallet.address)
        assert refused.value.reason == "signature_validation_failed"


def test_sr25519_round_trip_and_refusals() -> None:
    wallet, other = DotWallet(), DotWallet()
    text = challenge_text(wallet.address, "n0nce")
    verify_sr25519(text, wallet.sign(text), wallet.address)
    with pytest.raises(WalletProofError) as refused:
        verify_sr25519(text, other.sign(text), wallet.address)
    assert refused.value.reason == "invalid_signature"
    # Unwrapped bytes (no <Bytes>) are not what polkadot-js signs.
    unwrapped = "0x" + sr25519.sign((wallet.public_key, wallet.secret_key), text.encode()).hex()
    with pytest.raises(WalletProofError):
        verify_sr25519(text, unwrapped, wallet.address)
    with pytest.raises(WalletProofError) as refused:
        verify_sr25519(text, "0x" + "00" * 64, wallet.address)
    assert refused.value.reason == "signature_validation_failed"


def test_siwe_parse_and_check() -> None:
    wallet = EthWallet()
    text = siwe(wallet.address, extra="\nExpiration Time: 2026-11-28T12:05:00Z\nResources:\n- a:b")
    assert is_siwe_message(text)
    message = parse_siwe_message(text)
    assert message.domain == "node.example:4000"
    assert message.address == wallet.address
    assert message.nonce == "abcdef0123456789"
    assert message.statement == "Sign in to the node."
    assert message.resources == ("a:b",)
    message.check(domain="node.example:4000", scheme="http", now=NOW, leeway=LEEWAY)
    with pytest.raises(WalletProofError) as refused:
        message.check(domain="evil.example", scheme="http", now=NOW, leeway=LEEWAY)
    assert refused.value.reason == "siwe_domain_mismatch"
    with pytest.raises(WalletProofError) as refused:
        message.check(
            domain="node.example:4000", scheme="http", now=NOW + dt.timedelta(hours=1),
            leeway=LEEWAY,
        )  # fmt: skip
    assert refused.value.reason == "siwe_expired"
    with pytest.raises(WalletProofError) as refused:
        message.check(
            domain="node.example:4000", scheme="http", now=NOW - dt.timedelta(hours=1),
            leeway=LEEWAY,
        )  # fmt: skip
    assert refused.value.reason == "siwe_not_yet_valid"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda text: text.replace("Version: 1", "Version: 2"),
        lambda text: text.replace("Nonce: abcdef0123456789", "Nonce: short"),
        lambda text: text.replace("Chain ID: 1\n", ""),
        lambda text: text + "\nNonce: again12345",
        lambda text: text + "\nUnknown: field",
        lambda text: text.replace(" wants you to sign in", " wants you to log in"),
        lambda text: text.replace("Issued At: 2026-11-28T11:59:00Z", "Issued At: yesterday"),
    ],
)
def test_siwe_parser_is_strict(mangle: Callable[[str], str]) -> None:
    text = siwe(EthWallet().address)
    parse_siwe_message(text)
    with pytest.raises(WalletProofError) as refused:
        parse_siwe_message(mangle(text))
    assert refused.value.reason == "invalid_siwe_message"
