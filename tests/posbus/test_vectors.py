"""Golden vectors (tests/data/posbus-vectors.json, posbus.md §4).

Valid vectors: the JSON value encodes to exactly the frame bytes (or, for multi-key maps whose
Go order is random, to bytes that decode to the same value), and the frame decodes to the value.
Invalid vectors: each is rejected with the DecodeError subclass that names its reason.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

import odyssey.posbus as pb
from tests.posbus.json_value import message_from_json, message_to_json
from tests.posbus.posbus_helpers import float32_normalized, load_vectors

VECTORS = load_vectors()
VALID = VECTORS["vectors"]
INVALID = VECTORS["invalid"]


@pytest.mark.parametrize("vector", VALID, ids=[v["name"] for v in VALID])
def test_valid_vector_decodes_to_value(vector: dict[str, Any]) -> None:
    msg = pb.decode(bytes.fromhex(vector["hex"]))
    assert msg.TYPE.type_name == vector["type_name"]
    assert int(msg.TYPE) == int(vector["type_id"], 16)
    assert float32_normalized(message_to_json(msg)) == float32_normalized(vector["value"])


@pytest.mark.parametrize("vector", VALID, ids=[v["name"] for v in VALID])
def test_valid_vector_encodes_from_value(vector: dict[str, Any]) -> None:
    msg = message_from_json(vector["type_name"], vector["value"])
    frame = pb.encode(msg)
    if vector.get("compare") == "decoded":
        # Go writes multi-key maps in random order / the vector uses a non-canonical varint.
        assert pb.decode(frame) == pb.decode(bytes.fromhex(vector["hex"]))
    else:
        assert frame.hex() == vector["hex"]


@pytest.mark.parametrize("vector", VALID, ids=[v["name"] for v in VALID])
def test_valid_vector_value_survives_json_text(vector: dict[str, Any]) -> None:
    msg = pb.decode(bytes.fromhex(vector["hex"]))
    text = json.dumps(message_to_json(msg), allow_nan=False)
    assert message_from_json(vector["type_name"], json.loads(text)) == msg


def test_negative_zero_survives() -> None:
    """V03c: position.x is -0.0 (bytes 80 01); a numeric comparison cannot see the sign."""
    (vector,) = [v for v in VALID if v["name"].startswith("V03c")]
    msg = pb.decode(bytes.fromhex(vector["hex"]))
    assert isinstance(msg, pb.MyTransform)
    assert math.copysign(1.0, msg.position.x) == -1.0
    assert msg.rotation.x == math.inf
    assert message_to_json(msg)["rotation"]["x"] == "Infinity"


# Reason for every invalid vector: the error class and a phrase its message must contain.
EXPECTED_REJECTIONS: dict[str, tuple[type[pb.DecodeError], str]] = {
    "N1 footer mismatch": (pb.FooterMismatch, "bitwise NOT"),
    "N2 unregistered type id 1": (pb.UnknownMessageType, "0x00000001"),
    "N3 two-byte frame": (pb.FrameTooShort, "shorter than 8"),
    "N4 empty frame": (pb.FrameTooShort, "shorter than 8"),
    "N5 header only": (pb.FrameTooShort, "shorter than 8"),
    "N6 lock_object truncated id": (pb.Truncated, "id (needs 16 bytes)"),
    "N7 add_users bad bool byte": (pb.InvalidBool, "bool byte 0x02"),
    "N8 signal extra byte before footer": (pb.TrailingBytes, "1 payload byte"),
    "N9 signal missing payload": (pb.Truncated, "payload ends"),
    "N10 signal uint32 varint overflow": (pb.VarintOverflow, "overflow"),
    "N11 hand_shake int varint overflow": (pb.VarintOverflow, "handshake_version"),
    "N12 attribute_value_changed bad pointer flag": (pb.InvalidPointerFlag, "pointer flag 0x02"),
    "N13 high_five negative string length": (pb.NegativeLength, "negative"),
    "N14 high_five string longer than frame": (pb.OversizedLength, "length 63"),
    "N15 remove_users negative count": (pb.NegativeLength, "count is negative"),
    "N16 attribute_value_changed gotiny type int32": (pb.UnknownGotinyType, "'int32'"),
    "N17 attribute_value_changed gotiny string too long": (pb.OversizedLength, "length 126"),
}


def test_every_invalid_vector_has_an_expected_reason() -> None:
    assert {v["name"] for v in INVALID} == set(EXPECTED_REJECTIONS)


@pytest.mark.parametrize("vector", INVALID, ids=[v["name"] for v in INVALID])
def test_invalid_vector_is_rejected(vector: dict[str, Any]) -> None:
    error_class, phrase = EXPECTED_REJECTIONS[vector["name"]]
    with pytest.raises(pb.DecodeError) as caught:
        pb.decode(bytes.fromhex(vector["hex"]))
    assert type(caught.value) is error_class, vector["expect"]
    assert phrase in str(caught.value)
    assert isinstance(caught.value, ValueError)
