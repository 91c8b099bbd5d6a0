"""Real-time load: N simulated clients in one world moving at 10 Hz, against `odyssey serve`.

Run: .venv/bin/python bench/realtime.py [--clients 100 500 1000] [--duration 20]
     [--tick-rate 10] [--everyone-sees-everyone] [--output PATH] [--append-docs]

For each client count it starts a fresh node (SQLite, loopback) in its own process, signs N
guests in through `POST /api/v4/auth/guest-token`, and starts the load generator in a second
process (this file with `--generator`). The generator opens N WebSockets on `/posbus`
(handshake with the guest's token, teleport into the seeded world), waits until every client
is in, warms up, then for `--duration` seconds has every client send `my_transform` at
`--move-rate` Hz (phases spread evenly) while it counts what comes back.

Measured:
* latency: from the moment a client sends a transform to the moment another client receives a
  `users_transform_list` holding it. `--probes` senders stamp a sequence number into their
  transform; `--samplers` receivers look for the probes' ids in every list they get (the
  others only count frames), so the generator stays cheap;
* frames and bytes per second, both ways; clients dropped;
* the server's CPU (cores) and RSS from /proc, and the generator's own CPU: both processes
  share the machine.

Results go to JSON (default bench/results/realtime.json) and a markdown table on stdout;
`--append-docs` appends that table to docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import random
import resource
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from node_process import NodeProcess

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent
DEFAULT_OUTPUT = ROOT / "results" / "realtime.json"
DOCS = REPO / "docs" / "performance.md"

# posbus type ids as they start each frame (little-endian), posbus.md §1.3.
USERS_TRANSFORM_LIST = bytes.fromhex("b8545928")
ADD_USERS = bytes.fromhex("ff2a1ff5")
SET_WORLD = bytes.fromhex("492edfcc")


# --- the node under test -------------------------------------------------------------------


class Node(NodeProcess):
    """The node under test, with the readings the benchmarks take of its process."""

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # utime + stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def run_delay_seconds(self) -> float:
        return run_delay_seconds(self.pid)

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


def run_delay_seconds(pid: int | str) -> float:
    """Time the process's threads spent runnable but waiting for a CPU (/proc schedstat)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total / 1e9


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


# Guests sign in by the hundred from one address and keep their tokens for the whole run.
BENCH_LIMITS = {
    "ODYSSEY_AUTH_GUESTS_PER_ADDRESS_PER_MINUTE": "1000000",
    "ODYSSEY_AUTH_GUESTS_PER_ADDRESS_PER_HOUR": "1000000",
    "ODYSSEY_AUTH_GUESTS_PER_ADDRESS_PER_DAY": "1000000",
    "ODYSSEY_AUTH_ACCESS_TOKEN_TTL": "3600",
}


def start_node(work: Path, env_extra: dict[str, str], nice: int = 0) -> Node:
    """A node on SQLite in `work/data`, its log in `work/server.log`."""
    node = Node(
        work / "data",
        env={**BENCH_LIMITS, **env_extra},
        log_path=work / "server.log",
        nice=nice,
    )
    return node.start(timeout=90)


async def sign_in_guests(url: str, count: int) -> tuple[list[dict[str, str]], str]:
    """N guest tokens, and the id of the seeded world."""
    import httpx

    guests: list[dict[str, str]] = []
    limits = httpx.Limits(max_connections=16)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as http:
        semaphore = asyncio.Semaphore(16)

        async def one() -> None:
            async with semaphore:
                response = await http.post("/api/v4/auth/guest-token")
                response.raise_for_status()
                body = response.json()
                guests.append({"id": body["id"], "token": body["token"]})

        await asyncio.gather(*(one() for _ in range(count)))
        worlds = (
            await http.get(
                "/api/v4/worlds", headers={"Authorization": f"Bearer {guests[0]['token']}"}
            )
        ).json()
    return guests, str(worlds[0]["id"])


def start_profiler(
    node: Node, folder: Path, label: int | str, seconds: float
) -> subprocess.Popen[bytes]:
    """py-spy sampling the node during the measured window (collapsed stacks, text)."""
    folder.mkdir(parents=True, exist_ok=True)
    py_spy = Path(sys.executable).with_name("py-spy")
    return subprocess.Popen(
        [
            str(py_spy),
            "record",
            "--pid",
            str(node.pid),
            "--rate",
            "200",
            "--format",
            "raw",
            "--nonblocking",
            "--duration",
            str(int(seconds)),
            "--output",
            str(folder / f"server-{label}.txt"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def summarize_profile(path: Path, top: int = 25) -> list[tuple[str, float, float]]:
    """(function, self %, total %) from py-spy's collapsed stacks, heaviest self time first."""
    own: dict[str, int] = {}
    total: dict[str, int] = {}
    samples = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        samples += count
        frames = [
            f.split(" (")[0] + " " + f.rsplit("/", 1)[-1].rstrip(")") for f in stack.split(";")
        ]
        own[frames[-1]] = own.get(frames[-1], 0) + count
        for name in set(frames):
            total[name] = total.get(name, 0) + count
    ranked = sorted(own, key=lambda name: own[name], reverse=True)[:top]
    return [(name, 100 * own[name] / samples, 100 * total[name] / samples) for name in ranked]


# --- one size --------------------------------------------------------------------------------


def run_movers(
    args: argparse.Namespace,
    node: Node,
    work: Path,
    guests: list[dict[str, str]],
    world_id: str,
    *,
    label: str,
    on_line: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """The load generator (this file with `--generator`) moving `guests` in `world_id` against
    `node`, with the timing options of `args` (duration, warmup, move_rate, probes, samplers,
    nice, timeout, profile). Returns its measurements plus the node's CPU, CPU wait and RSS over
    the measured window. `on_line` hears the generator's "MEASURE" and "DONE" lines as they come
    (the measured window lies between them)."""
    tokens = work / "guests.json"
    tokens.write_text(json.dumps(guests))
    generator = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--generator",
            "--port",
            str(node.port),
            "--guests",
            str(tokens),
            "--world",
            world_id,
            "--duration",
            str(args.duration),
            "--warmup",
            str(args.warmup),
            "--move-rate",
            str(args.move_rate),
            "--probes",
            str(args.probes),
            "--samplers",
            str(args.samplers),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    if args.nice:
        os.setpriority(os.PRIO_PROCESS, generator.pid, args.nice)
    assert generator.stdout is not None
    profiler: subprocess.Popen[bytes] | None = None
    cpu_at: dict[str, float] = {}
    waits: dict[str, float] = {}
    loads: list[float] = []
    wall_at: dict[str, float] = {}
    rss: list[float] = []
    result: dict[str, Any] = {}
    deadline = time.monotonic() + args.timeout
    for line in generator.stdout:
        if time.monotonic() > deadline:
            generator.kill()
            raise RuntimeError("the generator ran out of time")
        line = line.strip()
        if line in ("MEASURE", "DONE"):
            waits[line] = node.run_delay_seconds()
            loads.append(load_average())
            cpu_at[line] = node.cpu_seconds()
            wall_at[line] = time.monotonic()
            rss.append(node.rss_mb())
            if line == "MEASURE" and getattr(args, "profile", None):
                profiler = start_profiler(node, Path(args.profile), label, args.duration)
            if on_line is not None:
                on_line(line)
        elif line.startswith("{"):
            result = json.loads(line)
    generator.wait(timeout=30)
    if profiler is not None:
        profiler.wait(timeout=60)
    if not result or "MEASURE" not in cpu_at or "DONE" not in cpu_at:
        raise RuntimeError(f"the generator failed; node log: {node.log_tail(2000)}")
    window = wall_at["DONE"] - wall_at["MEASURE"]
    result.update(
        server_cpu_cores=round((cpu_at["DONE"] - cpu_at["MEASURE"]) / window, 3),
        server_rss_mb=round(max(rss), 1),
        # Share of the window the node was ready to run but had no CPU: > 0 means the
        # machine was busy with other work (the generator, or anything else).
        server_cpu_wait=round((waits["DONE"] - waits["MEASURE"]) / window, 3),
        load_average=max(loads),
    )
    return result


def run_size(args: argparse.Namespace, clients: int) -> dict[str, Any]:
    env = {"ODYSSEY_CONTROLLER_TICK_RATE": str(args.tick_rate)}
    if args.everyone_sees_everyone:
        env["ODYSSEY_CONTROLLER_AOI_THRESHOLD"] = str(clients + 1)
    with tempfile.TemporaryDirectory(prefix="odyssey-bench-") as tmp:
        work = Path(tmp)
        node = start_node(work, env, args.nice)
        try:
            started = time.monotonic()
            guests, world_id = asyncio.run(sign_in_guests(node.url, clients))
            sign_in_seconds = time.monotonic() - started
            result = run_movers(args, node, work, guests, world_id, label=str(clients))
            result.update(
                clients=clients,
                tick_rate=args.tick_rate,
                aoi="off (everyone sees everyone)" if args.everyone_sees_everyone else "default",
                sign_in_seconds=round(sign_in_seconds, 1),
                nice=args.nice,
            )
            return result
        finally:
            node.stop()
            if args.keep_logs:
                kept = Path(args.keep_logs) / f"server-{clients}.log"
                kept.parent.mkdir(parents=True, exist_ok=True)
                kept.write_bytes((work / "server.log").read_bytes())


# --- the load generator (a separate process) ------------------------------------------------


def _mask(payload: bytes) -> bytes:
    key = os.urandom(4)
    size = len(payload)
    masked = int.from_bytes(payload, "little") ^ int.from_bytes(
        (key * (size // 4 + 1))[:size], "little"
    )
    if size < 126:
        header = bytes((0x82, 0x80 | size))
    else:
        header = bytes((0x82, 0x80 | 126)) + struct.pack("!H", size)
    return header + key + masked.to_bytes(size, "little")


def _varints(data: bytes, start: int, count: int) -> list[int]:
    values = []
    pos = start
    for _ in range(count):
        value = shift = 0
        while True:
            byte = data[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                break
            shift += 7
        values.append(value)
    return values


def _float32_of_varint(value: int) -> float:
    # posbus floats are the IEEE bits, byte-reversed, as a varint (posbus.md §2.1).
    result: float = struct.unpack(">f", value.to_bytes(4, "little"))[0]
    return result


@dataclass
class Stats:
    frames_in: int = 0
    bytes_in: int = 0
    transform_frames: int = 0
    frames_out: int = 0
    bytes_out: int = 0
    latencies: list[float] = field(default_factory=list)
    dropped: int = 0

    def reset(self) -> None:
        self.frames_in = self.bytes_in = self.transform_frames = 0
        self.frames_out = self.bytes_out = 0
        self.latencies.clear()


class BenchClient(asyncio.Protocol):
    """A minimal WebSocket client: binary frames only, no extensions, counts what it gets."""

    def __init__(self, generator: Generator, index: int, user_id: uuid.UUID, token: str) -> None:
        self.generator = generator
        self.index = index
        self.user_id = user_id
        self.token = token
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.upgraded = False
        self.joined = asyncio.get_running_loop().create_future()
        self.sampler = False
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but behave as one.
        self.transport = transport  # type: ignore[assignment]
        assert self.transport is not None
        sock = transport.get_extra_info("socket")
        if sock is not None:  # as browsers do: no Nagle delay on small frames
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        self.transport.write(
            (
                "GET /posbus HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.generator.running:
            self.generator.stats.dropped += 1
        if not self.joined.done():
            self.joined.set_exception(ConnectionError("closed before joining"))

    def send(self, payload: bytes) -> None:
        if self.transport is not None and not self.closed:
            self.transport.write(_mask(payload))
            self.generator.stats.frames_out += 1
            self.generator.stats.bytes_out += len(payload)

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer + data if self.buffer else data
        if not self.upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                self.buffer = buffer
                return
            if not buffer.startswith(b"HTTP/1.1 101"):
                raise RuntimeError(buffer[:200].decode(errors="replace"))
            self.upgraded = True
            buffer = buffer[end + 4 :]
            self.generator.on_upgraded(self)
        pos = 0
        size = len(buffer)
        stats = self.generator.stats
        while size - pos >= 2:
            opcode = buffer[pos] & 0x0F
            length = buffer[pos + 1] & 0x7F
            head = 2
            if length == 126:
                if size - pos < 4:
                    break
                length = int.from_bytes(buffer[pos + 2 : pos + 4], "big")
                head = 4
            elif length == 127:
                if size - pos < 10:
                    break
                length = int.from_bytes(buffer[pos + 2 : pos + 10], "big")
                head = 10
            if size - pos < head + length:
                break
            start = pos + head
            pos = start + length
            if opcode == 0x2:
                stats.frames_in += 1
                stats.bytes_in += length
                kind = buffer[start : start + 4]
                if kind == USERS_TRANSFORM_LIST:
                    stats.transform_frames += 1
                    if self.sampler:
                        self.generator.sample(buffer[start:pos])
                elif (
                    kind == ADD_USERS
                    and not self.joined.done()
                    and buffer.find(self.user_id.bytes, start, pos) >= 0
                ):
                    self.joined.set_result(None)
            elif opcode == 0x9 and self.transport is not None:  # ping → pong
                payload = buffer[start:pos]
                key = os.urandom(4)
                masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
                self.transport.write(bytes((0x8A, 0x80 | len(payload))) + key + masked)
            elif opcode == 0x8:
                self.closed = True
        self.buffer = buffer[pos:] if pos < size else b""


class Generator:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.stats = Stats()
        self.running = False
        self.clients: list[BenchClient] = []
        self.probe_ids: list[bytes] = []
        self.probe_index: dict[bytes, int] = {}
        # sent[probe][seq % 256] = time the probe sent that sequence number
        self.sent: list[list[float]] = []
        self.handshakes: dict[int, bytes] = {}

    def on_upgraded(self, client: BenchClient) -> None:
        from odyssey.posbus import HandShake, TeleportRequest, encode

        client.send(encode(HandShake(1, 1, client.token, client.user_id, uuid.uuid4())))
        client.send(encode(TeleportRequest(self.world_id)))

    def sample(self, frame: bytes) -> None:
        now = time.perf_counter()
        latencies = self.stats.latencies
        for probe, user_bytes in enumerate(self.probe_ids):
            at = frame.find(user_bytes, 5)
            if at < 0:
                continue
            values = _varints(frame, at + 16, 6)
            seq = int(_float32_of_varint(values[5]))
            sent = self.sent[probe][seq % 256]
            if sent > 0:
                latencies.append(now - sent)

    async def run(self) -> dict[str, Any]:
        from odyssey.posbus import MyTransform, Vec3, encode

        args = self.args
        guests = json.loads(await asyncio.to_thread(Path(args.guests).read_text))
        self.world_id = uuid.UUID(args.world)
        loop = asyncio.get_running_loop()
        rng = random.Random(7)
        started = time.monotonic()
        semaphore = asyncio.Semaphore(64)

        async def open_one(index: int, guest: dict[str, str]) -> BenchClient:
            async with semaphore:
                _, client = await loop.create_connection(
                    lambda: BenchClient(self, index, uuid.UUID(guest["id"]), guest["token"]),
                    "127.0.0.1",
                    args.port,
                )
                await asyncio.wait_for(client.joined, 120)
                return client

        self.clients = list(await asyncio.gather(*(open_one(i, g) for i, g in enumerate(guests))))
        join_seconds = time.monotonic() - started
        probes = rng.sample(self.clients, min(args.probes, len(self.clients)))
        self.probe_ids = [c.user_id.bytes for c in probes]
        probe_of = {c.index: p for p, c in enumerate(probes)}
        self.sent = [[0.0] * 256 for _ in probes]
        others = [c for c in self.clients if c.index not in probe_of]
        for client in rng.sample(
            others or self.clients, min(args.samplers, len(others or self.clients))
        ):
            client.sampler = True

        positions = [
            [rng.uniform(-100, 100), rng.uniform(0, 20), rng.uniform(-100, 100)]
            for _ in self.clients
        ]
        seqs = [0] * len(self.clients)
        slots = 10
        period = 1.0 / args.move_rate

        async def move() -> None:
            next_at = loop.time()
            slot = 0
            while True:
                for client in self.clients[slot::slots]:
                    i = client.index
                    p = positions[i]
                    p[0] += rng.uniform(-0.5, 0.5)
                    p[2] += rng.uniform(-0.5, 0.5)
                    seqs[i] += 1
                    seq = seqs[i] % 65536
                    frame = encode(MyTransform(Vec3(p[0], p[1], p[2]), Vec3(0.0, 1.0, float(seq))))
                    probe = probe_of.get(i)
                    if probe is not None:
                        self.sent[probe][seq % 256] = time.perf_counter()
                    client.send(frame)
                slot = (slot + 1) % slots
                next_at += period / slots
                await asyncio.sleep(max(0.0, next_at - loop.time()))

        self.running = True
        mover = asyncio.create_task(move())
        await asyncio.sleep(args.warmup)
        self.stats.reset()
        self.stats.dropped = 0
        print("MEASURE", flush=True)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu_start = usage.ru_utime + usage.ru_stime
        wait_start = run_delay_seconds("self")
        wall_start = time.monotonic()
        await asyncio.sleep(args.duration)
        print("DONE", flush=True)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        window = time.monotonic() - wall_start
        cpu = usage.ru_utime + usage.ru_stime - cpu_start
        generator_wait = run_delay_seconds("self") - wait_start
        self.running = False
        mover.cancel()
        stats = self.stats
        latencies = sorted(1000 * x for x in stats.latencies)
        for client in self.clients:
            if client.transport is not None:
                client.transport.close()
        await asyncio.sleep(0.2)

        def percentile(q: float) -> float | None:
            if not latencies:
                return None
            return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1)

        return {
            "join_seconds": round(join_seconds, 1),
            "window_seconds": round(window, 1),
            "latency_ms": {
                "p50": percentile(0.50),
                "p95": percentile(0.95),
                "p99": percentile(0.99),
                "max": round(latencies[-1], 1) if latencies else None,
                "mean": round(statistics.fmean(latencies), 1) if latencies else None,
                "samples": len(latencies),
            },
            "frames_per_second_to_clients": round(stats.frames_in / window),
            "megabytes_per_second_to_clients": round(stats.bytes_in / window / 1e6, 2),
            "transform_frames_per_second": round(stats.transform_frames / window),
            "frames_per_second_from_clients": round(stats.frames_out / window),
            "kilobytes_per_second_from_clients": round(stats.bytes_out / window / 1e3, 1),
            "clients_dropped": stats.dropped,
            "generator_cpu_cores": round(cpu / window, 3),
            "generator_cpu_wait": round(generator_wait / window, 3),
            "probes": len(probes),
            "samplers": sum(1 for c in self.clients if c.sampler),
        }


def generator_main(args: argparse.Namespace) -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover
        pass
    result = asyncio.run(Generator(args).run())
    print(json.dumps(result), flush=True)


# --- the controller alone (no sockets) ------------------------------------------------------


class _NullTransport:
    async def send(self, frame: bytes) -> None:
        return None

    async def close(self, code: int, reason: str) -> None:
        return None

    def abort(self) -> None:
        return None


async def hot_path(
    clients: int, seconds: int, aoi_threshold: int, *, inbound_rate: bool = True
) -> dict[str, Any]:
    """CPU of the controller's own work for `seconds` simulated seconds: `clients` users each
    moving at 10 Hz in one world at 10 ticks a second, frames checked against the connection's
    inbound rate and decoded as from the socket, and queued to connections whose transport
    returns at once (no WebSocket layer). `inbound_rate=False` skips the rate check (to
    measure what it costs)."""
    from odyssey.config import Settings
    from odyssey.controller.connection import Connection
    from odyssey.controller.inbound import MessageRate
    from odyssey.controller.world import (
        UserProfile,
        WorldInfo,
        WorldLimits,
        WorldSession,
        WorldUser,
        is_finite_transform,
    )
    from odyssey.core.ids import NIL_ID
    from odyssey.posbus import MyTransform, Vec3, decode, encode

    world = WorldSession(
        WorldInfo(uuid.uuid4(), "bench", NIL_ID),
        WorldLimits(tick_rate=0.001, aoi_threshold=aoi_threshold),
        {},
        {},
    )
    rng = random.Random(3)
    users = []
    for i in range(clients):
        connection = Connection(
            uuid.uuid4(),
            uuid.uuid4(),
            _NullTransport(),
            max_queue_bytes=1 << 20,
            close_timeout=1.0,
            on_closed=lambda _: None,
        )
        connection.start()
        user = WorldUser(
            connection, UserProfile(f"Visitor_{i}"), MyTransform(Vec3(0, 0, 0), Vec3(0, 0, 0))
        )
        world.join(user)
        users.append(user)
    world.announce_arrivals_and_departures()
    await asyncio.sleep(0.01)
    places = [[rng.uniform(-100, 100), rng.uniform(0, 20), rng.uniform(-100, 100)] for _ in users]
    # The clients' frames are made beforehand: only the server's side is timed.
    ticks = []
    for tick in range(10 * seconds):
        frames = []
        for place in places:
            place[0] += rng.uniform(-0.5, 0.5)
            place[2] += rng.uniform(-0.5, 0.5)
            frames.append(encode(MyTransform(Vec3(*place), Vec3(0.0, 1.0, float(tick)))))
        ticks.append(frames)
    settings = Settings()
    rates = [MessageRate.from_settings(settings) for _ in users]
    started = time.process_time()
    for frames in ticks:
        for user, rate, frame in zip(users, rates, frames, strict=True):
            if inbound_rate and not rate.allow():
                raise AssertionError("a client at 10 Hz went over the inbound rate")
            message = decode(frame)
            if isinstance(message, MyTransform) and is_finite_transform(message):
                world.user_moved(user, frame, message)
        world.broadcast_transforms()
        for _ in range(3):
            await asyncio.sleep(0)  # let the writers run
    cpu = time.process_time() - started
    await world.stop()
    return {
        "clients": clients,
        "aoi": "off (everyone sees everyone)" if aoi_threshold >= clients else "default",
        "inbound_rate": inbound_rate,
        "controller_cpu_cores": round(cpu / seconds, 3),
    }


# --- reporting -------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| clients | AOI | p50 ms | p95 ms | p99 ms | max ms | samples | frames/s to clients "
        "| MB/s to clients | frames/s from clients | server CPU (cores) | server CPU wait "
        "| server RSS MB | generator CPU (cores) | generator CPU wait | load avg | dropped |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lat = row["latency_ms"]
        lines.append(
            f"| {row['clients']} | {row['aoi']} | {lat['p50']} | {lat['p95']} | {lat['p99']} "
            f"| {lat['max']} | {lat['samples']} | {row['frames_per_second_to_clients']} "
            f"| {row['megabytes_per_second_to_clients']} "
            f"| {row['frames_per_second_from_clients']} | {row['server_cpu_cores']} "
            f"| {row['server_cpu_wait']} | {row['server_rss_mb']} "
            f"| {row['generator_cpu_cores']} | {row['generator_cpu_wait']} "
            f"| {row['load_average']} | {row['clients_dropped']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 500, 1000])
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--tick-rate", type=float, default=10.0)
    parser.add_argument("--move-rate", type=float, default=10.0, help="moves per client per s")
    parser.add_argument("--probes", type=int, default=20)
    parser.add_argument("--samplers", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per size, at most")
    parser.add_argument(
        "--everyone-sees-everyone",
        action="store_true",
        help="raise the AOI threshold above the client count (the Colyseus workload)",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--keep-logs", help="directory to keep each run's server log in")
    parser.add_argument("--profile", help="directory for py-spy profiles of the server")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="measure the controller's own CPU without sockets (see hot_path) and exit",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="run the node and the generator at this nice value (negative needs root): on a "
        "machine shared with other work, so that they get the CPUs they need",
    )
    parser.add_argument(
        "--no-inbound-rate",
        action="store_true",
        help="with --in-process: skip the per-connection inbound rate check",
    )
    parser.add_argument("--append-docs", action="store_true")
    # generator mode (internal)
    parser.add_argument("--generator", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--guests", help=argparse.SUPPRESS)
    parser.add_argument("--world", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generator:
        generator_main(args)
        return
    if args.in_process:
        rows = [
            asyncio.run(
                hot_path(
                    clients,
                    5,
                    clients if args.everyone_sees_everyone else 100,
                    inbound_rate=not args.no_inbound_rate,
                )
            )
            for clients in args.clients
        ]
        for row in rows:
            print(json.dumps(row))
        return
    rows = []
    for clients in args.clients:
        print(f"--- {clients} clients", file=sys.stderr, flush=True)
        row = run_size(args, clients)
        print(json.dumps(row), file=sys.stderr, flush=True)
        rows.append(row)
    command = "bench/realtime.py " + " ".join(sys.argv[1:])
    host = machine()
    report = {"command": command, "machine": host, "runs": rows}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    existing: list[Any] = []
    if args.output.exists():
        try:
            loaded = json.loads(args.output.read_text())
            existing = loaded if isinstance(loaded, list) else [loaded]
        except json.JSONDecodeError:
            existing = []
    args.output.write_text(json.dumps([*existing, report], indent=2) + "\n")
    text = table(rows)
    print(text)
    if args.append_docs:
        m = host
        with DOCS.open("a") as docs:
            docs.write(
                f"\n`.venv/bin/python {command}` — {m['nproc']} cores ({m['cpu']}), "
                f"Python {m['python']}, tick {args.tick_rate:g} Hz, moves "
                f"{args.move_rate:g} Hz per client, {args.duration:g} s measured:\n\n{text}\n"
            )


if __name__ == "__main__":
    main()
