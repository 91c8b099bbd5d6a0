"""The OpenID Connect provider's routes: discovery, JWKS, authorize + login/consent pages, token,
userinfo, revocation, introspection and logout.

Protocol endpoints answer protocol errors the way OAuth clients expect them (RFC 6749 §5.2:
`{"error": "invalid_grant", "error_description": …}`); everything else the node refuses (rate
limits, expired login pages, bad wallet proofs) uses the node's error body, or an HTML page when
a browser asked for one.

The login flow, like Hydra's: /oauth2/auth validates the request (client, redirect URI, PKCE S256,
scope, nonce) and parks it as a login flow bound to this browser by a cookie, then the login page
signs the person in (guest or wallet), the consent page asks them (trusted clients skip it), and
the decision sends the browser back to the client with a code or `access_denied`.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec

from authlib.oauth2 import OAuth2Error
from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from odyssey.api.errors import domain_error_response, error_response, status_of
from odyssey.api.identity import bearer_token, client_address, services_of
from odyssey.api.pages import consent_page, login_page, message_page, wallet_page
from odyssey.auth.common import new_secret
from odyssey.auth.errors import AuthError, OAuthRequestError, TokenRejected
from odyssey.auth.oauth import (
    ENDPOINTS,
    TOKEN_ENDPOINT_AUTH_METHODS,
    LoginUser,
    NodeAuthorizationServer,
    NodeRequest,
    OAuthAnswer,
    run_server,
    user_info,
)
from odyssey.auth.oauth_store import SCOPES_SUPPORTED, Flow, scope_list
from odyssey.auth.service import AuthService
from odyssey.auth.signin import WalletUser
from odyssey.auth.wallets import Network
from odyssey.core.errors import RateLimited

router = APIRouter(tags=["oidc"])

BROWSER_COOKIE = "odyssey_signin"
P = ParamSpec("P")


def _auth(request: Request) -> AuthService:
    return services_of(request).auth


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def _refusal(request: Request, error: AuthError | RateLimited) -> Response:
    headers: dict[str, str] = {}
    status, reason = domain_error_response(error)
    if isinstance(error, RateLimited):
        headers["Retry-After"] = str(max(1, error.retry_after or 1))
    if _wants_html(request):
        page = message_page(
            node_name=_auth(request).settings.node_name,
            title="Cannot sign in",
            text=error.message,
            status=status,
        )
        page.headers.update(headers)
        return page
    return error_response(status, reason, error.message, **headers)


def page_route(
    handler: Callable[P, Awaitable[Response]],
) -> Callable[P, Awaitable[Response]]:
    """A browser-facing route: refusals become an HTML page (or JSON for API clients)."""

    @functools.wraps(handler)
    async def guarded(*args: P.args, **kwargs: P.kwargs) -> Response:
        try:
            return await handler(*args, **kwargs)
        except (AuthError, RateLimited) as error:
            request = kwargs.get("request")
            if not isinstance(request, Request):
                raise
            return _refusal(request, error)

    return guarded


async def oauth_request(request: Request) -> NodeRequest:
    form: list[tuple[str, str]] = []
    if request.method == "POST":
        data = await request.form()
        form = [(key, value) for key, value in data.multi_items() if isinstance(value, str)]
    query = list(request.query_params.multi_items())
    return NodeRequest(request.method, str(request.url), request.headers, query, form)


async def _form(request: Request) -> dict[str, str]:
    data = await request.form()
    return {key: value for key, value in data.items() if isinstance(value, str)}


# --- discovery -----------------------------------------------------------------------------------


async def metadata(auth: AuthService) -> dict[str, Any]:
    await auth.keys.ready()
    issuer = auth.issuer
    return {
        "issuer": issuer,
        **{name: issuer + path for name, path in ENDPOINTS.items()},
        "scopes_supported": list(SCOPES_SUPPORTED),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": auth.keys.algorithms(),
        "token_endpoint_auth_methods_supported": TOKEN_ENDPOINT_AUTH_METHODS,
        "revocation_endpoint_auth_methods_supported": TOKEN_ENDPOINT_AUTH_METHODS,
        "introspection_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
        ],
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login", "consent"],
        "claims_supported": [
            "iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "sid", "name", "guest",
        ],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
    }  # fmt: skip


@router.get("/.well-known/openid-configuration")
@router.get("/.well-known/oauth-authorization-server")
async def discovery(request: Request) -> JSONResponse:
    return JSONResponse(
        await metadata(_auth(request)), headers={"Cache-Control": "public, max-age=300"}
    )


@router.get("/.well-known/jwks.json")
async def jwks(request: Request) -> JSONResponse:
    auth = _auth(request)
    await auth.keys.ready()
    return JSONResponse(auth.keys.public_jwks(), headers={"Cache-Control": "public, max-age=60"})


# --- authorize, login, consent -------------------------------------------------------------------


@router.get("/oauth2/auth")
@page_route
async def authorize(request: Request) -> Response:
    auth = _auth(request)
    oauth = await oauth_request(request)

    def validate(server: NodeAuthorizationServer) -> Any:
        try:
            return server.get_consent_grant(oauth, None)
        except OAuth2Error as error:
            if error.redirect_uri:  # the client is known: tell it, on its redirect URI
                return server.handle_error_response(oauth, error)
            description = (
                "response_type must be code"
                if error.error == "unsupported_response_type"
                else error.get_error_description() or error.error
            )
            raise OAuthRequestError(error.error, description) from None

    grant = await run_server(auth, validate)
    if isinstance(grant, OAuthAnswer):
        return http_response(grant)
    browser = request.cookies.get(BROWSER_COOKIE)
    new_browser = browser is None or len(browser) > 128
    if new_browser:
        browser = new_secret()
    assert browser is not None
    flow_id = await auth.oauth.start_flow(grant.client.client_id, oauth.payload.data, browser)
    response = RedirectResponse(f"/oauth2/login?flow={flow_id}", status_code=303)
    if new_browser:
        response.set_cookie(
            BROWSER_COOKIE,
            browser,
            max_age=auth.settings.auth_login_ttl,
            path="/oauth2",
            httponly=True,
            samesite="lax",
            secure=auth.issuer.startswith("https://"),
        )
    return response


async def _flow(request: Request, flow_id: str | None) -> Flow:
    return await _auth(request).oauth.get_flow(flow_id or "", request.cookies.get(BROWSER_COOKIE))


async def _client_name(auth: AuthService, flow: Flow) -> str:
    client = await auth.oauth.get_client(flow.client_id)
    return client.name if client else flow.client_id


@router.get("/oauth2/login")
@page_route
async def login(request: Request, flow: str | None = None) -> Response:
    auth = _auth(request)
    current = await _flow(request, flow)
    return login_page(
        node_name=auth.settings.node_name,
        client_name=await _client_name(auth, current),
        flow=current.flow_id,
    )


@router.post("/oauth2/login/guest")
@page_route
async def login_as_guest(request: Request) -> Response:
    auth = _auth(request)
    current = await _flow(request, (await _form(request)).get("flow"))
    await auth.limits.guest(client_address(request))
    guest = await auth.signin.create_guest()
    await auth.oauth.complete_login(current.flow_id, guest.user_id, "guest")
    return await _after_login(request, current.flow_id)


@router.post("/oauth2/login/wallet/challenge")
@page_route
async def login_wallet_challenge(request: Request) -> Response:
    auth = _auth(request)
    form = await _form(request)
    current = await _flow(request, form.get("flow"))
    wallet = form.get("wallet", "").strip()
    network = Network.from_request(form.get("network"))
    address = client_address(request)
    await auth.limits.challenge(address)
    try:
        challenge = await auth.signin.issue_challenge(wallet, client_address=address)
    except AuthError as error:
        return login_page(
            node_name=auth.settings.node_name,
            client_name=await _client_name(auth, current),
            flow=current.flow_id,
            error=error.message,
            status=status_of(error),
        )
    return wallet_page(
        node_name=auth.settings.node_name,
        flow=current.flow_id,
        wallet=wallet,
        network=network.value,
        challenge=challenge.message,
    )


@router.post("/oauth2/login/wallet")
@page_route
async def login_with_wallet(request: Request) -> Response:
    auth = _auth(request)
    form = await _form(request)
    current = await _flow(request, form.get("flow"))
    wallet = form.get("wallet", "").strip()
    network = Network.from_request(form.get("network"))
    address = client_address(request)

    async def complete(_session: Any, user: WalletUser) -> WalletUser:
        return user

    try:
        async with auth.limits.wallet_proof(address, wallet):
            user = await auth.signin.sign_in_with_wallet(
                wallet,
                form.get("signature", ""),
                network,
                message=form.get("message") or None,
                then=complete,
                client_address=address,
            )
    except AuthError as error:  # back to the login page, the flow still open
        return login_page(
            node_name=auth.settings.node_name,
            client_name=await _client_name(auth, current),
            flow=current.flow_id,
            error=f"{error.message}. Try again.",
            status=status_of(error),
        )
    await auth.oauth.complete_login(current.flow_id, user.user_id, network.value)
    return await _after_login(request, current.flow_id)


async def _after_login(request: Request, flow_id: str) -> Response:
    auth = _auth(request)
    current = await _flow(request, flow_id)
    client = await auth.oauth.get_client(current.client_id)
    if client is not None and client.trusted:
        return await _decide(request, current, allow=True)
    return RedirectResponse(f"/oauth2/consent?flow={flow_id}", status_code=303)


@router.get("/oauth2/consent")
@page_route
async def consent(request: Request, flow: str | None = None) -> Response:
    auth = _auth(request)
    current = await _flow(request, flow)
    if current.user_id is None:
        return RedirectResponse(f"/oauth2/login?flow={current.flow_id}", status_code=303)
    user = await auth.users.find(current.user_id)
    name = (user.profile or {}).get("name") if user else None
    client = await auth.oauth.get_client(current.client_id)
    scope = client.get_allowed_scope(current.params.get("scope")) if client else ""
    return consent_page(
        node_name=auth.settings.node_name,
        client_name=client.name if client else current.client_id,
        flow=current.flow_id,
        user_name=name if isinstance(name, str) and name else "a wallet user",
        scopes=scope_list(scope),
    )


@router.post("/oauth2/consent")
@page_route
async def decide(request: Request) -> Response:
    form = await _form(request)
    current = await _flow(request, form.get("flow"))
    if current.user_id is None:
        raise AuthError("login_required", "sign in before answering the consent page")
    return await _decide(request, current, allow=form.get("decision") == "allow")


async def _decide(request: Request, current: Flow, *, allow: bool) -> Response:
    """Send the browser back to the client: with a code, or with `access_denied`."""
    auth = _auth(request)
    assert current.user_id is not None and current.auth_time is not None
    await auth.oauth.end_flow(current.flow_id)  # one decision per flow, even when racing
    user = LoginUser(
        user_id=current.user_id,
        auth_method=current.auth_method or "unknown",
        auth_time=current.auth_time,
    )
    oauth = NodeRequest(
        "GET",
        auth.issuer + ENDPOINTS["authorization_endpoint"],
        {},
        list(current.params.items()),
        [],
    )

    def respond(server: NodeAuthorizationServer) -> OAuthAnswer:
        try:
            grant = server.get_consent_grant(oauth, user)
        except OAuth2Error as error:
            refused: OAuthAnswer = server.handle_error_response(oauth, error)
            return refused
        authorized: OAuthAnswer = server.create_authorization_response(
            oauth, grant_user=user if allow else None, grant=grant
        )
        return authorized

    return http_response(await run_server(auth, respond))


# --- token, userinfo, revocation, introspection, logout -----------------------------------------


def http_response(answer: OAuthAnswer) -> Response:
    """Authlib's answer as sent: a JSON object as JSON (its own Content-Type), else the bytes."""
    headers = dict(answer.headers)
    if isinstance(answer.body, dict):
        headers.pop("Content-Type", None)
        return JSONResponse(answer.body, status_code=answer.status, headers=headers)
    return Response(answer.body or b"", status_code=answer.status, headers=headers)


@router.post("/oauth2/token")
async def token(request: Request) -> Response:
    auth = _auth(request)
    await auth.limits.oauth_token(client_address(request))  # RateLimited: 429, our error body
    oauth = await oauth_request(request)
    answer: OAuthAnswer = await run_server(auth, lambda server: server.create_token_response(oauth))
    return http_response(answer)


@router.post("/oauth2/revoke")
async def revoke(request: Request) -> Response:
    auth = _auth(request)
    oauth = await oauth_request(request)
    answer: OAuthAnswer = await run_server(
        auth, lambda server: server.create_endpoint_response("revocation", oauth)
    )
    return http_response(answer)


@router.post("/oauth2/introspect")
async def introspect(request: Request) -> Response:
    auth = _auth(request)
    oauth = await oauth_request(request)
    answer: OAuthAnswer = await run_server(
        auth, lambda server: server.create_endpoint_response("introspection", oauth)
    )
    return http_response(answer)


@router.api_route("/oauth2/userinfo", methods=["GET", "POST"])
async def userinfo(request: Request) -> Response:
    auth = _auth(request)
    try:
        identity = await auth.verify_token(bearer_token(request), scope="openid")
    except TokenRejected as error:
        return error_response(
            401,
            error.reason,
            error.message,
            **{"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    info = await user_info(auth, identity.user_id, " ".join(sorted(identity.scopes)))
    return JSONResponse(dict(info), headers={"Cache-Control": "no-store"})


@router.api_route("/oauth2/logout", methods=["GET", "POST"])
@page_route
async def logout(request: Request) -> Response:
    """RP-initiated logout: the sign-in named by `id_token_hint` ends (all its tokens)."""
    auth = _auth(request)
    oauth = await oauth_request(request)

    def end(server: NodeAuthorizationServer) -> OAuthAnswer | None:
        try:
            validated = server.validate_endpoint_request("end_session", oauth)
        except OAuth2Error as error:
            raise OAuthRequestError(
                "invalid_request", error.get_error_description() or error.error
            ) from None
        if validated.id_token_claims is None:
            raise AuthError(
                "id_token_hint_required", "to sign out, the app must send id_token_hint"
            )
        answer: OAuthAnswer | None = server.create_endpoint_response("end_session", validated)
        return answer

    answer = await run_server(auth, end)
    if answer is not None:
        return http_response(answer)
    return message_page(
        node_name=auth.settings.node_name,
        title="Signed out",
        text="You are signed out of the app. You can close this page.",
    )
