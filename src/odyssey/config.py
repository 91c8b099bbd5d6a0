"""Node configuration: environment variables (prefix `ODYSSEY_`) over an optional TOML file.

Precedence, highest first: explicit keyword arguments (the CLI's options), environment variables,
the config file named by `ODYSSEY_CONFIG_FILE` (TOML), then the defaults below.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

LogLevel = Literal["debug", "info", "warning", "error", "critical"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ODYSSEY_", extra="ignore")

    data_dir: Path = Field(
        default=Path("./data"),
        description="Directory for the SQLite database, media files and keys.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL. Default: a SQLite file in the data directory. "
        "Use postgresql://user@host/db for PostgreSQL.",
    )
    host: str = Field(default="127.0.0.1", description="Address the HTTP server binds to.")
    port: int = Field(default=4000, ge=0, le=65535, description="Port the HTTP server binds to.")
    public_url: str | None = Field(
        default=None,
        description="URL visitors use to reach this node. Default: http://HOST:PORT.",
    )
    log_level: LogLevel = Field(default="info", description="Logging level.")
    node_name: str = Field(default="Odyssey node", description="Name of the node, seeded once.")

    # --- sign-in (odyssey.auth) -------------------------------------------------------------
    auth_issuer: str | None = Field(
        default=None,
        description="OpenID Connect issuer (the `iss` of every token). Default: the public URL.",
    )
    auth_audience: str | None = Field(
        default=None,
        description="`aud` of access tokens for this node's API and controller. "
        "Default: the issuer.",
    )
    auth_signing_algorithm: Literal["ES256", "RS256", "EdDSA"] = Field(
        default="ES256",
        description="Algorithm of new signing keys (existing keys keep theirs).",
    )
    auth_access_token_ttl: int = Field(
        default=900, ge=30, le=86400, description="Lifetime of access and ID tokens, seconds."
    )
    auth_refresh_token_ttl: int = Field(
        default=30 * 86400,
        ge=60,
        description="Lifetime of a sign-in (refresh token family), seconds.",
    )
    auth_code_ttl: int = Field(
        default=300, ge=10, le=600, description="Lifetime of an authorization code, seconds."
    )
    auth_login_ttl: int = Field(
        default=900, ge=60, le=3600, description="Time to finish the login and consent pages."
    )
    auth_challenge_ttl: int = Field(
        default=300, ge=10, le=3600, description="Lifetime of a wallet sign-in challenge, seconds."
    )
    auth_clock_skew: int = Field(
        default=10, ge=0, le=300, description="Leeway for token time claims, seconds."
    )
    auth_rate_limit_window: int = Field(
        default=60, ge=1, description="Window of the sign-in rate limits, seconds."
    )
    auth_rate_limit_per_ip: int = Field(
        default=30,
        ge=1,
        description="Challenges, and tokens issued, per client IP per window (each counted).",
    )
    auth_rate_limit_per_wallet: int = Field(
        default=10, ge=1, description="Challenges and sign-in attempts per wallet per window."
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_log_level(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get("ODYSSEY_CONFIG_FILE")
        if config_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(config_file)))
        return tuple(sources)

    @property
    def resolved_database_url(self) -> str:
        """The async SQLAlchemy URL: driver names filled in for the two supported engines."""
        url = self.database_url or f"sqlite:///{(self.data_dir / 'odyssey.db').resolve()}"
        return to_async_url(url)

    @property
    def resolved_public_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def resolved_auth_issuer(self) -> str:
        return (self.auth_issuer or self.resolved_public_url).rstrip("/")

    @property
    def resolved_auth_audience(self) -> str:
        return self.auth_audience or self.resolved_auth_issuer


def to_async_url(url: str) -> str:
    """Map the URL schemes operators write to the async drivers the node uses."""
    for plain, async_scheme in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return async_scheme + url[len(plain) :]
    return url
