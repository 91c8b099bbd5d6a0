"""Audio and video read by FFmpeg (PyAV) before they are stored, not judged by their magic bytes.

Issue 11: random bytes labelled as video were stored because only the first bytes were looked
at. Here every accepted format is a real file encoded by FFmpeg; what only looks like one (a
valid header and random bytes, a real file padded with random bytes, a file without a stream of
the upload's kind) is refused and nothing is stored. The check runs in a child process bounded
in memory, CPU and wall-clock time, a few at once.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx
import pytest

from odyssey.core.errors import Unavailable
from odyssey.media import probe
from odyssey.media.errors import InvalidMedia
from odyssey.media.probe import MediaProber, Probed, ProbeLimits
from odyssey.media.sniff import MediaKind
from odyssey.services import Services
from tests.media import media_samples as samples
from tests.media.media_client import Caller

RENDER = "/api/v4/media/render"


async def upload(
    client: httpx.AsyncClient, caller: Caller, kind: str, data: bytes
) -> httpx.Response:
    return await client.post(
        f"/api/v4/media/upload/{kind}",
        files={"file": ("clip.bin", data, "application/octet-stream")},
        headers=caller.headers,
    )


def reason(response: httpx.Response) -> str:
    value: str = response.json()["error"]["reason"]
    return value


ACCEPTED = {
    "mp3": ("audio", samples.mp3(), "audio/mpeg"),
    "mp3 without a tag": ("audio", samples.mp3(id3=False, salt=1), "audio/mpeg"),
    "aac (adts)": ("audio", samples.aac(), "audio/aac"),
    "ogg (opus)": ("audio", samples.ogg(), "audio/ogg"),
    "flac": ("audio", samples.flac(), "audio/flac"),
    "webm audio": ("audio", samples.webm(), "audio/webm"),
    "webm": ("video", samples.webm(), "video/webm"),
    "matroska": ("video", samples.video("matroska", "mpeg4"), "video/x-matroska"),
    "mp4": ("video", samples.video("mp4", "mpeg4"), "video/mp4"),
    "quicktime": ("video", samples.video("mov", "mpeg4"), "video/quicktime"),
    "wmv (asf)": ("video", samples.video("asf", "wmv2"), "video/x-ms-wmv"),
    "mpeg program stream": ("video", samples.video("mpeg", "mpeg1video"), "video/mpeg"),
    "mpeg video stream": ("video", samples.video("mpeg1video", "mpeg1video"), "video/mpeg"),
}


async def test_every_accepted_format_is_read_and_stored(
    client: httpx.AsyncClient, alice: Caller
) -> None:
    route = {"audio": "track", "video": "video"}
    for name, (kind, data, content_type) in ACCEPTED.items():
        response = await upload(client, alice, kind, data)
        assert response.status_code == 200, (name, response.text)
        served = await client.get(f"{RENDER}/{route[kind]}/{response.json()['hash']}")
        assert served.content == data, name
        assert served.headers["content-type"] == content_type, name


def _random_behind(data: bytes, header_bytes: int) -> bytes:
    return data[:header_bytes] + os.urandom(256 * 1024)


IMPOSTORS = {
    "webm header": ("video", samples.webm_header() + os.urandom(256 * 1024)),
    "webm header as audio": ("audio", samples.webm_header() + os.urandom(256 * 1024)),
    "mp4 ftyp": ("video", _random_behind(samples.video("mp4", "mpeg4"), 32)),
    "quicktime ftyp": ("video", _random_behind(samples.video("mov", "mpeg4"), 20)),
    "asf header object": ("video", _random_behind(samples.video("asf", "wmv2"), 30)),
    "mpeg pack header": ("video", _random_behind(samples.video("mpeg", "mpeg1video"), 14)),
    "mpeg sequence header": (
        "video",
        _random_behind(samples.video("mpeg1video", "mpeg1video"), 12),
    ),
    "mp3 id3 tag": ("audio", _random_behind(samples.mp3(), 10)),
    "mp3 first frame": ("audio", _random_behind(samples.mp3(id3=False), 4)),
    "adts frame header": ("audio", _random_behind(samples.aac(), 7)),
    "ogg first page": ("audio", _random_behind(samples.ogg(), 58)),
    "flac streaminfo": ("audio", _random_behind(samples.flac(), 42)),
}


async def test_random_bytes_behind_a_valid_header_are_refused(
    client: httpx.AsyncClient, alice: Caller, app_services: Services
) -> None:
    for name, (kind, data) in IMPOSTORS.items():
        response = await upload(client, alice, kind, data)
        assert response.status_code == 400, (name, response.text)
        assert reason(response) == "invalid_media", name
    store = app_services.media.store
    assert await store.list_keys("videos") == []
    assert await store.list_keys("tracks") == []


async def test_a_real_file_padded_with_random_bytes_is_refused(
    client: httpx.AsyncClient, alice: Caller, app_services: Services
) -> None:
    # Video: far more padding than container overhead. Sound (limited to 1 MiB here): less,
    # but sound is decoded in full, and random bytes do not decode.
    for kind, data, padding in [
        ("video", samples.webm(salt=5), 2 * 1024 * 1024),
        ("video", samples.video("mp4", "mpeg4", salt=5), 2 * 1024 * 1024),
        ("audio", samples.mp3(salt=5), 800 * 1024),
        ("audio", samples.aac(salt=5), 800 * 1024),
    ]:
        response = await upload(client, alice, kind, data + os.urandom(padding))
        assert response.status_code == 400, (kind, response.text)
        assert reason(response) == "invalid_media"
    assert await app_services.media.store.list_keys("videos") == []
    assert await app_services.media.store.list_keys("tracks") == []


async def test_a_file_without_a_stream_of_the_uploads_kind_is_415(
    client: httpx.AsyncClient, alice: Caller
) -> None:
    # A WebM holding only sound is audio, not a video; one holding only pictures is no track.
    no_video = await upload(client, alice, "video", samples.opus_webm())
    assert no_video.status_code == 415, no_video.text
    assert reason(no_video) == "unsupported_media_type"
    assert "no video stream" in no_video.json()["error"]["message"]
    assert (await upload(client, alice, "audio", samples.opus_webm())).status_code == 200
    no_sound = await upload(client, alice, "audio", samples.video("webm", "libvpx", salt=9))
    assert no_sound.status_code == 415, no_sound.text
    assert "no audio stream" in no_sound.json()["error"]["message"]


async def test_identical_content_is_checked_once(
    client: httpx.AsyncClient, alice: Caller, bob: Caller, app_services: Services
) -> None:
    prober = app_services.media.prober
    calls: list[MediaKind] = []
    real = prober.check

    async def counting(path: Path, kind: MediaKind, content_type: str, head: bytes) -> Probed:
        calls.append(kind)
        return await real(path, kind, content_type, head)

    prober.check = counting  # type: ignore[method-assign]
    data = samples.mp3(salt=31)
    assert (await upload(client, alice, "audio", data)).status_code == 200
    assert (await upload(client, bob, "audio", data)).status_code == 200
    assert calls == [MediaKind.AUDIO]


async def test_concurrent_checks_are_bounded(
    client: httpx.AsyncClient, alice: Caller, app_services: Services
) -> None:
    prober = MediaProber(ProbeLimits(concurrency=2))
    app_services.media.prober = prober
    tracks = [samples.mp3(salt=40 + index) for index in range(6)]
    responses = await asyncio.gather(*(upload(client, alice, "audio", data) for data in tracks))
    assert [response.status_code for response in responses] == [200] * 6
    assert prober.most_running == 2
    assert prober.running == 0


# --- the child process's limits (the prober alone, no HTTP) -------------------------------------


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "clip.webm"
    path.write_bytes(samples.webm(salt=50))
    return path


async def test_the_memory_cap_is_enforced_by_the_kernel(clip: Path) -> None:
    """A child allowed 64 MiB of address space cannot even load FFmpeg: refused, not crashed."""
    prober = MediaProber(ProbeLimits(memory_bytes=64 * 1024 * 1024))
    with pytest.raises(InvalidMedia, match=r"overran the limits|too much memory"):
        await prober.check(clip, MediaKind.VIDEO, "video/webm", samples.webm(salt=50)[:512])
    generous = MediaProber(ProbeLimits())
    found = await generous.check(clip, MediaKind.VIDEO, "video/webm", samples.webm(salt=50)[:512])
    assert found.format == "matroska"
    assert ("video", "vp8") in found.streams


async def test_a_check_that_overruns_its_time_is_killed(
    clip: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wall-clock limit: a worker that never answers is killed and the upload is 503."""
    stuck = tmp_path / "stuck_worker.py"
    marker = tmp_path / "pid"
    stuck.write_text(
        f"import os, time\nopen({str(marker)!r}, 'w').write(str(os.getpid()))\ntime.sleep(600)\n"
    )
    monkeypatch.setattr(probe, "WORKER", stuck)
    prober = MediaProber(ProbeLimits(cpu_seconds=1))
    monkeypatch.setattr(ProbeLimits, "wall_seconds", property(lambda _limits: 1.0))
    with pytest.raises(Unavailable) as refused:
        await prober.check(clip, MediaKind.VIDEO, "video/webm", b"")
    assert refused.value.retry_after >= 1
    pid = int(marker.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone, and reaped


async def test_the_checker_runs_at_a_lower_priority(
    clip: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A guest's video must wait for the cores before the movers do: the real worker, run
    through a wrapper that notes the priority it ended at."""
    marker = tmp_path / "nice"
    wrapper = tmp_path / "noting_worker.py"
    wrapper.write_text(
        "import atexit, os, runpy, sys\n"
        f"atexit.register(lambda: open({str(marker)!r}, 'w')"
        ".write(str(os.getpriority(os.PRIO_PROCESS, 0))))\n"
        f"sys.argv = [{str(probe.WORKER)!r}, *sys.argv[1:]]\n"
        f"runpy.run_path({str(probe.WORKER)!r}, run_name='__main__')\n"
    )
    monkeypatch.setattr(probe, "WORKER", wrapper)
    found = await MediaProber(ProbeLimits(nice=7)).check(
        clip, MediaKind.VIDEO, "video/webm", samples.webm(salt=50)[:512]
    )
    assert found.format == "matroska"  # the real check ran
    assert int(marker.read_text()) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 7)


async def test_a_check_waits_a_bounded_time_for_its_turn(clip: Path) -> None:
    prober = MediaProber(ProbeLimits(concurrency=1, wait_seconds=0.05))
    await prober._turns.acquire()  # the one turn is taken
    with pytest.raises(Unavailable):
        await prober.check(clip, MediaKind.VIDEO, "video/webm", b"")


def test_the_worker_imports_nothing_of_the_node() -> None:
    code = probe.WORKER.read_text().split('"""', 2)[2]  # after the module's docstring
    assert "odyssey" not in code
