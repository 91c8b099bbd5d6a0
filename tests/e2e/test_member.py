"""A member: wallet sign-in and sign-up, profile editing, creating a world, logging out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .conftest import Node, wait_world
from .test_creator import install_wallet
from .test_presence import my_id


def test_member_profile_world_and_logout(node: Node, new_page: Callable[[], Any]) -> None:
    page = new_page()
    install_wallet(page)
    page.goto(node.url + "/")
    page.wait_for_function("() => window.__odysseyTest?.session().user?.isGuest === true")
    guest_id = my_id(page)

    page.click('[data-testid="menu-connect"]')
    page.click('[data-testid="connect-ethereum"]')
    page.fill('[data-testid="signup-name"]', "Grace Member")
    page.click('[data-testid="signup-submit"]')
    page.wait_for_function("() => window.__odysseyTest.session().user?.name === 'Grace Member'")
    member_id = my_id(page)
    assert member_id != guest_id

    # The profile panel: edit the bio and the location.
    page.click('[data-testid="menu-profile"]')
    page.click('[data-testid="edit-profile"]')
    panel = page.locator('[data-testid="profile-panel"]')
    panel.get_by_label("Bio").fill("Builds small worlds.")
    panel.get_by_label("Location").fill("Lisbon")
    panel.get_by_role("button", name="Save").click()
    page.locator('[data-testid="edit-profile"]').wait_for()
    panel.get_by_text("Builds small worlds.").wait_for()
    user = page.evaluate("() => window.__odysseyTest.session().user")
    assert user["profile"]["bio"] == "Builds small worlds."
    assert user["profile"]["location"] == "Lisbon"

    # The sign-in survives a reload (the token is kept).
    page.reload()
    page.wait_for_function("() => window.__odysseyTest?.session().user?.name === 'Grace Member'")

    # A node admin may create a world, and lands in it.
    node.cli("admin", "make-node-admin", member_id)
    page.reload()
    page.locator('[data-testid="explore-panel"]').wait_for()
    page.click('[data-testid="create-world"]')
    create = page.locator('[data-testid="create-world-panel"]')
    create.get_by_label("Name").fill("Atelier")
    create.get_by_label("Description").fill("A quiet place to build.")
    create.get_by_role("button", name="Create and enter").click()
    page.wait_for_url("**/odyssey/*")
    state = wait_world(page, "w => w.entered && w.status === 'open'")
    assert state["worldId"] in page.url
    page.locator('[data-testid="menu-creator"]').wait_for()

    # People search finds the member; logging out makes a new guest.
    page.goto(node.url + "/explore")
    page.click('[data-testid="tab-people"]')
    page.fill('[data-testid="explore-search"]', "grace")
    page.locator('[data-testid="people-list"]').get_by_text("Grace Member").wait_for()
    page.click('[data-testid="menu-profile"]')
    page.click('[data-testid="logout"]')
    page.wait_for_function("() => window.__odysseyTest.session().user?.isGuest === true")
    assert my_id(page) not in (member_id, guest_id)
    page.locator('[data-testid="menu-connect"]').wait_for()
    assert not page.errors
