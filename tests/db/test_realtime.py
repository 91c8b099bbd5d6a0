"""The controller's store on real rows: its admin check is the bounded one of `db.users`."""

from __future__ import annotations

import datetime as dt
import uuid

from odyssey.core import ids
from odyssey.db.realtime import RealtimeStore
from odyssey.services import Services
from tests.db.db_cost import counting


async def test_the_lock_admin_check_is_the_bounded_one(services: Services) -> None:
    users = {
        name: (await services.users.create_user(name=name)).user_id
        for name in ("owner", "member", "group", "stranger")
    }
    world = await services.objects.create_world("Locks", users["owner"])
    leaf = await services.objects.create_object(world.id, ids.CUSTOM_TYPE_ID, name="Leaf")
    await services.users.set_role(world.id, users["group"], "admin")
    await services.users.add_membership(users["group"], users["member"])
    # Memberships that cannot make anyone an admin here: never all read.
    for index in range(20):
        other_group = (await services.users.create_user(name=f"group {index}")).user_id
        await services.users.add_membership(other_group, users["stranger"])
    store = RealtimeStore(services.db)

    for who in ("owner", "member", "stranger"):
        expected = await services.users.is_admin(users[who], leaf.id)
        with counting(services.db) as cost:
            assert await store.is_admin(users[who], leaf.id) is expected, who
        seen = cost.queries()
        assert len(seen) <= 3, seen  # ancestors, their roles, the caller's groups
        assert all("user_membership" not in s or "WHERE" in s for s in seen), seen
    assert await store.is_admin(users["member"], leaf.id)
    assert not await store.is_admin(users["stranger"], leaf.id)
    # An object deleted meanwhile (still in the controller's memory) has no admin.
    assert not await store.is_admin(users["owner"], uuid.uuid4())


async def test_being_seen_only_moves_forward(services: Services) -> None:
    """A "seen" write spawned earlier that lands after a later one (a connect's, after a
    sweep's) leaves the later time: a connected guest never looks idle because of it."""
    guest = (await services.users.create_user(name="guest", is_guest=True)).user_id
    store = RealtimeStore(services.db)
    later = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    await store.mark_seen([guest], later)
    await store.mark_seen([guest], later - dt.timedelta(days=1))
    seen = (await services.users.get(guest)).last_seen_at
    assert seen is not None and seen.replace(tzinfo=dt.UTC) == later
    await store.mark_seen([guest], later + dt.timedelta(seconds=1))
    seen = (await services.users.get(guest)).last_seen_at
    assert seen is not None and seen.replace(tzinfo=dt.UTC) == later + dt.timedelta(seconds=1)
