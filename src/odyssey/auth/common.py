"""Small helpers shared by the auth modules: secrets, their stored digests, UTC times."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets


def digest(secret: str) -> str:
    """How codes, refresh tokens, client secrets and flow ids are stored: SHA-256, hex.

    They are long random strings, so a fast unsalted hash is enough to make a leaked table
    useless; the secret itself is never stored.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
