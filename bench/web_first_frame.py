"""Time to the first rendered frame of a 1,000-object world in headless Chromium.

Run: .venv/bin/python bench/web_first_frame.py [--objects 1000] [--runs 3]
     [--database-url postgresql://postgres@127.0.0.1:5432/odyssey_bench_web]

It builds the web client if needed, starts `odyssey serve` (test hooks on) on a fresh database
(a temporary SQLite file unless --database-url is given), signs in a wallet user through the
REST API (challenge + EIP-191 signature), makes it a node admin with the CLI, creates a world and
fills it with --objects objects through `POST /api/v4/objects` (the 13 seed shapes on a grid,
8 colours through `object_color`). Then, --runs times, a fresh browser context (cold HTTP cache)
opens /odyssey/<world> in Debian's Chromium (SwiftShader WebGL2, 1440x900), and the page's test
hook reports `firstCompleteFrameAt`: milliseconds from navigation start to the first frame drawn
with every object of the world instantiated. Prints a markdown table and writes JSON (default
bench/results/web_first_frame.json). Goal: under 5,000 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from eth_account import Account
from eth_account.messages import encode_defunct

from node_process import NodeProcess

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
CORE = "f0f0f0f0-0f0f-4ff0-af0f-f0f0f0f0f0f0"
CUSTOM_TYPE = "4ed3a5bb-53f8-4511-941b-07902982c31c"
WORLD_TYPE = "a41ee21e-6c56-41b3-81a9-1c86578b6b3c"
COLOURS = ["#ff5d5d", "#ffd166", "#06d6a0", "#3dd6f5", "#4d7cff", "#9b5de5", "#f15bb5", "#ffffff"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]


def build_web() -> None:
    if not (WEB / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=WEB, check=True)
    subprocess.run(["npm", "run", "build"], cwd=WEB, check=True, stdout=subprocess.DEVNULL)


def sign_in(url: str, key: str) -> tuple[str, str]:
    account = Account.from_key(key)
    challenge = httpx.get(f"{url}/api/v4/auth/challenge", params={"wallet": account.address})
    challenge.raise_for_status()
    text = challenge.json()["challenge"]
    signature = account.sign_message(encode_defunct(text=text)).signature.hex()
    token = httpx.post(
        f"{url}/api/v4/auth/token",
        json={
            "wallet": account.address,
            "signedChallenge": "0x" + signature.removeprefix("0x"),
            "network": "ethereum",
        },
    )
    token.raise_for_status()
    access = token.json()["token"]
    me = httpx.get(f"{url}/api/v4/users/me", headers={"Authorization": f"Bearer {access}"})
    me.raise_for_status()
    return access, me.json()["id"]


def populate(url: str, token: str, count: int) -> str:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{url}/api/v4", headers=headers, timeout=30) as http:
        node_id = http.get("/config/ui-client").json()["NODE_ID"]
        created = http.post(
            "/objects",
            json={
                "object_name": f"Bench {count}",
                "parent_id": node_id,
                "object_type_id": WORLD_TYPE,
            },
        )
        created.raise_for_status()
        world_id = created.json()["object_id"]
        basics = http.get("/assets-3d", params={"category": "basic"}).json()
        assets = [a["id"] for a in basics]
        side = int(count**0.5 + 0.999)
        spacing = 24.0
        for i in range(count):
            gx, gz = i % side, i // side
            body = {
                "object_name": f"Object {i}",
                "parent_id": world_id,
                "object_type_id": CUSTOM_TYPE,
                "asset_3d_id": assets[i % len(assets)],
                "transform": {
                    "position": {
                        "x": (gx - side / 2) * spacing,
                        "y": 2.0 + (i % 5),
                        "z": gz * spacing,
                    },
                    "rotation": {"x": 0.0, "y": (i % 12) * 0.5, "z": 0.0},
                    "scale": {"x": 2.0, "y": 2.0, "z": 2.0},
                },
            }
            response = http.post("/objects", json=body)
            response.raise_for_status()
            object_id = response.json()["object_id"]
            colour = http.post(
                f"/objects/{object_id}/attributes",
                json={
                    "plugin_id": CORE,
                    "attribute_name": "object_color",
                    "attribute_value": {"value": COLOURS[i % len(COLOURS)]},
                },
            )
            colour.raise_for_status()
    return str(world_id)


def measure(url: str, world_id: str, runs: int, objects: int) -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("ODYSSEY_E2E_CHROMIUM", "/usr/bin/chromium"),
            args=CHROMIUM_ARGS,
        )
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                page = context.new_page()
                page.goto(f"{url}/odyssey/{world_id}")
                # Every object this run made, not a fixed 1,000: `--objects` may be smaller.
                page.wait_for_function(
                    "(n) => { const w = window.__odysseyTest?.world(); "
                    "return !!w && w.firstCompleteFrameAt !== null && w.objects.length >= n; }",
                    arg=objects,
                    timeout=120_000,
                )
                snap = page.evaluate("() => window.__odysseyTest.world()")
                # Interactivity: frames drawn while flying forward for 2 s.
                f0 = page.evaluate("() => window.__odysseyTest.world().frames")
                page.evaluate("() => window.__odysseyTest.key('KeyW', true)")
                time.sleep(2)
                page.evaluate("() => window.__odysseyTest.key('KeyW', false)")
                f1 = page.evaluate("() => window.__odysseyTest.world().frames")
                results.append(
                    {
                        "first_frame_ms": round(snap["firstFrameAt"]),
                        "first_complete_frame_ms": round(snap["firstCompleteFrameAt"]),
                        "objects": len(snap["objects"]),
                        "glb_fetches": snap["fetches"],
                        "active_meshes": snap["activeMeshes"],
                        "flying_fps": round((f1 - f0) / 2, 1),
                    }
                )
                context.close()
        finally:
            browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--objects", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench" / "results" / "web_first_frame.json"
    )
    args = parser.parse_args()

    build_web()
    with tempfile.TemporaryDirectory() as tmp:
        server = NodeProcess(
            Path(tmp) / "data",
            database_url=args.database_url or f"sqlite:///{tmp}/bench.db",
            env={
                "ODYSSEY_WEB_DIR": str(WEB / "dist"),
                "ODYSSEY_WEB_TEST_HOOKS": "1",
                # Many requests from one client address: lift the sign-in limits of this run only.
                "ODYSSEY_AUTH_GUESTS_PER_ADDRESS_PER_MINUTE": "100000",
                "ODYSSEY_AUTH_GUESTS_PER_ADDRESS_PER_HOUR": "100000",
                "ODYSSEY_AUTH_GUESTS_PER_ADDRESS_PER_DAY": "100000",
            },
        ).start()
        url = server.url
        try:
            token, user_id = sign_in(url, "0x" + "5b" * 32)
            server.cli("admin", "make-node-admin", user_id)
            t0 = time.monotonic()
            world_id = populate(url, token, args.objects)
            populate_s = time.monotonic() - t0
            runs = measure(url, world_id, args.runs, args.objects)
        finally:
            server.stop(timeout=20)

    complete = [r["first_complete_frame_ms"] for r in runs]
    summary = {
        "objects": args.objects,
        "runs": runs,
        "median_first_complete_frame_ms": statistics.median(complete),
        "max_first_complete_frame_ms": max(complete),
        "goal_ms": 5000,
        "populate_seconds": round(populate_s, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2) + "\n")
    print(
        "| run | first frame (ms) | first frame with all objects (ms) | objects | GLB fetches "
        "| active meshes | fps while flying |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for i, r in enumerate(runs, 1):
        print(
            f"| {i} | {r['first_frame_ms']:,} | {r['first_complete_frame_ms']:,} "
            f"| {r['objects']:,} | {r['glb_fetches']} | {r['active_meshes']:,} "
            f"| {r['flying_fps']} |"
        )
    print(
        f"\nmedian {summary['median_first_complete_frame_ms']:,} ms, "
        f"max {summary['max_first_complete_frame_ms']:,} ms (goal < 5,000 ms); "
        f"world populated in {populate_s:.1f} s"
    )


if __name__ == "__main__":
    main()
