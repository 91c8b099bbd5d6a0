"""Replay of the reference web client's start-up (web-client.md §2.1, §2.5): every call answers
2xx with the reference's field names."""

from __future__ import annotations

from odyssey.core import ids
from tests.api.api_harness import Api

USER_KEYS = {"id", "userTypeId", "name", "profile", "createdAt", "isGuest"}
RECENT_WORLD_KEYS = {
    "id",
    "owner_id",
    "owner_name",
    "description",
    "stake_total",
    "name",
    "website_link",
    "avatarHash",
}
WORLD_DETAILS_KEYS = RECENT_WORLD_KEYS | {
    "createdAt",
    "updatedAt",
    "stakers",
    "last_staking_comment",
    "is_admin",
}
ACTIVITY_KEYS = {
    "activity_id",
    "user_id",
    "object_id",
    "type",
    "data",
    "avatar_hash",
    "world_name",
    "world_avatar_hash",
    "user_name",
    "created_at",
}


async def test_web_client_boot_sequence(api: Api) -> None:
    http = api.http
    # A world with something on its timeline, so the newsfeed has an entry to show.
    author = await api.person("Author")
    assert author.user_id is not None
    world = await api.services.worlds.create("Boot world", author.user_id, description="hi")

    version = await http.get("/version")
    assert version.status_code == 200
    assert version.json()["api"]["major"] == 4

    config = await http.get("/api/v4/config/ui-client")
    assert config.status_code == 200
    assert {"FEATURE_FLAGS", "NODE_ID", "RENDER_SERVICE_URL", "AI_PROVIDERS"} <= set(config.json())
    assert config.json()["RENDER_SERVICE_URL"].endswith("/api/v4/media/render")

    plugins = await http.get("/api/v4/plugin")
    assert plugins.status_code == 200
    assert {"plugin_id", "meta", "options", "created_at", "updated_at"} <= set(plugins.json()[0])

    guest = await http.post("/api/v4/auth/guest-token")
    assert guest.status_code == 200, guest.text
    token = guest.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}

    me = await http.get("/api/v4/users/me", headers=headers)
    assert me.status_code == 200, me.text
    assert set(me.json()) >= USER_KEYS
    assert me.json()["isGuest"] is True

    users = await http.get("/api/v4/users", params={"sort": "DESC", "limit": 1000}, headers=headers)
    assert users.status_code == 200, users.text
    assert all({"id", "profile"} <= set(user) for user in users.json())

    worlds = await http.get(
        "/api/v4/worlds", params={"sort": "DESC", "limit": 1000}, headers=headers
    )
    assert worlds.status_code == 200, worlds.text
    assert worlds.json()[0]["id"] == str(world.id)  # newest first
    assert all(set(item) == RECENT_WORLD_KEYS for item in worlds.json())

    details = await http.get(f"/api/v4/worlds/{world.id}", headers=headers)
    assert details.status_code == 200, details.text
    assert set(details.json()) == WORLD_DETAILS_KEYS
    assert details.json()["description"] == "hi"
    assert details.json()["is_admin"] is False

    online = await http.get(f"/api/v4/worlds/{world.id}/online-users", headers=headers)
    assert online.status_code == 200
    assert online.json() == []

    feed = await http.get(
        "/api/v4/objects/newsfeed", params={"startIndex": 0, "pageSize": 5}, headers=headers
    )
    assert feed.status_code == 200, feed.text
    body = feed.json()
    assert set(body) == {"activities", "startIndex", "pageSize", "totalCount"}
    assert body["totalCount"] >= 1
    assert set(body["activities"][0]) == ACTIVITY_KEYS
    assert body["activities"][0]["type"] == "world_created"

    assets = await http.get("/api/v4/assets-3d", params={"category": "basic"}, headers=headers)
    assert assets.status_code == 200, assets.text
    assert assets.json(), "the seeded basic shapes"
    assert {"id", "user_id", "meta", "is_private"} <= set(assets.json()[0])

    # Entering the world (§2.5): its tree (canvas check) and the timeline.
    tree = await http.get(
        f"/api/v4/objects/{world.id}/tree",
        params={"max_depth": 1, "object_type": str(ids.CANVAS_TYPE_ID)},
        headers=headers,
    )
    assert tree.status_code == 200, tree.text
    assert {"id", "name", "object_type_id", "children", "total_direct_children"} <= set(tree.json())
    timeline = await http.get(
        f"/api/v4/objects/{world.id}/timeline",
        params={"startIndex": 0, "pageSize": 5},
        headers=headers,
    )
    assert timeline.status_code == 200, timeline.text
