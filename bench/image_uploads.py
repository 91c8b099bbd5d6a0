"""Memory of a node while many large images are uploaded at once.

Run: .venv/bin/python bench/image_uploads.py [--uploads 50] [--side 8192] [--output PATH]
     [--env ODYSSEY_NAME=value ...] [--label TEXT]

It starts `odyssey serve` (one process, filesystem store, SQLite, a temporary data directory),
waits until it is idle, then sends --uploads different PNGs of --side x --side pixels (each about
250 KB: one colour, a unique text chunk, so every upload is new content and is decoded), all at
once, from 10 guests. A thread samples the resident set size (RSS) of the node process and its
children every 20 ms. The table gives RSS at the start (idle, after one small upload), its peak
during the uploads, and 5 s after the last answer; the answers by status; the wall time.
Writes JSON (default bench/results/image_uploads.json).

The goal (issue 11): with 50 uploads of 8192x8192, peak under 1.5 GB and RSS afterwards within
100 MB of the start.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import platform
import struct
import tempfile
import threading
import time
import zlib
from pathlib import Path
from typing import Any

import httpx
import psutil

from node_process import NodeProcess

ROOT = Path(__file__).resolve().parent
DEFAULT_OUTPUT = ROOT / "results" / "image_uploads.json"
GUESTS = 10
SETTLE_SECONDS = 5.0
MIB = 1024 * 1024


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def large_pngs(count: int, side: int) -> list[bytes]:
    """`count` different RGB PNGs of side x side pixels; the pixel data is compressed once."""
    row = b"\x00" + bytes((40, 120, 200)) * side
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row * 64) for _ in range(side // 64)]
    parts.append(compressor.compress(row * (side % 64)))
    idat = _chunk(b"IDAT", b"".join(parts) + compressor.flush())
    header = _chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
    return [
        b"\x89PNG\r\n\x1a\n"
        + header
        + _chunk(b"tEXt", b"Comment\x00upload %d of the benchmark" % index)
        + idat
        + _chunk(b"IEND", b"")
        for index in range(count)
    ]


def small_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 20, 30)).save(buffer, "PNG")
    return buffer.getvalue()


class Node(NodeProcess):
    """The node under test (filesystem media store), and its memory with its workers'."""

    def __init__(self, data_dir: Path, extra_env: dict[str, str]) -> None:
        env = {"ODYSSEY_MEDIA_STORE": "filesystem", **extra_env}
        super().__init__(data_dir, env=env, log_path=data_dir.parent / "node.log")
        self.start()

    def rss(self) -> int:
        """RSS of the node and of any worker processes it started, in bytes."""
        try:
            process = psutil.Process(self.pid)
            total = process.memory_info().rss
            for child in process.children(recursive=True):
                with contextlib.suppress(psutil.Error):  # it just exited
                    total += child.memory_info().rss
            return int(total)
        except psutil.Error:
            return 0
        self.log.close()


class Sampler(threading.Thread):
    def __init__(self, node: Node, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.node = node
        self.interval = interval
        self.peak = 0
        self.samples: list[tuple[float, int]] = []
        self._stop_event = threading.Event()

    def run(self) -> None:
        start = time.monotonic()
        while not self._stop_event.is_set():
            rss = self.node.rss()
            self.peak = max(self.peak, rss)
            self.samples.append((round(time.monotonic() - start, 3), rss))
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


async def sign_in(http: httpx.AsyncClient) -> dict[str, str]:
    response = await http.post("/api/v4/auth/guest-token")
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def upload(http: httpx.AsyncClient, headers: dict[str, str], data: bytes) -> int:
    try:
        response = await http.post(
            "/api/v4/media/upload/image", files={"file": ("big.png", data)}, headers=headers
        )
    except httpx.HTTPError:
        return 0  # connection failed or timed out
    return response.status_code


async def run_uploads(url: str, images: list[bytes]) -> tuple[list[int], float]:
    limits = httpx.Limits(max_connections=len(images) + 2)
    async with httpx.AsyncClient(base_url=url, timeout=600, limits=limits) as http:
        guests = [await sign_in(http) for _ in range(GUESTS)]
        started = time.monotonic()
        statuses = await asyncio.gather(
            *(upload(http, guests[index % GUESTS], data) for index, data in enumerate(images))
        )
        return list(statuses), time.monotonic() - started


def bench(uploads: int, side: int, extra_env: dict[str, str]) -> dict[str, Any]:
    images = large_pngs(uploads, side)
    with tempfile.TemporaryDirectory(prefix="odyssey-bench-images-") as work:
        node = Node(Path(work) / "data", extra_env)
        try:
            warm = asyncio.run(run_uploads(node.url, [small_png()]))[0]
            assert warm == [200], f"warm-up upload answered {warm}"
            time.sleep(1.0)
            start_rss = node.rss()
            sampler = Sampler(node)
            sampler.start()
            statuses, seconds = asyncio.run(run_uploads(node.url, images))
            time.sleep(SETTLE_SECONDS)
            after_rss = node.rss()
            sampler.stop()
            log_tail = node.log_tail(2000)
        finally:
            node.stop()
    return {
        "uploads": uploads,
        "side": side,
        "png_bytes": len(images[0]),
        "env": extra_env,
        "rss_start_mib": round(start_rss / MIB, 1),
        "rss_peak_mib": round(sampler.peak / MIB, 1),
        "rss_after_mib": round(after_rss / MIB, 1),
        "after_minus_start_mib": round((after_rss - start_rss) / MIB, 1),
        "statuses": dict(sorted(collections.Counter(statuses).items())),
        "seconds": round(seconds, 1),
        "samples": sampler.samples[:: max(1, len(sampler.samples) // 500)],
        "node_log_tail": log_tail
        if any(status >= 500 or status == 0 for status in statuses)
        else "",
    }


def machine_info() -> dict[str, Any]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(psutil.virtual_memory().total / 1024**3, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=50)
    parser.add_argument("--side", type=int, default=8192)
    parser.add_argument("--env", action="append", default=[], help="NAME=value for the node")
    parser.add_argument("--label", default="")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    extra_env = dict(item.split("=", 1) for item in args.env)
    result = bench(args.uploads, args.side, extra_env)
    result["label"] = args.label
    result["machine"] = machine_info()
    statuses = ", ".join(f"{status}: {count}" for status, count in result["statuses"].items())
    print(
        "| uploads | image | RSS start MiB | RSS peak MiB | RSS after MiB | after - start MiB "
        "| answers | seconds |"
    )
    print("|---:|---|---:|---:|---:|---:|---|---:|")
    print(
        f"| {args.uploads} | PNG {args.side}x{args.side} ({result['png_bytes'] // 1024} KB) "
        f"| {result['rss_start_mib']:,} | {result['rss_peak_mib']:,} | {result['rss_after_mib']:,} "
        f"| {result['after_minus_start_mib']:,} | {statuses} | {result['seconds']} |"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"JSON: {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
