"""A write the storage layer acknowledged survives `kill -9` of the process that made it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid

from sqlalchemy import select

from odyssey.config import Settings
from odyssey.db import tables as t
from odyssey.services import Services

# The writer: creates objects one after another through ObjectStore and prints each id only once
# create_object has returned (the acknowledgement). It never stops by itself.
WRITER = """
import asyncio, sys
from odyssey.config import Settings
from odyssey.core import ids
from odyssey.services import Services

async def main() -> None:
    services = Services.create(Settings(data_dir=sys.argv[1], database_url=sys.argv[2]))
    world = (await services.objects.list_worlds())[0]
    print("ready", flush=True)
    index = 0
    while True:
        node = await services.objects.create_object(world.id, ids.CUSTOM_TYPE_ID, name=f"n{index}")
        print(node.id, flush=True)
        index += 1

asyncio.run(main())
"""


async def test_acknowledged_writes_survive_kill_9(services: Services, settings: Settings) -> None:
    writer = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        WRITER,
        str(settings.data_dir),
        str(settings.database_url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert writer.stdout is not None and writer.stderr is not None
    acknowledged: list[uuid.UUID] = []
    try:
        first = (await asyncio.wait_for(writer.stdout.readline(), 60)).decode().strip()
        assert first == "ready", (await writer.stderr.read()).decode()
        while len(acknowledged) < 40:
            line = await asyncio.wait_for(writer.stdout.readline(), 60)
            assert line, (await writer.stderr.read()).decode()
            acknowledged.append(uuid.UUID(line.decode().strip()))
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        await writer.wait()
    assert writer.returncode == -signal.SIGKILL
    # Ids it printed after we stopped reading may exist too; every acknowledged one must.
    async with services.db.read() as session:
        stored = set(
            (
                await session.scalars(
                    select(t.Object.object_id).where(t.Object.object_id.in_(acknowledged))
                )
            ).all()
        )
    assert stored == set(acknowledged)
