"""Objects: create, read, change, clone, delete, tree, options, spawn-by-user, and their events."""

from __future__ import annotations

import uuid

from odyssey.bus import Event, ObjectCreated, ObjectsRemoved, ObjectUpdated
from odyssey.core import ids
from tests.api.api_harness import Api, Person


async def _admin_world(api: Api) -> tuple[Person, uuid.UUID]:
    owner = await api.person("Owner")
    assert owner.user_id is not None
    world = await api.services.worlds.create("Workshop", owner.user_id)
    return owner, world.id


def _recorder(api: Api) -> list[Event]:
    seen: list[Event] = []

    async def record(event: Event) -> None:
        seen.append(event)

    api.services.bus.subscribe("#", record)
    return seen


async def test_create_read_patch_delete(api: Api) -> None:
    owner, world = await _admin_world(api)
    seen = _recorder(api)
    cube = next(
        asset for entry, asset in await api.services.assets.library(ids.DEITY_USER_ID, "basic")
    ).asset_3d_id
    created = await api.http.post(
        "/api/v4/objects",
        headers=owner.headers,
        json={
            "object_name": "Lamp",
            "parent_id": str(world),
            "object_type_id": str(ids.CUSTOM_TYPE_ID),
            "asset_3d_id": str(cube),
            "transform": {"position": {"x": 1, "y": 2, "z": 3}},
            "minimap": False,
        },
    )
    assert created.status_code == 201, created.text
    lamp = created.json()["object_id"]

    got = (await api.http.get(f"/api/v4/objects/{lamp}", headers=owner.headers)).json()
    assert got == {
        "owner_id": str(owner.user_id),
        "parent_id": str(world),
        "object_type_id": str(ids.CUSTOM_TYPE_ID),
        "asset_2d_id": "",
        "asset_3d_id": str(cube),
        "transform": {
            "position": {"x": 1.0, "y": 2.0, "z": 3.0},
            "rotation": {"x": 0.0, "y": 0.0, "z": 0.0},
            "scale": {"x": 1.0, "y": 1.0, "z": 1.0},
        },
    }
    options = await api.http.get(f"/api/v4/objects/{lamp}/options", headers=owner.headers)
    assert options.json()["minimap"] is False
    assert options.json()["visible"] == 3  # from the type

    patched = await api.http.patch(
        f"/api/v4/objects/{lamp}",
        headers=owner.headers,
        json={"object_name": "Big lamp", "asset_3d_id": ""},
    )
    assert patched.status_code == 200, patched.text
    assert (await api.services.objects.get(uuid.UUID(lamp))).name == "Big lamp"
    got = (await api.http.get(f"/api/v4/objects/{lamp}", headers=owner.headers)).json()
    assert got["asset_3d_id"] == ""

    deleted = await api.http.delete(f"/api/v4/objects/{lamp}", headers=owner.headers)
    assert deleted.status_code == 200 and deleted.json() is None
    missing = await api.http.get(f"/api/v4/objects/{lamp}", headers=owner.headers)
    assert missing.status_code == 404
    assert missing.json()["error"]["reason"] == "object_not_found"

    await api.drain()
    lamp_id = uuid.UUID(lamp)
    assert any(isinstance(e, ObjectCreated) and e.object_id == lamp_id for e in seen)
    assert any(isinstance(e, ObjectUpdated) and e.object_id == lamp_id for e in seen)
    assert any(isinstance(e, ObjectsRemoved) and lamp_id in e.object_ids for e in seen)


async def test_refusals_have_stable_reasons(api: Api) -> None:
    owner, world = await _admin_world(api)
    h = owner.headers

    async def reason(method: str, path: str, **kwargs: object) -> tuple[int, str]:
        response = await api.http.request(method, path, headers=h, **kwargs)  # type: ignore[arg-type]
        return response.status_code, response.json()["error"]["reason"]

    assert await reason("GET", "/api/v4/objects/not-an-id") == (400, "invalid_object_id")
    assert await reason("GET", f"/api/v4/objects/{uuid.uuid4()}") == (404, "object_not_found")
    body = {"object_name": "X", "parent_id": str(world), "object_type_id": str(ids.WORLD_TYPE_ID)}
    assert await reason("POST", "/api/v4/objects", json=body) == (400, "object_type_not_permitted")
    body["object_type_id"] = str(uuid.uuid4())
    assert await reason("POST", "/api/v4/objects", json=body) == (400, "invalid_object_type_id")
    body = {
        "object_name": "X",
        "parent_id": str(world),
        "object_type_id": str(ids.CUSTOM_TYPE_ID),
        "asset_3d_id": str(uuid.uuid4()),
    }
    assert await reason("POST", "/api/v4/objects", json=body) == (400, "invalid_asset_3d_id")
    body["parent_id"] = str(uuid.uuid4())
    assert await reason("POST", "/api/v4/objects", json=body) == (404, "parent_not_found")
    assert await reason("POST", "/api/v4/objects", content=b"{not json") == (
        400,
        "invalid_request_body",
    )
    assert await reason("POST", "/api/v4/objects", json={"object_name": "\x00"}) == (
        400,
        "invalid_request_body",
    )
    assert await reason("DELETE", f"/api/v4/objects/{world}") == (
        403,
        "object_remove_not_permitted",
    )
    assert await reason("POST", f"/api/v4/objects/{world}/clone") == (
        403,
        "object_clone_not_permitted",
    )
    transform = {"position": {"x": "NaN"}}
    body = {"object_name": "X", "parent_id": str(world), "object_type_id": str(ids.CUSTOM_TYPE_ID)}
    assert await reason("POST", "/api/v4/objects", json={**body, "transform": transform}) == (
        400,
        "invalid_request_body",
    )


async def test_tree_clone_and_options(api: Api) -> None:
    owner, world = await _admin_world(api)
    h = owner.headers
    objects = api.services.objects
    ring = await objects.create_object(world, ids.ANCHOR_TYPE_ID, name="Ring")
    first = await objects.create_object(ring.id, ids.CUSTOM_TYPE_ID, name="First")
    await objects.create_object(ring.id, ids.CUSTOM_TYPE_ID, name="Second")
    await objects.create_object(world, ids.CANVAS_TYPE_ID, name="Canvas")

    tree = (await api.http.get(f"/api/v4/objects/{world}/tree", headers=h)).json()
    assert tree["name"] == "Workshop" and tree["max_depth"] == 10
    assert tree["total_direct_children"] == 2
    ring_info = tree["children"][str(ring.id)]
    assert ring_info["object_type_name"] == "anchor"
    assert {c["name"] for c in ring_info["children"].values()} == {"First", "Second"}
    assert ring_info["children"][str(first.id)]["children"] == {}
    shallow = (
        await api.http.get(f"/api/v4/objects/{world}/tree", params={"max_depth": 1}, headers=h)
    ).json()
    assert shallow["children"][str(ring.id)]["children"] == {}
    assert shallow["children"][str(ring.id)]["total_direct_children"] == 2
    canvases = (
        await api.http.get(
            f"/api/v4/objects/{world}/tree",
            params={"object_type": str(ids.CANVAS_TYPE_ID)},
            headers=h,
        )
    ).json()
    assert [c["name"] for c in canvases["children"].values()] == ["Canvas"]

    # Auto-placed by the anchor: the object read shows the computed (actual) position.
    whole_tree = await objects.tree()
    for auto in (ring.id, first.id):
        placed = (await api.http.get(f"/api/v4/objects/{auto}", headers=h)).json()
        assert placed["transform"] == whole_tree.actual_transform(auto).to_json()
    # The ring's circular placement moved `first` away from the ring's centre.
    assert placed["transform"]["position"] != {"x": 0.0, "y": 0.0, "z": 0.0}

    clone = await api.http.post(f"/api/v4/objects/{first.id}/clone", headers=h)
    assert clone.status_code == 200, clone.text
    assert (await objects.get(uuid.UUID(clone.json()["object_id"]))).parent_id == ring.id

    set_options = await api.http.post(
        f"/api/v4/objects/{first.id}/options",
        headers=h,
        json={"options": {"visible": 1, "editable": False, "unknown": 1}},
    )
    assert set_options.status_code == 202
    assert set_options.json() == {"visible": 1, "editable": False}
    own = await api.http.get(
        f"/api/v4/objects/{first.id}/options", params={"effective": "false"}, headers=h
    )
    assert own.json() == {"visible": 1, "editable": False}
    sub = await api.http.post(
        f"/api/v4/objects/{first.id}/options/sub",
        headers=h,
        json={"sub_option_key": "colour", "sub_option_value": "red"},
    )
    assert sub.status_code == 202 and sub.json() == {"colour": "red"}
    read = await api.http.get(
        f"/api/v4/objects/{first.id}/options/sub", params={"sub_option_key": "colour"}, headers=h
    )
    assert read.json() == {"colour": "red"}
    removed = await api.http.request(
        "DELETE",
        f"/api/v4/objects/{first.id}/options/sub",
        headers=h,
        json={"sub_option_key": "colour"},
    )
    assert removed.status_code == 200
    read = await api.http.get(
        f"/api/v4/objects/{first.id}/options/sub", params={"sub_option_key": "colour"}, headers=h
    )
    assert read.json()["error"]["reason"] == "empty_sub_options"  # the last key is gone
    other = await api.http.get(
        f"/api/v4/objects/{first.id}/options/sub", params={"sub_option_key": "visible"}, headers=h
    )
    assert other.status_code == 404
    bad = await api.http.post(
        f"/api/v4/objects/{first.id}/options", headers=h, json={"options": {"visible": 9}}
    )
    assert bad.status_code == 400


async def test_spawn_by_user_writes_object_user_attributes(api: Api) -> None:
    _owner, world = await _admin_world(api)
    visitor = await api.person("Visitor")
    spawned = await api.http.post(
        f"/api/v4/objects/{world}/spawn-by-user",
        headers=visitor.headers,
        json={
            "object_name": "My tile",
            "object_type_id": str(ids.CUSTOM_TYPE_ID),
            "attributes": {
                "object_user": [
                    {
                        "plugin_id": str(ids.CORE_PLUGIN_ID),
                        "attribute_name": "vote",
                        "value": {"v": 1},
                    }
                ]
            },
        },
    )
    assert spawned.status_code == 201, spawned.text
    tile = spawned.json()["object_id"]
    node = await api.services.objects.get(uuid.UUID(tile))
    assert node.owner_id == visitor.user_id
    vote = await api.http.get(
        f"/api/v4/objects/{tile}/{visitor.user_id}/attributes",
        params={"plugin_id": str(ids.CORE_PLUGIN_ID), "attribute_name": "vote"},
        headers=visitor.headers,
    )
    assert vote.json() == {"v": 1}
    refused = await api.http.post(
        f"/api/v4/objects/{world}/spawn-by-user",
        headers=visitor.headers,
        json={"object_name": "Nested", "object_type_id": str(ids.WORLD_TYPE_ID)},
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["reason"] == "object_type_not_permitted"
