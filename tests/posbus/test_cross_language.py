"""Python <-> TypeScript codec agreement through shared frame files.

tests/data/posbus-cross/py-frames.json is written by cross_fixture.py (Python) and must be read
by the TypeScript tests; ts-frames.json is written by the TypeScript side and read here. Both
use ``{"format": 1, "producer": ..., "frames": [{"type_name", "value", "hex"}, ...]}``.

For every frame: decoding ``hex`` gives ``value``, and encoding ``value`` gives ``hex``. Values
from the other producer are compared in this codec's canonical spelling (parse, then print),
because both spellings of a float32 (0.1 or 0.10000000149011612) name the same number.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import odyssey.posbus as pb
from tests.posbus.cross_fixture import OUTPUT, build_fixture, render
from tests.posbus.json_value import JsonValueError, message_from_json, message_to_json
from tests.posbus.posbus_helpers import CROSS_DIR, canonical_json

PY_FRAMES = CROSS_DIR / "py-frames.json"
TS_FRAMES = CROSS_DIR / "ts-frames.json"
FRAMABLE = {t.type_name for t in pb.MessageType if not t.is_nested_only}


def _load(path: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _check_frames(fixture: dict[str, Any], producer: str) -> None:
    assert fixture["format"] == 1
    assert fixture["producer"] == producer
    failures: list[str] = []
    for index, frame in enumerate(fixture["frames"]):
        type_name, value, hex_frame = frame["type_name"], frame["value"], frame["hex"]
        label = f"{producer} frame {index} ({type_name})"
        try:
            decoded = pb.decode(bytes.fromhex(hex_frame), max_frame_size=1 << 20)
            if decoded.TYPE.type_name != type_name:
                failures.append(f"{label}: hex decodes as {decoded.TYPE.type_name}")
            elif message_to_json(decoded) != canonical_json(type_name, value):
                failures.append(f"{label}: hex decodes to {message_to_json(decoded)!r}")
            encoded = pb.encode(message_from_json(type_name, value)).hex()
            if encoded != hex_frame:
                failures.append(f"{label}: value encodes to {encoded}")
        except (pb.DecodeError, pb.EncodeError, JsonValueError) as exc:
            failures.append(f"{label}: {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures[:20])


def test_committed_python_frames_match_the_generator() -> None:
    assert OUTPUT == PY_FRAMES
    assert PY_FRAMES.exists(), "run: python -m tests.posbus.cross_fixture"
    assert PY_FRAMES.read_text(encoding="utf-8") == render(build_fixture()), (
        "py-frames.json is out of date: run `python -m tests.posbus.cross_fixture` and commit it"
    )


def test_python_frames_cover_every_framable_type() -> None:
    counts: dict[str, int] = {}
    for frame in _load(PY_FRAMES)["frames"]:
        counts[frame["type_name"]] = counts.get(frame["type_name"], 0) + 1
    assert set(counts) == FRAMABLE
    assert min(counts.values()) >= 5


def test_python_frames_round_trip() -> None:
    fixture = _load(PY_FRAMES)
    _check_frames(fixture, "python")
    # Our own values are already canonical: compare them exactly too.
    for frame in fixture["frames"]:
        decoded = pb.decode(bytes.fromhex(frame["hex"]), max_frame_size=1 << 20)
        assert message_to_json(decoded) == frame["value"]


def test_typescript_frames_round_trip() -> None:
    if not TS_FRAMES.exists():
        pytest.fail(
            f"{TS_FRAMES} is missing: the TypeScript codec's cross-check fixture must be "
            "generated (by the web/ posbus tests) and committed next to py-frames.json"
        )
    fixture = _load(TS_FRAMES)
    assert fixture["frames"], "ts-frames.json has no frames"
    _check_frames(fixture, "typescript")
