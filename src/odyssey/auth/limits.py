"""The sign-in rate limits: who is counted for what, so that nobody can lock out someone else.

- Guests, challenges, wallet proofs, refreshes and the OAuth token endpoint are counted per
  client address (IPv4 address, IPv6 /64). One address's flood is bounded; other addresses never
  notice it. The guest allowance is big enough for hundreds of visitors of an event behind one
  NAT address, and guests are also bounded per hour and per day (every guest is a row).
- Failed wallet proofs are counted per wallet *and* address, and only when they fail: requests
  from elsewhere for someone's wallet, or the wallet's own successful sign-ins, never refuse the
  wallet's owner.
- Refreshes are also counted per sign-in (each one stores a refresh-token row).

Refusals are `odyssey.core.errors.RateLimited` (429 `too_many_requests` with Retry-After).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from odyssey.auth.errors import AuthError
from odyssey.auth.ratelimit import Bucket, Rate, RateLimiter, subject_key
from odyssey.auth.wallets import wallet_key
from odyssey.config import Settings
from odyssey.db.engine import Database

MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0


class SignInLimits:
    def __init__(self, settings: Settings, db: Database, limiter: RateLimiter | None = None):
        self.limiter = limiter or RateLimiter(db)
        s = settings
        self.guest_rates = (
            (Rate(s.auth_guests_per_address_per_minute, MINUTE), "minute"),
            (Rate(s.auth_guests_per_address_per_hour, HOUR), "hour"),
            (Rate(s.auth_guests_per_address_per_day, DAY), "day"),
        )
        self.challenge_rate = Rate(s.auth_challenges_per_address_per_minute, MINUTE)
        self.proof_rate = Rate(s.auth_sign_ins_per_address_per_minute, MINUTE)
        self.failed_proof_rate = Rate(s.auth_failed_sign_ins_per_wallet_per_minute, MINUTE)
        self.refresh_rate = Rate(s.auth_refreshes_per_address_per_minute, MINUTE)
        self.sign_in_refresh_rate = Rate(s.auth_refreshes_per_sign_in_per_hour, HOUR)
        self.oauth_token_rate = Rate(s.auth_oauth_tokens_per_address_per_minute, MINUTE)

    async def guest(self, address: str) -> None:
        """One guest sign-in from `address` (a new guest account)."""
        await self.limiter.take(
            [
                Bucket(
                    subject_key(f"guest-{period}", address),
                    rate,
                    f"guest sign-ins from this address (at most {rate.count} per {period})",
                )
                for rate, period in self.guest_rates
            ]
        )

    async def challenge(self, address: str) -> None:
        await self.limiter.take(
            [Bucket(subject_key("challenge", address), self.challenge_rate, _from("challenges"))]
        )

    @asynccontextmanager
    async def wallet_proof(self, address: str, wallet: str) -> AsyncIterator[None]:
        """Around a wallet proof: counts the attempt for the address, refuses when this address
        failed too often for this wallet, and counts the proof as failed when the block raises
        an AuthError (a wrong signature, a missing or expired challenge...)."""
        failures = Bucket(
            subject_key("failed-proof", wallet_key(wallet), address),
            self.failed_proof_rate,
            "failed sign-ins for this wallet from this address",
        )
        await self.limiter.take(
            [Bucket(subject_key("proof", address), self.proof_rate, _from("sign-in attempts"))]
        )
        await self.limiter.check(failures)
        try:
            yield
        except AuthError:
            await self.limiter.spend(failures)
            raise

    async def refresh(self, address: str) -> None:
        await self.limiter.take(
            [Bucket(subject_key("refresh", address), self.refresh_rate, _from("refreshes"))]
        )

    async def refresh_of_sign_in(self, family_id: uuid.UUID) -> None:
        await self.limiter.take(
            [
                Bucket(
                    subject_key("refresh-sign-in", str(family_id)),
                    self.sign_in_refresh_rate,
                    "refreshes of this sign-in",
                )
            ]
        )

    async def oauth_token(self, address: str) -> None:
        await self.limiter.take(
            [
                Bucket(
                    subject_key("oauth-token", address),
                    self.oauth_token_rate,
                    _from("token requests"),
                )
            ]
        )


def _from(what: str) -> str:
    return f"{what} from this address"
