"""Attribute routes in the five scopes: values, sub-values, permissions, aggregates, limits."""

from __future__ import annotations

import uuid
from typing import Any

from odyssey.bus import AttributeChanged, Event
from odyssey.core import ids
from odyssey.core.permissions import AttributeScope
from odyssey.db import AttributeRef
from tests.api.api_harness import Api

CORE = str(ids.CORE_PLUGIN_ID)


def q(name: str, plugin: str = CORE, **extra: Any) -> dict[str, Any]:
    return {"plugin_id": plugin, "attribute_name": name, **extra}


async def test_object_attribute_lifecycle_and_event(api: Api) -> None:
    owner = await api.person("Owner")
    assert owner.user_id is not None
    world = (await api.services.worlds.create("Gallery", owner.user_id)).id
    seen: list[Event] = []

    async def record(event: Event) -> None:
        seen.append(event)

    api.services.bus.subscribe("attribute/#", record)
    h = owner.headers
    path = f"/api/v4/objects/{world}/attributes"
    written = await api.http.post(
        path, headers=h, json=q("description", attribute_value={"description": "Hi"})
    )
    assert written.status_code == 202 and written.json() == {"description": "Hi"}
    assert (await api.http.get(path, params=q("description"), headers=h)).json() == {
        "description": "Hi"
    }
    sub = await api.http.post(
        f"{path}/sub",
        headers=h,
        json=q("description", sub_attribute_key="extra", sub_attribute_value=[1]),
    )
    assert sub.status_code == 202 and sub.json() == {"extra": [1]}
    read_sub = await api.http.get(
        f"{path}/sub", params=q("description", sub_attribute_key="extra"), headers=h
    )
    assert read_sub.json() == {"extra": [1]}
    removed = await api.http.request(
        "DELETE", f"{path}/sub", headers=h, json=q("description", sub_attribute_key="extra")
    )
    assert removed.status_code == 200
    assert (await api.http.get(path, params=q("description"), headers=h)).json() == {
        "description": "Hi"
    }
    gone = await api.http.delete(path, params=q("description"), headers=h)
    assert gone.status_code == 200
    missing = await api.http.get(path, params=q("description"), headers=h)
    assert (missing.status_code, missing.json()["error"]["reason"]) == (404, "attribute_not_found")
    await api.drain()
    changes = [e for e in seen if isinstance(e, AttributeChanged) and e.object_id == world]
    assert [c.change_type for c in changes][-1] == "attribute_removed"
    assert len(changes) >= 4


async def test_attribute_refusals(api: Api) -> None:
    admin = await api.person("Admin")
    stranger = await api.person("Stranger")
    assert admin.user_id is not None
    await api.services.users.make_node_admin(admin.user_id)
    world = await api.default_world()
    path = f"/api/v4/objects/{world}/attributes"

    async def reason(response: Any) -> tuple[int, str]:
        return response.status_code, response.json()["error"]["reason"]

    assert await reason(
        await api.http.get(path, params=q("no_such_attribute"), headers=admin.headers)
    ) == (
        400,
        "invalid_plugin_attribute",
    )
    assert await reason(
        await api.http.post(
            path, headers=admin.headers, json=q("no_such_attribute", attribute_value={})
        )
    ) == (400, "invalid_attribute")
    assert await reason(
        await api.http.post(
            path,
            headers=stranger.headers,
            json=q("description", attribute_value={"description": "x"}),
        )
    ) == (403, "operation_not_permitted")
    huge = {"text": "x" * (300 * 1024)}
    assert await reason(
        await api.http.post(
            path, headers=admin.headers, json=q("description", attribute_value=huge)
        )
    ) == (
        400,
        "invalid_request_body",
    )
    nul = {"text": "a\x00b"}
    assert await reason(
        await api.http.post(path, headers=admin.headers, json=q("description", attribute_value=nul))
    ) == (
        400,
        "invalid_request_body",
    )
    nan = (
        b'{"plugin_id": "%s", "attribute_name": "description", "attribute_value": {"v": NaN}}'
        % CORE.encode()
    )
    assert await reason(await api.http.post(path, headers=admin.headers, content=nan)) == (
        400,
        "invalid_request_body",
    )
    # Secrets stay secret, even for node admins.
    for name in ("jwt_key", "node_settings", "node_private_key"):
        response = await api.http.get(
            "/api/v4/node/attributes", params=q(name), headers=admin.headers
        )
        assert response.status_code == 403, name
    unknown_object = await api.http.get(
        f"/api/v4/objects/{uuid.uuid4()}/attributes", params=q("description"), headers=admin.headers
    )
    assert await reason(unknown_object) == (404, "object_not_found")


async def test_user_scopes(api: Api) -> None:
    me = await api.person("Me")
    other = await api.person("Other")
    h = me.headers
    # The caller's own wallet attribute is readable (admin+user_owner), another user's is not.
    await api.services.attributes.set_value(
        AttributeRef(
            AttributeScope.USER,
            ids.KUSAMA_PLUGIN_ID,
            "wallet",
            user_id=other.user_id,
        ),
        {"wallet": ["0xabc"]},
    )
    wallet = q("wallet", str(ids.KUSAMA_PLUGIN_ID))
    refused = await api.http.get(
        f"/api/v4/users/{other.user_id}/attributes", params=wallet, headers=h
    )
    assert refused.status_code == 403
    mine = await api.http.get("/api/v4/users/me/attributes", params=wallet, headers=other.headers)
    assert mine.json() == {"wallet": ["0xabc"]}

    path = f"/api/v4/users/{me.user_id}/attributes"
    assert (
        await api.http.post(path, headers=h, json=q("emoji", attribute_value={"e": ":)"}))
    ).status_code == 202
    assert (
        await api.http.get("/api/v4/users/me/attributes", params=q("emoji"), headers=h)
    ).json() == {"e": ":)"}
    assert (await api.http.request("DELETE", path, headers=h, json=q("emoji"))).status_code == 200

    high_five = await api.http.post(
        f"/api/v4/users/attributes/sub/{me.user_id}/{other.user_id}",
        headers=h,
        json=q("high_five", sub_attribute_key="counter", sub_attribute_value=3),
    )
    assert high_five.status_code == 202 and high_five.json() == {"counter": 3}
    unknown = await api.http.post(
        f"/api/v4/users/{uuid.uuid4()}/attributes", headers=h, json=q("emoji", attribute_value={})
    )
    assert unknown.status_code == 404 and unknown.json()["error"]["reason"] == "user_not_found"


async def test_aggregates(api: Api) -> None:
    owner = await api.person("Owner")
    voters = [await api.person(f"Voter {i}") for i in range(3)]
    assert owner.user_id is not None
    world = (await api.services.worlds.create("Votes", owner.user_id)).id
    child = await api.new_object(world, "Child")
    h = owner.headers
    await api.http.post(
        f"/api/v4/objects/{child}/attributes",
        headers=h,
        json=q("object_color", attribute_value={"value": "#fff"}),
    )
    await api.http.post(
        f"/api/v4/objects/{world}/attributes",
        headers=h,
        json=q("object_color", attribute_value={"value": "#000"}),
    )
    with_children = await api.http.get(
        f"/api/v4/objects/{world}/attributes-with-children", params=q("object_color"), headers=h
    )
    assert with_children.json() == {str(world): {"value": "#000"}, str(child): {"value": "#fff"}}

    for index, voter in enumerate(voters):
        await api.http.post(
            f"/api/v4/objects/{world}/{voter.user_id}/attributes/sub",
            headers=voter.headers,
            json=q(
                "comments",
                sub_attribute_key=f"c{index}",
                sub_attribute_value={"text": f"comment {index}", "n": index},
            ),
        )
    everyone = await api.http.get(
        f"/api/v4/objects/{world}/all-users/attributes", params=q("comments"), headers=h
    )
    assert len(everyone.json()) == 3
    count = await api.http.get(
        f"/api/v4/objects/{world}/all-users/count", params=q("comments"), headers=h
    )
    assert count.json() == {"count": 3}
    later = await api.http.get(
        f"/api/v4/objects/{world}/all-users/count",
        params=q("comments", since="2999-01-01T00:00:00Z"),
        headers=h,
    )
    assert later.json() == {"count": 0}
    entries = await api.http.get(
        f"/api/v4/objects/{world}/all-users/attributes/{CORE}/comments/entries",
        params=[("fields[]", "text"), ("fields[]", "n"), ("order", "-n"), ("limit", "2")],
        headers=h,
    )
    body = entries.json()
    assert body["count"] == 3 and body["limit"] == 2
    assert [item["text"] for item in body["items"]] == ["comment 2", "comment 1"]
    assert set(body["items"][0]) == {"_key", "_user", "text", "n"}
    searched = await api.http.get(
        f"/api/v4/objects/{world}/all-users/attributes/{CORE}/comments/entries",
        params=[("fields[]", "text"), ("q", "COMMENT 1")],
        headers=h,
    )
    assert [item["_key"] for item in searched.json()["items"]] == ["c1"]
    empty = await api.http.get(
        f"/api/v4/objects/{world}/all-users/attributes/{CORE}/vote/entries",
        params=[("fields[]", "x")],
        headers=h,
    )
    assert empty.json() == {"count": 0, "limit": 10, "offset": 0, "items": None}
    hidden = await api.http.get(
        f"/api/v4/objects/{world}/all-users/attributes", params=q("skybox_ai"), headers=h
    )
    assert hidden.status_code == 403
