"""Identifiers: UUIDv7 generation, parsing, and the fixed ids of the seed data.

Every id is a 16-byte UUID ("UMID" in the reference). New ids are UUIDv7 (RFC 9562): 48 bits of
Unix time in milliseconds, the version, 12 bits used here as a per-process monotonic counter, the
variant, and 62 random bits. Ids made by one process are strictly increasing, even when several are
made in the same millisecond or the wall clock steps back.

The fixed ids are facts of the reference seed (so that existing clients, bots and plugins, which
hard-code some of them, keep working).
"""

from __future__ import annotations

import secrets
import threading
import time
from uuid import UUID

NIL_ID = UUID(int=0)

_MAX_MS = (1 << 48) - 1
_lock = threading.Lock()
_last_ms = -1
_last_counter = 0


def uuid7(unix_ms: int, *, counter: int | None = None, random_bits: int | None = None) -> UUID:
    """Build a UUIDv7 from its parts.

    ``unix_ms`` fills the 48-bit timestamp, ``counter`` the 12-bit ``rand_a`` field and
    ``random_bits`` the 62-bit ``rand_b`` field; missing parts are random.
    """
    if not 0 <= unix_ms <= _MAX_MS:
        raise ValueError(f"unix_ms out of range: {unix_ms}")
    rand_a = secrets.randbits(12) if counter is None else counter
    rand_b = secrets.randbits(62) if random_bits is None else random_bits
    if not 0 <= rand_a < (1 << 12):
        raise ValueError(f"counter out of range: {rand_a}")
    if not 0 <= rand_b < (1 << 62):
        raise ValueError(f"random_bits out of range: {rand_b}")
    value = (unix_ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    return UUID(int=value)


def new_id() -> UUID:
    """A new UUIDv7, strictly greater than every id this process made before."""
    global _last_ms, _last_counter
    with _lock:
        now_ms = min(time.time_ns() // 1_000_000, _MAX_MS)
        if now_ms > _last_ms:
            ms = now_ms
            # Start the counter in the lower half so many ids fit in one millisecond.
            counter = secrets.randbits(11)
        else:
            ms = _last_ms
            counter = _last_counter + 1
            if counter > 0xFFF:
                ms += 1  # borrow from the next millisecond rather than go backwards
                counter = secrets.randbits(11)
        _last_ms, _last_counter = ms, counter
    return uuid7(ms, counter=counter)


def uuid7_unix_ms(value: UUID) -> int:
    """The Unix time in milliseconds stored in a UUIDv7 (meaningless for other versions)."""
    return value.int >> 80


def clock_sequence(value: UUID) -> int:
    """The 14-bit "clock sequence" of an id: bytes 8-9, big-endian, masked with ``0x3fff``.

    The reference sorts auto-placed children by it; for UUIDv7 these bits are random.
    """
    return ((value.bytes[8] << 8) | value.bytes[9]) & 0x3FFF


def parse_id(value: str | UUID) -> UUID:
    """Parse an id: canonical, ``{braced}``, ``urn:uuid:`` or 32 hex digits.

    Raises ``ValueError``.
    """
    if isinstance(value, UUID):
        return value
    if not isinstance(value, str):
        raise ValueError(f"not an id: {value!r}")
    text = value.strip()
    if text.lower().startswith("urn:uuid:"):
        text = text[9:]
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    if len(text) == 36:
        if text[8] != "-" or text[13] != "-" or text[18] != "-" or text[23] != "-":
            raise ValueError(f"not an id: {value!r}")
        text = text.replace("-", "")
    if len(text) != 32 or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise ValueError(f"not an id: {value!r}")
    return UUID(hex=text)


def try_parse_id(value: object) -> UUID | None:
    """Like :func:`parse_id` but returns ``None`` for anything that is not an id."""
    if isinstance(value, UUID):
        return value
    if not isinstance(value, str):
        return None
    try:
        return parse_id(value)
    except ValueError:
        return None


# --- plugins ------------------------------------------------------------------------------------
CORE_PLUGIN_ID = UUID("f0f0f0f0-0f0f-4ff0-af0f-f0f0f0f0f0f0")
KUSAMA_PLUGIN_ID = UUID("86dc3ae7-9f3d-42cb-85a3-a71abc3c3cb8")
CANVAS_PLUGIN_ID = UUID("c782385b-f518-4078-9988-24f356a37c72")
IMAGE_PLUGIN_ID = UUID("ff40fbf0-8c22-437d-b27a-0258f99130fe")
VIDEO_PLUGIN_ID = UUID("308fdacc-8c2d-40dc-bd5f-d1549e3e03ba")
TEXT_PLUGIN_ID = UUID("fc9f2eb7-590a-4a1a-ac75-cd3bfeef28b2")
GOOGLE_DRIVE_PLUGIN_ID = UUID("c3f89640-e0f0-4536-ae0d-8fc8a75ec0cd")
HACKATON_PLUGIN_ID = UUID("220578c8-5fec-42c8-ade1-14d970e714bd")
HIGH_FIVE_PLUGIN_ID = UUID("3253d616-215f-47a9-ba9d-93185eb3e6b5")
EVENT_CALENDAR_PLUGIN_ID = UUID("2b92edbc-5ef5-4028-89a6-d510f8583887")
MIRO_PLUGIN_ID = UUID("24071066-e8c6-4692-95b5-ae2dc3ed075c")
SDK_PLUGIN_ID = UUID("3023d874-c186-45bf-a7a8-60e2f57b8877")

# --- object types -------------------------------------------------------------------------------
NODE_TYPE_ID = UUID("00000000-0000-0000-0000-000000000001")
WORLD_TYPE_ID = UUID("a41ee21e-6c56-41b3-81a9-1c86578b6b3c")
CUSTOM_CLAIMABLE_TYPE_ID = UUID("4ed3a5bb-53f8-4511-941b-079029111111")
CUSTOM_TYPE_ID = UUID("4ed3a5bb-53f8-4511-941b-07902982c31c")
GENERIC_TYPE_ID = UUID("75b56447-c4f1-4020-b8fc-d68704a11d65")
MORGUE_TYPE_ID = UUID("f9607e55-63e8-4cb1-ae47-66395199975d")
ANCHOR_TYPE_ID = UUID("88415343-90db-4d23-a9e7-79a11aaaaf04")
SERVICE_TYPE_ID = UUID("69d8ae40-df9b-4fc8-af95-32b736d2bbcd")
CANVAS_TYPE_ID = UUID("590028c4-2f9d-4c7e-abc3-791774fbe4c5")
CANVAS_CHILD_TYPE_ID = UUID("3eca3dd5-a2e1-4347-926a-19eab6da54b2")
REMOTE_WORLD_TYPE_ID = UUID("e31139ad-ff77-4124-825e-8c83f02b82f4")

# --- user types and users -----------------------------------------------------------------------
DEITY_USER_TYPE_ID = UUID("00000000-0000-0000-0000-000000000002")
USER_TYPE_ID = UUID("00000000-0000-0000-0000-000000000006")
TEMPORARY_USER_TYPE_ID = UUID("76802331-37b3-44fa-9010-35008b0cbaec")
GUEST_USER_TYPE_ID = TEMPORARY_USER_TYPE_ID
DEITY_USER_ID = UUID("00000000-0000-0000-0000-000000000003")

# --- assets used by seeded object types ---------------------------------------------------------
CLAIMABLE_ASSET_2D_ID = UUID("7be0964f-df73-4880-91f5-22eef996aaaa")
CANVAS_UI_ASSET_2D_ID = UUID("d768aa3e-ca03-4f5e-b366-780a5361cc02")
CANVAS_CHILD_ASSET_2D_ID = UUID("8a0f9e8e-b32e-476a-8afe-e0c57260ff20")

# --- blockchains --------------------------------------------------------------------------------
ETHEREUM_BLOCKCHAIN_ID = UUID("ccccaaaa-1111-2222-3333-111111111111")
ARBITRUM_NOVA_BLOCKCHAIN_ID = UUID("ccccaaaa-1111-2222-3333-222222222222")
