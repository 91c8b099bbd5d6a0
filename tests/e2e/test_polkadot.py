"""Sign in with a Polkadot extension (an injected `window.injectedWeb3` stub backed by sr25519)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import sr25519

from .conftest import Node

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

EXTENSION_STUB = """
(() => {
  window.injectedWeb3 = {
    "polkadot-js": {
      version: "0.0-test",
      async enable(_origin) {
        return {
          accounts: { get: async () => [{ address: ADDRESS, name: "Test account" }] },
          signer: {
            signRaw: async ({ address, data, type }) =>
              ({ id: 1, signature: await window.__odysseySignRaw(address, data, type) }),
          },
        };
      },
    },
  };
})();
"""


def ss58(public_key: bytes, prefix: int = 42) -> str:
    """SS58 address of a 32-byte public key (generic Substrate prefix 42)."""
    body = bytes([prefix]) + public_key
    checksum = hashlib.blake2b(b"SS58PRE" + body, digest_size=64).digest()[:2]
    number = int.from_bytes(body + checksum, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = B58[rest] + out
    return out


def test_polkadot_extension_sign_in(node: Node, new_page: Callable[[], Any]) -> None:
    public_key, secret_key = sr25519.pair_from_seed(bytes(range(32)))
    address = ss58(public_key)
    signed: list[str] = []

    def sign_raw(who: str, data_hex: str, kind: str) -> str:
        assert who == address and kind == "bytes"
        text = bytes.fromhex(data_hex.removeprefix("0x")).decode()
        signed.append(text)
        # What polkadot-js signs for `type: "bytes"`: the message wrapped in <Bytes>…</Bytes>.
        wrapped = f"<Bytes>{text}</Bytes>".encode()
        signature: bytes = sr25519.sign((public_key, secret_key), wrapped)
        return "0x" + signature.hex()

    page = new_page()
    page.expose_function("__odysseySignRaw", sign_raw)
    page.add_init_script(EXTENSION_STUB.replace("ADDRESS", json.dumps(address)))
    page.goto(node.url + "/")
    page.wait_for_function("() => window.__odysseyTest?.session().user?.isGuest === true")
    page.click('[data-testid="menu-connect"]')
    page.get_by_role("button", name="polkadot-js").click()
    page.locator('[data-testid="signup-panel"]').wait_for()
    user = page.evaluate("() => window.__odysseyTest.session().user")
    assert user["isGuest"] is False
    # The wallet is the 0x hex public key decoded from the SS58 address.
    assert user["wallet"].lower() == "0x" + public_key.hex()
    assert signed and signed[0].startswith("Please sign this message")
    assert not page.errors
