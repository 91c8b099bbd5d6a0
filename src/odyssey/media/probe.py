"""Audio and video uploads checked by FFmpeg (PyAV), in a child process bounded in time and memory.

Magic bytes only say what a file claims to be; `MediaProber.check` has FFmpeg's demuxer for
that claim read the whole file and decode its first frames (`probe_worker.py` says exactly what
is required). The work runs in a fresh `python -I probe_worker.py` process per file: FFmpeg
parsing hostile input must not be able to crash, hang or bloat the node. The child's address
space and CPU time are capped by the kernel (`RLIMIT_AS`, `RLIMIT_CPU`), the node kills it after
a wall-clock limit, and at most `concurrency` children run at once per node process (others
wait, a bounded time, for a turn).

Outcomes: the file is accepted; `InvalidMedia` (400: it does not parse, does not decode, is
mostly not media, or its check overran the CPU or memory cap); `UnsupportedMedia` (415: it parses
but has no stream of the upload's kind); `Unavailable` (503 + Retry-After: no turn came in
time, or the node was too busy to finish the check within its wall-clock limit).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from odyssey.core.errors import Unavailable
from odyssey.media.errors import InvalidMedia, UnsupportedMedia
from odyssey.media.sniff import MediaKind

log = logging.getLogger(__name__)

WORKER = Path(__file__).with_name("probe_worker.py")

#: The FFmpeg demuxer for each accepted content type (`odyssey.media.sniff`): always named,
#: never guessed by FFmpeg, so a file can reach no other demuxer (playlists, concatenation).
DEMUXERS = {
    "audio/mpeg": "mp3",
    "audio/aac": "aac",
    "audio/ogg": "ogg",
    "audio/flac": "flac",
    "audio/webm": "matroska",
    "video/webm": "matroska",
    "video/x-matroska": "matroska",
    "video/mp4": "mov",
    "video/quicktime": "mov",
    "video/x-ms-wmv": "asf",
}


def demuxer_for(content_type: str, head: bytes) -> str:
    if content_type == "video/mpeg":  # a program stream, or a bare MPEG-1/2 video stream
        return "mpeg" if head[:4] == b"\x00\x00\x01\xba" else "mpegvideo"
    return DEMUXERS[content_type]


@dataclass(frozen=True, slots=True)
class ProbeLimits:
    concurrency: int = 2
    cpu_seconds: int = 20
    memory_bytes: int = 768 * 1024 * 1024
    wait_seconds: float = 30.0
    nice: int = 10  # the checker yields the cores to the real-time path

    @property
    def wall_seconds(self) -> float:
        """How long a check may take in all: its CPU time, with room for a busy machine."""
        return 3.0 * self.cpu_seconds + 5.0


@dataclass(frozen=True, slots=True)
class Probed:
    """What FFmpeg found in an accepted file."""

    format: str
    duration: float | None
    streams: tuple[tuple[str, str], ...]


class MediaProber:
    def __init__(self, limits: ProbeLimits) -> None:
        self.limits = limits
        self._turns = asyncio.Semaphore(limits.concurrency)
        self.running = 0
        self.most_running = 0

    async def check(self, path: Path, kind: MediaKind, content_type: str, head: bytes) -> Probed:
        """Accept `path` as a `kind` file of `content_type` (its magic bytes' claim) or raise."""
        demuxer = demuxer_for(content_type, head)
        try:
            await asyncio.wait_for(self._turns.acquire(), self.limits.wait_seconds)
        except TimeoutError:
            raise Unavailable(
                "the node is busy checking other uploads; try again in a few seconds",
                retry_after=5,
            ) from None
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        try:
            verdict = await self._run(path, kind, demuxer)
        finally:
            self.running -= 1
            self._turns.release()
        if verdict.get("ok") is True:
            streams = tuple(
                (str(stream.get("type")), str(stream.get("codec")))
                for stream in verdict.get("streams", [])
            )
            duration = verdict.get("duration")
            return Probed(
                format=str(verdict.get("format")),
                duration=float(duration) if isinstance(duration, int | float) else None,
                streams=streams,
            )
        message = str(verdict.get("message") or "the file could not be read")
        if verdict.get("problem") == "wrong_kind":
            raise UnsupportedMedia(f"not a {kind.value} file: {message}")
        raise InvalidMedia(f"not a valid {content_type} file: {message}")

    async def _run(self, path: Path, kind: MediaKind, demuxer: str) -> dict[str, Any]:
        limits = self.limits
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-I",  # no user site, no PYTHON* variables, not the working directory on the path
            str(WORKER),
            str(path),
            kind.value,
            demuxer,
            str(limits.memory_bytes),
            str(limits.cpu_seconds),
            str(limits.nice),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            stdout, stderr = await asyncio.wait_for(process.communicate(), limits.wall_seconds)
        except TimeoutError:
            raise Unavailable(
                f"checking the {kind.value} took longer than {limits.wall_seconds:.0f} s; "
                "the node is busy, try again later",
                retry_after=10,
            ) from None
        finally:
            if process.returncode is None:  # timed out or cancelled: never leave it running
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if process.returncode != 0:
            log.info(
                "media check of a %s exited with %s: %s",
                kind.value,
                process.returncode,
                stderr.decode("utf-8", "replace")[-500:].strip(),
            )
            return {
                "ok": False,
                "problem": "invalid",
                "message": f"checking it overran the limits ({limits.cpu_seconds} s of CPU, "
                f"{limits.memory_bytes // (1024 * 1024)} MiB) or crashed the checker",
            }
        try:
            verdict = json.loads(stdout)
        except ValueError:
            verdict = None
        if not isinstance(verdict, dict):
            return {"ok": False, "problem": "invalid", "message": "the checker gave no verdict"}
        return verdict
