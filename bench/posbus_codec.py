"""Throughput of the posbus codec on the messages a busy world sends most.

Run: .venv/bin/python bench/posbus_codec.py [--quick] [--output PATH]

For each case it times `encode(msg)` and `decode(frame)` with time.perf_counter: the loop count
is grown until one round takes at least --min-round seconds, then --rounds rounds are run and
the median round gives µs/op and ops/s. The data is random but seeded, with full-mantissa
float32 positions (5-byte varints, the worst case for size and speed). Prints a markdown table
and writes the numbers as JSON (default bench/results/posbus_codec.json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import struct
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from uuid import UUID

from odyssey.posbus import (
    AddObjects,
    AttributeValueChanged,
    Message,
    MyTransform,
    ObjectDefinition,
    Transform,
    TransformNoScale,
    UsersTransformList,
    UserTransform,
    Vec3,
    decode,
    encode,
)

ROOT = Path(__file__).resolve().parent
DEFAULT_OUTPUT = ROOT / "results" / "posbus_codec.json"
_F32 = struct.Struct("<f")
BENCH_MAX_FRAME = 1 << 20  # add_objects with 1,000 objects is ~100 KB, above the 64 KiB default


def _f32(value: float) -> float:
    result: float = _F32.unpack(_F32.pack(value))[0]
    return result


def _vec3(rng: random.Random, spread: float) -> Vec3:
    return Vec3(
        _f32(rng.uniform(-spread, spread)),
        _f32(rng.uniform(-spread, spread)),
        _f32(rng.uniform(-spread, spread)),
    )


def _uuid(rng: random.Random) -> UUID:
    return UUID(int=rng.getrandbits(128), version=4)


def build_cases(rng: random.Random) -> dict[str, Message]:
    def user_transform() -> UserTransform:
        return UserTransform(_uuid(rng), TransformNoScale(_vec3(rng, 500.0), _vec3(rng, 3.14159)))

    world = _uuid(rng)
    objects = tuple(
        ObjectDefinition(
            _uuid(rng),
            world,
            _uuid(rng),
            1,
            f"object {index}",
            Transform(_vec3(rng, 500.0), _vec3(rng, 3.14159), Vec3(1.0, 1.0, 1.0)),
            True,
            False,
            index % 2 == 0,
        )
        for index in range(1000)
    )
    attribute = AttributeValueChanged(
        UUID("f0f0f0f0-0f0f-4ff0-af0f-f0f0f0f0f0f0"),
        "spatial_audio",
        "attribute_changed",
        {
            "volume": 0.75,
            "muted": False,
            "track": "0123456789abcdef0123456789abcdef",
            "listeners": 12,
            "position": {"x": 1.5, "y": 2.25, "z": -3.0},
            "tags": ["music", "ambient", True, None],
        },
        world,
    )
    return {
        "my_transform": MyTransform(_vec3(rng, 500.0), _vec3(rng, 3.14159)),
        "users_transform_list (10 users)": UsersTransformList(
            tuple(user_transform() for _ in range(10))
        ),
        "users_transform_list (100 users)": UsersTransformList(
            tuple(user_transform() for _ in range(100))
        ),
        "users_transform_list (700 users)": UsersTransformList(
            tuple(user_transform() for _ in range(700))
        ),
        "add_objects (1000 objects)": AddObjects(objects),
        "attribute_value_changed": attribute,
    }


def time_per_op(operation: Callable[[], object], min_round: float, rounds: int) -> float:
    """Median seconds per call over ``rounds`` rounds of at least ``min_round`` seconds each."""
    loops = 1
    while True:
        start = time.perf_counter()
        for _ in range(loops):
            operation()
        elapsed = time.perf_counter() - start
        if elapsed >= min_round:
            break
        loops = max(loops * 2, int(loops * min_round / max(elapsed, 1e-9) * 1.1))
    samples = [elapsed / loops]
    for _ in range(rounds - 1):
        start = time.perf_counter()
        for _ in range(loops):
            operation()
        samples.append((time.perf_counter() - start) / loops)
    return statistics.median(samples)


def machine_info() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short rounds (smoke run)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--min-round", type=float, default=0.2, help="seconds per round")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    rounds = 2 if args.quick else args.rounds
    min_round = 0.02 if args.quick else args.min_round

    cases = build_cases(random.Random(20240601))
    results: list[dict[str, Any]] = []
    for name, msg in cases.items():
        frame = encode(msg)
        if decode(frame, max_frame_size=BENCH_MAX_FRAME) != msg:
            raise SystemExit(f"{name}: decode(encode(msg)) != msg")
        encode_s = time_per_op(partial(encode, msg), min_round, rounds)
        decode_s = time_per_op(
            partial(decode, frame, max_frame_size=BENCH_MAX_FRAME), min_round, rounds
        )
        results.append(
            {
                "case": name,
                "frame_bytes": len(frame),
                "encode_us": encode_s * 1e6,
                "encode_ops_per_s": 1.0 / encode_s,
                "decode_us": decode_s * 1e6,
                "decode_ops_per_s": 1.0 / decode_s,
            }
        )

    lines = [
        "| case | frame bytes | encode µs/op | encode ops/s | decode µs/op | decode ops/s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in results:
        lines.append(
            f"| {row['case']} | {row['frame_bytes']:,} | {row['encode_us']:,.1f} | "
            f"{row['encode_ops_per_s']:,.0f} | {row['decode_us']:,.1f} | "
            f"{row['decode_ops_per_s']:,.0f} |"
        )
    print("\n".join(lines))

    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": machine_info(),
        "rounds": rounds,
        "min_round_s": min_round,
        "results": results,
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
