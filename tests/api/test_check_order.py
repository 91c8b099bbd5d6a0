"""Which refusal a request with two faults gets: the routes' checks moved into handlers, and the
order the reference answers in stays (an unknown object or a missing right is named before a
malformed id later in the path or body)."""

from __future__ import annotations

import uuid

from odyssey.core import ids
from tests.api.api_harness import Api

UNKNOWN = uuid.UUID("0193e1a2-0000-7000-8000-00000000abcd")


def _reason(response_json: object) -> str:
    assert isinstance(response_json, dict)
    reason: str = response_json["error"]["reason"]
    return reason


async def test_an_unknown_object_is_named_before_a_malformed_activity_id(api: Api) -> None:
    user = await api.person("Reader")
    response = await api.http.get(
        f"/api/v4/objects/{UNKNOWN}/timeline/not-an-id", headers=user.headers
    )
    assert (response.status_code, _reason(response.json())) == (404, "object_not_found")
    world = await api.default_world()
    response = await api.http.get(
        f"/api/v4/objects/{world}/timeline/not-an-id", headers=user.headers
    )
    assert (response.status_code, _reason(response.json())) == (400, "invalid_activity_id")


async def test_an_unknown_world_is_named_before_a_malformed_object_id(api: Api) -> None:
    user = await api.person("Explorer")
    response = await api.http.get(
        f"/api/v4/worlds/{UNKNOWN}/explore", params={"object_id": "nope"}, headers=user.headers
    )
    assert (response.status_code, _reason(response.json())) == (404, "world_not_found")


async def test_the_right_to_act_is_checked_before_a_malformed_id(api: Api) -> None:
    stranger = await api.person("Stranger")
    world = await api.default_world()
    thing = await api.new_object(world)
    requests = [
        api.http.delete(f"/api/v4/objects/{thing}/members/nope", headers=stranger.headers),
        api.http.delete("/api/v4/node/hosting-allow-list/nope", headers=stranger.headers),
        api.http.patch(
            f"/api/v4/objects/{thing}", json={"asset_3d_id": "nope"}, headers=stranger.headers
        ),
    ]
    for request in requests:
        response = await request
        assert (response.status_code, _reason(response.json())) == (403, "not_admin")


async def test_an_admin_is_told_of_the_malformed_id(api: Api) -> None:
    admin = await api.person("Admin")
    assert admin.user_id is not None
    await api.services.users.make_node_admin(admin.user_id)
    world = await api.default_world()
    thing = await api.new_object(world)
    cases = [
        (f"/api/v4/objects/{thing}/members/nope", "invalid_user_id", "delete", None),
        ("/api/v4/node/hosting-allow-list/nope", "invalid_user_id", "delete", None),
        (f"/api/v4/objects/{thing}", "invalid_asset_3d_id", "patch", {"asset_3d_id": "nope"}),
        (f"/api/v4/objects/{thing}", "invalid_asset_2d_id", "patch", {"asset_2d_id": str(UNKNOWN)}),
    ]
    for path, reason, method, body in cases:
        response = await api.http.request(method, path, json=body, headers=admin.headers)
        assert (response.status_code, _reason(response.json())) == (400, reason), path


async def test_spawn_attributes_must_exist_and_be_writable(api: Api) -> None:
    user = await api.person("Spawner")
    world = await api.default_world()
    attribute = {"plugin_id": str(UNKNOWN), "attribute_name": "nothing", "value": {}}
    response = await api.http.post(
        f"/api/v4/objects/{world}/spawn-by-user",
        json={
            "object_name": "Mine",
            "object_type_id": str(ids.CUSTOM_TYPE_ID),
            "attributes": {"object_user": [attribute]},
        },
        headers=user.headers,
    )
    assert (response.status_code, _reason(response.json())) == (400, "invalid_attribute")
