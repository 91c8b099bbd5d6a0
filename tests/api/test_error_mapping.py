"""The one table from domain reasons to HTTP: limits become 429 with Retry-After, outages 503,
every domain error of core, auth and media has its status."""

from __future__ import annotations

import importlib
import pkgutil
import uuid
from typing import get_args

import httpx
import pytest
from fastapi import FastAPI

import odyssey
from odyssey.api.errors import STATUS, install_error_handlers
from odyssey.auth.errors import AuthError, AuthReason, OAuthRequestError, TokenRejected
from odyssey.core import ids
from odyssey.core.errors import DomainError, Forbidden, QuotaExceeded, RateLimited, Unavailable
from odyssey.media.errors import (
    InvalidMediaId,
    InvalidUpload,
    MediaNotFound,
    MediaTooLarge,
    UnsupportedMedia,
)
from tests.api.api_harness import Api


def _app_raising(error: DomainError) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    async def boom() -> None:
        raise error

    return app


@pytest.mark.parametrize(
    ("error", "status", "reason", "retry_after"),
    [
        (RateLimited("slow down", retry_after=7), 429, "too_many_requests", "7"),
        (RateLimited("slow down", retry_after=0), 429, "too_many_requests", "1"),
        (QuotaExceeded("no more objects"), 429, "quota_exceeded", None),
        (QuotaExceeded("bytes today", retry_after=3600), 429, "quota_exceeded", "3600"),
        (Unavailable("database is down"), 503, "service_unavailable", "5"),
    ],
)
async def test_limits_and_outages_map_to_status_and_retry_after(
    error: DomainError, status: int, reason: str, retry_after: str | None
) -> None:
    transport = httpx.ASGITransport(app=_app_raising(error))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/boom")
    assert response.status_code == status
    assert response.json() == {"error": {"reason": reason, "message": error.message}}
    assert response.headers.get("retry-after") == retry_after


@pytest.mark.parametrize("reason", get_args(AuthReason))
def test_every_auth_reason_has_a_status(reason: str) -> None:
    assert reason in STATUS


@pytest.mark.parametrize(
    ("error", "status", "reason"),
    [
        (TokenRejected("the token has been revoked"), 401, "failed_to_verify_access_token"),
        (AuthError("wallet_user_required", "guests cannot"), 403, "wallet_user_required"),
        (AuthError("invalid_signature", "not this key"), 403, "invalid_signature"),
        (AuthError("wallet_not_found", "not yours"), 404, "wallet_not_found"),
        (AuthError("wallet_already_exists", "yours already"), 400, "wallet_already_exists"),
        (OAuthRequestError("invalid_client", "unknown client"), 400, "invalid_client"),
    ],
)
async def test_auth_refusals_map_to_their_status(
    error: DomainError, status: int, reason: str
) -> None:
    transport = httpx.ASGITransport(app=_app_raising(error))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/boom")
    assert response.status_code == status
    assert response.json() == {"error": {"reason": reason, "message": error.message}}
    assert "retry-after" not in response.headers


def _subclasses(cls: type[DomainError]) -> list[type[DomainError]]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_subclasses(direct))]


def test_every_domain_error_has_a_status() -> None:
    """A new DomainError anywhere in the node must be given its status in the table."""
    for module in pkgutil.walk_packages(odyssey.__path__, "odyssey."):
        importlib.import_module(module.name)
    errors = _subclasses(DomainError)
    assert len(errors) >= 20  # core, auth and media were all imported
    missing = {f"{error.__module__}.{error.__qualname__}": error.reason for error in errors}
    assert {name: reason for name, reason in missing.items() if reason not in STATUS} == {}


@pytest.mark.parametrize(
    ("error", "status", "reason"),
    [
        (InvalidUpload("send the file as multipart/form-data"), 400, "invalid_upload"),
        (MediaTooLarge("the file is larger than 5 MB"), 413, "file_too_large"),
        (UnsupportedMedia("image format BMP is not accepted"), 415, "unsupported_media_type"),
        (InvalidMediaId("'x' is not a media id"), 400, "invalid_format"),
        (
            Forbidden("only node admins may upload plugin bundles", reason="not_admin"),
            403,
            "not_admin",
        ),
        (Forbidden("only who uploaded this image may delete it"), 403, "forbidden"),
        (MediaNotFound("no image 00ff", kind="media"), 404, "media_not_found"),
    ],
)
async def test_media_refusals_map_to_their_status(
    error: DomainError, status: int, reason: str
) -> None:
    transport = httpx.ASGITransport(app=_app_raising(error))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/boom")
    assert response.status_code == status
    assert response.json() == {"error": {"reason": reason, "message": error.message}}


async def test_unknown_ids_are_named_by_the_table(api: Api) -> None:
    """The routes that let a store's NotFound through answer as they did when each translated
    it by hand: the kind names the reason, the store's message is the message."""
    person = await api.person("Seeker")
    missing = uuid.uuid4()
    expected = {
        f"/api/v4/objects/{missing}": ("object_not_found", f"object {missing} not found"),
        f"/api/v4/objects/{missing}/tree": ("object_not_found", f"object {missing} not found"),
        f"/api/v4/assets-2d/{missing}": ("asset_2d_not_found", f"2D asset {missing} not found"),
        f"/api/v4/assets-3d/options?assets3d_ids[]={missing}": (
            "asset_3d_not_found",
            f"3D asset {missing} not found",
        ),
        f"/api/v4/plugins/meta?ids[]={missing}": (
            "plugin_not_found",
            f"plugin {missing} not found",
        ),
        f"/api/v4/plugins/options?ids[]={missing}": (
            "plugin_not_found",
            f"plugin {missing} not found",
        ),
        f"/api/v4/users/{missing}": ("user_not_found", f"user {missing} not found"),
        f"/api/v4/worlds/{missing}": ("world_not_found", f"world {missing} not found"),
    }
    for path, (reason, message) in expected.items():
        response = await api.http.get(path, headers=person.headers)
        assert response.status_code == 404, (path, response.text)
        assert response.json() == {"error": {"reason": reason, "message": message}}, path
    spawn = await api.http.post(
        f"/api/v4/objects/{missing}/spawn-by-user",
        headers=person.headers,
        json={"object_name": "thing", "object_type_id": str(ids.CUSTOM_TYPE_ID)},
    )
    assert spawn.status_code == 404, spawn.text
    assert spawn.json()["error"]["reason"] == "parent_not_found"
