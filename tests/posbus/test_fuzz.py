"""Fuzzing the decoder: mutated valid frames and random bytes.

Whatever the input, `decode` must return a message or raise a `DecodeError` subclass; any other
exception (IndexError, struct.error, RecursionError, UnicodeDecodeError, MemoryError, ...) is a
bug. A decoded message must also encode again and decode to the same bytes.

The default run checks 100,000 frames; ``pytest --long -m long`` checks 1,000,000. A seeded
`random.Random` drives the mutations (not hypothesis) so the volume stays cheap and any failure
is reproducible from the seed and index printed in the assertion.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from uuid import UUID

import pytest

import odyssey.posbus as pb
from odyssey.posbus import _gotiny
from tests.posbus.cross_fixture import build_fixture
from tests.posbus.posbus_helpers import load_vectors

FUZZ_MAX_FRAME = 1 << 20
DEFAULT_FRAMES = 100_000
TYPE_IDS = [int(t) for t in pb.MessageType]


def _corpus() -> list[bytes]:
    frames = [bytes.fromhex(v["hex"]) for v in load_vectors()["vectors"]]
    frames += [bytes.fromhex(f["hex"]) for f in build_fixture()["frames"]]
    # gotiny values nested right up to the limit, and (written by hand, since the encoder
    # refuses) 8 levels beyond it, so that mutations land on both sides of it.
    frames.append(_deep_attribute_frame(levels=31, start_depth=1))
    frames.append(_deep_attribute_frame(levels=39, start_depth=-7))
    return frames


def _deep_attribute_frame(levels: int, start_depth: int) -> bytes:
    deep: pb.GotinyValue = "leaf"
    for level in range(levels):
        deep = {"k": deep} if level % 2 else [deep, True, None]
    payload = bytearray(UUID(int=7).bytes + b"\x02a\x02c\x01")
    _gotiny._Encoder(payload).put_map({"d": deep}, start_depth)
    payload += UUID(int=8).bytes
    return _with_frame(bytes(payload), int(pb.MessageType.ATTRIBUTE_VALUE_CHANGED))


def _with_frame(payload: bytes, type_id: int) -> bytes:
    return type_id.to_bytes(4, "little") + payload + (type_id ^ 0xFFFFFFFF).to_bytes(4, "little")


# Varints that make hostile lengths: huge, negative (odd zigzag), 10-byte, overflowing.
HOSTILE_VARINTS = [
    bytes.fromhex(h)
    for h in (
        "ff ff ff ff 0f",
        "ff ff ff ff 1f",
        "fe ff ff ff ff ff ff ff ff 01",
        "ff ff ff ff ff ff ff ff ff 7f",
        "01",
        "03",
        "7e",
        "7f",
        "80 80 04",
        "ff 7f",
        "80",
        "02",
    )
]


def _flip_bits(rng: random.Random, payload: bytearray) -> None:
    for _ in range(rng.randint(1, 4)):
        position = rng.randrange(len(payload))
        payload[position] ^= 1 << rng.randrange(8)


def _set_bytes(rng: random.Random, payload: bytearray) -> None:
    for _ in range(rng.randint(1, 3)):
        payload[rng.randrange(len(payload))] = rng.choice((0x00, 0x01, 0x02, 0x7F, 0x80, 0xFF))


def _truncate(rng: random.Random, payload: bytearray) -> None:
    del payload[rng.randrange(len(payload)) :]


def _insert(rng: random.Random, payload: bytearray) -> None:
    position = rng.randrange(len(payload) + 1)
    payload[position:position] = rng.randbytes(rng.randint(1, 8))


def _delete(rng: random.Random, payload: bytearray) -> None:
    start = rng.randrange(len(payload))
    del payload[start : start + rng.randint(1, 8)]


def _duplicate(rng: random.Random, payload: bytearray) -> None:
    start = rng.randrange(len(payload))
    chunk = payload[start : start + rng.randint(1, 32)]
    position = rng.randrange(len(payload) + 1)
    payload[position:position] = chunk


def _corrupt_length(rng: random.Random, payload: bytearray) -> None:
    """Overwrite a spot with a hostile varint: lengths and counts live at many offsets."""
    position = rng.randrange(len(payload))
    varint = rng.choice(HOSTILE_VARINTS)
    payload[position : position + rng.choice((0, 1, len(varint)))] = varint


MUTATORS: list[Callable[[random.Random, bytearray], None]] = [
    _flip_bits,
    _set_bytes,
    _truncate,
    _insert,
    _delete,
    _duplicate,
    _corrupt_length,
]


def make_frame(rng: random.Random, corpus: list[bytes]) -> bytes:
    roll = rng.random()
    if roll < 0.08:  # random bytes, sometimes framed as a real type
        raw = rng.randbytes(rng.choice((0, 1, 4, 7, 8, 9, 12, 20, 40, 100)))
        return _with_frame(raw, rng.choice(TYPE_IDS)) if rng.random() < 0.7 else raw
    seed = rng.choice(corpus)
    type_id = int.from_bytes(seed[:4], "little")
    payload = bytearray(seed[4:-4])
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        if payload:
            rng.choice(MUTATORS)(rng, payload)
        else:
            payload += rng.randbytes(rng.randint(1, 4))
    if roll < 0.85:  # keep header/footer valid so the payload decoder is what gets tested
        return _with_frame(bytes(payload), type_id)
    if roll < 0.9:  # another type's header on this payload
        return _with_frame(bytes(payload), rng.choice(TYPE_IDS))
    frame = bytearray(_with_frame(bytes(payload), type_id))  # damage anywhere, framing included
    _flip_bits(rng, frame)
    return bytes(frame)


def run_fuzz(frames: int, seed: int) -> Counter[str]:
    """Decode ``frames`` fuzzed frames; return how often each outcome happened."""
    rng = random.Random(seed)
    corpus = _corpus()
    outcomes: Counter[str] = Counter()
    for index in range(frames):
        frame = make_frame(rng, corpus)
        try:
            msg = pb.decode(frame, max_frame_size=FUZZ_MAX_FRAME)
        except pb.DecodeError as exc:
            outcomes[type(exc).__name__] += 1
            continue
        except Exception as exc:  # the bug this test exists to find
            raise AssertionError(
                f"seed {seed} frame {index}: {type(exc).__name__}: {exc}; frame {frame.hex()}"
            ) from exc
        outcomes["decoded"] += 1
        again = pb.encode(msg)
        assert pb.encode(pb.decode(again, max_frame_size=FUZZ_MAX_FRAME)) == again, frame.hex()
    return outcomes


def test_fuzz_default_run() -> None:  # at least 20,000 frames, in ~2 s
    started = time.perf_counter()
    outcomes = run_fuzz(DEFAULT_FRAMES, seed=1)
    elapsed = time.perf_counter() - started
    assert sum(outcomes.values()) == DEFAULT_FRAMES
    # The mutations must reach deep into payloads, not just fail at the framing.
    for reason in (
        "decoded",
        "Truncated",
        "TrailingBytes",
        "OversizedLength",
        "InvalidBool",
        "NestingTooDeep",
    ):
        assert outcomes[reason] > 0, outcomes
    print(f"\n{DEFAULT_FRAMES:,} fuzzed frames in {elapsed:.1f} s: {dict(outcomes.most_common())}")


@pytest.mark.long
def test_fuzz_one_million_frames() -> None:
    started = time.perf_counter()
    outcomes = run_fuzz(1_000_000, seed=2)
    elapsed = time.perf_counter() - started
    assert sum(outcomes.values()) == 1_000_000
    print(f"\n1,000,000 fuzzed frames in {elapsed:.1f} s: {dict(outcomes.most_common())}")


def test_random_inputs_of_every_short_length() -> None:
    """Frames of 0..12 bytes with every header: a DecodeError that names the framing for anything
    shorter than a header and footer, and otherwise a DecodeError or a message that encodes back
    to the same frame (no other exception escapes `decode`)."""
    rng = random.Random(3)
    outcomes: Counter[str] = Counter()
    for length in range(13):
        for _ in range(200):
            frame = rng.randbytes(length)
            if length >= 8 and rng.random() < 0.5:  # a valid header and footer around random bytes
                frame = _with_frame(frame[4:-4], rng.choice(TYPE_IDS))
            try:
                msg = pb.decode(frame)
            except pb.DecodeError as exc:
                outcomes[type(exc).__name__] += 1
                continue
            assert length >= 8, f"a {length}-byte frame decoded: {frame.hex()}"
            assert pb.encode(msg) == frame, frame.hex()
            outcomes["decoded"] += 1
    assert outcomes["decoded"] > 0, outcomes  # types with empty or tiny payloads do decode
    assert sum(outcomes.values()) - outcomes["decoded"] > outcomes["decoded"], outcomes
