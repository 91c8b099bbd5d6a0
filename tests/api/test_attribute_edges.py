"""The attribute routes' answers where several things are wrong at once, or a rule is at its
edge: which check comes first decides the status and reason a client sees, and the one table of
scopes must keep the order the hand-written routes had (these answers were recorded from them)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from odyssey.core import ids
from tests.api.api_harness import Api

CORE = str(ids.CORE_PLUGIN_ID)


def key(name: str, **extra: Any) -> dict[str, Any]:
    return {"plugin_id": CORE, "attribute_name": name, **extra}


def sub(name: str, value: Any = True) -> dict[str, Any]:
    return key(name, sub_attribute_key="k", sub_attribute_value=value)


# (case, method, path, httpx keyword arguments, (status, reason or body)); in the path `{u}` is
# an unknown id, `{bad}` a malformed one, `{world}` an existing world and `{me}` the caller.
CASES: list[tuple[str, str, str, dict[str, Any], tuple[int, Any]]] = [
    (
        "read: an unknown type before an unknown object",
        "GET",
        "/objects/{u}/attributes",
        {"params": key("no_such")},
        (400, "invalid_plugin_attribute"),
    ),
    (
        "read: an unknown object is found by the admin check",
        "GET",
        "/objects/{u}/attributes/sub",
        {"params": key("description", sub_attribute_key="k")},
        (404, "object_not_found"),
    ),
    (
        "read: both ids are parsed before anything is looked up",
        "GET",
        "/objects/{u}/{bad}/attributes",
        {"params": key("vote")},
        (400, "invalid_user_id"),
    ),
    (
        "write: the object is looked up before the user id is parsed",
        "POST",
        "/objects/{u}/{bad}/attributes",
        {"json": key("vote", attribute_value={})},
        (404, "object_not_found"),
    ),
    (
        "write: an unknown user of an existing object",
        "POST",
        "/objects/{world}/{u}/attributes/sub",
        {"json": sub("vote")},
        (404, "user_not_found"),
    ),
    (
        "write: the object is looked up before a null sub value is refused",
        "POST",
        "/objects/{u}/attributes/sub",
        {"json": sub("description", None)},
        (404, "object_not_found"),
    ),
    (
        "write: a null sub value",
        "POST",
        "/users/{me}/attributes/sub",
        {"json": sub("emoji", None)},
        (400, "invalid_request_body"),
    ),
    (
        "user-user: the source is looked up before the target is parsed",
        "POST",
        "/users/attributes/sub/{u}/{bad}",
        {"json": sub("high_five", 1)},
        (404, "user_not_found"),
    ),
    (
        "user-user: a malformed target",
        "POST",
        "/users/attributes/sub/{me}/{bad}",
        {"json": sub("high_five", 1)},
        (400, "invalid_target_id"),
    ),
    (
        "delete in the query: an unknown type is named as in a query",
        "DELETE",
        "/node/attributes",
        {"params": key("no_such")},
        (400, "invalid_plugin_attribute"),
    ),
    (
        "delete in a body: an unknown type is named as in a body",
        "DELETE",
        "/users/{me}/attributes",
        {"json": key("no_such")},
        (400, "invalid_attribute"),
    ),
    (
        "delete of a value that is not there",
        "DELETE",
        "/users/{me}/attributes/sub",
        {"json": key("emoji", sub_attribute_key="k")},
        (200, None),
    ),
    (
        "a sub key of no value",
        "GET",
        "/users/{me}/attributes/sub",
        {"params": key("emoji", sub_attribute_key="k")},
        (404, "attribute_value_not_found"),
    ),
    (
        "publicize: the object before the type",
        "POST",
        "/objects/{u}/attributes/publicize",
        {"params": key("no_such")},
        (404, "object_not_found"),
    ),
    (
        "publicize: only for admins of the object",
        "POST",
        "/objects/{world}/attributes/publicize",
        {"params": key("emoji")},
        (403, "not_admin"),
    ),
    (
        "aggregate: the object before the type",
        "GET",
        "/objects/{u}/all-users/attributes",
        {"params": key("no_such")},
        (404, "object_not_found"),
    ),
    (
        "entries: an unknown type is a 404 invalid_param",
        "GET",
        f"/objects/{{world}}/all-users/attributes/{CORE}/no_such/entries",
        {},
        (404, "invalid_param"),
    ),
    (
        "entries: the object before a malformed plugin id",
        "GET",
        "/objects/{u}/all-users/attributes/{bad}/x/entries",
        {},
        (404, "object_not_found"),
    ),
    (
        "entries: the type before an order outside fields[]",
        "GET",
        f"/objects/{{world}}/all-users/attributes/{CORE}/no_such/entries",
        {"params": {"order": "n"}},
        (404, "invalid_param"),
    ),
    (
        "entries: an order outside fields[]",
        "GET",
        f"/objects/{{world}}/all-users/attributes/{CORE}/comments/entries",
        {"params": {"order": "n"}},
        (400, "invalid_params"),
    ),
    (
        "count: for who may read a user's value (not here: admin+user_owner)",
        "GET",
        "/objects/{world}/all-users/count",
        {"params": key("skybox_ai")},
        (403, "operation_not_permitted"),
    ),
]


def answer(response: httpx.Response) -> tuple[int, Any]:
    body = response.json()
    if isinstance(body, dict) and "error" in body:
        return response.status_code, body["error"]["reason"]
    return response.status_code, body


async def test_which_refusal_comes_first(api: Api) -> None:
    me = await api.person("Me")
    names = {"u": uuid.uuid4(), "bad": "not-an-id", "world": await api.default_world()}
    names["me"] = me.user_id
    seen = {}
    for case, method, path, arguments, _ in CASES:
        url = "/api/v4" + path.format(**names)
        response = await api.http.request(method, url, headers=me.headers, **arguments)
        seen[case] = answer(response)
    assert seen == {case: expected for case, *_, expected in CASES}
