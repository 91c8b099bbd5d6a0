"""The web client runs under the node's Content-Security-Policy without a single violation.

A guest opens the node, enters the world "Odyssey", waits until every model, texture and the
skybox are loaded, opens an object's panel and the profile panel. Every violation the browser
reports (the `securitypolicyviolation` event, and the "Refused to ..." console messages) is
collected; there must be none. A script injected into the page afterwards must be refused: that
proves the policy is in force, not merely absent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from .conftest import LOADED, Node, wait_world

# Registered before any page script: collects what the browser blocks.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}` +
      ` (${event.sourceFile}:${event.lineNumber})`
  );
});
"""

INJECT_INLINE_SCRIPT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.__injected = true";
  document.head.appendChild(script);
  return new Promise((resolve) => setTimeout(() => resolve(window.__injected === true), 200));
}"""


def test_entering_a_world_violates_no_content_security_policy(
    node: Node, new_page: Callable[[], Any]
) -> None:
    index = httpx.get(f"{node.url}/")
    assert "script-src 'self'" in index.headers["content-security-policy"]

    page = new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Refused to" in message.text else None,
    )
    page.add_init_script(COLLECT_VIOLATIONS)
    page.goto(node.url + "/")
    page.wait_for_function("() => window.__odysseyTest?.session().user?.isGuest === true")
    card = page.locator('[data-testid="world-card"]', has_text="Odyssey")
    card.wait_for()
    card.get_by_role("button", name="Info").click()
    page.locator('[data-testid="enter-world"]').click()
    page.wait_for_url("**/odyssey/*")
    wait_world(page, LOADED)
    state = wait_world(page, "w => w.skyboxLoaded")
    page.locator('[data-testid="controls-hint"]').wait_for()
    page.click('[data-testid="controls-ok"]')

    # An object's content panel (its image, text and links).
    target = next(o for o in state["objects"] if o["name"] == "Welcome cube")
    point = page.evaluate("id => window.__odysseyTest.project(id)", target["id"])
    assert point is not None
    page.mouse.click(point["x"], point["y"])
    panel = page.locator('[data-testid="object-panel"]')
    panel.wait_for()
    panel.get_by_text("Welcome cube").first.wait_for()

    violations: list[str] = page.evaluate("() => window.__cspViolations")
    assert violations == [], violations
    assert refused == [], refused
    assert not page.errors

    # The policy is in force: a script injected into the page does not run.
    assert page.evaluate(INJECT_INLINE_SCRIPT) is False
    violations = page.evaluate("() => window.__cspViolations")
    assert len(violations) == 1 and violations[0].startswith("script-src-elem blocked inline")
