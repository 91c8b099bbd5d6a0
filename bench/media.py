"""Media serving throughput against nginx on the same files, and image variant generation time.

Run: .venv/bin/python bench/media.py [--seconds 5] [--connections 16] [--repeat 3] [--output PATH]
Needs Debian's nginx and wrk:  apt-get install -y nginx-light wrk

It starts `odyssey serve` (one process, filesystem store, SQLite, in a temporary data dir)
pinned to CPU 0, uploads a ~100 KB PNG texture and a 20 MB WebM video (real VP8 frames) through
the API, then starts nginx (one worker, `sendfile on`, access log off, also pinned to CPU 0) with
its root on the node's media directory, so both serve the very same files. wrk (pinned to CPU 1)
drives each case for --seconds seconds over --connections keep-alive connections, --repeat
times, alternating the two servers, and keeps the median run:

- texture: `GET /texture/s4/<hash>` (the 100 KB original, smaller than s4) vs the file in nginx;
- video 1 MiB range: `Range: bytes=10485760-11534335` (a seek into the middle) → 206;
- video whole, as a range: `Range: bytes=0-` → 206 with all 20 MB.

Every answer is checked once beforehand (status, length, bytes equal). Then the variant
generation: the median wall time of `images.make_variants` for the upload-time sizes s2-s6 and
for single lazy sizes, on a 4000x3000 JPEG photo-like image and a 2048x2048 PNG. Prints markdown
tables and writes JSON (default bench/results/media.json).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import av
import httpx
import numpy as np
from PIL import Image, ImageFilter

from node_process import NodeProcess, free_port, pinned
from odyssey.media import images

ROOT = Path(__file__).resolve().parent
DEFAULT_OUTPUT = ROOT / "results" / "media.json"
RANGE_1MIB = "bytes=10485760-11534335"
VIDEO_BYTES = 20 * 1024 * 1024


def machine_info() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True, check=False)
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "nginx": nginx.stderr.strip(),
    }


def noisy_texture(target_bytes: int = 100 * 1024) -> bytes:
    """A PNG of about `target_bytes` (random pixels do not compress)."""
    side = int((target_bytes / 3) ** 0.5)
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def webm_video(size: int) -> bytes:
    """A real WebM of at least `size` bytes: VP8 frames of random pixels (which do not compress),
    so the node's FFmpeg check accepts it as it would a recording."""
    generator = np.random.default_rng(1)
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="webm") as output:
        stream = output.add_stream("libvpx", rate=25)
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height, stream.pix_fmt = 640, 480, "yuv420p"
        stream.bit_rate = 400_000_000
        written = index = 0
        while written < size:
            pixels = generator.integers(0, 256, (480, 640, 3), dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts = index
            index += 1
            for packet in stream.encode(frame):
                written += packet.size
                output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)
    return buffer.getvalue()


class Node(NodeProcess):
    """The node under test on one CPU (filesystem media store), with an upload helper."""

    def __init__(self, data_dir: Path) -> None:
        env = {"ODYSSEY_MEDIA_STORE": "filesystem"}
        super().__init__(data_dir, env=env, log_path=data_dir.parent / "node.log", cpu=0)
        self.start()

    def upload(self, kind: str, data: bytes) -> str:
        token = httpx.post(f"{self.url}/api/v4/auth/guest-token", timeout=30).json()["token"]
        response = httpx.post(
            f"{self.url}/api/v4/media/upload/{kind}",
            files={"file": ("upload", data)},
            headers={"Authorization": f"Bearer {token}"},
            timeout=120,
        )
        response.raise_for_status()
        media_hash: str = response.json()["hash"]
        return media_hash


class Nginx:
    def __init__(self, root: Path, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = workdir / "nginx.conf"
        # As root, nginx's worker would drop to `nobody`, who cannot read the 0700 temp dir.
        user = "user root root;" if os.geteuid() == 0 else ""
        config.write_text(
            f"""
{user}
worker_processes 1;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    default_type application/octet-stream;
    client_body_temp_path {workdir}/client_body;
    server {{
        listen 127.0.0.1:{self.port};
        root {root};
        add_header Cache-Control "public, max-age=31536000, immutable";
    }}
}}
"""
        )
        self.process = subprocess.Popen(
            pinned(0, ["nginx", "-c", str(config), "-p", str(workdir)]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url, timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("nginx did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def check(url: str, headers: dict[str, str], expected: bytes, status: int) -> None:
    response = httpx.get(url, headers=headers, timeout=60)
    if response.status_code != status or response.content != expected:
        raise RuntimeError(f"{url} {headers}: {response.status_code}, {len(response.content)} B")


_SIZE = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


def wrk(url: str, headers: dict[str, str], seconds: int, connections: int) -> dict[str, float]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        pinned(1, [*command, url]), capture_output=True, text=True, check=True
    ).stdout
    requests = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    transfer = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", output)
    assert transfer is not None
    p50 = re.search(r"50%\s+([\d.]+)(\w+)", output)
    assert p50 is not None
    unit = {"us": 1e-3, "ms": 1.0, "s": 1e3}[p50.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} failed answers\n{output}")
    return {
        "requests_per_s": requests,
        "mib_per_s": float(transfer.group(1)) * _SIZE[transfer.group(2)] / 1024**2,
        "p50_ms": float(p50.group(1)) * unit,
    }


def median_run(runs: list[dict[str, float]]) -> dict[str, float]:
    """The run with the median request rate."""
    return sorted(runs, key=lambda run: run["requests_per_s"])[len(runs) // 2]


def serving(seconds: int, connections: int, repeat: int, workdir: Path) -> list[dict[str, Any]]:
    node = Node(workdir / "data")
    nginx: Nginx | None = None
    try:
        texture = noisy_texture()
        video = webm_video(VIDEO_BYTES)
        texture_hash = node.upload("image", texture)
        video_hash = node.upload("video", video)
        media_dir = workdir / "data" / "media"
        nginx = Nginx(media_dir, workdir)
        cases = [
            (
                f"texture {len(texture) // 1024} KB",
                f"{node.url}/api/v4/media/render/texture/s4/{texture_hash}",
                f"{nginx.url}/images/{texture_hash}",
                {},
                texture,
                200,
            ),
            (
                "video 20 MB, 1 MiB range",
                f"{node.url}/api/v4/media/render/video/{video_hash}",
                f"{nginx.url}/videos/{video_hash}",
                {"Range": RANGE_1MIB},
                video[10485760:11534336],
                206,
            ),
            (
                "video 20 MB, Range bytes=0-",
                f"{node.url}/api/v4/media/render/video/{video_hash}",
                f"{nginx.url}/videos/{video_hash}",
                {"Range": "bytes=0-"},
                video,
                206,
            ),
        ]
        rows = []
        for name, ours, theirs, headers, expected, status in cases:
            check(ours, headers, expected, status)
            check(theirs, headers, expected, status)
            ours_runs, theirs_runs = [], []
            for _ in range(repeat):  # alternate, so a busy moment hurts both alike
                ours_runs.append(wrk(ours, headers, seconds, connections))
                theirs_runs.append(wrk(theirs, headers, seconds, connections))
            odyssey, reference = median_run(ours_runs), median_run(theirs_runs)
            rows.append(
                {
                    "case": name,
                    "odyssey": odyssey,
                    "nginx": reference,
                    "ratio": odyssey["requests_per_s"] / reference["requests_per_s"],
                }
            )
        return rows
    finally:
        if nginx is not None:
            nginx.stop()
        node.stop()


def photo_like(width: int, height: int, image_format: str) -> bytes:
    """Smooth gradients plus noise: compresses like a photo, not like a flat colour."""
    noise = Image.frombytes("L", (width // 4, height // 4), os.urandom(width * height // 16))
    base = Image.merge(
        "RGB",
        [
            Image.linear_gradient("L").resize((width, height)),
            noise.resize((width, height)).filter(ImageFilter.GaussianBlur(2)),
            Image.radial_gradient("L").resize((width, height)),
        ],
    )
    buffer = io.BytesIO()
    base.save(buffer, image_format, **({"quality": 90} if image_format == "JPEG" else {}))
    return buffer.getvalue()


def variants(rounds: int) -> list[dict[str, Any]]:
    sources = {
        "JPEG 4000x3000": photo_like(4000, 3000, "JPEG"),
        "PNG 2048x2048": photo_like(2048, 2048, "PNG"),
    }
    jobs = {
        "s2-s6 (at upload)": images.UPLOAD_TEXTURE_SIZES,
        "s0 (lazy)": ("s0",),
        "s7 (lazy)": ("s7",),
        "s8 (lazy)": ("s8",),
    }
    rows = []
    for source_name, data in sources.items():
        info = images.read_image_info(data)
        for job_name, sizes in jobs.items():
            times = []
            for _ in range(rounds):
                start = time.perf_counter()
                made = images.make_variants(data, info, sizes)
                times.append(time.perf_counter() - start)
            rows.append(
                {
                    "source": f"{source_name} ({len(data) // 1024} KB)",
                    "sizes": job_name,
                    "made": len(made),
                    "median_ms": statistics.median(times) * 1000,
                    "bytes": sum(len(v) for v in made.values()),
                }
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per case")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=3, help="wrk runs per case and server")
    parser.add_argument("--rounds", type=int, default=5, help="variant generation repeats")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    for tool in ("nginx", "wrk"):
        if shutil.which(tool) is None:
            print(f"{tool} not found: apt-get install -y nginx-light wrk", file=sys.stderr)
            return 2

    load_before = " ".join(f"{value:.1f}" for value in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="odyssey-media-bench-") as temp:
        serving_rows = serving(args.seconds, args.connections, args.repeat, Path(temp))
    variant_rows = variants(args.rounds)
    machine = machine_info()

    print(f"machine: {machine['nproc']} CPUs, {machine['cpu']}, Python {machine['python']}, ")
    print(
        f"{machine['nginx']}; wrk -t1 -c{args.connections} -d{args.seconds}s, "
        f"median of {args.repeat} alternating runs; load average before: {load_before}\n"
    )
    print("| case | odyssey req/s | odyssey MiB/s | nginx req/s | nginx MiB/s | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in serving_rows:
        ours, theirs = row["odyssey"], row["nginx"]
        print(
            f"| {row['case']} | {ours['requests_per_s']:,.0f} | {ours['mib_per_s']:,.0f} | "
            f"{theirs['requests_per_s']:,.0f} | {theirs['mib_per_s']:,.0f} | {row['ratio']:.2f} |"
        )
    print("\n| source | sizes | variants made | median ms | output KB |")
    print("|---|---|---:|---:|---:|")
    for row in variant_rows:
        print(
            f"| {row['source']} | {row['sizes']} | {row['made']} | {row['median_ms']:.0f} | "
            f"{row['bytes'] // 1024} |"
        )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": machine,
        "load_average_before": load_before,
        "serving": serving_rows,
        "variants": variant_rows,
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
