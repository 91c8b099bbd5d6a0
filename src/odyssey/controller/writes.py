"""Moved objects and users' last positions, written behind the hot path.

`WriteBehind` collects them (latest value wins) and commits them in one transaction every
``controller_persist_interval`` seconds through `odyssey.db.realtime.RealtimeStore.save`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Iterable

from odyssey.bus import Bus, ObjectUpdated
from odyssey.core.errors import Unavailable
from odyssey.core.geometry import Transform as CoreTransform
from odyssey.db.realtime import RealtimeStore
from odyssey.posbus import MyTransform

log = logging.getLogger(__name__)


class WriteBehind:
    """Moved objects and last positions, written in batches off the hot path.

    Latest value wins per object and per (world, user). Values not yet committed stay visible
    through `pending_position` and `is_pending`, so a reader never sees an older database value
    as news.
    """

    def __init__(self, store: RealtimeStore, bus: Bus, *, interval: float) -> None:
        self._store = store
        self._bus = bus
        self._interval = interval
        self._transforms: dict[uuid.UUID, tuple[uuid.UUID | None, CoreTransform]] = {}
        self._positions: dict[tuple[uuid.UUID, uuid.UUID], MyTransform] = {}
        self._flushing_transforms: dict[uuid.UUID, tuple[uuid.UUID | None, CoreTransform]] = {}
        self._flushing_positions: dict[tuple[uuid.UUID, uuid.UUID], MyTransform] = {}
        self._lock = asyncio.Lock()
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def save_transform(
        self, object_id: uuid.UUID, world_id: uuid.UUID | None, transform: CoreTransform
    ) -> None:
        self._transforms[object_id] = (world_id, transform)
        self._wakeup.set()

    def save_position(
        self, world_id: uuid.UUID, user_id: uuid.UUID, transform: MyTransform
    ) -> None:
        self._positions[(world_id, user_id)] = transform
        self._wakeup.set()

    def pending_position(self, world_id: uuid.UUID, user_id: uuid.UUID) -> MyTransform | None:
        key = (world_id, user_id)
        return self._positions.get(key) or self._flushing_positions.get(key)

    def is_pending(self, object_id: uuid.UUID) -> bool:
        return object_id in self._transforms or object_id in self._flushing_transforms

    def forget_objects(self, object_ids: Iterable[uuid.UUID]) -> None:
        for object_id in object_ids:
            self._transforms.pop(object_id, None)

    def forget_user(self, user_id: uuid.UUID) -> None:
        for key in [key for key in self._positions if key[1] == user_id]:
            del self._positions[key]

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="controller-writes")

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            await asyncio.sleep(self._interval)  # let a burst of moves collapse into one write
            try:
                await self.flush()
            except Unavailable as outage:
                # The database layer logs an outage once; the values wait for the next try.
                await asyncio.sleep(outage.retry_after)
                self._wakeup.set()
            except Exception:
                log.exception("controller write-behind failed")

    async def flush(self) -> None:
        async with self._lock:
            self._wakeup.clear()
            if not self._transforms and not self._positions:
                return
            self._flushing_transforms, self._transforms = self._transforms, {}
            self._flushing_positions, self._positions = self._positions, {}
            try:
                try:
                    written = await self._store.save(
                        {object_id: v[1] for object_id, v in self._flushing_transforms.items()},
                        self._flushing_positions,
                    )
                except Unavailable:
                    # Nothing is lost: the values go back, behind any newer ones set meanwhile.
                    self._transforms = {**self._flushing_transforms, **self._transforms}
                    self._positions = {**self._flushing_positions, **self._positions}
                    raise
                updates = [
                    ObjectUpdated(object_id=object_id, world_id=world_id, fields=("transform",))
                    for object_id, (world_id, _) in self._flushing_transforms.items()
                    if object_id in written
                ]
            finally:
                self._flushing_transforms = {}
                self._flushing_positions = {}
        for event in updates:
            await self._bus.publish(event)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        try:
            await self.flush()
        except Unavailable:
            log.warning(
                "database unreachable at shutdown: %d moved objects and %d positions not saved",
                len(self._transforms),
                len(self._positions),
            )
