"""Request rate and latency of the hot /api/v4 read routes on a 10,000-object world.

Run: .venv/bin/python bench/api.py [--database-url postgresql://postgres@127.0.0.1:5432/bench]
                                    [--objects 10000] [--seconds 10] [--connections 32]

It creates the database (dropped first if it exists; PostgreSQL by default), migrates and seeds
it, adds a world of --objects objects (100 groups of children, bulk-inserted), a signed-in user
and an access token, then starts `odyssey serve` (one process, one event loop) pinned to CPU 0
and drives it from this process pinned to CPU 1 with keep-alive HTTP/1.1 connections. For each
route it warms up for 2 s, then counts the answers for --seconds seconds and records every
request's latency. Prints a markdown table and writes JSON (default bench/results/api.json).
Every answer must be a 200, or the run fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from node_process import NodeProcess, free_port
from odyssey.config import Settings
from odyssey.core import ids
from odyssey.core.ids import new_id
from odyssey.db import tables as t
from odyssey.services import Services

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/odyssey_bench"
GROUP_SIZE = 100


async def _recreate_postgres(url: str) -> None:
    import asyncpg

    base, _, name = url.rpartition("/")
    connection = await asyncpg.connect(f"{base}/postgres")
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def prepare(settings: Settings, objects: int) -> dict[str, Any]:
    """A node with a world of `objects` objects, a user and a token for it."""
    from odyssey.auth.tokens import FIRST_PARTY_SCOPE, Grant

    services = Services.create(settings)
    try:
        await services.migrate()
        await services.seed()
        owner = await services.users.create_user(name="Bench owner")
        world = await services.worlds.create("Bench world", owner.user_id)
        rows: list[dict[str, Any]] = []
        names: list[dict[str, Any]] = []
        groups = max(1, objects // GROUP_SIZE)
        leaf = None
        for group in range(groups):
            group_id = new_id()
            rows.append(_row(group_id, world.id, ids.ANCHOR_TYPE_ID, owner.user_id, group, 0))
            names.append(_name(group_id, f"Group {group}"))
            for index in range(GROUP_SIZE - 1):
                leaf = new_id()
                rows.append(_row(leaf, group_id, ids.CUSTOM_TYPE_ID, owner.user_id, group, index))
                names.append(_name(leaf, f"Thing {group}.{index}"))
        async with services.db.write() as session:
            for start in range(0, len(rows), 1000):
                await session.execute(insert(t.Object), rows[start : start + 1000])
                await session.execute(insert(t.ObjectAttribute), names[start : start + 1000])
        reader = await services.users.create_user(name="Bench reader")
        grant = Grant(
            user_id=reader.user_id,
            is_guest=False,
            family_id=new_id(),
            client_id=None,
            scope=FIRST_PARTY_SCOPE,
            auth_method="bench",
            auth_time=t.utcnow(),
        )
        await services.auth.keys.ready()
        async with services.db.write() as session:
            token = (await services.auth.tokens.issue_first_party(session, grant)).access_token
        return {"world": world.id, "leaf": leaf, "objects": len(rows) + 1, "token": token}
    finally:
        await services.close()


def _row(
    object_id: uuid.UUID, parent: uuid.UUID, type_id: uuid.UUID, owner: uuid.UUID, x: int, z: int
) -> dict[str, Any]:
    return {
        "object_id": object_id,
        "object_type_id": type_id,
        "owner_id": owner,
        "parent_id": parent,
        "transform": {
            "position": {"x": float(x), "y": 1.0, "z": float(z)},
            "rotation": {"x": 0.0, "y": 0.0, "z": 0.0},
            "scale": {"x": 1.0, "y": 1.0, "z": 1.0},
        },
    }


def _name(object_id: uuid.UUID, name: str) -> dict[str, Any]:
    return {
        "plugin_id": ids.CORE_PLUGIN_ID,
        "attribute_name": "name",
        "object_id": object_id,
        "value": {"name": name},
    }


# --- load generator -----------------------------------------------------------------------------


async def _one_connection(
    port: int,
    request: bytes,
    stop_at: float,
    record: bool,
    latencies: list[float],
    errors: list[str],
) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    done = 0
    try:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            if record:
                latencies.append(time.perf_counter() - started)
                done += 1
                if status != 200:
                    errors.append(f"status {status}")
    finally:
        writer.close()
    return done


async def drive(
    port: int, path: str, token: str, seconds: float, connections: int
) -> dict[str, Any]:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: application/json\r\n\r\n"
    ).encode()
    latencies: list[float] = []
    errors: list[str] = []
    warm_until = time.perf_counter() + 2.0
    await asyncio.gather(
        *(_one_connection(port, request, warm_until, False, [], errors) for _ in range(connections))
    )
    started = time.perf_counter()
    counts = await asyncio.gather(
        *(
            _one_connection(port, request, started + seconds, True, latencies, errors)
            for _ in range(connections)
        )
    )
    elapsed = time.perf_counter() - started
    latencies.sort()
    total = sum(counts)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "path": path,
        "requests": total,
        "seconds": round(elapsed, 2),
        "rate": round(total / elapsed, 1),
        "p50_ms": round(pct(0.50), 2),
        "p99_ms": round(pct(0.99), 2),
        "errors": len(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("ODYSSEY_BENCH_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--output", type=Path, default=Path(__file__).parent / "results" / "api.json"
    )
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="odyssey-bench-"))
    url = args.database_url
    if url.startswith("postgres"):
        asyncio.run(_recreate_postgres(url))
    port = free_port()
    public_url = f"http://127.0.0.1:{port}"
    settings = Settings(data_dir=data_dir, database_url=url, port=port, public_url=public_url)
    setup = asyncio.run(prepare(settings, args.objects))

    server = NodeProcess(data_dir, database_url=url, port=port, cpu=0).start()
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1})
    try:
        # The whole-world tree is a ~2 MB answer: a few connections measure it, more only queue.
        routes = [
            ("GET /api/v4/objects/{id}", f"/api/v4/objects/{setup['leaf']}", args.connections),
            ("GET /api/v4/worlds", "/api/v4/worlds", args.connections),
            ("GET /api/v4/objects/{id}/tree", f"/api/v4/objects/{setup['world']}/tree", 2),
        ]
        results = []
        for label, path, connections in routes:
            result = asyncio.run(drive(port, path, setup["token"], args.seconds, connections))
            result["route"] = label
            result["connections"] = connections
            results.append(result)
            if result["errors"]:
                raise SystemExit(f"{label}: {result['errors']} answers were not 200")
    finally:
        server.stop(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)

    machine = {
        "cpus": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "engine": "postgresql" if url.startswith("postgres") else "sqlite",
        "objects": setup["objects"],
        "connections": args.connections,
        "server_cpus": 1,
    }
    print(f"\nmachine: {json.dumps(machine)}\n")
    print("| route | connections | requests/s (1 core) | p50 ms | p99 ms | requests |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        row = [
            f"`{r['route']}`",
            r["connections"],
            f"{r['rate']:,.0f}",
            r["p50_ms"],
            r["p99_ms"],
            f"{r['requests']:,}",
        ]
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"machine": machine, "results": results}, indent=2))


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


if __name__ == "__main__":
    main()
