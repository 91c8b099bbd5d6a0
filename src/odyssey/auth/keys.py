"""Signing keys: kept in the database (table `auth_signing_key`), never served privately.

The newest key that is not retired signs. `rotate` adds a new key and retires the others; a
retired key stays in the JWKS and keeps verifying until every token it signed has expired
(`retired_at + token lifetime`), then `rotate` deletes it. Each process caches the keys and
re-reads them every `RELOAD_SECONDS`, or at once when a token names a `kid` it does not know,
so a rotation made by the CLI reaches running servers without a restart.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import time
from dataclasses import dataclass
from typing import Any

from joserfc.jwk import ECKey, KeyParameters, KeySet, OKPKey, RSAKey

from odyssey.auth.common import aware
from odyssey.db.auth_tables import SigningKey
from odyssey.db.engine import Database
from odyssey.db.signing_keys import SigningKeyStore
from odyssey.db.tables import utcnow

JoseKey = ECKey | RSAKey | OKPKey

RELOAD_SECONDS = 60.0
UNKNOWN_KID_RELOAD_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class LoadedKey:
    kid: str
    algorithm: str
    key: JoseKey
    created_at: dt.datetime
    retired_at: dt.datetime | None

    def public_jwk(self) -> dict[str, Any]:
        jwk = dict(self.key.as_dict(private=False))
        jwk.update(kid=self.kid, alg=self.algorithm, use="sig")
        return jwk


def generate_private_jwk(algorithm: str, kid: str) -> dict[str, Any]:
    parameters: KeyParameters = {"kid": kid, "alg": algorithm, "use": "sig"}
    key: JoseKey
    if algorithm == "ES256":
        key = ECKey.generate_key("P-256", parameters=parameters, private=True)
    elif algorithm == "RS256":
        key = RSAKey.generate_key(2048, parameters=parameters, private=True)
    elif algorithm == "EdDSA":
        key = OKPKey.generate_key("Ed25519", parameters=parameters, private=True)
    else:
        raise ValueError(f"unsupported signing algorithm {algorithm!r}")
    return dict(key.as_dict(private=True))


def _import(row: SigningKey) -> LoadedKey:
    jwk = dict(row.private_jwk)
    key: JoseKey
    if jwk.get("kty") == "EC":
        key = ECKey.import_key(jwk)
    elif jwk.get("kty") == "RSA":
        key = RSAKey.import_key(jwk)
    elif jwk.get("kty") == "OKP":
        key = OKPKey.import_key(jwk)
    else:
        raise ValueError(f"signing key {row.kid} has an unknown key type")
    return LoadedKey(
        kid=row.kid,
        algorithm=row.algorithm,
        key=key,
        created_at=aware(row.created_at),
        retired_at=aware(row.retired_at) if row.retired_at else None,
    )


class SigningKeys:
    def __init__(self, db: Database, *, algorithm: str, token_lifetime: int) -> None:
        self.store = SigningKeyStore(db)
        self.algorithm = algorithm
        self.token_lifetime = dt.timedelta(seconds=token_lifetime)
        self._keys: dict[str, LoadedKey] = {}
        self._loaded_at = float("-inf")
        self._lock = asyncio.Lock()

    # --- loading ------------------------------------------------------------------------------

    async def ready(self) -> None:
        """Load the keys if the cache is stale; create the first key on a new node."""
        if time.monotonic() - self._loaded_at < RELOAD_SECONDS and self._keys:
            return
        async with self._lock:
            if time.monotonic() - self._loaded_at < RELOAD_SECONDS and self._keys:
                return
            await self._load()
            if not any(key.retired_at is None for key in self._keys.values()):
                await self._add_key(retire_others=False)
                await self._load()

    async def reload_for_unknown_kid(self) -> None:
        """A token names a kid we do not know: re-read now (at most every few seconds)."""
        if time.monotonic() - self._loaded_at < UNKNOWN_KID_RELOAD_SECONDS:
            return
        async with self._lock:
            await self._load()

    async def _load(self) -> None:
        rows = await self.store.all()
        now = utcnow()
        keys = {}
        for row in rows:
            loaded = _import(row)
            if loaded.retired_at is None or loaded.retired_at + self.token_lifetime > now:
                keys[loaded.kid] = loaded
        self._keys = keys
        self._loaded_at = time.monotonic()

    async def _add_key(self, *, retire_others: bool) -> str:
        kid = secrets.token_urlsafe(12)
        await self.store.add(
            kid,
            self.algorithm,
            generate_private_jwk(self.algorithm, kid),
            utcnow(),
            retire_others=retire_others,
        )
        return kid

    async def rotate(self) -> str:
        """Start signing with a new key; retire the current one; drop keys past their use."""
        async with self._lock:
            kid = await self._add_key(retire_others=True)
            await self.store.drop_retired_before(utcnow() - self.token_lifetime)
            await self._load()
        return kid

    # --- use (after `ready`) -------------------------------------------------------------------

    def signer(self) -> LoadedKey:
        active = [key for key in self._keys.values() if key.retired_at is None]
        if not active:
            raise RuntimeError("signing keys are not loaded; await SigningKeys.ready() first")
        return max(active, key=lambda key: (key.created_at, key.kid))

    def get(self, kid: str) -> LoadedKey | None:
        key = self._keys.get(kid)
        if (
            key is not None
            and key.retired_at is not None
            and key.retired_at + self.token_lifetime <= utcnow()
        ):
            return None
        return key

    def public_jwks(self) -> dict[str, Any]:
        """The JWKS document: public parts only, newest first."""
        keys = sorted(self._keys.values(), key=lambda key: key.created_at, reverse=True)
        return {"keys": [key.public_jwk() for key in keys]}

    def public_key_set(self) -> KeySet:
        return KeySet.import_key_set(self.public_jwks())  # type: ignore[arg-type]

    def algorithms(self) -> list[str]:
        return sorted({key.algorithm for key in self._keys.values()} | {self.algorithm})
