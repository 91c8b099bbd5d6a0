"""Ids (UUIDv7, parsing, fixed seed ids) and the error hierarchy."""

from __future__ import annotations

import time
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from odyssey.core import errors, ids


def test_new_id_is_a_uuid7_with_the_current_time() -> None:
    before = time.time_ns() // 1_000_000
    value = ids.new_id()
    after = time.time_ns() // 1_000_000
    assert value.version == 7
    assert value.variant == "specified in RFC 4122"
    assert before <= ids.uuid7_unix_ms(value) <= after + 1


def test_new_ids_are_strictly_increasing_and_unique() -> None:
    made = [ids.new_id() for _ in range(5_000)]  # many per millisecond
    assert made == sorted(made)
    assert len(set(made)) == len(made)


def test_uuid7_layout() -> None:
    value = ids.uuid7(0x0123_4567_89AB, counter=0xABC, random_bits=(1 << 62) - 1)
    assert str(value) == "01234567-89ab-7abc-bfff-ffffffffffff"
    assert ids.uuid7_unix_ms(value) == 0x0123_4567_89AB
    with pytest.raises(ValueError):
        ids.uuid7(-1)
    with pytest.raises(ValueError):
        ids.uuid7(0, counter=1 << 12)
    with pytest.raises(ValueError):
        ids.uuid7(0, random_bits=1 << 62)


@given(st.integers(0, 0x3FFF))
def test_clock_sequence_is_the_14_bits_after_the_variant(seq: int) -> None:
    value = ids.uuid7(1_700_000_000_000, random_bits=seq << 48)
    assert ids.clock_sequence(value) == seq


def test_clock_sequence_masks_bytes_8_and_9() -> None:
    assert ids.clock_sequence(UUID("00000000-0000-0000-ffff-000000000000")) == 0x3FFF
    assert ids.clock_sequence(UUID("00000000-0000-0000-8001-000000000000")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "a41ee21e-6c56-41b3-81a9-1c86578b6b3c",
        "A41EE21E-6C56-41B3-81A9-1C86578B6B3C",
        "{a41ee21e-6c56-41b3-81a9-1c86578b6b3c}",
        "urn:uuid:a41ee21e-6c56-41b3-81a9-1c86578b6b3c",
        "a41ee21e6c5641b381a91c86578b6b3c",
    ],
)
def test_parse_id_accepts_the_reference_forms(text: str) -> None:
    assert ids.parse_id(text) == ids.WORLD_TYPE_ID
    assert ids.try_parse_id(text) == ids.WORLD_TYPE_ID


@pytest.mark.parametrize(
    "text",
    [
        "",
        "world",
        "a41ee21e-6c56-41b3-81a9-1c86578b6b3",
        "a41ee21e6c56-41b3-81a9-1c86578b6b3c-",
        "g41ee21e-6c56-41b3-81a9-1c86578b6b3c",
        "a41ee21e-6c5641b3-81a9-1c86578b6b3c0",
    ],
)
def test_parse_id_rejects_garbage(text: str) -> None:
    with pytest.raises(ValueError):
        ids.parse_id(text)
    assert ids.try_parse_id(text) is None
    assert ids.try_parse_id(42) is None


def test_fixed_ids() -> None:
    assert str(ids.CORE_PLUGIN_ID) == "f0f0f0f0-0f0f-4ff0-af0f-f0f0f0f0f0f0"
    assert str(ids.NODE_TYPE_ID) == "00000000-0000-0000-0000-000000000001"
    assert str(ids.WORLD_TYPE_ID) == "a41ee21e-6c56-41b3-81a9-1c86578b6b3c"
    assert str(ids.TEMPORARY_USER_TYPE_ID) == "76802331-37b3-44fa-9010-35008b0cbaec"
    assert ids.GUEST_USER_TYPE_ID == ids.TEMPORARY_USER_TYPE_ID
    assert str(ids.DEITY_USER_ID) == "00000000-0000-0000-0000-000000000003"
    assert str(ids.CUSTOM_TYPE_ID).startswith("4ed3a5bb-")
    assert str(ids.CUSTOM_TYPE_ID).endswith("-07902982c31c")
    assert str(ids.CUSTOM_CLAIMABLE_TYPE_ID).endswith("-079029111111")
    constants = [v for k, v in vars(ids).items() if k.isupper() and isinstance(v, UUID)]
    fixed = [v for v in constants if v is not ids.GUEST_USER_TYPE_ID]
    assert len(set(fixed)) == len(fixed)


def test_error_reasons_and_body() -> None:
    cases: list[tuple[errors.DomainError, str]] = [
        (errors.NotFound("x"), "not_found"),
        (errors.Forbidden("x"), "forbidden"),
        (errors.InvalidOperation("x"), "invalid_operation"),
        (errors.AlreadyExists("x"), "already_exists"),
        (errors.ChildTypeNotAllowed("x"), "child_type_not_allowed"),
        (errors.ChildLimitReached("x"), "child_limit_reached"),
        (errors.InvalidTree("x"), "invalid_tree"),
    ]
    for error, reason in cases:
        assert isinstance(error, errors.DomainError)
        assert error.reason == reason
        assert error.to_json() == {"error": {"reason": reason, "message": "x"}}
        assert str(error) == "x"
    assert isinstance(errors.AlreadyExists("x"), errors.InvalidOperation)
    assert isinstance(errors.NotFound("x"), LookupError)
    override = errors.ChildTypeNotAllowed("nope", reason="object_type_not_permitted")
    assert override.reason == "object_type_not_permitted"
    assert errors.ChildTypeNotAllowed("x").reason == "child_type_not_allowed"  # class untouched
    missing = errors.NotFound("gone", kind="parent", id=ids.NIL_ID)
    assert (missing.kind, missing.id) == ("parent", ids.NIL_ID)
