"""Idle guests are deleted by a durable sweep, whatever restarts, never while connected anywhere.

The attack (issue 11, point 7): guests need nothing but a click to exist, and their clean-up
timers lived in one process's memory, so a guest that never connected, or left just before a
restart, stayed in the database for ever. Each test runs the real app (the guest-token route,
the controller) on its own database and calls the sweep with a clock moved forward instead of
waiting.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from sqlalchemy import select, update

from odyssey.app import create_app
from odyssey.config import Settings
from odyssey.controller import Controller
from odyssey.controller.connection import Connection
from odyssey.core import ids
from odyssey.db import tables as t
from odyssey.db.realtime import RealtimeStore
from odyssey.posbus import HandShake, RemoveObjects, TeleportRequest, encode
from odyssey.services import Services

from .fakes import FakeTransport, settle

RETENTION = 1200.0  # the default; the access-token lifetime (900 s) is below it


@dataclass
class Node:
    http: httpx.AsyncClient
    services: Services
    controller: Controller

    async def guest(self) -> tuple[uuid.UUID, str, str]:
        """A guest made the way a visitor makes one: id, access token, refresh token."""
        response = await self.http.post("/api/v4/auth/guest-token")
        assert response.status_code == 200, response.text
        body = response.json()
        return uuid.UUID(body["id"]), body["token"], body["refreshToken"]

    async def connect(self, user_id: uuid.UUID, token: str) -> tuple[Connection, FakeTransport]:
        signed_in = await self.controller.authenticate(
            encode(HandShake(1, 1, token, user_id, uuid.uuid4()))
        )
        out = FakeTransport()
        connection = self.controller.connect(signed_in, out)
        await settle()
        return connection, out

    async def exists(self, user_id: uuid.UUID) -> bool:
        return await self.services.users.exists(user_id)

    async def last_seen(self, user_id: uuid.UUID) -> dt.datetime:
        async with self.services.db.read() as session:
            seen = await session.scalar(
                select(t.User.last_seen_at).where(t.User.user_id == user_id)
            )
        assert seen is not None
        return seen if seen.tzinfo else seen.replace(tzinfo=dt.UTC)


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[Node]:
    """One node process: the app with its controller, on the test's database."""
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as http,
    ):
        services: Services = app.state.services
        assert isinstance(services.presence, Controller)
        yield Node(http, services, services.presence)


def later(seconds: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


async def test_a_guest_that_never_connected_is_deleted_after_the_retention(
    settings: Settings,
) -> None:
    async with running(settings) as node:
        assert node.controller.guest_retention == RETENTION
        guest, _token, _refresh = await node.guest()
        member = (await node.services.users.create_user(name="Member")).user_id
        async with node.services.db.write() as session:  # a member unseen for a year stays
            await session.execute(
                update(t.User)
                .where(t.User.user_id == member)
                .values(last_seen_at=later(-365 * 86400))
            )

        assert await node.controller.sweep_guests(later(RETENTION - 60)) == 0
        assert await node.exists(guest)
        assert await node.controller.sweep_guests(later(RETENTION + 60)) >= 1
        assert not await node.exists(guest)
        assert await node.exists(member)


async def test_the_retention_is_never_shorter_than_an_access_token(settings: Settings) -> None:
    short = settings.model_copy(update={"controller_guest_cleanup_seconds": 5.0})
    async with running(short) as node:
        guest, _token, _refresh = await node.guest()
        # Its access token lives 900 s (and 10 s of clock skew): it is not deleted under it.
        assert node.controller.guest_retention == 910.0
        assert await node.controller.sweep_guests(later(600)) == 0
        assert await node.exists(guest)


async def test_a_token_refresh_counts_as_being_seen(settings: Settings) -> None:
    async with running(settings) as node:
        guest, _token, refresh = await node.guest()
        async with node.services.db.write() as session:
            await session.execute(
                update(t.User).where(t.User.user_id == guest).values(last_seen_at=later(-5000))
            )
        refreshed = await node.http.post("/api/v4/auth/refresh", json={"refreshToken": refresh})
        assert refreshed.status_code == 200, refreshed.text
        assert await node.last_seen(guest) > later(-60)
        assert await node.controller.sweep_guests(later(RETENTION - 60)) == 0
        assert await node.exists(guest)


async def test_a_connected_guest_is_not_deleted_by_any_process(settings: Settings) -> None:
    async with running(settings) as node:
        guest, token, _refresh = await node.guest()
        connection, _out = await node.connect(guest, token)
        # Its own process marks it seen at each sweep, whatever the clock says. (Being seen only
        # moves forward, so the rest of the test goes on from this moment.)
        start = 10 * RETENTION
        assert await node.controller.sweep_guests(later(start)) == 0
        assert await node.exists(guest)

        # Another process on the same database (a second controller, nobody connected to it)
        # sweeps while the first is alive: the first process's heartbeat keeps the guest.
        other = Controller(
            node.services.settings,
            RealtimeStore(node.services.db),
            node.services.bus,
            node.services.auth.verify_token,
        )
        await other.start()
        try:
            await node.controller.sweep_guests(later(start))  # a heartbeat
            period = min(settings.controller_guest_sweep_seconds, RETENTION / 3)
            assert await other.sweep_guests(later(start + period + 1)) == 0
            assert await node.exists(guest)
            # Should the first process die (no more heartbeats), the guest goes in time.
            assert await other.sweep_guests(later(start + RETENTION + 60)) >= 1
            assert not await node.exists(guest)
        finally:
            await other.stop()
        connection.transport_lost()


async def test_a_guest_that_left_just_before_a_restart_is_still_deleted(
    settings: Settings,
) -> None:
    async with running(settings) as first:
        guest, token, _refresh = await first.guest()
        connection, _out = await first.connect(guest, token)
        connection.transport_lost()
        await settle()
        left_at = await first.last_seen(guest)
    # A restart: a new app on the same database; nothing of the old process's memory is left.
    async with running(settings) as second:
        assert await second.exists(guest)
        assert await second.controller.sweep_guests(left_at + dt.timedelta(seconds=60)) == 0
        assert await second.controller.sweep_guests(later(RETENTION + 60)) >= 1
        assert not await second.exists(guest)


async def test_a_deleted_guests_objects_leave_the_live_world(settings: Settings) -> None:
    async with running(settings) as node:
        world = (await node.services.worlds.recent(newest_first=False, limit=1))[0].id
        guest, _token, _refresh = await node.guest()
        owned = await node.services.objects.create_object(
            world, ids.CUSTOM_TYPE_ID, name="Left behind", owner_id=guest
        )
        watcher_id, watcher_token, _refresh = await node.guest()
        watcher, out = await node.connect(watcher_id, watcher_token)
        await node.controller.receive(watcher, encode(TeleportRequest(world)))
        await settle()
        assert owned.id in node.controller.tree.child_ids(world)
        out.take()

        assert await node.controller.sweep_guests(later(RETENTION + 60)) >= 1
        await node.services.bus.drain()  # type: ignore[attr-defined]
        await settle()
        assert not await node.exists(guest)
        assert await node.exists(watcher_id)  # connected: marked seen by the sweep itself
        assert any(owned.id in m.objects for m in out.of(RemoveObjects))
        assert owned.id not in node.controller.tree
        watcher.transport_lost()
