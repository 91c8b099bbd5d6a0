"""The API's own description: per-route auth and error reasons, `/api/v4/openapi.json` and a
self-contained docs page at `/api/v4/docs` (no CDN: the node must work on closed networks).

Routes declare themselves with `described(auth, errors)`: the auth requirement goes into the
operation as `x-auth` (and `security` unless public), the error reasons into `x-error-reasons`
and into the documented responses, each with the `ErrorBody` schema.
"""

from __future__ import annotations

import re
import warnings
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute

from odyssey.api.schemas import ErrorBody


class Auth(StrEnum):
    """Who may call a route (the reference's auth labels, plus ours)."""

    PUBLIC = "public"  # no token
    USER = "user"  # any signed-in caller, guests included
    MEMBER = "member"  # signed in and not a guest
    OBJECT_ADMIN = "object-admin"  # an admin of the object in the path (directly or inherited)
    NODE_ADMIN = "node-admin"  # an admin of the node
    ATTRIBUTE = "attribute-permission"  # signed in, then the attribute's read/write permission
    OWNER = "owner"  # signed in, and the author/owner of the thing addressed
    HOSTING = "node-admin-or-allow-listed"  # node admins and users on the hosting allow-list


_STATUS_TEXT = {
    400: "Bad request",
    401: "Missing, invalid, expired or revoked token",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict",
    413: "Too large",
}


def described(
    auth: Auth,
    errors: dict[int, list[str]] | None = None,
    *,
    success: tuple[int, Any, str] | None = None,
) -> dict[str, Any]:
    """Keyword arguments for a route decorator: its documented auth and error reasons, and
    (`success`: status, model, description) the response of a route that builds its own."""
    reasons: dict[int, list[str]] = {
        400: ["invalid_request_body", "invalid_request_query", "invalid_request_path"]
    }
    if auth is not Auth.PUBLIC:
        reasons[401] = ["failed_to_verify_access_token"]
    if auth is Auth.MEMBER:
        reasons.setdefault(403, []).append("wallet_user_required")
    for status, named in (errors or {}).items():
        reasons.setdefault(status, [])
        reasons[status] += [name for name in named if name not in reasons[status]]
    responses: dict[int | str, dict[str, Any]] = {
        status: {
            "model": ErrorBody,
            "description": f"{_STATUS_TEXT.get(status, 'Error')}. Reasons: "
            + ", ".join(f"`{name}`" for name in named),
        }
        for status, named in sorted(reasons.items())
    }
    if success is not None:
        status, model, description = success
        responses[status] = {"model": model, "description": description}
    extra: dict[str, Any] = {
        "x-auth": auth.value,
        "x-error-reasons": {str(status): named for status, named in sorted(reasons.items())},
    }
    if auth is not Auth.PUBLIC:
        extra["security"] = [{"bearer": []}]
    return {"responses": responses, "openapi_extra": extra}


API_PREFIX = "/api/v4"


def stable_operation_id(route: APIRoute) -> str:
    """FastAPI's operation id, but from the first method in sorted order: FastAPI takes the
    first of a set, so a GET+HEAD route's id changed with the process's hash seed."""
    path = re.sub(r"\W", "_", f"{route.name}{route.path_format}")
    method = sorted(route.methods or {"GET"})[0]
    return f"{path}_{method.lower()}"


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every `/api/v4` route, with the bearer scheme."""
    with warnings.catch_warnings():
        # Routes answering GET and HEAD share an operation id; made unique below.
        warnings.filterwarnings("ignore", message="Duplicate Operation ID")
        document = _openapi(app)
    # The method that sorts first keeps the id, the others get their method appended: set
    # order (which FastAPI walks) changes with the hash seed, the document must not.
    for item in document["paths"].values():
        methods = sorted(item)
        for method in methods:
            operation_id = item[method].get("operationId")
            if any(item[m].get("operationId") == operation_id for m in methods if m < method):
                item[method]["operationId"] = f"{operation_id}_{method}"
    components = document.setdefault("components", {})
    components.setdefault("securitySchemes", {})["bearer"] = {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An access token from /api/v4/auth/guest-token or /api/v4/auth/token.",
    }
    return document


def _openapi(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(
        title="Odyssey node API",
        version="4.0.0",
        summary="The /api/v4 routes of an Odyssey node, wire-compatible with Odyssey clients.",
        description=(
            'Every error is `{"error": {"reason", "message"}}`; only `reason` is stable. '
            "Each operation lists who may call it in `x-auth` and its error reasons in "
            "`x-error-reasons`."
        ),
        routes=app.routes,
    )
    document["paths"] = {
        path: item for path, item in document["paths"].items() if path.startswith(API_PREFIX + "/")
    }
    return document


router = APIRouter(prefix=API_PREFIX, include_in_schema=False)


@router.get("/openapi.json")
async def openapi_document(request: Request) -> JSONResponse:
    app: FastAPI = request.app
    cached: dict[str, Any] | None = getattr(app.state, "api_openapi", None)
    if cached is None:
        cached = build_openapi(app)
        app.state.api_openapi = cached
    return JSONResponse(cached)


@router.get("/docs")
async def docs_page() -> HTMLResponse:
    return HTMLResponse(_DOCS_PAGE)


_DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Odyssey node API</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 1.5rem;
color:#1d2230}
h1{margin:.2rem 0}.tag{margin-top:2rem;border-bottom:2px solid #dde}
details{border:1px solid #dde;border-radius:6px;margin:.4rem 0;padding:.3rem .6rem}
summary{cursor:pointer}code,pre{font:13px ui-monospace,monospace}
pre{background:#f5f6fa;padding:.5rem;overflow:auto;max-height:24rem}
.m{display:inline-block;min-width:4.2rem;font-weight:700}.GET{color:#1f6feb}.POST{color:#1a7f37}
.PATCH{color:#9a6700}.DELETE{color:#cf222e}.PUT{color:#8250df}
.auth{float:right;font-size:12px;background:#eef;border-radius:4px;padding:0 .4rem}
table{border-collapse:collapse}td,th{border-bottom:1px solid #eee;padding:.15rem .6rem;
text-align:left;vertical-align:top}
</style></head>
<body><h1>Odyssey node API</h1>
<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI 3.1).
Send <code>Authorization: Bearer &lt;token&gt;</code>; errors are
<code>{"error": {"reason", "message"}}</code>.</p>
<input id="filter" placeholder="filter: path, method, tag, auth" style="width:100%;padding:.4rem">
<div id="ops">loading…</div>
<script>
"use strict";
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({"&":"&amp;","<":"&lt;",">":"&gt;",
  '"':"&quot;"})[c]);
function resolve(doc, schema, depth) {
  if (!schema || depth > 6) return schema;
  if (schema.$ref) {
    const name = schema.$ref.split("/").pop();
    return resolve(doc, doc.components.schemas[name], depth + 1);
  }
  const out = Array.isArray(schema) ? [] : {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] = v && typeof v === "object" ? resolve(doc, v, depth + 1) : v;
  }
  return out;
}
function render(doc, filter) {
  const byTag = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags || ["other"])[0];
      const hay = (method + " " + path + " " + tag + " " + (op["x-auth"] || "")).toLowerCase();
      if (filter && !hay.includes(filter)) continue;
      (byTag[tag] = byTag[tag] || []).push([method.toUpperCase(), path, op]);
    }
  }
  let html = "";
  for (const tag of Object.keys(byTag).sort()) {
    html += `<h2 class="tag">${esc(tag)}</h2>`;
    for (const [method, path, op] of byTag[tag]) {
      html += `<details><summary><span class="m ${method}">${method}</span><code>${esc(path)}`
        + `</code> ${esc(op.summary || "")}<span class="auth">${esc(op["x-auth"] || "")}</span>`
        + `</summary>`;
      if (op.description) html += `<p>${esc(op.description)}</p>`;
      const params = op.parameters || [];
      if (params.length) {
        html += "<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>";
        for (const p of params) {
          html += `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td>`
            + `<td>${p.required ? "yes" : ""}</td><td><code>`
            + `${esc(JSON.stringify(resolve(doc, p.schema, 0)))}</code></td></tr>`;
        }
        html += "</table>";
      }
      const body = op.requestBody && op.requestBody.content["application/json"];
      if (body) html += `<p>Body:</p><pre>${esc(JSON.stringify(resolve(doc, body.schema, 0),
        null, 2))}</pre>`;
      html += "<p>Responses:</p><table>";
      for (const [status, r] of Object.entries(op.responses || {})) {
        html += `<tr><td>${esc(status)}</td><td>${esc(r.description || "")}</td></tr>`;
      }
      html += "</table>";
      const ok = Object.entries(op.responses || {}).find(([s]) => s.startsWith("2"));
      const schema = ok && ok[1].content && ok[1].content["application/json"];
      if (schema && schema.schema) html += `<pre>${esc(JSON.stringify(resolve(doc,
        schema.schema, 0), null, 2))}</pre>`;
      html += "</details>";
    }
  }
  document.getElementById("ops").innerHTML = html || "no route matches";
}
fetch("openapi.json").then((r) => r.json()).then((doc) => {
  const box = document.getElementById("filter");
  box.addEventListener("input", () => render(doc, box.value.trim().toLowerCase()));
  render(doc, "");
}).catch((e) => { document.getElementById("ops").textContent = "failed to load: " + e; });
</script></body></html>
"""
