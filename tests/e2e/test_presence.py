"""Two people in the same world: movement within a second, the online strip, reconnecting."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .conftest import LOADED, Node, screenshot, wait_world
from .test_explore_and_world import server_world


def enter(page: Any, node: Node, world_id: str) -> dict[str, Any]:
    page.goto(f"{node.url}/odyssey/{world_id}")
    state = wait_world(page, LOADED)
    page.click('[data-testid="controls-ok"]')
    return state


def my_id(page: Any) -> str:
    user_id: str = page.evaluate("() => window.__odysseyTest.session().user.id")
    return user_id


def test_two_users_see_each_other(node: Node, new_page: Callable[[], Any]) -> None:
    world_id = server_world(node)["id"]
    alice, bob = new_page(), new_page()
    enter(alice, node, world_id)
    enter(bob, node, world_id)
    bob_id, alice_id = my_id(bob), my_id(alice)

    # Each appears in the other's online strip and as an avatar.
    alice.locator(f'[data-testid="online-user"][data-user-id="{bob_id}"]').wait_for()
    bob.locator(f'[data-testid="online-user"][data-user-id="{alice_id}"]').wait_for()
    start = wait_world(alice, f"w => !!w.users['{bob_id}']")["users"][bob_id]

    # Bob flies forward; Alice sees his avatar move within one second.
    bob.locator('[data-testid="world-canvas"]').focus()
    bob.keyboard.down("w")
    t0 = time.monotonic()
    alice.wait_for_function(
        """([id, x, y, z]) => {
            const p = window.__odysseyTest.world().users[id];
            return p && Math.hypot(p.x - x, p.y - y, p.z - z) > 0.5;
        }""",
        arg=[bob_id, start["x"], start["y"], start["z"]],
        timeout=5_000,
    )
    seen_after = time.monotonic() - t0
    time.sleep(0.6)
    bob.keyboard.up("w")
    assert seen_after < 1.0, f"Alice saw Bob move after {seen_after:.2f} s"

    screenshot(alice, "presence.png")

    # Bob's own camera moved forward (toward the world's centre from the spawn point).
    moved = wait_world(bob, "w => true")["camera"]["position"]
    assert moved != start

    # The high-five reaches Bob.
    alice.locator(f'[data-testid="online-user"][data-user-id="{bob_id}"]').click()
    alice.locator('[data-testid="high-five"]').click()
    bob.get_by_text("sent you a high five").wait_for(timeout=10_000)

    # Network loss: Alice's socket drops, she reconnects without reloading and is back in.
    epoch = wait_world(alice, "w => true")["epoch"]
    assert alice.evaluate("() => window.__odysseyTest.dropConnection()")
    wait_world(alice, "w => w.status !== 'open'", timeout=5_000)
    state = wait_world(alice, f"w => w.epoch > {epoch} && ({LOADED})(w)", timeout=20_000)
    assert state["modelObjects"] > 0
    alice.locator(f'[data-testid="online-user"][data-user-id="{bob_id}"]').wait_for()

    # Bob leaves: Alice's strip updates.
    bob.goto(f"{node.url}/explore")
    alice.locator(f'[data-testid="online-user"][data-user-id="{bob_id}"]').wait_for(
        state="detached", timeout=10_000
    )
    assert f"{bob_id}" not in wait_world(alice, "w => true")["users"]
    assert not alice.errors
