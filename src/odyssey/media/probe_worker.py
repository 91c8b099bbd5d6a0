"""Checks one audio or video file with FFmpeg's demuxers and decoders (PyAV), in a child process.

Run by `odyssey.media.probe` as `python -I probe_worker.py PATH KIND DEMUXER MEMORY CPU`, never
imported by the node itself: FFmpeg parsing a hostile file may crash, loop or allocate without
end, so it runs in a process of its own whose address space (MEMORY bytes) and CPU time (CPU
seconds) are capped by the kernel, and which the node kills after its wall-clock limit. The
module imports nothing of the node (a quick start, and no state to corrupt).

The verdict is one JSON object on stdout: {"ok": true, "format", "duration", "streams"} or
{"ok": false, "problem": "invalid" | "wrong_kind", "message"}.

What makes a file acceptable:

- the demuxer the file's magic bytes named (`DEMUXER`, chosen by the node; never FFmpeg's own
  guess, so no playlist or concatenation demuxer can be reached, and no protocol but `file`)
  opens it and finds at least one stream of `KIND` (audio, or video that is not a cover picture);
- its first frames decode (video: up to three frames of the first video stream; audio: every
  packet of the first audio stream, which costs about a millisecond per minute of sound, and at
  most a tenth of its bytes may fail to decode);
- demuxing reaches the end of the file and the packets cover it: what is neither a packet nor
  container overhead (at most `SLACK_BYTES` plus a quarter of the file) would be bytes stored
  under a media label for nothing, such as random bytes behind a valid header.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from av.audio.stream import AudioStream
    from av.video.stream import VideoStream

SLACK_BYTES = 1024 * 1024
VIDEO_FRAMES = 3
MAX_BAD_AUDIO_SHARE = 0.1


class Refused(Exception):
    def __init__(self, problem: str, message: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.message = message


def check(path: str, kind: str, demuxer: str) -> dict[str, Any]:
    import av  # here, after the limits are set: FFmpeg's libraries load within them

    av.logging.set_level(None)  # FFmpeg's complaints about a hostile file are not our log
    size = os.path.getsize(path)
    try:
        container = av.open(
            path,
            format=demuxer,
            options={"protocol_whitelist": "file", "enable_drefs": "0"},
        )
    except av.error.FFmpegError as error:
        raise Refused("invalid", f"not a readable {demuxer} file: {error.strerror}") from error
    with container:
        attached_picture = av.stream.Disposition.attached_pic
        streams: list[AudioStream] | list[VideoStream] = (
            list(container.streams.audio)
            if kind == "audio"
            else [
                stream
                for stream in container.streams.video
                if not stream.disposition & attached_picture  # cover art is not a video
            ]
        )
        if not streams:
            found = ", ".join(sorted({stream.type for stream in container.streams})) or "none"
            raise Refused("wrong_kind", f"the file has no {kind} stream (streams found: {found})")
        chosen = streams[0]
        chosen.codec_context.thread_type = "SLICE"  # one decoding thread's worth of memory
        chosen.codec_context.thread_count = 1
        packet_bytes = decoded_frames = bad_bytes = chosen_bytes = 0
        try:
            for packet in container.demux():
                packet_bytes += packet.size
                if packet.stream.index != chosen.index or packet.size == 0:
                    continue
                chosen_bytes += packet.size
                if kind == "video" and decoded_frames >= VIDEO_FRAMES:
                    continue
                try:
                    decoded_frames += len(packet.decode())
                except av.error.FFmpegError:
                    bad_bytes += packet.size
            if decoded_frames == 0:
                decoded_frames += len(chosen.decode(None))  # delayed frames
        except av.error.FFmpegError as error:
            raise Refused("invalid", f"the {demuxer} file is damaged: {error.strerror}") from error
        if decoded_frames == 0:
            raise Refused("invalid", f"no {kind} frame of the file decodes")
        if kind == "audio" and bad_bytes > MAX_BAD_AUDIO_SHARE * chosen_bytes:
            raise Refused("invalid", f"{bad_bytes} of {chosen_bytes} bytes of sound do not decode")
        unaccounted = size - packet_bytes
        if unaccounted > SLACK_BYTES + size // 4:
            raise Refused(
                "invalid",
                f"{unaccounted} of the file's {size} bytes are neither {kind} nor other streams",
            )
        return {
            "ok": True,
            "format": container.format.name,
            "duration": None if container.duration is None else container.duration / 1_000_000,
            "streams": [
                {"type": stream.type, "codec": stream.codec_context.name}
                for stream in container.streams
            ],
        }


def main(argv: list[str]) -> int:
    path, kind, demuxer, memory, cpu, nice = argv
    os.nice(int(nice))  # a guest's upload waits for the cores before the movers in a world do
    resource.setrlimit(resource.RLIMIT_AS, (int(memory), int(memory)))
    resource.setrlimit(resource.RLIMIT_CPU, (int(cpu), int(cpu) + 1))
    try:
        verdict = check(path, kind, demuxer)
    except Refused as refused:
        verdict = {"ok": False, "problem": refused.problem, "message": refused.message}
    except MemoryError:
        verdict = {
            "ok": False,
            "problem": "invalid",
            "message": "checking it needs too much memory",
        }
    sys.stdout.write(json.dumps(verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
