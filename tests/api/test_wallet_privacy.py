"""A user's wallet is theirs to see (and the node admins'): GET /users/{id} omits it for others.

The attack: any guest (one click, no sign-up) walked `/users/{id}` over every id it met in a world
and collected each visitor's wallet address, tying their presence here to their funds on a chain.
"""

from __future__ import annotations

import uuid

from odyssey.core import ids
from odyssey.core.permissions import AttributeScope, Caller, can_see_wallets
from odyssey.db.attributes import AttributeRef
from tests.api.api_harness import Api, Person

WALLET = "0x" + "ab" * 20


async def _with_wallet(api: Api, name: str) -> Person:
    person = await api.person(name)
    assert person.user_id is not None
    ref = AttributeRef(AttributeScope.USER, ids.KUSAMA_PLUGIN_ID, "wallet", user_id=person.user_id)
    await api.services.attributes.set_value(ref, {"wallet": [WALLET]})
    return person


async def test_only_the_user_and_node_admins_see_a_wallet(api: Api) -> None:
    alice = await _with_wallet(api, "Alice")
    guest = await api.person("guest", guest=True)
    bob = await api.person("Bob")
    admin = await api.person("Admin")
    assert admin.user_id is not None
    await api.services.users.make_node_admin(admin.user_id)
    path = f"/api/v4/users/{alice.user_id}"

    for stranger in (guest, bob):
        response = await api.http.get(path, headers=stranger.headers)
        assert response.status_code == 200
        body = response.json()
        assert "wallet" not in body, body
        assert WALLET not in response.text
        assert body["id"] == str(alice.user_id) and body["name"] == "Alice"  # the rest is shown

    own = (await api.http.get(path, headers=alice.headers)).json()
    assert own["wallet"] == WALLET
    me = (await api.http.get("/api/v4/users/me", headers=alice.headers)).json()
    assert me["wallet"] == WALLET
    seen_by_admin = (await api.http.get(path, headers=admin.headers)).json()
    assert seen_by_admin["wallet"] == WALLET


async def test_no_other_user_route_leaks_it(api: Api) -> None:
    alice = await _with_wallet(api, "Alice")
    guest = await api.person("guest", guest=True)
    for path, params in [
        ("/api/v4/users", {}),
        ("/api/v4/users/search", {"query": "Alice"}),
        (f"/api/v4/users/{alice.user_id}/worlds", {}),
    ]:
        response = await api.http.get(path, params=params, headers=guest.headers)
        assert response.status_code == 200, path
        assert WALLET not in response.text, path


def test_the_rule() -> None:
    alice, bob = uuid.uuid4(), uuid.uuid4()
    assert can_see_wallets(Caller(alice), alice, caller_is_node_admin=False)
    assert not can_see_wallets(Caller(bob), alice, caller_is_node_admin=False)
    assert not can_see_wallets(Caller(bob, is_guest=True), alice, caller_is_node_admin=False)
    assert not can_see_wallets(Caller.anonymous(), alice, caller_is_node_admin=False)
    assert can_see_wallets(Caller(bob), alice, caller_is_node_admin=True)
