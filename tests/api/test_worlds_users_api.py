"""Worlds and users: lists, search, details, world creation and editing, profile, presence."""

from __future__ import annotations

import uuid

from odyssey.bus import Event, ObjectUpdated
from odyssey.presence import Invitation
from tests.api.api_harness import Api


class OnlinePresence:
    def __init__(self, online: list[uuid.UUID]) -> None:
        self.online = online

    def online_users(self, world_id: uuid.UUID) -> list[uuid.UUID]:
        return self.online

    def world_of_user(self, user_id: uuid.UUID) -> uuid.UUID | None:
        return None

    async def fly_to_me(self, world_id: uuid.UUID, pilot_id: uuid.UUID, pilot_name: str) -> bool:
        return pilot_id in self.online

    async def invite_user(
        self, world_id: uuid.UUID, user_id: uuid.UUID, inviter_id: uuid.UUID, inviter_name: str
    ) -> Invitation:
        return Invitation.SENT if user_id in self.online else Invitation.NOT_CONNECTED


async def test_world_editing_really_updates(api: Api) -> None:
    owner = await api.person("Owner")
    assert owner.user_id is not None
    world = await api.services.worlds.create("Before", owner.user_id)
    seen: list[Event] = []

    async def record(event: Event) -> None:
        seen.append(event)

    api.services.bus.subscribe("#", record)
    patched = await api.http.patch(
        f"/api/v4/worlds/{world.id}",
        headers=owner.headers,
        json={"name": "After", "description": "Words", "website_link": "https://example.org"},
    )
    assert patched.status_code == 200 and patched.json() is None
    details = (await api.http.get(f"/api/v4/worlds/{world.id}", headers=owner.headers)).json()
    assert (details["name"], details["description"], details["website_link"]) == (
        "After",
        "Words",
        "https://example.org",
    )
    assert details["owner_id"] == str(owner.user_id) and details["owner_name"] == "Owner"
    assert details["is_admin"] is True
    await api.drain()
    assert any(isinstance(e, ObjectUpdated) and e.object_id == world.id for e in seen)
    found = await api.http.get(
        "/api/v4/worlds/explore/search", params={"query": "aft"}, headers=owner.headers
    )
    assert [item["name"] for item in found.json()] == ["After"]
    owned = await api.http.get(f"/api/v4/users/{owner.user_id}/worlds", headers=owner.headers)
    assert [item["id"] for item in owned.json()] == [str(world.id)]
    not_a_world = await api.http.get(f"/api/v4/worlds/{uuid.uuid4()}", headers=owner.headers)
    assert not_a_world.status_code == 404
    assert not_a_world.json()["error"]["reason"] == "world_not_found"


async def test_world_creation_needs_the_allow_list(api: Api) -> None:
    host = await api.person("Host")
    admin = await api.person("Admin")
    assert host.user_id is not None and admin.user_id is not None
    await api.services.users.make_node_admin(admin.user_id)
    refused = await api.http.post("/api/v4/worlds", headers=host.headers, json={"name": "Mine"})
    assert refused.status_code == 403
    assert refused.json()["error"]["reason"] == "world_creation_not_permitted"
    added = await api.http.post(
        "/api/v4/node/hosting-allow-list",
        headers=admin.headers,
        json={"user_id": str(host.user_id)},
    )
    assert added.status_code == 200
    listed = await api.http.get("/api/v4/node/hosting-allow-list", headers=admin.headers)
    assert [item["user_id"] for item in listed.json()] == [str(host.user_id)]
    created = await api.http.post(
        "/api/v4/worlds", headers=host.headers, json={"name": "Mine", "description": "d"}
    )
    assert created.status_code == 201, created.text
    world = created.json()
    assert world["owner_id"] == str(host.user_id) and world["description"] == "d"
    feed = await api.http.get(
        "/api/v4/objects/newsfeed", params={"startIndex": 0, "pageSize": 1}, headers=host.headers
    )
    newest = feed.json()["activities"][0]
    assert (newest["type"], newest["object_id"], newest["world_name"]) == (
        "world_created",
        world["id"],
        "Mine",
    )
    removed = await api.http.delete(
        f"/api/v4/node/hosting-allow-list/{host.user_id}", headers=admin.headers
    )
    assert removed.status_code == 200
    again = await api.http.post("/api/v4/worlds", headers=host.headers, json={"name": "More"})
    assert again.status_code == 403


async def test_users_profile_and_lists(api: Api) -> None:
    ada = await api.person("Ada")
    await api.person("guest", guest=True)
    patched = await api.http.patch(
        "/api/v4/profile",
        headers=ada.headers,
        json={"name": "Ada L", "profile": {"bio": "Maths", "avatarHash": "abc123"}},
    )
    assert patched.status_code == 200
    assert patched.json() == {"job_id": None, "user_id": str(ada.user_id)}
    me = (await api.http.get("/api/v4/users/me", headers=ada.headers)).json()
    assert me["name"] == "Ada L"
    assert me["profile"] == {"bio": "Maths", "avatarHash": "abc123"}
    assert me["isGuest"] is False
    recent = (await api.http.get("/api/v4/users", headers=ada.headers)).json()
    assert all(not user.get("name", "").startswith("Visitor_") for user in recent)
    assert str(ada.user_id) in [user["id"] for user in recent]
    found = await api.http.get("/api/v4/users/search", params={"query": "ADA"}, headers=ada.headers)
    assert [user["id"] for user in found.json()] == [str(ada.user_id)]
    wild = await api.http.get("/api/v4/users/search", params={"query": "%"}, headers=ada.headers)
    assert wild.json() == []
    for params in ({"limit": 0}, {"limit": 1001}, {"sort": "sideways"}):
        bad = await api.http.get("/api/v4/users", params=params, headers=ada.headers)
        assert bad.status_code == 400
        assert bad.json()["error"]["reason"] == "invalid_request_query"
    unknown = await api.http.get(f"/api/v4/users/{uuid.uuid4()}", headers=ada.headers)
    assert unknown.json()["error"]["reason"] == "user_not_found"
    anonymous = await api.http.get("/api/v4/users/me")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["reason"] == "failed_to_verify_access_token"


async def test_presence_routes(api: Api) -> None:
    owner = await api.person("Owner")
    visitor = await api.person("Visitor")
    assert owner.user_id is not None and visitor.user_id is not None
    world = await api.services.worlds.create("Busy", owner.user_id)
    lonely = await api.http.post(f"/api/v4/worlds/{world.id}/fly-to-me", headers=owner.headers)
    assert lonely.status_code == 404 and lonely.json()["error"]["reason"] == "user_not_found"
    api.services.presence = OnlinePresence([owner.user_id, visitor.user_id])
    online = await api.http.get(f"/api/v4/worlds/{world.id}/online-users", headers=visitor.headers)
    assert [user["id"] for user in online.json()] == [str(owner.user_id), str(visitor.user_id)]
    assert "wallet" not in online.json()[0]
    flown = await api.http.post(f"/api/v4/worlds/{world.id}/fly-to-me", headers=owner.headers)
    assert flown.status_code == 200
    teleported = await api.http.post(
        f"/api/v4/worlds/{world.id}/teleport-user",
        headers=owner.headers,
        json={"user_id": str(visitor.user_id)},
    )
    assert teleported.status_code == 200
    thing = await api.new_object(world.id, "Statue")
    explored = await api.http.get(
        f"/api/v4/worlds/{world.id}/explore",
        params={"object_id": str(thing)},
        headers=visitor.headers,
    )
    assert explored.json() == {"id": str(thing), "name": "Statue", "description": ""}
    elsewhere = await api.http.get(
        f"/api/v4/worlds/{world.id}/explore",
        params={"object_id": str(await api.default_world())},
        headers=visitor.headers,
    )
    assert elsewhere.status_code == 404
