"""Node configuration: environment variables (prefix `ODYSSEY_`) over an optional TOML file.

Precedence, highest first: explicit keyword arguments (the CLI's options), environment variables,
the config file named by `ODYSSEY_CONFIG_FILE` (TOML), then the defaults below.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
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
    database_connect_timeout: float = Field(
        default=10.0,
        gt=0,
        description="PostgreSQL: longest wait for a new connection, seconds. During an outage a "
        "request waits at most this long before it is answered 503.",
    )
    database_retry_after: int = Field(
        default=5,
        ge=1,
        description="Retry-After (seconds) of the 503 service_unavailable answered while the "
        "database is unreachable.",
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
    auth_signing_algorithm: Literal["RS256", "ES256", "EdDSA"] = Field(
        default="RS256",
        description="Algorithm of new signing keys (existing keys keep theirs). OpenID Connect "
        "discovery requires RS256; ES256 and EdDSA give smaller tokens.",
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
    auth_liveness_cache_seconds: float = Field(
        default=2.0,
        ge=0,
        description="How long a token the database confirmed live is trusted without asking "
        "again. Revocations by this process apply at once; by another process, within this.",
    )
    # Sign-in rate limits: each is a burst of N, refilled at N per period (a token bucket kept
    # in the database). "Address" is the client's IPv4 address or IPv6 /64 network.
    auth_guests_per_address_per_minute: int = Field(
        default=300,
        ge=1,
        description="Guest sign-ins per client address: a burst of this many, then this many "
        "a minute (hundreds of visitors of an event behind one NAT address get in at once).",
    )
    auth_guests_per_address_per_hour: int = Field(
        default=2000,
        ge=1,
        description="Guest accounts created per client address: a burst of this many, then "
        "this many an hour (every guest is a database row).",
    )
    auth_guests_per_address_per_day: int = Field(
        default=10000,
        ge=1,
        description="Guest accounts created per client address: a burst of this many, then "
        "this many a day.",
    )
    auth_challenges_per_address_per_minute: int = Field(
        default=120,
        ge=1,
        description="Wallet challenges per client address: a burst of this many, then this "
        "many a minute. Other addresses are not affected.",
    )
    auth_sign_ins_per_address_per_minute: int = Field(
        default=120,
        ge=1,
        description="Wallet proofs (sign-in, attach-account, login page) per client address: "
        "a burst of this many, then this many a minute.",
    )
    auth_failed_sign_ins_per_wallet_per_minute: int = Field(
        default=10,
        ge=1,
        description="Failed wallet proofs per wallet and client address: a burst of this many, "
        "then this many a minute; then that address's proofs for that wallet are refused "
        "(successful proofs and other addresses are never counted).",
    )
    auth_refreshes_per_address_per_minute: int = Field(
        default=600,
        ge=1,
        description="POST /api/v4/auth/refresh per client address: a burst of this many, then "
        "this many a minute.",
    )
    auth_refreshes_per_sign_in_per_hour: int = Field(
        default=120,
        ge=1,
        description="Refreshes of one sign-in (its refresh-token chain): a burst of this many, "
        "then this many an hour (each refresh stores a token row).",
    )
    auth_oauth_tokens_per_address_per_minute: int = Field(
        default=600,
        ge=1,
        description="Requests to POST /oauth2/token per client address: a burst of this many, "
        "then this many a minute.",
    )
    auth_rate_limit_per_ip: int | None = Field(
        default=None,
        ge=1,
        description="The older single per-address sign-in limit, kept for the scripts that "
        "set it (the shared fan-out benchmark lifts the limits with it): when set, every "
        "per-address sign-in limit above is at least this.",
    )

    # --- objects (odyssey.db.objects, odyssey.db.object_limits) ----------------------------
    # Objects made through the API (spawn-by-user, create, clone) count against these; the
    # node's own work (seed, CLI) does not. Admins of a world (node admins administer every
    # world) are exempt from the per-user quotas and rates there, not from the world's cap.
    objects_max_per_world: int = Field(
        default=10_000,
        ge=1,
        description="Most objects in one world (everything under it). A creation beyond it "
        "is refused for everyone, admins included: 429 `quota_exceeded`.",
    )
    objects_max_per_user_per_world: int = Field(
        default=500,
        ge=0,
        description="Most objects a signed-in user (not a guest) may own in one world they do "
        "not administer. Beyond: 429 `quota_exceeded` until some are deleted.",
    )
    objects_max_per_guest_per_world: int = Field(
        default=25,
        ge=0,
        description="Most objects a guest may own in one world they do not administer.",
    )
    objects_per_user_per_minute: int = Field(
        default=60,
        ge=0,
        description="Objects a signed-in user (not a guest) may make per minute, in worlds "
        "they do not administer (fixed one-minute windows). Beyond: 429 `too_many_requests` "
        "with Retry-After.",
    )
    objects_per_guest_per_minute: int = Field(
        default=10,
        ge=0,
        description="Objects a guest may make per minute, in worlds they do not administer.",
    )

    # --- real-time controller (odyssey.controller) -----------------------------------------
    controller_tick_rate: float = Field(
        default=10.0, gt=0, le=60, description="Transform ticks per second in every world."
    )
    controller_max_frame_in: int = Field(
        default=65536,
        ge=1024,
        description="Largest WebSocket message a client may send, bytes (bigger closes it).",
    )
    controller_max_frame_out: int = Field(
        default=32768,
        ge=1024,
        description="Largest message the server sends, bytes (the Odyssey web client "
        "rejects messages over 32 KiB).",
    )
    controller_send_queue_bytes: int = Field(
        default=1 << 20,
        ge=4096,
        description="Bytes of non-transform messages queued for one client; a client that "
        "falls further behind is disconnected (transforms are latest-wins, never queued up).",
    )
    controller_aoi_threshold: int = Field(
        default=100,
        ge=1,
        description="With more users than this in a world, each client gets full-rate "
        "transforms of its nearest users only and reduced-rate ones of the rest.",
    )
    controller_aoi_near_users: int = Field(
        default=50,
        ge=1,
        description="Users each client sees at full rate when AOI is on: the ones nearest to "
        "the grid cell it is in.",
    )
    controller_aoi_cell_size: float = Field(
        default=16.0,
        gt=0,
        description="Edge of the grid cells (metres) that group clients by interest when AOI "
        "is on: clients in one cell share one list per tick.",
    )
    controller_aoi_far_per_tick: int = Field(
        default=100,
        ge=1,
        description="Transforms of the other (far) users sent per tick, round robin, when AOI "
        "is on: per-client bandwidth stays under (near + far) entries per tick.",
    )
    controller_aoi_refresh_ticks: int = Field(
        default=5, ge=1, description="Ticks between recomputations of everyone's nearest users."
    )
    controller_idle_refresh_seconds: float = Field(
        default=30.0,
        gt=0,
        description="Users who did not move are re-sent this often (a slow refresh).",
    )
    # /posbus WebSocket frames: "lean" (our own, odyssey.controller.lean) or "asgi" (uvicorn's).
    controller_transport: Literal["lean", "asgi"] = "lean"
    controller_handshake_timeout: float = Field(
        default=10.0, gt=0, description="Seconds a new connection has to send its handshake."
    )
    controller_ping_interval: float = Field(
        default=20.0, gt=0, description="Seconds between WebSocket pings to each client."
    )
    controller_ping_timeout: float = Field(
        default=20.0,
        gt=0,
        description="Seconds to wait for a pong before the client is disconnected.",
    )
    controller_write_timeout: float = Field(
        default=10.0,
        gt=0,
        description="A client whose connection has not taken a message for this many seconds "
        "(it stopped reading) is disconnected.",
    )
    controller_close_timeout: float = Field(
        default=5.0,
        gt=0,
        description="Seconds a closing client gets to take its last messages before the "
        "connection is cut.",
    )
    # Connection caps (odyssey.controller.admission), per process.
    controller_connections_per_address: int = Field(
        default=4000,
        ge=1,
        description="Open /posbus connections from one client address (an IPv4 address or an "
        "IPv6 /64; behind a trusted proxy, the address it forwards) at once: enough for an "
        "event's crowd behind one NAT. Beyond: the upgrade is refused with 429 "
        "`too_many_connections` and Retry-After.",
    )
    controller_connections_per_user: int = Field(
        default=8,
        ge=1,
        description="Open /posbus connections of one user at once, from the handshake until "
        "the socket is gone (the node serves one of them, the newest). Beyond: the handshake is "
        "refused, close 1008 \"too many connections\".",
    )
    # Inbound messages (odyssey.controller.inbound): the web client sends at most 20
    # transforms a second (one per tick, ticks of at most 60 Hz throttled to 50 ms) plus the
    # odd command; three times that is allowed, and a backlog of seconds fits in the burst.
    controller_messages_per_second: float = Field(
        default=60.0,
        gt=0,
        description="Messages a second one client may send; over it (beyond the burst) its "
        "messages are dropped unread.",
    )
    controller_messages_burst: int = Field(
        default=120,
        ge=1,
        description="Messages a client may send at once above the rate (a reconnect, a "
        "backlog after a network hiccup).",
    )
    controller_teleports_per_second: float = Field(
        default=0.5,
        gt=0,
        description="World entries (teleport_request) a client may make per second, after its "
        "burst. Each sends the whole world to the client and announces it to everyone there, "
        "so a client cannot make the node do that dozens of times a second; a request over "
        "the rate is answered with a notification and the client stays where it is.",
    )
    controller_teleports_burst: int = Field(
        default=5,
        ge=1,
        description="World entries a client may make at once before the rate applies.",
    )
    controller_messages_dropped_max: int = Field(
        default=120,
        ge=0,
        description="Messages over the rate a client may have dropped in a row (without "
        "pausing until its burst is available again) before it is closed as a flood: 1008 "
        "\"too many messages\".",
    )
    controller_guest_cleanup_seconds: float = Field(
        default=1200.0,
        ge=0,
        description="A guest user is deleted once it has not been seen (signed in, refreshed "
        "its token, connected, left, or been connected to any process) for this long, and "
        "never sooner than its last access token expires.",
    )
    controller_guest_sweep_seconds: float = Field(
        default=300.0,
        gt=0,
        description="Seconds between sweeps deleting idle guests (each process sweeps, and "
        "marks its connected guests as seen, at least three times per guest retention).",
    )
    controller_invitations_per_minute: int = Field(
        default=10,
        ge=1,
        description="Invitations into a world (POST /api/v4/worlds/{id}/teleport-user) one user "
        "may send: a burst of this many, then this many a minute. Over it: 429 with "
        "Retry-After.",
    )
    controller_persist_interval: float = Field(
        default=0.5,
        gt=0,
        description="Seconds between batched database writes of moved objects and users' "
        "last positions.",
    )

    # --- media (odyssey.media) --------------------------------------------------------------
    media_store: Literal["filesystem", "s3"] = Field(
        default="filesystem",
        description="Where uploads are kept: a local directory, or S3-compatible object storage.",
    )
    media_dir: Path | None = Field(
        default=None,
        description="Directory of the filesystem media store. Default: DATA_DIR/media.",
    )
    media_s3_endpoint_url: str | None = Field(
        default=None,
        description="S3 endpoint URL (MinIO, Garage, moto...). Default: AWS for the region.",
    )
    media_s3_bucket: str = Field(default="odyssey-media", description="S3 bucket of the media.")
    media_s3_prefix: str = Field(
        default="", description="Prefix of every media key in the bucket (for a shared bucket)."
    )
    media_s3_region: str = Field(default="us-east-1", description="S3 region.")
    media_s3_access_key_id: str | None = Field(
        default=None, description="S3 access key id. Default: boto3's credential chain."
    )
    media_s3_secret_access_key: SecretStr | None = Field(
        default=None, description="S3 secret access key."
    )
    media_max_image_bytes: int = Field(
        default=32 * 1024 * 1024, ge=1, description="Largest image upload, bytes."
    )
    media_max_image_pixels: int = Field(
        default=8192 * 8192,
        ge=1,
        description="Largest image, width x height (decompression-bomb guard).",
    )
    media_image_decode_budget_bytes: int = Field(
        default=768 * 1024 * 1024,
        ge=16 * 1024 * 1024,
        description="Memory that image decodes (upload checks and texture variants) may take "
        "at once, bytes, per process. Each decode reserves its estimate (pixels x bytes per "
        "pixel, plus copies and resampling buffers) first and waits while the budget is used "
        "up; an image whose decode needs more than the whole budget is refused (400 "
        "image_too_large). The default fits two decodes of the largest image at once.",
    )
    media_image_decode_wait_seconds: float = Field(
        default=30.0,
        gt=0,
        description="Longest an image upload or texture request waits for room in the decode "
        "budget before it is refused with 503 service_unavailable and Retry-After.",
    )
    media_quota_window_seconds: int = Field(
        default=3600,
        ge=1,
        description="The sliding time window of the per-user upload quotas (count and bytes), "
        "seconds.",
    )
    media_guest_uploads_per_window: int = Field(
        default=40,
        ge=0,
        description="Uploads (images, audio, video, 3D assets) a guest may make per window; "
        "uploads refused for their content count too. Over it: 429 quota_exceeded with "
        "Retry-After.",
    )
    media_guest_bytes_per_window: int = Field(
        default=128 * 1024 * 1024,
        ge=0,
        description="Bytes a guest may upload per window (refused uploads count too). Over it: "
        "429 quota_exceeded, with Retry-After unless the upload alone is bigger.",
    )
    media_guest_stored_bytes: int = Field(
        default=256 * 1024 * 1024,
        ge=0,
        description="Bytes of uploads a guest may keep stored; deleting makes room. Over it: "
        "429 quota_exceeded without Retry-After.",
    )
    media_user_uploads_per_window: int = Field(
        default=300,
        ge=0,
        description="Uploads a user signed in with a wallet may make per window.",
    )
    media_user_bytes_per_window: int = Field(
        default=2 * 1024 * 1024 * 1024,
        ge=0,
        description="Bytes a wallet user may upload per window (refused uploads count too).",
    )
    media_user_stored_bytes: int = Field(
        default=10 * 1024 * 1024 * 1024,
        ge=0,
        description="Bytes of uploads a wallet user may keep stored. Node admins have no "
        "upload quota.",
    )
    media_probe_concurrency: int = Field(
        default=2,
        ge=1,
        description="Audio and video checks (FFmpeg reading the upload in a child process) "
        "that may run at once, per node process; more wait their turn.",
    )
    media_probe_cpu_seconds: int = Field(
        default=20,
        ge=1,
        description="CPU time one audio or video check may take; a file that needs more is "
        "refused (400 invalid_media). The check's wall-clock limit is three times this plus "
        "5 s (then 503 service_unavailable with Retry-After: the node was too busy).",
    )
    media_probe_memory_bytes: int = Field(
        default=768 * 1024 * 1024,
        ge=256 * 1024 * 1024,
        description="Address space of the child process that checks one audio or video "
        "upload, bytes (its resident memory is far less); a file that needs more is refused.",
    )
    media_work_nice: int = Field(
        default=10,
        ge=0,
        le=19,
        description="How much lower (nice increment, 0-19) the scheduling priority is of the "
        "CPU work uploads cause: the threads that decode images and the child processes that "
        "check audio and video. Above 0 the real-time path (moves, ticks) goes first when the "
        "cores are busy, so uploads slow down before the people in a world do.",
    )
    media_probe_wait_seconds: float = Field(
        default=30.0,
        gt=0,
        description="Longest an audio or video upload waits for a turn to be checked before "
        "it is refused with 503 service_unavailable and Retry-After.",
    )
    media_max_video_bytes: int = Field(
        default=512 * 1024 * 1024, ge=1, description="Largest video upload, bytes."
    )
    media_max_audio_bytes: int = Field(
        default=64 * 1024 * 1024, ge=1, description="Largest audio upload, bytes."
    )
    media_max_asset_bytes: int = Field(
        default=128 * 1024 * 1024, ge=1, description="Largest 3D asset (GLB) upload, bytes."
    )
    media_max_plugin_bytes: int = Field(
        default=32 * 1024 * 1024, ge=1, description="Largest plugin bundle (.tar.gz), bytes."
    )
    media_max_plugin_unpacked_bytes: int = Field(
        default=128 * 1024 * 1024,
        ge=1,
        description="Largest total size of a plugin bundle's files once unpacked, bytes.",
    )
    media_max_plugin_files: int = Field(
        default=2000, ge=1, description="Most files in one plugin bundle."
    )

    # --- HTTP requests ----------------------------------------------------------------------
    http_max_path_bytes: int = Field(
        default=4096,
        ge=256,
        description="Longest request path (as sent, percent-encoded), bytes; a longer one is "
        "answered 400 invalid_request_path. The node's own URLs stay under 300.",
    )
    http_max_path_segment_bytes: int = Field(
        default=255,
        ge=64,
        description="Longest segment of a request path once decoded, bytes (a file name's limit "
        "on most file systems); a longer one is answered 400 invalid_request_path.",
    )

    # --- web client (web/) ----------------------------------------------------------------
    web_dir: Path | None = Field(
        default_factory=lambda: _default_web_dir(),
        description="Directory of the built web client served at `/` (index.html, assets/). "
        "Default: the repository's web/dist when it exists; unset serves no web client.",
    )
    web_test_hooks: bool = Field(
        default=False,
        description="Expose end-to-end test hooks (`window.__odysseyTest`) in the web client. "
        "For automated tests only; never in production.",
    )

    @model_validator(mode="after")
    def _apply_legacy_address_limit(self) -> Settings:
        floor = self.auth_rate_limit_per_ip
        if floor is not None:
            for name in _PER_ADDRESS_SIGN_IN_LIMITS:
                setattr(self, name, max(getattr(self, name), floor))
        return self

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

    @property
    def resolved_media_dir(self) -> Path:
        return self.media_dir or self.data_dir / "media"


# What `auth_rate_limit_per_ip` raises (the per-wallet and per-sign-in limits are not per address).
_PER_ADDRESS_SIGN_IN_LIMITS = (
    "auth_guests_per_address_per_minute",
    "auth_guests_per_address_per_hour",
    "auth_guests_per_address_per_day",
    "auth_challenges_per_address_per_minute",
    "auth_sign_ins_per_address_per_minute",
    "auth_refreshes_per_address_per_minute",
    "auth_oauth_tokens_per_address_per_minute",
)


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


def _default_web_dir() -> Path | None:
    """The repository's built web client (web/dist), when this is a source checkout."""
    candidate = Path(__file__).resolve().parents[2] / "web" / "dist"
    return candidate if (candidate / "index.html").is_file() else None
