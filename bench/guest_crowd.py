"""An event behind one NAT address joins as guests, then one address floods guest sign-ins.

Run: .venv/bin/python bench/guest_crowd.py [--database-url postgresql://postgres@127.0.0.1:5432/b]
                                           [--guests 200] [--connections 20] [--flood-seconds 20]

Starts `odyssey serve` with the default sign-in limits on a fresh database (SQLite in a temporary
directory unless --database-url names a PostgreSQL database, which is recreated). The client
addresses are set with X-Forwarded-For, which the node trusts from 127.0.0.1 (as from a proxy on
the same machine):

1. crowd: --guests guest sign-ins from one address, --connections at a time;
2. flood: another address sends guest sign-ins as fast as --connections connections allow for
   --flood-seconds, while a third address signs a guest in once a second.

Prints a markdown table and writes JSON (default bench/results/guest_crowd.json).
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
from pathlib import Path
from typing import Any

import httpx

from node_process import NodeProcess

CROWD_ADDRESS = "203.0.113.50"
FLOOD_ADDRESS = "198.51.100.66"
VISITOR_ADDRESS = "192.0.2.77"


async def _recreate_postgres(url: str) -> None:
    import asyncpg

    base, _, name = url.rpartition("/")
    connection = await asyncpg.connect(f"{base}/postgres".replace("+asyncpg", ""))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


def _ms(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


async def guest(http: httpx.AsyncClient, address: str) -> tuple[int, float, str | None]:
    started = time.perf_counter()
    response = await http.post(
        "/api/v4/auth/guest-token", headers={"X-Forwarded-For": address}, timeout=60
    )
    return response.status_code, time.perf_counter() - started, response.headers.get("retry-after")


async def crowd(url: str, guests: int, connections: int) -> dict[str, Any]:
    async with httpx.AsyncClient(
        base_url=url, limits=httpx.Limits(max_connections=connections)
    ) as http:
        started = time.perf_counter()
        results = await asyncio.gather(*(guest(http, CROWD_ADDRESS) for _ in range(guests)))
        elapsed = time.perf_counter() - started
    latencies = [seconds for _status, seconds, _retry in results]
    return {
        "phase": "crowd",
        "requests": guests,
        "admitted": sum(1 for status, _s, _r in results if status == 200),
        "refused": sum(1 for status, _s, _r in results if status == 429),
        "seconds": round(elapsed, 2),
        "p50_ms": _ms(latencies, 0.5),
        "p99_ms": _ms(latencies, 0.99),
    }


async def flood(url: str, seconds: float, connections: int) -> dict[str, Any]:
    statuses: list[int] = []
    retry_afters: list[int] = []
    visitor: list[tuple[int, float]] = []
    deadline = time.perf_counter() + seconds
    async with httpx.AsyncClient(
        base_url=url, limits=httpx.Limits(max_connections=connections + 1)
    ) as http:

        async def flooder() -> None:
            while time.perf_counter() < deadline:
                status, _seconds, retry = await guest(http, FLOOD_ADDRESS)
                statuses.append(status)
                if retry is not None:
                    retry_afters.append(int(retry))

        async def someone_else() -> None:
            while time.perf_counter() < deadline:
                status, latency, _retry = await guest(http, VISITOR_ADDRESS)
                visitor.append((status, latency))
                await asyncio.sleep(1)

        await asyncio.gather(*(flooder() for _ in range(connections)), someone_else())
    return {
        "phase": "flood",
        "requests": len(statuses),
        "admitted": statuses.count(200),
        "refused": statuses.count(429),
        "other": len(statuses) - statuses.count(200) - statuses.count(429),
        "seconds": seconds,
        "retry_after_min": min(retry_afters, default=None),
        "retry_after_max": max(retry_afters, default=None),
        "visitor_admitted": sum(1 for status, _l in visitor if status == 200),
        "visitor_requests": len(visitor),
        "visitor_p50_ms": _ms([latency for _s, latency in visitor], 0.5),
        "visitor_max_ms": round(max((latency for _s, latency in visitor), default=0) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("ODYSSEY_BENCH_DATABASE_URL"))
    parser.add_argument("--guests", type=int, default=200)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--flood-seconds", type=float, default=20.0)
    parser.add_argument(
        "--output", type=Path, default=Path(__file__).parent / "results" / "guest_crowd.json"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="odyssey-bench-"))
    database_url = args.database_url or f"sqlite:///{work}/bench.db"
    if database_url.startswith("postgres"):
        asyncio.run(_recreate_postgres(database_url))
    node = NodeProcess(work / "data", database_url=database_url).start()
    url = node.url
    try:
        results = [
            asyncio.run(crowd(url, args.guests, args.connections)),
            asyncio.run(flood(url, args.flood_seconds, args.connections)),
        ]
    finally:
        node.stop(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    machine = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "engine": "postgresql" if database_url.startswith("postgres") else "sqlite",
        "connections": args.connections,
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }
    crowd_result, flood_result = results
    print(f"\nmachine: {json.dumps(machine)}\n")
    print("| phase | requests | admitted | refused (429) | seconds | notes |")
    print("|---|---:|---:|---:|---:|---|")
    print(
        f"| crowd, one address | {crowd_result['requests']} | {crowd_result['admitted']} | "
        f"{crowd_result['refused']} | {crowd_result['seconds']} | "
        f"p50 {crowd_result['p50_ms']} ms, p99 {crowd_result['p99_ms']} ms |"
    )
    print(
        f"| flood, one address | {flood_result['requests']} | {flood_result['admitted']} | "
        f"{flood_result['refused']} | {flood_result['seconds']} | Retry-After "
        f"{flood_result['retry_after_min']}-{flood_result['retry_after_max']} s; another "
        f"address: {flood_result['visitor_admitted']}/{flood_result['visitor_requests']} "
        f"admitted, p50 {flood_result['visitor_p50_ms']} ms, max "
        f"{flood_result['visitor_max_ms']} ms |"
    )
    if crowd_result["admitted"] != crowd_result["requests"]:
        print("\nnot every guest of the crowd got in")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"machine": machine, "results": results}, indent=2))


if __name__ == "__main__":
    main()
