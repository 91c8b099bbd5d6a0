"""Small helpers shared by the auth modules: secrets, their stored digests, UTC times."""

from __future__ import annotations

import hashlib
import secrets

from odyssey.db.tables import aware  # re-exported: the auth modules' one way


def digest(secret: str) -> str:
    """How codes, refresh tokens, client secrets and flow ids are stored: SHA-256, hex.

    They are long random strings, so a fast unsalted hash is enough to make a leaked table
    useless; the secret itself is never stored.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


__all__ = ["aware", "digest", "new_secret"]
