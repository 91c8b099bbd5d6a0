"""Each route once, on its happy path, with the reference's field names."""

from __future__ import annotations

from odyssey.core import ids
from tests.api.api_harness import Api


async def test_every_area_answers(api: Api) -> None:
    me = await api.person("Ada")
    headers = me.headers
    world = await api.default_world()
    http = api.http

    r = await http.get("/api/v4/config/ui-client")
    assert r.status_code == 200, r.text
    r = await http.get("/api/v4/plugin")
    assert r.status_code == 200, r.text
    r = await http.get("/api/v4/users/me", headers=headers)
    assert r.status_code == 200, r.text
    r = await http.get("/api/v4/worlds", headers=headers)
    assert r.status_code == 200, r.text
    r = await http.get(f"/api/v4/worlds/{world}", headers=headers)
    assert r.status_code == 200, r.text
    r = await http.get(f"/api/v4/objects/{world}", headers=headers)
    assert r.status_code == 200, r.text
    r = await http.get(f"/api/v4/objects/{world}/tree", headers=headers)
    assert r.status_code == 200, r.text
    r = await http.get("/api/v4/objects/newsfeed?startIndex=0&pageSize=5", headers=headers)
    assert r.status_code == 200, r.text
    r = await http.get("/api/v4/assets-3d", headers=headers)
    assert r.status_code == 200, r.text
    r = await http.get(
        f"/api/v4/objects/{world}/attributes",
        params={"plugin_id": str(ids.CORE_PLUGIN_ID), "attribute_name": "name"},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    r = await http.get("/api/v4/openapi.json")
    assert r.status_code == 200, r.text
    r = await http.get("/api/v4/docs")
    assert r.status_code == 200, r.text
