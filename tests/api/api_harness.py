"""Helpers of the API tests: the in-process app, its services, and callers with real tokens.

Tokens come from the auth service (`odyssey.auth`): guests through its guest sign-in, other
users through its first-party token issuer, so every request passes the node's real verifier.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from odyssey.auth.tokens import FIRST_PARTY_SCOPE, Grant
from odyssey.bus import InProcessBus
from odyssey.config import Settings
from odyssey.core import ids
from odyssey.core.ids import new_id
from odyssey.db.tables import utcnow
from odyssey.services import Services


async def issue_token(services: Services, user_id: uuid.UUID, *, is_guest: bool = False) -> str:
    """An access token for an existing user, from the node's own token issuer."""
    grant = Grant(
        user_id=user_id,
        is_guest=is_guest,
        family_id=new_id(),
        client_id=None,
        scope=FIRST_PARTY_SCOPE,
        auth_method="test",
        auth_time=utcnow(),
    )
    await services.auth.keys.ready()
    async with services.db.write() as session:
        tokens = await services.auth.tokens.issue_first_party(session, grant)
    return tokens.access_token


@dataclass
class Person:
    user_id: uuid.UUID | None
    token: str | None

    @property
    def headers(self) -> dict[str, str]:
        return {} if self.token is None else {"Authorization": f"Bearer {self.token}"}


ANONYMOUS = Person(None, None)


@dataclass
class Api:
    http: httpx.AsyncClient
    services: Services
    people: dict[str, Person] = field(default_factory=dict)

    async def person(self, name: str, *, guest: bool = False) -> Person:
        """A new signed-in user (a guest with `guest`) and its token."""
        if guest:
            signed = await self.services.auth.sign_in_guest()
            person = Person(signed.user.user_id, signed.tokens.access_token)
        else:
            user = await self.services.users.create_user(name=name)
            person = Person(user.user_id, await issue_token(self.services, user.user_id))
        self.people[name] = person
        return person

    async def drain(self) -> None:
        assert isinstance(self.services.bus, InProcessBus)
        await self.services.bus.drain()

    async def default_world(self) -> uuid.UUID:
        worlds = await self.services.worlds.recent(newest_first=False, limit=1)
        return worlds[0].id

    async def new_object(self, parent: uuid.UUID, name: str = "Thing") -> uuid.UUID:
        node = await self.services.objects.create_object(parent, ids.CUSTOM_TYPE_ID, name=name)
        return node.id


@asynccontextmanager
async def api_with(settings: Settings, **overrides: Any) -> AsyncIterator[Api]:
    """The in-process app on the test's database with some settings changed (limits...)."""
    from odyssey.app import create_app

    app = create_app(settings.model_copy(update=overrides))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as http,
    ):
        yield Api(http, app.state.services)
