"""Identity providers: guests and wallets (Ethereum, Sign-In with Ethereum, Polkadot).

A wallet proves itself by signing a challenge the node issued: a text with a random single-use
nonce that expires (`auth_challenge_ttl`). The nonce is burnt in the same transaction as what the
proof buys (the sign-in, or attaching the wallet), so a challenge is good once, across processes.

Wallets live where the reference keeps them: the user attribute (Kusama plugin, `wallet`) with the
value `{"wallet": ["0x…", …]}`; a lookup by wallet compares case-insensitively.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from odyssey.auth.common import aware, digest
from odyssey.auth.errors import AuthError
from odyssey.auth.wallets import (
    Network,
    WalletProofError,
    challenge_text,
    is_siwe_message,
    network_of,
    normalize_wallet,
    parse_siwe_message,
    verify_ethereum,
    verify_wallet_signature,
    wallet_key,
)
from odyssey.bus import AttributeChanged, Bus, UserChanged
from odyssey.config import Settings
from odyssey.core import ids
from odyssey.core.ids import new_id
from odyssey.db import tables as t
from odyssey.db.auth_tables import WalletChallenge
from odyssey.db.engine import Database, Transaction
from odyssey.db.tables import utcnow
from odyssey.db.users import (
    WALLET_ATTRIBUTE,
    UserStore,
    add_wallet_user,
    read_wallets,
    user_with_wallet_key,
    write_wallets,
)
from odyssey.db.users import (
    wallets_of as wallets_of,  # re-exported: sign-in's reading of a wallet attribute
)
from odyssey.db.wallet_challenges import WalletChallengeStore

T = TypeVar("T")

GUEST_NAME_PREFIX = "Visitor_"
# How many live challenges of one wallet a signature is tried against: the newest ones the
# proving address asked for, then the newest others.
MAX_CANDIDATE_CHALLENGES = 10
# Expired challenges of every wallet are deleted at most this often per process.
PURGE_CHALLENGES_EVERY_SECONDS = 60.0


def proof_refused(error: WalletProofError) -> AuthError:
    return AuthError(error.reason, error.message)


def parse_wallet(wallet: str) -> str:
    try:
        return normalize_wallet(wallet)
    except ValueError as error:
        raise AuthError("invalid_wallet", str(error)) from None


@dataclass(frozen=True, slots=True)
class Challenge:
    wallet: str
    nonce: str
    message: str
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class WalletUser:
    user_id: uuid.UUID
    wallet: str
    created: bool


def client_key(client_address: str | None) -> str | None:
    """How a challenge remembers the address that asked for it (a digest, not the address)."""
    return None if client_address is None else digest(client_address)


def guest_name() -> str:
    return f"{GUEST_NAME_PREFIX}{secrets.randbelow(10_000_000):07d}"


async def find_user_by_wallet(session: Transaction, wallet: str) -> uuid.UUID | None:
    """The user with this wallet attached (case-insensitive), or None."""
    return await user_with_wallet_key(session, wallet_key(wallet))


def wallet_changed(user_id: uuid.UUID, wallets: list[str]) -> AttributeChanged:
    return AttributeChanged(
        scope="user",
        plugin_id=ids.KUSAMA_PLUGIN_ID,
        attribute_name=WALLET_ATTRIBUTE,
        change_type="attribute_changed",
        value={WALLET_ATTRIBUTE: wallets},
        user_id=user_id,
    )


class SignIn:
    """Guest accounts, wallet challenges, and what a proven wallet buys."""

    def __init__(self, settings: Settings, db: Database, bus: Bus, users: UserStore) -> None:
        self.db = db
        self.challenges = WalletChallengeStore(db)
        self.bus = bus
        self.users = users
        self.challenge_ttl = dt.timedelta(seconds=settings.auth_challenge_ttl)
        self.leeway = dt.timedelta(seconds=settings.auth_clock_skew)
        self._challenges_purged_at = float("-inf")
        public = urlsplit(settings.resolved_public_url)
        # SIWE messages must name this node: host[:port] of the public URL, and its scheme.
        self.siwe_domain = public.netloc
        self.siwe_scheme = public.scheme

    # --- guests -------------------------------------------------------------------------------

    async def create_guest(self) -> t.User:
        return await self.users.create_user(name=guest_name(), is_guest=True)

    # --- challenges ---------------------------------------------------------------------------

    async def issue_challenge(self, wallet: str, *, client_address: str | None = None) -> Challenge:
        """A new single-use challenge for `wallet` (as the caller wrote it, validated), asked
        for from `client_address` (see `odyssey.auth.ratelimit.address_key`)."""
        parse_wallet(wallet)
        nonce = secrets.token_hex(16)
        message = challenge_text(wallet, nonce)
        now = utcnow()
        expires_at = now + self.challenge_ttl
        purge_all = time.monotonic() - self._challenges_purged_at > PURGE_CHALLENGES_EVERY_SECONDS
        if purge_all:
            # Challenges asked for wallets that never sign in would otherwise stay forever.
            self._challenges_purged_at = time.monotonic()
        await self.challenges.add(
            WalletChallenge(
                nonce=nonce,
                wallet_key=wallet_key(wallet),
                client_key=client_key(client_address),
                message=message,
                created_at=now,
                expires_at=expires_at,
            ),
            purge_every_wallet=purge_all,
        )
        return Challenge(wallet=wallet, nonce=nonce, message=message, expires_at=expires_at)

    async def _candidates(
        self, wallet: str, nonce: str | None, client_address: str | None
    ) -> list[WalletChallenge]:
        rows = await self.challenges.candidates(
            wallet_key(wallet), nonce, client_key(client_address), MAX_CANDIDATE_CHALLENGES
        )
        if not rows:
            raise AuthError(
                "challenge_not_found",
                "no challenge for this wallet: ask GET /api/v4/auth/challenge first "
                "(a challenge can be used once)",
            )
        live = [row for row in rows if aware(row.expires_at) > utcnow()]
        if not live:
            raise AuthError("challenge_expired", "the challenge has expired: ask for a new one")
        return live

    async def _verified_challenge(
        self,
        wallet: str,
        signature: str,
        network: Network,
        message: str | None,
        client_address: str | None,
    ) -> WalletChallenge:
        if network is not network_of(wallet):
            raise AuthError(
                "signature_validation_failed",
                f"network {network.value!r} does not match the wallet's format",
            )
        try:
            if message is not None and is_siwe_message(message):
                if network is not Network.ETHEREUM:
                    raise AuthError(
                        "invalid_siwe_message", "Sign-In with Ethereum needs an EVM wallet"
                    )
                siwe = parse_siwe_message(message)
                siwe.check(
                    domain=self.siwe_domain,
                    scheme=self.siwe_scheme,
                    now=utcnow(),
                    leeway=self.leeway,
                )
                if wallet_key(siwe.address) != wallet_key(wallet):
                    raise AuthError(
                        "signature_validation_failed", "the message is for another address"
                    )
                [challenge] = await self._candidates(wallet, siwe.nonce, client_address)
                verify_ethereum(message, signature, wallet)
                return challenge
            if message is not None:
                raise AuthError(
                    "invalid_siwe_message", "message must be a Sign-In with Ethereum message"
                )
            candidates = await self._candidates(wallet, None, client_address)
            first_error: WalletProofError | None = None
            for challenge in candidates:
                try:
                    verify_wallet_signature(network, challenge.message, signature, wallet)
                    return challenge
                except WalletProofError as error:
                    first_error = first_error or error
            assert first_error is not None
            raise first_error
        except WalletProofError as error:
            raise proof_refused(error) from None

    async def prove_wallet(
        self,
        wallet: str,
        signature: str,
        network: Network,
        then: Callable[[Transaction, str], Awaitable[T]],
        *,
        message: str | None = None,
        client_address: str | None = None,
    ) -> T:
        """Verify the signature against a live challenge of `wallet`, then burn the challenge
        and run `then(session, normalized_wallet)` in the same transaction."""
        normalized = parse_wallet(wallet)
        challenge = await self._verified_challenge(
            wallet, signature, network, message, client_address
        )

        def already_used() -> AuthError:
            return AuthError("challenge_not_found", "the challenge was already used or has expired")

        async def buy(session: Transaction) -> T:
            return await then(session, normalized)

        return await self.challenges.burn_then(
            wallet_key(wallet), challenge.nonce, buy, refused=already_used
        )

    # --- what a proof buys --------------------------------------------------------------------

    async def sign_in_with_wallet(
        self,
        wallet: str,
        signature: str,
        network: Network,
        *,
        message: str | None = None,
        then: Callable[[Transaction, WalletUser], Awaitable[T]],
        client_address: str | None = None,
    ) -> T:
        """Prove the wallet; find its user or create one; run `then` in the same transaction."""
        created: list[WalletUser] = []

        async def find_or_create(session: Transaction, normalized: str) -> T:
            user_id = await find_user_by_wallet(session, normalized)
            if user_id is not None:
                return await then(session, WalletUser(user_id, normalized, created=False))
            user = WalletUser(new_id(), normalized, created=True)
            await add_wallet_user(session, user.user_id, normalized)
            created.append(user)
            return await then(session, user)

        result = await self.prove_wallet(
            wallet,
            signature,
            network,
            find_or_create,
            message=message,
            client_address=client_address,
        )
        for user in created:
            await self.bus.publish(UserChanged(user_id=user.user_id, created=True))
            await self.bus.publish(wallet_changed(user.user_id, [user.wallet]))
        return result

    async def attach_wallet(
        self,
        user_id: uuid.UUID,
        wallet: str,
        signature: str,
        network: Network,
        *,
        message: str | None = None,
        client_address: str | None = None,
    ) -> list[str]:
        """Prove `wallet` and add it to the user's wallets; returns the new list."""

        async def attach(session: Transaction, normalized: str) -> list[str]:
            owner = await find_user_by_wallet(session, normalized)
            if owner == user_id:
                raise AuthError("wallet_already_exists", "this wallet is already yours")
            if owner is not None:
                raise AuthError("wallet_already_exists", "this wallet belongs to another account")
            wallets = [*await read_wallets(session, user_id), normalized]
            await write_wallets(session, user_id, wallets)
            return wallets

        wallets = await self.prove_wallet(
            wallet, signature, network, attach, message=message, client_address=client_address
        )
        await self.bus.publish(wallet_changed(user_id, wallets))
        return wallets

    async def remove_wallet(self, user_id: uuid.UUID, wallet: str) -> list[str]:
        """Detach a wallet (case-insensitive); never the last one."""
        async with self.db.write() as session:
            wallets = await read_wallets(session, user_id)
            remaining = [w for w in wallets if wallet_key(w) != wallet_key(wallet)]
            if len(remaining) == len(wallets):
                raise AuthError("wallet_not_found", "this wallet is not attached to you")
            if not remaining:
                raise AuthError(
                    "cannot_remove_last_wallet",
                    "this is your last wallet: attach another one before removing it",
                )
            await write_wallets(session, user_id, remaining)
        await self.bus.publish(wallet_changed(user_id, remaining))
        return remaining
