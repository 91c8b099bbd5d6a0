"""Timeline, members, assets, plugins, public config, documentation."""

from __future__ import annotations

import uuid

from odyssey.core import ids
from odyssey.core.permissions import AttributeScope
from odyssey.db import AttributeRef
from tests.api.api_harness import Api


async def test_timeline(api: Api) -> None:
    author = await api.person("Author")
    other = await api.person("Other")
    guest = await api.person("guest", guest=True)
    assert author.user_id is not None
    world = (await api.services.worlds.create("Diary", author.user_id)).id
    path = f"/api/v4/objects/{world}/timeline"
    posted = await api.http.post(
        path, headers=author.headers, json={"type": "screenshot", "hash": "abc", "description": "d"}
    )
    assert posted.status_code == 201, posted.text
    activity = posted.json()
    assert activity["user_name"] == "Author" and activity["data"]["hash"] == "abc"
    assert activity["world_avatar_hash"] is None
    refused = await api.http.post(path, headers=guest.headers, json={"type": "video", "hash": "a"})
    assert refused.status_code == 403
    wrong_type = await api.http.post(
        path, headers=author.headers, json={"type": "stake", "hash": "a"}
    )
    assert wrong_type.status_code == 400
    page = await api.http.get(path, params={"startIndex": 0, "pageSize": 10}, headers=other.headers)
    assert page.json()["totalCount"] == 1  # world_created is not a timeline type
    one = f"{path}/{activity['activity_id']}"
    assert (await api.http.get(one, headers=other.headers)).json()["activity_id"] == activity[
        "activity_id"
    ]
    assert (await api.http.patch(one, headers=other.headers, json={"hash": "x"})).status_code == 403
    edited = await api.http.patch(
        one, headers=author.headers, json={"hash": "", "description": "e"}
    )
    assert edited.json() is True
    got = (await api.http.get(one, headers=other.headers)).json()
    assert (got["data"]["hash"], got["data"]["description"]) == ("abc", "e")
    assert (await api.http.delete(one, headers=other.headers)).status_code == 403
    assert (await api.http.delete(one, headers=author.headers)).json() is True
    gone = await api.http.get(one, headers=other.headers)
    assert (gone.status_code, gone.json()["error"]["reason"]) == (404, "activity_not_found")
    too_big = await api.http.get(
        path, params={"startIndex": 0, "pageSize": 101}, headers=other.headers
    )
    assert too_big.status_code == 400
    missing = await api.http.get(path, params={"startIndex": 0}, headers=other.headers)
    assert missing.status_code == 400


async def test_members(api: Api) -> None:
    owner = await api.person("Owner")
    friend = await api.person("Friend")
    assert owner.user_id is not None and friend.user_id is not None
    world = (await api.services.worlds.create("Shared", owner.user_id)).id
    await api.services.attributes.set_value(
        AttributeRef(AttributeScope.USER, ids.KUSAMA_PLUGIN_ID, "wallet", user_id=friend.user_id),
        {"wallet": ["0xAbCdEf0123456789aBcDeF0123456789AbCdEf01"]},
    )
    path = f"/api/v4/objects/{world}/members"
    granted = await api.http.post(
        path,
        headers=owner.headers,
        json={"wallet": "0xabcdef0123456789abcdef0123456789abcdef01", "role": "admin"},
    )
    assert granted.status_code == 200, granted.text
    listed = (await api.http.get(path, headers=owner.headers)).json()
    assert listed == [
        {
            "object_id": str(world),
            "user_id": str(friend.user_id),
            "name": "Friend",
            "avatar_hash": "",
            "role": "admin",
        }
    ]
    # The new admin administers the world now.
    assert (await api.http.get(path, headers=friend.headers)).status_code == 200
    both = await api.http.post(
        path,
        headers=owner.headers,
        json={"wallet": "0x1", "user_id": str(friend.user_id), "role": "admin"},
    )
    assert both.status_code == 400
    other_role = await api.http.post(
        path, headers=owner.headers, json={"user_id": str(friend.user_id), "role": "owner"}
    )
    assert other_role.status_code == 400
    revoked = await api.http.delete(f"{path}/{friend.user_id}", headers=owner.headers)
    assert revoked.status_code == 200
    assert (await api.http.get(path, headers=friend.headers)).status_code == 403


async def test_assets(api: Api) -> None:
    me = await api.person("Me")
    other = await api.person("Other")
    assert me.user_id is not None and other.user_id is not None
    basic = (
        await api.http.get("/api/v4/assets-3d", params={"category": "basic"}, headers=me.headers)
    ).json()
    asset = basic[0]["id"]
    assert basic[0]["meta"]["category"] == "basic" and "name" in basic[0]["meta"]
    from odyssey.db import tables as t

    async with api.services.db.write() as session:
        session.add(
            t.Asset3dUser(
                asset_3d_id=uuid.UUID(asset),
                user_id=other.user_id,
                meta={"name": "secret"},
                is_private=True,
            )
        )
        session.add(
            t.Asset3dUser(
                asset_3d_id=uuid.UUID(asset),
                user_id=me.user_id,
                meta={"name": "mine"},
                is_private=True,
            )
        )
    seen_by_me = (await api.http.get("/api/v4/assets-3d", headers=me.headers)).json()
    names = {(item["user_id"], item["meta"]["name"]) for item in seen_by_me}
    assert (str(me.user_id), "mine") in names
    assert (str(other.user_id), "secret") not in names  # others' private entries stay hidden
    patched = await api.http.patch(
        f"/api/v4/assets-3d/{asset}",
        headers=me.headers,
        json={"meta": {"preview_hash": "ff"}, "is_private": False},
    )
    assert patched.status_code == 200
    assert patched.json()["meta"] == {"name": "mine", "preview_hash": "ff"}
    assert patched.json()["is_private"] is False
    options = await api.http.get(
        "/api/v4/assets-3d/options", params={"assets3d_ids[]": asset}, headers=me.headers
    )
    assert options.json() == {asset: {}}
    unknown = await api.http.get(
        "/api/v4/assets-3d/options",
        params={"assets3d_ids[]": str(uuid.uuid4())},
        headers=me.headers,
    )
    assert unknown.status_code == 404
    assert (
        await api.http.delete(f"/api/v4/assets-3d/{asset}", headers=me.headers)
    ).status_code == 200
    again = await api.http.delete(f"/api/v4/assets-3d/{asset}", headers=me.headers)
    assert (again.status_code, again.json()["error"]["reason"]) == (404, "asset3d_not_removed")
    bad = await api.http.delete("/api/v4/assets-3d/nope", headers=me.headers)
    assert (bad.status_code, bad.json()["error"]["reason"]) == (400, "invalid_asset_3d_id")
    asset_2d = await api.http.get(
        f"/api/v4/assets-2d/{ids.CANVAS_UI_ASSET_2D_ID}", headers=me.headers
    )
    assert asset_2d.json()["meta"]["pluginId"] == str(ids.CANVAS_PLUGIN_ID)
    assert (
        await api.http.get(f"/api/v4/assets-2d/{uuid.uuid4()}", headers=me.headers)
    ).status_code == 404


async def test_plugins_and_public_routes(api: Api) -> None:
    me = await api.person("Me")
    h = me.headers
    names = (await api.http.get("/api/v4/plugins", headers=h)).json()
    assert names[str(ids.IMAGE_PLUGIN_ID)] == "Image"
    one = await api.http.get(
        "/api/v4/plugins", params={"ids[]": str(ids.TEXT_PLUGIN_ID)}, headers=h
    )
    assert one.json() == {str(ids.TEXT_PLUGIN_ID): "Text"}
    found = await api.http.get("/api/v4/plugins/search", params={"description": "VIDEO"}, headers=h)
    assert list(found.json().values()) == ["Video"]
    metas = await api.http.get(
        "/api/v4/plugins/meta", params={"ids[]": str(ids.IMAGE_PLUGIN_ID)}, headers=h
    )
    assert metas.json()[str(ids.IMAGE_PLUGIN_ID)]["name"] == "Image"
    missing = await api.http.get(
        "/api/v4/plugins/options", params={"ids[]": str(uuid.uuid4())}, headers=h
    )
    assert (missing.status_code, missing.json()["error"]["reason"]) == (404, "plugin_not_found")
    public = await api.http.get("/api/v4/plugin", params={"text": "Ima"})
    assert [entry["meta"]["name"] for entry in public.json()] == ["Image"]
    assert (
        await api.http.get("/api/v4/plugin", params={"text": "ima"})
    ).json() == []  # case-sensitive
    config = (await api.http.get("/api/v4/config/ui-client")).json()
    assert config["NODE_ID"] == str(await api.services.node.node_id())
    assert config["FEATURE_FLAGS"] == {"newsfeed": True, "buy_nft": False, "canvas": False}


async def test_openapi_document_and_docs_page(api: Api) -> None:
    document = (await api.http.get("/api/v4/openapi.json")).json()
    assert document["openapi"].startswith("3.1")
    operation = document["paths"]["/api/v4/objects/{object_id}"]["delete"]
    assert operation["x-auth"] == "object-admin"
    assert "object_remove_not_permitted" in operation["x-error-reasons"]["403"]
    assert operation["security"] == [{"bearer": []}]
    assert "security" not in document["paths"]["/api/v4/config/ui-client"]["get"]
    ids_seen = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids_seen) == len(set(ids_seen))
    for path, item in document["paths"].items():
        for method, op in item.items():
            if path.startswith(("/api/v4/auth", "/api/v4/media")) or "x-auth" not in op:
                continue
            assert "400" in op["responses"], (method, path)
    page = await api.http.get("/api/v4/docs")
    assert page.status_code == 200 and "openapi.json" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # nothing from a CDN
