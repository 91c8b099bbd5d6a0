"""Image decoding under a memory budget: bounded concurrent decodes, one decode per upload, JPEG
decoded at the scale its variants need, refusal instead of an endless queue.

The uploads go through the real app (both stores); Pillow's decoder is observed by wrapping
`ImageFile.load`, the one place where pixels are decoded, so the tests count real decodes.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import ImageFile

from odyssey.media import images
from odyssey.media.budget import MemoryBudget
from odyssey.services import Services
from tests.media import media_samples as samples
from tests.media.media_client import Caller

MIB = 1024 * 1024


class DecodeWatch:
    """Every real pixel decode: the size decoded, and the most running at once."""

    def __init__(self) -> None:
        self.sizes: list[tuple[int, int]] = []
        self.running = 0
        self.most_at_once = 0
        self.priorities: set[int] = set()  # the nice values of the decoding threads
        self._lock = threading.Lock()


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> Iterator[DecodeWatch]:
    watch = DecodeWatch()
    real_load = ImageFile.ImageFile.load

    def load(image: ImageFile.ImageFile) -> object:
        if not image.tile:  # already decoded: no work
            return real_load(image)
        with watch._lock:
            watch.sizes.append(image.size)
            watch.priorities.add(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
            watch.running += 1
            watch.most_at_once = max(watch.most_at_once, watch.running)
        try:
            threading.Event().wait(0.05)  # make overlapping decodes visible
            return real_load(image)
        finally:
            with watch._lock:
                watch.running -= 1

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    yield watch


def budget_for(
    app_services: Services, capacity: int, *, wait_seconds: float = 30.0
) -> MemoryBudget:
    budget = MemoryBudget(capacity, wait_seconds=wait_seconds)
    app_services.media.decode_budget = budget
    return budget


def cost_of_upload(data: bytes) -> int:
    with tempfile.NamedTemporaryFile() as file:
        file.write(data)
        file.flush()
        plan = images.inspect_upload(
            Path(file.name), images.UPLOAD_TEXTURE_SIZES, max_pixels=1 << 40
        )
    return plan.memory_bytes


async def upload(client: httpx.AsyncClient, caller: Caller, data: bytes) -> httpx.Response:
    return await client.post(
        "/api/v4/media/upload/image", files={"file": ("i.png", data)}, headers=caller.headers
    )


async def test_concurrent_uploads_decode_within_the_budget(
    client: httpx.AsyncClient, alice: Caller, app_services: Services, decodes: DecodeWatch
) -> None:
    pictures = [samples.png(2048, 2048, salt=index) for index in range(6)]
    cost = cost_of_upload(pictures[0])
    assert cost >= 2048 * 2048 * 4  # at least the decoded RGB pixels
    budget = budget_for(app_services, 2 * cost)

    responses = await asyncio.gather(*(upload(client, alice, data) for data in pictures))

    assert [response.status_code for response in responses] == [200] * 6
    assert decodes.most_at_once == 2  # six arrived together; two fit the budget
    assert budget.peak_holders == 2
    assert budget.peak_in_use <= budget.capacity
    assert budget.in_use == 0 and budget.holders == 0  # all handed back


async def test_an_upload_is_decoded_once(
    client: httpx.AsyncClient, alice: Caller, decodes: DecodeWatch
) -> None:
    response = await upload(client, alice, samples.noisy_png(700, 700, seed=5))
    assert response.status_code == 200
    assert decodes.sizes == [(700, 700)]  # checked and its textures made from one decode

    again = await upload(client, alice, samples.noisy_png(700, 700, seed=5))
    assert again.status_code == 200
    assert decodes.sizes == [(700, 700)]  # the same bytes were checked already


async def test_images_are_decoded_at_a_lower_priority(
    client: httpx.AsyncClient, alice: Caller, decodes: DecodeWatch
) -> None:
    """The default settings: decodes yield the cores to the event loop (nice 10 more)."""
    response = await upload(client, alice, samples.noisy_png(300, 300, seed=8))
    assert response.status_code == 200
    assert decodes.priorities == {min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)}


async def test_a_jpeg_is_decoded_at_the_scale_its_textures_need(
    client: httpx.AsyncClient, alice: Caller, decodes: DecodeWatch
) -> None:
    response = await upload(client, alice, samples.jpeg(4000, 3000))
    assert response.status_code == 200
    # s6 of 4000x3000 is 878x658: the decoder's 1/4 scale (1000x750) is the smallest that covers it.
    assert decodes.sizes == [(1000, 750)]


async def test_an_image_over_the_whole_budget_is_refused_at_once(
    client: httpx.AsyncClient, alice: Caller, app_services: Services, decodes: DecodeWatch
) -> None:
    budget_for(app_services, 16 * MIB)
    before = await app_services.media.store.list_keys("images")
    response = await upload(client, alice, samples.png(4096, 4096))
    assert response.status_code == 400
    assert response.json()["error"]["reason"] == "image_too_large"
    assert "budget" in response.json()["error"]["message"]
    assert decodes.sizes == []
    assert await app_services.media.store.list_keys("images") == before


async def test_a_flood_waits_a_bounded_time_then_is_refused_with_retry_after(
    client: httpx.AsyncClient, alice: Caller, app_services: Services, decodes: DecodeWatch
) -> None:
    pictures = [samples.noisy_png(760, 760, seed=index + 10) for index in range(6)]
    budget = budget_for(app_services, cost_of_upload(pictures[0]), wait_seconds=0.02)
    before = await app_services.media.store.list_keys("images")

    responses = await asyncio.gather(*(upload(client, alice, data) for data in pictures))

    statuses = [response.status_code for response in responses]
    assert 200 in statuses and 503 in statuses, statuses
    for response in responses:
        if response.status_code == 503:
            assert response.json()["error"]["reason"] == "service_unavailable"
            assert int(response.headers["retry-after"]) >= 1
    assert decodes.most_at_once == 1
    assert budget.refused == statuses.count(503)
    stored = await app_services.media.store.list_keys("images")
    assert len(stored) - len(before) == statuses.count(200)  # what was refused was not stored
