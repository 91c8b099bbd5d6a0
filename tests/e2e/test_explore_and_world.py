"""A guest opens the node, sees the world list, enters "Odyssey" and sees its seeded objects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from .conftest import LOADED, Node, not_blank, screenshot, wait_world, world_state


def guest_token(node: Node) -> str:
    token: str = httpx.post(f"{node.url}/api/v4/auth/guest-token").json()["token"]
    return token


def server_world(node: Node, name: str = "Odyssey") -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {guest_token(node)}"}
    worlds = httpx.get(f"{node.url}/api/v4/worlds", headers=headers).json()
    return next(w for w in worlds if w["name"] == name)


def server_visible_objects(node: Node, world_id: str) -> set[str]:
    """Ids of the world's descendants that carry a 3D asset (what the 3D view draws)."""
    headers = {"Authorization": f"Bearer {guest_token(node)}"}
    tree = httpx.get(f"{node.url}/api/v4/objects/{world_id}/tree", headers=headers).json()
    ids: list[str] = []

    def walk(children: dict[str, Any]) -> None:
        for child_id, child in (children or {}).items():
            ids.append(child_id)
            walk(child.get("children") or {})

    walk(tree.get("children") or {})
    visible = set()
    for object_id in ids:
        info = httpx.get(f"{node.url}/api/v4/objects/{object_id}", headers=headers).json()
        if info.get("asset_3d_id"):
            visible.add(object_id)
    return visible


def test_serving_and_cache_headers(node: Node) -> None:
    index = httpx.get(f"{node.url}/")
    assert index.status_code == 200
    assert index.headers["cache-control"] == "no-cache"
    assert '<div id="root">' in index.text
    assert 'name="odyssey-test-hooks"' in index.text  # this node runs with test hooks on
    # Client routes fall back to index.html; API paths and missing files do not.
    assert httpx.get(f"{node.url}/odyssey/anything").text == index.text
    assert httpx.get(f"{node.url}/explore").status_code == 200
    assert httpx.get(f"{node.url}/api/v4/no-such-route").status_code == 404
    assert httpx.get(f"{node.url}/assets/missing.js").status_code == 404
    assert httpx.get(f"{node.url}/health").json() == {"status": "ok"}
    asset = next(
        part.split('"')[0] for part in index.text.split('src="')[1:] if part.startswith("/assets/")
    )
    response = httpx.get(f"{node.url}{asset}")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    # Precompressed: gzip for clients that take it, identity for the others.
    assert response.headers.get("content-encoding") == "gzip"
    plain = httpx.get(f"{node.url}{asset}", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == response.content
    # Without the test-hooks setting, index.html carries no test hooks (checked on the file).
    assert "odyssey-test-hooks" not in (node.web_dir / "index.html").read_text()


def test_guest_explores_and_enters_odyssey(node: Node, new_page: Callable[[], Any]) -> None:
    page = new_page()
    page.goto(node.url + "/")
    # A guest session is created on the first visit.
    page.wait_for_function("() => window.__odysseyTest?.session().user?.isGuest === true")
    card = page.locator('[data-testid="world-card"]', has_text="Odyssey")
    card.wait_for()
    # Search filters the list.
    page.fill('[data-testid="explore-search"]', "no such world")
    page.get_by_text("No world matches").wait_for()
    page.fill('[data-testid="explore-search"]', "odys")
    card.wait_for()
    # World details: name, owner, online count.
    card.get_by_role("button", name="Info").click()
    details = page.locator('[data-testid="world-details"]')
    details.get_by_text("online").wait_for()
    assert details.locator('[data-testid="world-details-name"]').inner_text() == "Odyssey"
    screenshot(page, "explore.png")

    details.locator('[data-testid="enter-world"]').click()
    page.wait_for_url("**/odyssey/*")
    state = wait_world(page, LOADED)
    page.locator('[data-testid="controls-hint"]').wait_for()
    page.click('[data-testid="controls-ok"]')

    world = server_world(node)
    assert state["worldId"] == world["id"]
    shown = {o["id"] for o in state["objects"]}
    assert shown == server_visible_objects(node, world["id"])
    assert len(shown) >= 10
    # GLBs are fetched once per asset, not once per object.
    assert state["fetches"] == len({o["assetId"] for o in state["objects"]})
    # The skybox is the world's active_skybox, loaded.
    headers = {"Authorization": f"Bearer {guest_token(node)}"}
    skybox = httpx.get(
        f"{node.url}/api/v4/objects/{world['id']}/attributes",
        params={
            "plugin_id": "f0f0f0f0-0f0f-4ff0-af0f-f0f0f0f0f0f0",
            "attribute_name": "active_skybox",
        },
        headers=headers,
    ).json()
    state = wait_world(page, "w => w.skyboxLoaded")
    assert state["skybox"] == skybox["render_hash"]
    path = screenshot(page, "world.png")
    assert not_blank(path)

    # Clicking an object opens its content panel.
    target = next(o for o in state["objects"] if o["name"] == "Welcome cube")
    point = page.evaluate("id => window.__odysseyTest.project(id)", target["id"])
    assert point is not None
    page.mouse.click(point["x"], point["y"])
    panel = page.locator('[data-testid="object-panel"]')
    panel.wait_for()
    panel.get_by_text("Welcome cube").first.wait_for()
    assert not page.errors


def test_bad_world_id_goes_back_to_explore(node: Node, new_page: Callable[[], Any]) -> None:
    page = new_page()
    page.goto(node.url + "/odyssey/not-a-world")
    page.wait_for_url("**/explore")
    page.get_by_text("does not exist").first.wait_for()
    assert world_state(page) is None
