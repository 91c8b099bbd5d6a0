"""A node admin builds in "Odyssey" while a guest watches; everything survives a restart."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.messages import encode_defunct

from .conftest import LOADED, ROOT, Node, screenshot, wait_world
from .test_explore_and_world import server_world
from .test_presence import enter, my_id

TEST_KEY = "0x" + "4f" * 32

PROVIDER_STUB = """
(() => {
  window.ethereum = {
    isMetaMask: false,
    async request({ method, params }) {
      if (method === "eth_requestAccounts" || method === "eth_accounts") {
        return [ADDRESS.toLowerCase()];
      }
      if (method === "personal_sign") return await window.__odysseySign(params[0]);
      if (method === "eth_chainId") return "0x1";
      throw Object.assign(new Error("unsupported " + method), { code: 4200 });
    },
  };
})();
"""


def install_wallet(page: Any) -> str:
    """An EIP-1193 provider stub whose signatures come from a test key held in Python."""
    account = Account.from_key(TEST_KEY)

    def sign(message_hex: str) -> str:
        signature: bytes = account.sign_message(encode_defunct(hexstr=message_hex)).signature
        return "0x" + signature.hex().removeprefix("0x")

    page.expose_function("__odysseySign", sign)
    page.add_init_script(PROVIDER_STUB.replace("ADDRESS", json.dumps(account.address)))
    return str(account.address)


def make_glb() -> bytes:
    """A GLB of its own (a renamed seed torus), so its asset id is new on the node."""
    import pygltflib

    gltf = pygltflib.GLTF2().load(str(ROOT / "src/odyssey/assets/models/torus.glb"))
    gltf.asset.generator = "odyssey e2e test model"
    for mesh in gltf.meshes:
        mesh.name = "E2E ring"
    data: bytes = b"".join(gltf.save_to_bytes())
    return data


def make_png(colour: tuple[int, int, int]) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (512, 256), colour)
    draw = ImageDraw.Draw(image)
    for i in range(0, 512, 32):
        draw.line([(i, 0), (i, 256)], fill=(255, 255, 255), width=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def objects_by_id(page: Any) -> dict[str, dict[str, Any]]:
    state = wait_world(page, "w => true")
    return {o["id"]: o for o in state["objects"]}


def click_object(page: Any, object_id: str) -> None:
    point = page.evaluate("id => window.__odysseyTest.project(id)", object_id)
    assert point is not None, "object is not on screen"
    page.mouse.click(point["x"], point["y"])


def test_admin_builds_and_guest_sees_it_live(
    node: Node, new_page: Callable[[], Any], tmp_path: Path
) -> None:
    world_id = server_world(node)["id"]
    admin = new_page()
    install_wallet(admin)
    admin.goto(node.url + "/")
    admin.wait_for_function("() => window.__odysseyTest?.session().user?.isGuest === true")

    # Connect the wallet, then the sign-up step: a name.
    admin.click('[data-testid="menu-connect"]')
    admin.click('[data-testid="connect-ethereum"]')
    admin.locator('[data-testid="signup-panel"]').wait_for()
    admin.fill('[data-testid="signup-name"]', "Ada Builder")
    admin.click('[data-testid="signup-submit"]')
    admin.wait_for_function("() => window.__odysseyTest.session().user?.name === 'Ada Builder'")
    node.cli("admin", "make-node-admin", my_id(admin))

    guest = new_page()
    enter(guest, node, world_id)
    enter(admin, node, world_id)
    admin.click('[data-testid="menu-creator"]')
    admin.locator('[data-testid="creator-panel"]').wait_for()
    before = set(objects_by_id(guest))

    # Spawn a cube from the basic library with the placement preview.
    admin.click('[data-testid="creator-tab-add"]')
    admin.locator('[data-testid="asset-tile"][data-asset-name="Cube"]').click()
    admin.locator('[data-testid="placement-bar"]').wait_for()
    wait_world(admin, "w => w.placing !== null")
    admin.click('[data-testid="place-object"]')
    guest.wait_for_function(
        "n => window.__odysseyTest.world().objects.filter(o => o.loaded).length === n",
        arg=len(before) + 1,
    )
    cube_id = next(i for i in objects_by_id(guest) if i not in before)
    wait_world(admin, f"w => w.objects.some(o => o.id === '{cube_id}' && o.loaded)")

    # Select it (locks it) and move it with the numeric fields.
    click_object(admin, cube_id)
    admin.locator('[data-testid="inspector"]').wait_for()
    admin.get_by_text("You are editing this object").wait_for()
    admin.fill('[data-testid="position-x"]', "-1")
    admin.press('[data-testid="position-x"]', "Enter")
    admin.fill('[data-testid="scale-y"]', "2")
    admin.press('[data-testid="scale-y"]', "Enter")
    wait_world(
        guest,
        f"w => w.objects.some(o => o.id === '{cube_id}' && Math.abs(o.position.x + 1) < 1e-3 "
        "&& Math.abs(o.scale.y - 2) < 1e-3)",
    )

    # Colour.
    admin.click('[data-testid="swatch-ff5d5d"]')
    wait_world(guest, f"w => w.objects.some(o => o.id === '{cube_id}' && o.color === '#ff5d5d')")
    screenshot(admin, "creator.png")

    # Rename it, then duplicate it: the copy appears for the guest too.
    admin.fill('[data-testid="object-name"]', "Red block")
    admin.press('[data-testid="object-name"]', "Enter")
    wait_world(guest, f"w => w.objects.some(o => o.id === '{cube_id}' && o.name === 'Red block')")
    count = len(objects_by_id(guest))
    admin.click('[data-testid="duplicate-object"]')
    guest.wait_for_function(
        "n => window.__odysseyTest.world().objects.filter(o => o.loaded).length === n",
        arg=count + 1,
    )
    copy_id = next(i for i in objects_by_id(guest) if i not in before and i != cube_id)
    before.add(copy_id)

    # Upload a GLB and spawn it.
    glb = tmp_path / "ring.glb"
    glb.write_bytes(make_glb())
    admin.click('[data-testid="clear-selection"]')
    admin.click('[data-testid="creator-tab-add"]')
    admin.click('[data-testid="upload-asset"]')
    admin.set_input_files('[data-testid="upload-file"]', str(glb))
    admin.fill('[data-testid="upload-name"]', "E2E ring")
    admin.click('[data-testid="upload-submit"]')
    admin.locator('[data-testid="placement-bar"]').wait_for()
    admin.click('[data-testid="place-object"]')
    guest.wait_for_function(
        "n => window.__odysseyTest.world().objects.filter(o => o.loaded).length === n",
        arg=len(before) + 2,
    )
    ring_id = next(i for i in objects_by_id(guest) if i not in before and i != cube_id)
    ring = objects_by_id(guest)[ring_id]
    seed_assets = {o["assetId"] for o in objects_by_id(guest).values() if o["id"] in before}
    assert ring["assetId"] not in seed_assets

    # Change the skybox by uploading an image.
    admin.click('[data-testid="creator-tab-skybox"]')
    old_sky = wait_world(guest, "w => w.skyboxLoaded")["skybox"]
    sky = tmp_path / "sky.png"
    sky.write_bytes(make_png((40, 90, 160)))
    admin.set_input_files('[data-testid="skybox-upload"]', str(sky))
    new_sky = wait_world(guest, f"w => w.skybox && w.skybox !== '{old_sky}' && w.skyboxLoaded")[
        "skybox"
    ]

    # Delete the cube (select, delete, confirm).
    admin.click('[data-testid="creator-tab-inspector"]')
    click_object(admin, cube_id)
    admin.locator('[data-testid="inspector"]').wait_for()
    admin.click('[data-testid="delete-object"]')
    admin.click('[data-testid="confirm-delete"]')
    wait_world(guest, f"w => !w.objects.some(o => o.id === '{cube_id}')")
    assert not admin.errors
    assert not guest.errors

    # After a restart of the node everything is still there.
    admin.goto(node.url + "/explore")
    guest.goto(node.url + "/explore")
    node.stop()
    node.start()
    viewer = new_page()
    viewer.goto(f"{node.url}/odyssey/{world_id}")
    state = wait_world(viewer, LOADED + " && w.skyboxLoaded")
    ids = {o["id"] for o in state["objects"]}
    assert cube_id not in ids
    assert ring_id in ids
    assert state["skybox"] == new_sky
