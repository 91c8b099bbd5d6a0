"""The login, wallet, consent and message pages of the authorization server.

Server-rendered, no external assets: inline CSS (dark, system font), and on the wallet page a few
lines of inline script that ask an injected browser wallet (EIP-1193, `window.ethereum`) to sign;
without it the page still works by pasting a signature. Every value is HTML-escaped; the
Content-Security-Policy allows only this page's own inline style and its nonce-tagged script, and
no framing.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from html import escape

from starlette.responses import HTMLResponse

from odyssey.auth.oauth_store import SCOPE_DESCRIPTIONS

_STYLE = """
:root { color-scheme: dark; --accent: #8b7bff; --text: #e8eaf0; --muted: #9aa1b2;
  --card: #161a23; --line: #2a3040; --bg: #0c0f15; --bad: #ff7b8a; }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg);
  color: var(--text); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { width: min(420px, calc(100vw - 32px)); background: var(--card);
  border: 1px solid var(--line); border-radius: 14px; padding: 28px;
  box-shadow: 0 12px 40px rgb(0 0 0 / 40%); }
main > :last-child { margin-bottom: 0; }
h1 { font-size: 1.35rem; margin: 0 0 4px; }
p { margin: 0 0 16px; color: var(--muted); }
form { display: grid; gap: 10px; margin: 0 0 14px; }
label { font-size: .85rem; color: var(--muted); }
input, select, textarea { width: 100%; padding: 10px 12px; border-radius: 8px; color: var(--text);
  border: 1px solid var(--line); background: #0f131b; font: inherit; }
textarea { min-height: 84px; font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
  font-size: .8rem; }
button { padding: 11px 14px; border-radius: 8px; border: 0; font: inherit; font-weight: 600;
  cursor: pointer; background: var(--accent); color: #0c0f15; }
button.secondary { background: transparent; color: var(--text); border: 1px solid var(--line); }
button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible {
  outline: 2px solid var(--accent); outline-offset: 2px; }
.row { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.or { text-align: center; color: var(--muted); font-size: .85rem; margin: 6px 0 14px; }
.error { color: var(--bad); background: rgb(255 123 138 / 8%);
  border: 1px solid rgb(255 123 138 / 30%); padding: 10px 12px; border-radius: 8px;
  margin: 0 0 16px; }
pre { white-space: pre-wrap; word-break: break-all; background: #0f131b; padding: 10px 12px;
  border: 1px solid var(--line); border-radius: 8px; font-size: .8rem; margin: 0 0 10px; }
ul { margin: 0 0 18px; padding-left: 20px; } li { margin: 4px 0; }
small { color: var(--muted); }
"""

_SIGN_SCRIPT = """
const form = document.getElementById("wallet-form");
const button = document.getElementById("browser-sign");
if (window.ethereum && form.network.value === "ethereum") {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const text = document.getElementById("challenge").textContent;
    const hex = "0x" + Array.from(new TextEncoder().encode(text),
      (b) => b.toString(16).padStart(2, "0")).join("");
    try {
      await window.ethereum.request({ method: "eth_requestAccounts" });
      form.signature.value = await window.ethereum.request(
        { method: "personal_sign", params: [hex, form.wallet.value] });
      form.submit();
    } catch (error) { button.textContent = "The wallet refused: paste a signature instead"; }
  });
}
"""


def _page(title: str, body: str, *, status: int = 200, script: str | None = None) -> HTMLResponse:
    nonce = secrets.token_urlsafe(12)
    script_tag = f'<script nonce="{nonce}">{script}</script>' if script else ""
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main>{script_tag}</body></html>"
    )
    return HTMLResponse(
        html,
        status_code=status,
        headers={
            "Content-Security-Policy": (
                "default-src 'none'; style-src 'unsafe-inline'; "
                f"script-src 'nonce-{nonce}'; frame-ancestors 'none'; base-uri 'none'"
            ),
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
        },
    )


def _hidden(**fields: str) -> str:
    return "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in fields.items()
    )


def _error(message: str | None) -> str:
    return f'<div class="error" role="alert">{escape(message)}</div>' if message else ""


def login_page(
    *, node_name: str, client_name: str, flow: str, error: str | None = None, status: int = 200
) -> HTMLResponse:
    body = f"""
<h1>Sign in to {escape(client_name)}</h1>
<p>with your account on {escape(node_name)}</p>
{_error(error)}
<form method="post" action="/oauth2/login/guest">{_hidden(flow=flow)}
  <button type="submit">Continue as a guest</button>
</form>
<div class="or">or use a wallet</div>
<form method="post" action="/oauth2/login/wallet/challenge">{_hidden(flow=flow)}
  <label for="wallet">Wallet address (0x…)</label>
  <input id="wallet" name="wallet" required autocomplete="off" spellcheck="false"
    placeholder="0x… address, or a Polkadot public key">
  <label for="network">Network</label>
  <select id="network" name="network">
    <option value="ethereum">Ethereum (and other EVM chains)</option>
    <option value="polkadot">Polkadot / Kusama (sr25519)</option>
  </select>
  <button type="submit" class="secondary">Sign in with this wallet</button>
</form>
"""
    return _page(f"Sign in · {node_name}", body, status=status)


def wallet_page(
    *,
    node_name: str,
    flow: str,
    wallet: str,
    network: str,
    challenge: str,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    how = (
        "Sign this text with your wallet (personal_sign), then paste the signature."
        if network == "ethereum"
        else "Sign this text with your Polkadot extension (signRaw, type bytes), then paste "
        "the signature."
    )
    body = f"""
<h1>Prove it is your wallet</h1>
<p>{escape(how)}</p>
{_error(error)}
<pre id="challenge">{escape(challenge)}</pre>
<form id="wallet-form" method="post" action="/oauth2/login/wallet">
  {_hidden(flow=flow, wallet=wallet, network=network)}
  <button type="button" id="browser-sign" hidden>Sign with the browser wallet</button>
  <label for="signature">Signature (0x…)</label>
  <textarea id="signature" name="signature" required spellcheck="false"></textarea>
  <button type="submit">Sign in</button>
</form>
<small>Wallet {escape(wallet)}. Nothing is sent to a blockchain and nothing costs gas.</small>
"""
    return _page(f"Sign in · {node_name}", body, status=status, script=_SIGN_SCRIPT)


def consent_page(
    *, node_name: str, client_name: str, flow: str, user_name: str, scopes: Iterable[str]
) -> HTMLResponse:
    items = "".join(f"<li>{escape(SCOPE_DESCRIPTIONS.get(scope, scope))}</li>" for scope in scopes)
    body = f"""
<h1>Allow {escape(client_name)}?</h1>
<p>Signed in on {escape(node_name)} as {escape(user_name)}. {escape(client_name)} wants to:</p>
<ul>{items}</ul>
<form method="post" action="/oauth2/consent">{_hidden(flow=flow)}
  <div class="row">
    <button type="submit" name="decision" value="deny" class="secondary">Deny</button>
    <button type="submit" name="decision" value="allow">Allow</button>
  </div>
</form>
"""
    return _page(f"Allow {client_name}? · {node_name}", body)


def message_page(*, node_name: str, title: str, text: str, status: int = 200) -> HTMLResponse:
    return _page(
        f"{title} · {node_name}", f"<h1>{escape(title)}</h1><p>{escape(text)}</p>", status=status
    )
