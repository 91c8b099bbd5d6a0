"""`POST /worlds/{id}/teleport-user` against a running node: an invitation, never a forced move.

The attack: a world's admin (a guest can be one) pulled any connected user into its world
without asking. Now the user's socket gets `fly_to_me` naming the inviter and the world, and the
user moves only by sending `teleport_request` itself; invitations into a private world the user
may not enter are refused, and each caller may send only a few a minute.
"""

from __future__ import annotations

import uuid

from odyssey.posbus import FlyToMe, SetWorld, Signal, SignalType, TeleportRequest

from .conftest import Guest, LiveNode, PosbusClient, connect, live_node_fixture

INVITATIONS_PER_MINUTE = 3
live_node = live_node_fixture(
    {"ODYSSEY_CONTROLLER_INVITATIONS_PER_MINUTE": str(INVITATIONS_PER_MINUTE)}
)


async def _inside(
    node: LiveNode, clients: list[PosbusClient], world_id: uuid.UUID, user: Guest | None = None
) -> PosbusClient:
    client = await connect(node, user or await node.guest())
    clients.append(client)
    await client.handshake()
    await client.teleport(world_id)
    await client.expect(SetWorld, id=world_id)
    return client


async def _invite(
    node: LiveNode, inviter: Guest, world_id: uuid.UUID, user_id: uuid.UUID
) -> tuple[int, str, dict[str, str]]:
    async with node.api(inviter.token) as api:
        response = await api.post(
            f"/api/v4/worlds/{world_id}/teleport-user", json={"user_id": str(user_id)}
        )
    reason = response.json()["error"]["reason"] if response.status_code != 200 else ""
    return response.status_code, reason, dict(response.headers)


async def _online(node: LiveNode, token: str, world_id: uuid.UUID) -> list[uuid.UUID]:
    async with node.api(token) as api:
        response = await api.get(f"/api/v4/worlds/{world_id}/online-users")
        assert response.status_code == 200, response.text
        return [uuid.UUID(user["id"]) for user in response.json()]


async def test_teleport_user_invites_and_only_the_target_moves_itself(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    host = await live_node.guest()
    home = await live_node.create_world("home", (await live_node.guest()).id)
    party = await live_node.create_world("party", host.id)
    target = await _inside(live_node, clients, home)

    status, _reason, _headers = await _invite(live_node, host, party, target.user.id)
    assert status == 200
    invitation = await target.expect(FlyToMe)
    assert invitation == FlyToMe(host.id, host.name, party)
    # Not moved: still at home, not at the party.
    assert await _online(live_node, host.token, home) == [target.user.id]
    assert await _online(live_node, host.token, party) == []
    assert not [m for m in target.received if isinstance(m, SetWorld) and m.id == party]

    # Accepting is the target's own teleport_request.
    await target.send(TeleportRequest(party))
    await target.expect(SetWorld, id=party)
    assert await _online(live_node, host.token, party) == [target.user.id]

    # Unknown or unconnected users: 404, as before.
    status, reason, _headers = await _invite(live_node, host, party, uuid.uuid4())
    assert (status, reason) == (404, "user_not_found")


async def test_no_invitation_into_a_private_world_the_target_may_not_enter(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    host = await live_node.guest()
    hideout = await live_node.create_world("hideout", host.id)
    lobby = await live_node.create_world("lobby", host.id)
    await _inside(live_node, clients, hideout, host)  # the node now knows the world
    async with live_node.api(host.token) as api:
        made = await api.post(
            f"/api/v4/objects/{hideout}/options", json={"options": {"private": True}}
        )
        assert made.status_code == 202, made.text
    target = await _inside(live_node, clients, lobby)

    status, reason, _headers = await _invite(live_node, host, hideout, target.user.id)
    assert (status, reason) == (403, "world_private")
    # Nothing reached the target; a teleport of its own is refused too.
    await target.send(TeleportRequest(hideout))
    await target.expect(Signal, value=SignalType.WORLD_DOES_NOT_EXIST)
    assert hideout not in [m.object_id for m in target.received if isinstance(m, FlyToMe)]
    assert await _online(live_node, host.token, hideout) == [host.id]


async def test_invitations_are_rate_limited_per_caller(
    live_node: LiveNode, clients: list[PosbusClient]
) -> None:
    spammer, other_host = await live_node.guest(), await live_node.guest()
    trap = await live_node.create_world("trap", spammer.id)
    elsewhere = await live_node.create_world("elsewhere", other_host.id)
    victim = await _inside(live_node, clients, elsewhere)

    for _ in range(INVITATIONS_PER_MINUTE):
        assert (await _invite(live_node, spammer, trap, victim.user.id))[0] == 200
    status, reason, headers = await _invite(live_node, spammer, trap, victim.user.id)
    assert (status, reason) == (429, "too_many_requests")
    assert int(headers["retry-after"]) >= 1
    # Probing users who are not online counts too.
    status, _reason, _headers = await _invite(live_node, spammer, trap, uuid.uuid4())
    assert status == 429
    # Another caller is not affected.
    assert (await _invite(live_node, other_host, elsewhere, victim.user.id))[0] == 200
    received = [await victim.expect(FlyToMe) for _ in range(INVITATIONS_PER_MINUTE + 1)]
    assert [m.pilot for m in received] == [spammer.id] * INVITATIONS_PER_MINUTE + [other_host.id]
