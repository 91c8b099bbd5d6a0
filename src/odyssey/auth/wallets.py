"""Wallet proofs, pure: addresses, challenge texts, EIP-191, Sign-In with Ethereum, sr25519.

No I/O here: the sign-in service stores and burns the challenges; this module only says whether a
signature proves a wallet.

- Ethereum: an EIP-191 `personal_sign` signature (65 bytes, `v` 27/28 or 0/1) over the UTF-8
  challenge text; the recovered address is compared with the wallet case-insensitively.
- Sign-In with Ethereum (EIP-4361): the same signature, over a SIWE message whose domain, address,
  nonce and times the caller checks (`parse_siwe_message` + `SiweMessage.check`).
- Polkadot/Substrate: sr25519 (schnorrkel, signing context "substrate") over
  `<Bytes>` + challenge + `</Bytes>` (what polkadot-js `signRaw` signs); the wallet is the
  0x-prefixed hex of the 32-byte public key.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

import sr25519
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils.address import to_checksum_address

from odyssey.auth.errors import ProofReason

_EVM_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_SR25519_PUBLIC_KEY = re.compile(r"0x[0-9a-fA-F]{64}")
_HEX = re.compile(r"(0x)?[0-9a-fA-F]*")


class Network(StrEnum):
    ETHEREUM = "ethereum"
    POLKADOT = "polkadot"

    @classmethod
    def from_request(cls, value: str | None) -> Network:
        """The reference's rule: "ethereum" is Ethereum, anything else (or nothing) is Polkadot."""
        return cls.ETHEREUM if value == cls.ETHEREUM.value else cls.POLKADOT


class WalletProofError(Exception):
    """A signature or message that proves nothing. `reason` is the API's error reason."""

    def __init__(self, reason: ProofReason, message: str) -> None:
        super().__init__(message)
        self.reason: ProofReason = reason
        self.message = message


def normalize_wallet(wallet: str) -> str:
    """The stored form of a wallet: EIP-55 for EVM addresses, lower-case hex for sr25519 keys.

    Raises ValueError for anything else (SS58 addresses are not accepted: send the public key).
    """
    text = wallet.strip()
    if _EVM_ADDRESS.fullmatch(text):
        return to_checksum_address(text)
    if _SR25519_PUBLIC_KEY.fullmatch(text):
        return text.lower()
    raise ValueError(
        "wallet must be a 0x-prefixed Ethereum address (40 hex digits) "
        "or a 0x-prefixed sr25519 public key (64 hex digits)"
    )


def wallet_key(wallet: str) -> str:
    """The case-insensitive key wallets are compared and looked up by."""
    return wallet.strip().lower()


def network_of(wallet: str) -> Network:
    return Network.ETHEREUM if _EVM_ADDRESS.fullmatch(wallet.strip()) else Network.POLKADOT


def challenge_text(wallet: str, nonce: str) -> str:
    return (
        f"Please sign this message with the private key for address {wallet} "
        f"to prove that you own it. {nonce}"
    )


def _signature_bytes(signature: str, length: int) -> bytes:
    text = signature.strip()
    if not _HEX.fullmatch(text):
        raise WalletProofError("signature_validation_failed", "signature is not hex")
    raw = bytes.fromhex(text[2:] if text.startswith("0x") else text)
    if len(raw) != length:
        raise WalletProofError(
            "signature_validation_failed",
            f"signature must be {length} bytes, got {len(raw)}",
        )
    return raw


def recover_ethereum_signer(message: str, signature: str) -> str:
    """The EIP-55 address whose key made this EIP-191 `personal_sign` signature of `message`."""
    raw = _signature_bytes(signature, 65)
    if raw[64] not in (0, 1, 27, 28):
        raise WalletProofError("signature_validation_failed", "signature v must be 27 or 28")
    try:
        return str(Account.recover_message(encode_defunct(text=message), signature=raw))
    except Exception as error:  # eth-keys raises several types for malformed signatures
        raise WalletProofError(
            "signature_validation_failed", f"cannot recover a signer: {error}"
        ) from None


def verify_ethereum(message: str, signature: str, wallet: str) -> None:
    signer = recover_ethereum_signer(message, signature)
    if wallet_key(signer) != wallet_key(wallet):
        raise WalletProofError(
            "signature_validation_failed", "the signature was not made by this wallet's key"
        )


def verify_sr25519(message: str, signature: str, wallet: str) -> None:
    """sr25519 over the `<Bytes>`-wrapped text; `wallet` is the 0x hex public key."""
    if not _SR25519_PUBLIC_KEY.fullmatch(wallet.strip()):
        raise WalletProofError(
            "signature_validation_failed", "a Polkadot wallet is a 0x-prefixed 32-byte public key"
        )
    raw = _signature_bytes(signature, 64)
    public_key = bytes.fromhex(wallet.strip()[2:])
    wrapped = f"<Bytes>{message}</Bytes>".encode()
    try:
        valid = bool(sr25519.verify(raw, wrapped, public_key))
    except ValueError as error:
        raise WalletProofError("signature_validation_failed", str(error)) from None
    if not valid:
        raise WalletProofError("invalid_signature", "the signature was not made by this key")


def verify_wallet_signature(network: Network, message: str, signature: str, wallet: str) -> None:
    """Raise WalletProofError unless `signature` by `wallet` over `message` is valid."""
    if network is Network.ETHEREUM:
        verify_ethereum(message, signature, wallet)
    else:
        verify_sr25519(message, signature, wallet)


# --- Sign-In with Ethereum (EIP-4361) -----------------------------------------------------------

_SIWE_HEADER = re.compile(
    r"(?:(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*)://)?(?P<domain>[^\s/]+)"
    r" wants you to sign in with your Ethereum account:"
)
_SIWE_FIELDS = {
    "URI": "uri",
    "Version": "version",
    "Chain ID": "chain_id",
    "Nonce": "nonce",
    "Issued At": "issued_at",
    "Expiration Time": "expiration_time",
    "Not Before": "not_before",
    "Request ID": "request_id",
}
_SIWE_REQUIRED = ("uri", "version", "chain_id", "nonce", "issued_at")
_SIWE_NONCE = re.compile(r"[a-zA-Z0-9]{8,}")


def is_siwe_message(text: str) -> bool:
    first_line = text.split("\n", 1)[0]
    return _SIWE_HEADER.fullmatch(first_line) is not None


@dataclass(frozen=True, slots=True)
class SiweMessage:
    scheme: str | None
    domain: str
    address: str
    statement: str | None
    uri: str
    version: str
    chain_id: int
    nonce: str
    issued_at: dt.datetime
    expiration_time: dt.datetime | None
    not_before: dt.datetime | None
    request_id: str | None
    resources: tuple[str, ...]

    def check(self, *, domain: str, scheme: str, now: dt.datetime, leeway: dt.timedelta) -> None:
        """Refuse a message meant for another site or outside its validity window."""
        if self.domain.lower() != domain.lower():
            raise WalletProofError(
                "siwe_domain_mismatch",
                f"the message is for {self.domain}, this node is {domain}",
            )
        if self.scheme is not None and self.scheme.lower() != scheme.lower():
            raise WalletProofError("siwe_domain_mismatch", f"the message is for {self.scheme}://")
        if self.issued_at > now + leeway:
            raise WalletProofError("siwe_not_yet_valid", "the message is issued in the future")
        if self.not_before is not None and self.not_before > now + leeway:
            raise WalletProofError("siwe_not_yet_valid", "the message is not valid yet")
        if self.expiration_time is not None and self.expiration_time <= now - leeway:
            raise WalletProofError("siwe_expired", "the message has expired")


def _timestamp(name: str, value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise WalletProofError("invalid_siwe_message", f"{name} is not an RFC 3339 time") from None
    if parsed.tzinfo is None:
        raise WalletProofError("invalid_siwe_message", f"{name} needs a time zone")
    return parsed


def parse_siwe_message(text: str) -> SiweMessage:
    """Parse an EIP-4361 message strictly; raise WalletProofError("invalid_siwe_message")."""

    def invalid(why: str) -> WalletProofError:
        return WalletProofError(
            "invalid_siwe_message", f"not a Sign-In with Ethereum message: {why}"
        )

    lines = text.split("\n")
    header = _SIWE_HEADER.fullmatch(lines[0]) if lines else None
    if header is None or len(lines) < 3:
        raise invalid("bad first line")
    address = lines[1]
    if not _EVM_ADDRESS.fullmatch(address):
        raise invalid("bad address line")
    if lines[2] != "":
        raise invalid("an empty line must follow the address")
    index = 3
    statement: str | None = None
    while index < len(lines) and not lines[index].startswith("URI: "):
        line = lines[index]
        if line:
            if statement is not None:
                raise invalid("more than one statement line")
            statement = line
        index += 1
    fields: dict[str, str] = {}
    resources: list[str] = []
    while index < len(lines):
        line = lines[index]
        index += 1
        if line == "Resources:":
            while index < len(lines) and lines[index].startswith("- "):
                resources.append(lines[index][2:])
                index += 1
            if index != len(lines):
                raise invalid("text after the resources")
            break
        name, separator, value = line.partition(": ")
        key = _SIWE_FIELDS.get(name)
        if not separator or key is None:
            raise invalid(f"unexpected line {line!r}")
        if key in fields:
            raise invalid(f"{name} appears twice")
        fields[key] = value
    missing = [key for key in _SIWE_REQUIRED if key not in fields]
    if missing:
        raise invalid(f"missing {', '.join(missing)}")
    if fields["version"] != "1":
        raise invalid("Version must be 1")
    if not fields["chain_id"].isdigit():
        raise invalid("Chain ID must be a number")
    if not _SIWE_NONCE.fullmatch(fields["nonce"]):
        raise invalid("Nonce must be at least 8 letters or digits")
    return SiweMessage(
        scheme=header.group("scheme"),
        domain=header.group("domain"),
        address=address,
        statement=statement,
        uri=fields["uri"],
        version=fields["version"],
        chain_id=int(fields["chain_id"]),
        nonce=fields["nonce"],
        issued_at=_timestamp("Issued At", fields["issued_at"]),
        expiration_time=(
            _timestamp("Expiration Time", fields["expiration_time"])
            if "expiration_time" in fields
            else None
        ),
        not_before=(
            _timestamp("Not Before", fields["not_before"]) if "not_before" in fields else None
        ),
        request_id=fields.get("request_id"),
        resources=tuple(resources),
    )
