"""Spawn cost against the world's size, and what eight spawners do to everyone else's requests.

Run: .venv/bin/python bench/spawn.py [--sizes 10 1000 5000] [--spawns 200] [--spawners 8]
     [--duration 20] [--default-limits] [--output PATH] [--append-docs]

Before the node starts, one world per size is made in its (SQLite) database with that many
objects in it, written in bulk. Then `odyssey serve` runs in its own process and:

* spawn latency: one guest makes `--spawns` sequential `POST /objects/{world}/spawn-by-user`
  calls into each world (after 10 not counted), p50/p95/p99 in ms;
* `/health` latency: a prober asks `/health` every 20 ms, first for 5 s on an idle node, then
  for `--duration` seconds while `--spawners` guests each spawn into the largest world as fast
  as the node answers; the table shows both and the spawns per second achieved.

The object limits are raised for the run (every spawn is a real write: the worst case for the
write path) unless `--default-limits`, which keeps the node's defaults so that the spawners are
soon refused (429). Results go to JSON (default bench/results/spawn.json) and a markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from realtime import DOCS, machine, sign_in_guests, start_node

ROOT = Path(__file__).resolve().parent
DEFAULT_OUTPUT = ROOT / "results" / "spawn.json"
RAISED_LIMITS = {
    "ODYSSEY_OBJECTS_MAX_PER_WORLD": "1000000",
    "ODYSSEY_OBJECTS_MAX_PER_GUEST_PER_WORLD": "1000000",
    "ODYSSEY_OBJECTS_PER_GUEST_PER_MINUTE": "1000000",
}


async def make_worlds(data_dir: Path, sizes: list[int]) -> dict[int, str]:
    """A world per size with that many custom objects, in the node's database (in bulk)."""
    from sqlalchemy import insert

    from odyssey.config import Settings
    from odyssey.core import ids
    from odyssey.core.ids import new_id
    from odyssey.db import tables as t
    from odyssey.services import Services

    services = Services.create(Settings(data_dir=data_dir))
    worlds: dict[int, str] = {}
    try:
        await services.migrate()
        await services.seed()
        for size in sizes:
            world = (await services.worlds.create(f"World of {size}", ids.DEITY_USER_ID)).id
            objects = [new_id() for _ in range(size)]
            async with services.db.write() as session:
                for start in range(0, size, 1000):
                    chunk = list(enumerate(objects))[start : start + 1000]
                    await session.execute(
                        insert(t.Object),
                        [
                            {
                                "object_id": object_id,
                                "object_type_id": ids.CUSTOM_TYPE_ID,
                                "owner_id": ids.DEITY_USER_ID,
                                "parent_id": world,
                                "world_id": world,
                                "transform": {"position": {"x": i % 100, "y": 0, "z": i // 100}},
                            }
                            for i, object_id in chunk
                        ],
                    )
                    await session.execute(
                        insert(t.ObjectAttribute),
                        [
                            {
                                "plugin_id": ids.CORE_PLUGIN_ID,
                                "attribute_name": "name",
                                "object_id": object_id,
                                "value": {"name": f"Thing {i}"},
                            }
                            for i, object_id in chunk
                        ],
                    )
            worlds[size] = str(world)
    finally:
        await services.close()
    return worlds


def spawn_body() -> dict[str, Any]:
    from odyssey.core import ids

    return {"object_name": "Spawned", "object_type_id": str(ids.CUSTOM_TYPE_ID)}


def percentiles(values: list[float]) -> dict[str, float | int | None]:
    ordered = sorted(values)
    if not ordered:
        return {"p50": None, "p95": None, "p99": None, "mean": None, "samples": 0}

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {
        "p50": at(0.5),
        "p95": at(0.95),
        "p99": at(0.99),
        "mean": round(statistics.fmean(ordered), 1),
        "samples": len(ordered),
    }


async def spawn_latency(
    http: httpx.AsyncClient, token: str, world: str, spawns: int
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    body = spawn_body()
    times: list[float] = []
    statuses: Counter[int] = Counter()
    for index in range(spawns + 10):
        started = time.perf_counter()
        response = await http.post(
            f"/api/v4/objects/{world}/spawn-by-user", headers=headers, json=body
        )
        elapsed = 1000 * (time.perf_counter() - started)
        statuses[response.status_code] += 1
        if index >= 10:
            times.append(elapsed)
    return {"latency_ms": percentiles(times), "statuses": dict(statuses)}


async def probe_health(http: httpx.AsyncClient, seconds: float) -> list[float]:
    times: list[float] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    next_at = loop.time()
    while loop.time() < deadline:
        started = time.perf_counter()
        await http.get("/health")
        times.append(1000 * (time.perf_counter() - started))
        next_at += 0.02
        await asyncio.sleep(max(0.0, next_at - loop.time()))
    return times


async def spammer(
    url: str, token: str, world: str, stop: asyncio.Event, statuses: Counter[int]
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    body = spawn_body()
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        while not stop.is_set():
            response = await http.post(
                f"/api/v4/objects/{world}/spawn-by-user", headers=headers, json=body
            )
            statuses[response.status_code] += 1


async def measure(args: argparse.Namespace, url: str, worlds: dict[int, str]) -> dict[str, Any]:
    guests, _ = await sign_in_guests(url, args.spawners + 1)
    result: dict[str, Any] = {"spawn": {}}
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        for size, world in worlds.items():
            print(f"spawn latency, {size} objects", file=sys.stderr, flush=True)
            result["spawn"][str(size)] = await spawn_latency(
                http, guests[0]["token"], world, args.spawns
            )
        print("/health, idle", file=sys.stderr, flush=True)
        result["health_idle_ms"] = percentiles(await probe_health(http, 5.0))
        print(f"/health, {args.spawners} spawners", file=sys.stderr, flush=True)
        stop = asyncio.Event()
        statuses: Counter[int] = Counter()
        largest = worlds[max(worlds)]
        tasks = [
            asyncio.create_task(spammer(url, guest["token"], largest, stop, statuses))
            for guest in guests[1:]
        ]
        await asyncio.sleep(1.0)
        statuses.clear()
        started = time.monotonic()
        busy = await probe_health(http, args.duration)
        window = time.monotonic() - started
        answered = dict(statuses)
        stop.set()
        await asyncio.gather(*tasks)
    result["health_busy_ms"] = percentiles(busy)
    result["spawners"] = args.spawners
    result["spawner_answers"] = answered
    result["spawns_per_second"] = round(answered.get(201, 0) / window, 1)
    result["requests_per_second"] = round(sum(answered.values()) / window, 1)
    return result


def table(result: dict[str, Any]) -> str:
    lines = [
        "| objects in the world | spawn p50 ms | p95 ms | p99 ms | mean ms | spawns |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size, row in result["spawn"].items():
        lat = row["latency_ms"]
        lines.append(
            f"| {int(size):,} | {lat['p50']} | {lat['p95']} | {lat['p99']} | {lat['mean']} "
            f"| {lat['samples']} |"
        )
    idle, busy = result["health_idle_ms"], result["health_busy_ms"]
    answers = ", ".join(f"{k}: {v}" for k, v in sorted(result["spawner_answers"].items()))
    lines += [
        "",
        "| `/health` | p50 ms | p95 ms | p99 ms | samples | spawner answers | spawns/s |",
        "|---|---:|---:|---:|---:|---|---:|",
        f"| idle | {idle['p50']} | {idle['p95']} | {idle['p99']} | {idle['samples']} | | |",
        f"| {result['spawners']} spawners | {busy['p50']} | {busy['p95']} | {busy['p99']} "
        f"| {busy['samples']} | {answers} | {result['spawns_per_second']} |",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000, 5000])
    parser.add_argument("--spawns", type=int, default=200, help="measured spawns per size")
    parser.add_argument("--spawners", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds with spawners")
    parser.add_argument(
        "--default-limits",
        action="store_true",
        help="keep the node's object limits (the spawners are soon refused)",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--append-docs", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="odyssey-spawn-") as tmp:
        work = Path(tmp)
        worlds = asyncio.run(make_worlds(work / "data", sorted(args.sizes)))
        env = {} if args.default_limits else dict(RAISED_LIMITS)
        node = start_node(work, env)
        try:
            result = asyncio.run(measure(args, node.url, worlds))
        finally:
            node.stop()
    command = "bench/spawn.py " + " ".join(sys.argv[1:])
    host = machine()
    result["limits"] = "node defaults" if args.default_limits else "raised for the run"
    report = {"command": command, "machine": host, "id": str(uuid.uuid4()), **result}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    existing: list[Any] = []
    if args.output.exists():
        try:
            loaded = json.loads(args.output.read_text())
            existing = loaded if isinstance(loaded, list) else [loaded]
        except json.JSONDecodeError:
            existing = []
    args.output.write_text(json.dumps([*existing, report], indent=2) + "\n")
    text = table(result)
    print(text)
    if args.append_docs:
        with DOCS.open("a") as docs:
            docs.write(
                f"\n`.venv/bin/python {command}` — {host['nproc']} cores ({host['cpu']}), "
                f"Python {host['python']}, object limits {result['limits']}:\n\n{text}\n"
            )


if __name__ == "__main__":
    main()
