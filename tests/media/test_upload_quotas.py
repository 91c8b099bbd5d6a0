"""Upload quotas: per user and per guest, count and bytes over a window, and bytes kept stored.

The attack of issue 11: a guest stored 300 MiB of random bytes labelled as video in 2.7 s. Here
the same guest is refused once over its quota, with the defaults; the quotas are kept in the
database, so two processes of one node share them and a restart keeps them, and concurrent
uploads cannot overshoot them. Every test runs on both stores (conftest.py).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from odyssey.config import Settings
from odyssey.core.errors import QuotaExceeded
from odyssey.db import tables as t
from odyssey.db.media_tables import MediaUpload
from odyssey.media.quotas import Allowance, QuotaLimits, UploadGrant, UploadQuotas
from odyssey.services import Services
from tests.live_node import LiveServer
from tests.media import media_samples as samples
from tests.media.media_client import Caller

MIB = 1024 * 1024
PLENTY = Allowance(uploads_per_window=1000, bytes_per_window=1 << 40, stored_bytes=1 << 40)


async def upload(
    client: httpx.AsyncClient, caller: Caller, kind: str, data: bytes
) -> httpx.Response:
    return await client.post(
        f"/api/v4/media/upload/{kind}",
        files={"file": ("upload.bin", data, "application/octet-stream")},
        headers=caller.headers,
    )


def reason(response: httpx.Response) -> str:
    value: str = response.json()["error"]["reason"]
    return value


def set_quotas(
    services: Services,
    *,
    guest: Allowance = PLENTY,
    user: Allowance = PLENTY,
    window_seconds: int = 3600,
) -> None:
    services.media.quotas.limits = QuotaLimits(
        window_seconds=window_seconds, guest=guest, user=user
    )


async def stored_bytes(services: Services, folder: str) -> int:
    store = services.media.store
    return sum([await store.size(key) or 0 for key in await store.list_keys(folder)])


def random_video(size: int) -> bytes:
    """Random bytes behind a WebM header: what the attacker sent."""
    header = samples.webm_header()
    return header + os.urandom(size - len(header))


# --- the attack ---------------------------------------------------------------------------------


async def test_a_guest_storing_300_mib_of_random_video_is_refused_once_over_its_quota(
    client: httpx.AsyncClient, alice: Caller, app_services: Services
) -> None:
    """With the default quotas: fifteen 20 MiB uploads labelled as video, one after another."""
    settings = app_services.settings
    quota = min(settings.media_guest_bytes_per_window, settings.media_guest_stored_bytes)
    part = 20 * MIB
    responses = [await upload(client, alice, "video", random_video(part)) for _ in range(15)]

    statuses = [response.status_code for response in responses]
    first_refusal = statuses.index(429)
    assert first_refusal <= quota // part, statuses
    assert set(statuses[first_refusal:]) == {429}, statuses  # refused from then on
    for response in responses[first_refusal:]:
        assert reason(response) == "quota_exceeded"
        assert 1 <= int(response.headers["retry-after"]) <= settings.media_quota_window_seconds
    assert await stored_bytes(app_services, "videos") <= quota
    staging = app_services.media.store.staging_dir
    assert not [path for path in staging.iterdir() if path.is_file()]


async def test_an_upload_over_what_is_left_is_stopped_while_streaming(
    client: httpx.AsyncClient, alice: Caller, app_services: Services
) -> None:
    """No Content-Length: refused as soon as the body passes what the quota leaves."""
    left = 3 * MIB
    set_quotas(app_services, guest=Allowance(10, bytes_per_window=left, stored_bytes=1 << 40))
    boundary = "odysseyboundary"
    sent: list[int] = []
    chunk = samples.webm_header() + os.urandom(256 * 1024)

    async def body() -> Any:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="v.webm"'
            "\r\nContent-Type: video/webm\r\n\r\n"
        ).encode()
        for _ in range(80):  # 20 MiB in all, within the video size limit
            sent.append(len(chunk))
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    response = await client.post(
        "/api/v4/media/upload/video",
        content=body(),
        headers={**alice.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 429
    assert reason(response) == "quota_exceeded"
    assert "retry-after" not in response.headers  # bigger than the whole window's allowance
    assert sum(sent) < left + 2 * len(chunk)
    staging = app_services.media.store.staging_dir
    assert not [path for path in staging.iterdir() if path.is_file()]


# --- who gets what ------------------------------------------------------------------------------


async def test_wallet_users_get_more_than_guests_and_node_admins_have_no_quota(
    client: httpx.AsyncClient, alice: Caller, bob: Caller, app_services: Services
) -> None:
    set_quotas(
        app_services,
        guest=Allowance(1, bytes_per_window=1 << 40, stored_bytes=1 << 40),
        user=Allowance(3, bytes_per_window=1 << 40, stored_bytes=1 << 40),
    )
    pictures = iter(samples.png(64, 64, salt=index) for index in range(100))
    assert (await upload(client, alice, "image", next(pictures))).status_code == 200
    refused = await upload(client, alice, "image", next(pictures))
    assert refused.status_code == 429
    assert "a guest may upload 1 files" in refused.json()["error"]["message"]

    # The allowance follows the user's row (a guest who signed in with a wallet is a user).
    async with app_services.db.write() as session:
        await session.execute(
            update(t.User).where(t.User.user_id == alice.user_id).values(is_guest=False)
        )
    assert (await upload(client, alice, "image", next(pictures))).status_code == 200
    assert (await upload(client, alice, "image", next(pictures))).status_code == 200
    assert (await upload(client, alice, "image", next(pictures))).status_code == 429

    await app_services.users.make_node_admin(bob.user_id)
    for _ in range(5):
        assert (await upload(client, bob, "image", next(pictures))).status_code == 200
    async with app_services.db.read() as session:
        counted = await session.scalar(
            select(func.count()).where(MediaUpload.user_id == bob.user_id)
        )
    assert counted == 0


async def test_refused_content_counts_toward_the_window_but_not_as_stored(
    client: httpx.AsyncClient, alice: Caller, app_services: Services
) -> None:
    set_quotas(app_services, guest=Allowance(2, bytes_per_window=1 << 40, stored_bytes=1 << 40))
    assert (await upload(client, alice, "image", b"not an image at all")).status_code == 415
    assert (await upload(client, alice, "image", samples.png(32, 32))).status_code == 200
    third = await upload(client, alice, "image", samples.png(32, 32, salt=1))
    assert third.status_code == 429
    assert int(third.headers["retry-after"]) >= 3500  # the first upload leaves in an hour
    usage = await usage_of(app_services, alice)
    assert (usage.uploads_in_window, usage.stored_bytes) == (2, len(samples.png(32, 32)))


async def test_deleting_makes_room(
    client: httpx.AsyncClient, alice: Caller, app_services: Services
) -> None:
    first, second, third = (samples.png(48, 48, salt=index) for index in range(3))
    room = len(first) + len(second) + len(third) - 1
    set_quotas(app_services, guest=Allowance(100, bytes_per_window=1 << 40, stored_bytes=room))
    kept = (await upload(client, alice, "image", first)).json()["hash"]
    again = await upload(client, alice, "image", first)  # the same content is stored once
    assert again.status_code == 200
    assert (await upload(client, alice, "image", second)).status_code == 200

    full = await upload(client, alice, "image", third)
    assert full.status_code == 429
    assert reason(full) == "quota_exceeded"
    assert "delete some" in full.json()["error"]["message"]
    assert "retry-after" not in full.headers  # waiting does not help; deleting does

    deleted = await client.delete(f"/api/v4/media/image/{kept}", headers=alice.headers)
    assert deleted.status_code == 200
    assert (await upload(client, alice, "image", third)).status_code == 200


async def usage_of(services: Services, caller: Caller) -> Any:
    return await services.media.quotas.usage(caller.user_id)


# --- the window, with a clock of our own --------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


async def test_the_window_slides_and_retry_after_says_when_enough_has_left(
    services: Services,
) -> None:
    clock = Clock()
    guest = Allowance(uploads_per_window=3, bytes_per_window=30, stored_bytes=1000)
    quotas = UploadQuotas(
        services.db, QuotaLimits(window_seconds=60, guest=guest, user=guest), clock=clock
    )
    user_id = (await services.users.create_user(name="quota guest", is_guest=True)).user_id

    async def put(size: int, name: str) -> None:
        grant = await quotas.grant(user_id)
        await quotas.admit(grant, kind="image", media_hash=name, size=size)

    await put(10, "a")  # t = 0
    clock.advance(10)
    await put(10, "b")  # t = 10
    clock.advance(10)
    await put(5, "c")  # t = 20: 25 of 30 bytes, 3 of 3 uploads
    clock.advance(5)
    with pytest.raises(QuotaExceeded) as count:
        await quotas.grant(user_id)
    assert count.value.retry_after == 35  # "a" leaves at t = 60

    clock.advance(40)  # t = 65: "a" has left; 15 bytes and 2 uploads in the window
    grant = await quotas.grant(user_id)
    assert grant.bytes_left == 15
    with pytest.raises(QuotaExceeded) as bytes_:
        await quotas.admit(grant, kind="image", media_hash="d", size=26)
    assert bytes_.value.retry_after == 15  # 11 bytes must leave: "b" at t = 70, "c" at t = 80
    with pytest.raises(QuotaExceeded) as never:
        await quotas.admit(grant, kind="image", media_hash="d", size=31)
    assert never.value.retry_after is None  # more than a whole window allows
    await quotas.admit(grant, kind="image", media_hash="d", size=15)

    with pytest.raises(QuotaExceeded) as stored:
        await quotas.admit(
            UploadGrant(user_id, True, exempt=False, bytes_left=None),
            kind="video",
            media_hash="e",
            size=1000,
        )
    assert stored.value.retry_after is None
    assert "delete some" in stored.value.message


# --- several processes, a restart, a race (`odyssey serve` in child processes) -------------------


@pytest.fixture
def two_nodes(
    settings: Settings, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two processes of one node (one database, one store, one public URL as behind a load
    balancer, so each accepts the other's tokens), with the quotas of the test."""
    env: dict[str, str] = request.param
    first = LiveServer(settings, tmp_path / "first.log", extra_env=env)
    public = {**env, "ODYSSEY_PUBLIC_URL": first.url}
    first.extra_env = public
    second = LiveServer(settings, tmp_path / "second.log", extra_env=public)
    nodes = (first, second)
    for node in nodes:
        node.start()
    try:
        yield nodes
    finally:
        for node in nodes:
            node.stop()


def guest_token(node: LiveServer) -> dict[str, str]:
    response = httpx.post(f"{node.url}/api/v4/auth/guest-token", timeout=30)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def live_upload(node: LiveServer, headers: dict[str, str], data: bytes) -> httpx.Response:
    return httpx.post(
        f"{node.url}/api/v4/media/upload/image",
        files={"file": ("p.png", data)},
        headers=headers,
        timeout=60,
    )


FIVE_UPLOADS = {"ODYSSEY_MEDIA_GUEST_UPLOADS_PER_WINDOW": "5"}


@pytest.mark.parametrize("two_nodes", [FIVE_UPLOADS], indirect=True)
def test_two_processes_share_the_quotas_race_free_and_a_restart_keeps_them(
    two_nodes: tuple[LiveServer, LiveServer],
) -> None:
    first, second = two_nodes
    headers = guest_token(first)
    pictures = [samples.png(40, 40, salt=100 + index) for index in range(20)]

    # Sixteen uploads at once, half to each process: exactly five get in.
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(
            pool.map(
                lambda index: live_upload(two_nodes[index % 2], headers, pictures[index]),
                range(16),
            )
        )
    assert sorted(response.status_code for response in statuses) == [200] * 5 + [429] * 11

    for node, picture in zip((second, first), pictures[16:18], strict=True):
        refused = live_upload(node, headers, picture)
        assert refused.status_code == 429, refused.text
        assert refused.json()["error"]["reason"] == "quota_exceeded"
        assert 3500 <= int(refused.headers["retry-after"]) <= 3600

    first.kill()  # a crash: nothing is written on the way out
    first.start()
    assert live_upload(first, headers, pictures[18]).status_code == 429
