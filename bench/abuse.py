"""Issue 11's acceptance: guests spamming spawns and uploads must not slow the movers down.

Run: .venv/bin/python bench/abuse.py [--movers 100] [--spammers 8] [--duration 60]
     [--image-size 512] [--video-bytes 1048576] [--output PATH] [--append-docs]

Two runs, each on a fresh node (`odyssey serve`, SQLite, its default limits) in the same
invocation:

* quiet: `--movers` guests move in the seeded world over `/posbus` at `--move-rate` Hz for
  `--duration` seconds (the load generator of `bench/realtime.py`, which measures the latency
  from a transform sent to the `users_transform_list` that carries it to another client);
* loaded: the same, while `--spammers` other guests, from the moment the measured window opens
  until it closes, each loop as fast as the node answers over: `spawn-by-user` into that world,
  an image upload (a random-noise PNG of `--image-size`² pixels, new bytes each time) and a "video"
  upload (`--video-bytes` of random bytes behind a WebM EBML header).

Printed: the movers' latency in both runs, the ratio of the p99s (target: at most 1.10), and
what the node answered the spammers, per kind (2xx / 429 / other). JSON goes to
bench/results/abuse.json; `--append-docs` appends the tables to docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from realtime import DOCS, machine, run_movers, sign_in_guests, start_node

ROOT = Path(__file__).resolve().parent
DEFAULT_OUTPUT = ROOT / "results" / "abuse.json"
# An EBML header whose DocType is "webm" (what a first-bytes check looks for): the issue's
# "random bytes labelled as video".
WEBM_HEADER = bytes.fromhex("1a45dfa3874282847765626d")
KINDS = ("spawn", "image", "video")
TARGET_RATIO = 1.10


# --- the spammers (a separate process, started when the movers' window opens) -------------


def noise_png(size: int, rng: random.Random) -> bytes:
    from PIL import Image

    image = Image.frombytes("RGB", (size, size), rng.randbytes(size * size * 3))
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def with_nonce(png: bytes, rng: random.Random) -> bytes:
    """The same picture with a random tEXt chunk before IEND: new bytes, so a new upload for
    the node (content-addressed) and a new decode, at almost no cost to the spammer."""
    text = b"nonce\x00" + rng.randbytes(8).hex().encode()
    chunk = struct.pack(">I", len(text)) + b"tEXt" + text
    chunk += struct.pack(">I", zlib.crc32(chunk[4:]))
    return png[:-12] + chunk + png[-12:]  # IEND is the last 12 bytes


def outcome(status: int) -> str:
    if 200 <= status < 300:
        return "2xx"
    return "429" if status == 429 else "other"


async def spam(
    url: str,
    guest: dict[str, str],
    world: str,
    args: argparse.Namespace,
    seed: int,
    counts: dict[str, Counter[str]],
    statuses: Counter[str],
) -> None:
    from odyssey.core import ids

    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {guest['token']}"}
    spawn_body = {"object_name": "Spam", "object_type_id": str(ids.CUSTOM_TYPE_ID)}
    picture = noise_png(args.image_size, rng)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.duration
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        while loop.time() < deadline:
            for kind in KINDS:
                try:
                    if kind == "spawn":
                        response = await http.post(
                            f"/api/v4/objects/{world}/spawn-by-user",
                            headers=headers,
                            json=spawn_body,
                        )
                    elif kind == "image":
                        image = with_nonce(picture, rng)
                        response = await http.post(
                            "/api/v4/media/upload/image",
                            headers=headers,
                            files={"file": ("spam.png", image, "image/png")},
                        )
                    else:
                        video = WEBM_HEADER + rng.randbytes(args.video_bytes)
                        response = await http.post(
                            "/api/v4/media/upload/video",
                            headers=headers,
                            files={"file": ("spam.webm", video, "video/webm")},
                        )
                    counts[kind][outcome(response.status_code)] += 1
                    statuses[f"{kind} {response.status_code}"] += 1
                except httpx.HTTPError as error:
                    counts[kind]["other"] += 1
                    statuses[f"{kind} {type(error).__name__}"] += 1
                if loop.time() >= deadline:
                    break


def spammers_main(args: argparse.Namespace) -> None:
    guests = json.loads(Path(args.guests).read_text())

    async def run() -> dict[str, Any]:
        counts: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
        statuses: Counter[str] = Counter()
        started = time.monotonic()
        await asyncio.gather(
            *(
                spam(args.url, guest, args.world, args, seed, counts, statuses)
                for seed, guest in enumerate(guests)
            )
        )
        return {
            "seconds": round(time.monotonic() - started, 1),
            "answers": {kind: dict(counter) for kind, counter in counts.items()},
            "statuses": dict(statuses),
        }

    print(json.dumps(asyncio.run(run())), flush=True)


# --- the two runs ---------------------------------------------------------------------------


def one_run(args: argparse.Namespace, loaded: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="odyssey-abuse-") as tmp:
        work = Path(tmp)
        node = start_node(work, {}, args.nice)
        try:
            everyone, world = asyncio.run(sign_in_guests(node.url, args.movers + args.spammers))
            movers, spammers = everyone[: args.movers], everyone[args.movers :]
            spam_file = work / "spammers.json"
            spam_file.write_text(json.dumps(spammers))
            spamming: list[subprocess.Popen[str]] = []

            def on_line(line: str) -> None:
                if line == "MEASURE" and loaded:
                    spamming.append(
                        subprocess.Popen(
                            [
                                sys.executable,
                                str(Path(__file__).resolve()),
                                "--spammers-only",
                                "--url",
                                node.url,
                                "--guests",
                                str(spam_file),
                                "--world",
                                world,
                                "--duration",
                                str(args.duration),
                                "--image-size",
                                str(args.image_size),
                                "--video-bytes",
                                str(args.video_bytes),
                            ],
                            stdout=subprocess.PIPE,
                            text=True,
                        )
                    )
                    if args.nice:
                        os.setpriority(os.PRIO_PROCESS, spamming[0].pid, args.nice)

            label = "loaded" if loaded else "quiet"
            print(f"--- {label} run", file=sys.stderr, flush=True)
            result = run_movers(args, node, work, movers, world, label=label, on_line=on_line)
            if spamming:
                out, _ = spamming[0].communicate(timeout=args.duration + 300)
                result["spammers"] = json.loads(out.strip().splitlines()[-1])
            result["run"] = label
            return result
        finally:
            node.stop()
            if args.keep_logs:
                kept = Path(args.keep_logs) / f"abuse-{'loaded' if loaded else 'quiet'}.log"
                kept.parent.mkdir(parents=True, exist_ok=True)
                kept.write_bytes((work / "server.log").read_bytes())


def tables(quiet: dict[str, Any], loaded: dict[str, Any], ratio: float | None) -> str:
    lines = [
        "| run | movers' p50 ms | p95 ms | p99 ms | max ms | samples | server CPU (cores) "
        "| server CPU wait | server RSS MB | dropped |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in (quiet, loaded):
        lat = row["latency_ms"]
        lines.append(
            f"| {row['run']} | {lat['p50']} | {lat['p95']} | {lat['p99']} | {lat['max']} "
            f"| {lat['samples']} | {row['server_cpu_cores']} | {row['server_cpu_wait']} "
            f"| {row['server_rss_mb']} | {row['clients_dropped']} |"
        )
    verdict = (
        "n/a"
        if ratio is None
        else f"{ratio:.2f} ({'within' if ratio <= TARGET_RATIO else 'over'} the 1.10 target)"
    )
    lines += ["", f"p99 loaded / quiet: {verdict}", ""]
    spam = loaded.get("spammers", {})
    lines += [
        f"| spammers' requests ({spam.get('seconds', '?')} s) | 2xx | 429 | other |",
        "|---|---:|---:|---:|",
    ]
    for kind in KINDS:
        answers = spam.get("answers", {}).get(kind, {})
        lines.append(
            f"| {kind} | {answers.get('2xx', 0)} | {answers.get('429', 0)} "
            f"| {answers.get('other', 0)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--movers", type=int, default=100)
    parser.add_argument("--spammers", type=int, default=8)
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--move-rate", type=float, default=10.0, help="moves per mover per s")
    parser.add_argument("--probes", type=int, default=20)
    parser.add_argument("--samplers", type=int, default=100)
    parser.add_argument("--image-size", type=int, default=512, help="edge of the spam PNGs")
    parser.add_argument("--video-bytes", type=int, default=1 << 20, help="size of a spam video")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run, at most")
    parser.add_argument("--nice", type=int, default=0, help="as in bench/realtime.py")
    parser.add_argument("--keep-logs", help="directory to keep both runs' server logs in")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--append-docs", action="store_true")
    # spammer mode (internal)
    parser.add_argument("--spammers-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--guests", help=argparse.SUPPRESS)
    parser.add_argument("--world", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.spammers_only:
        spammers_main(args)
        return
    quiet = one_run(args, loaded=False)
    loaded = one_run(args, loaded=True)
    quiet_p99, loaded_p99 = quiet["latency_ms"]["p99"], loaded["latency_ms"]["p99"]
    ratio = round(loaded_p99 / quiet_p99, 3) if quiet_p99 and loaded_p99 is not None else None
    command = "bench/abuse.py " + " ".join(sys.argv[1:])
    host = machine()
    report = {
        "command": command,
        "machine": host,
        "quiet": quiet,
        "loaded": loaded,
        "p99_ratio": ratio,
        "target_ratio": TARGET_RATIO,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    existing: list[Any] = []
    if args.output.exists():
        try:
            found = json.loads(args.output.read_text())
            existing = found if isinstance(found, list) else [found]
        except json.JSONDecodeError:
            existing = []
    args.output.write_text(json.dumps([*existing, report], indent=2) + "\n")
    text = tables(quiet, loaded, ratio)
    print(text)
    if args.append_docs:
        with DOCS.open("a") as docs:
            docs.write(
                f"\n`.venv/bin/python {command}` — {host['nproc']} cores ({host['cpu']}), "
                f"Python {host['python']}, {args.movers} movers at {args.move_rate:g} Hz, "
                f"{args.spammers} spammers, {args.duration:g} s measured:\n\n{text}\n"
            )


if __name__ == "__main__":
    main()
