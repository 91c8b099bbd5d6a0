"""Who may call each mutating route: every POST/PUT/PATCH/DELETE of /api/v4, for six callers.

One table. A route added to the API without a row here fails `test_every_mutating_route_has_a_row`
(routes owned by the auth and media services are listed in OTHER_OWNERS and tested there).
"Allowed" means a 2xx answer; "denied" means 401 for the anonymous caller and 403 for the others.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from odyssey.api.docs import build_openapi
from odyssey.core import ids
from odyssey.db import tables as t
from odyssey.presence import Invitation
from tests.api.api_harness import ANONYMOUS, Api, Person

CORE = str(ids.CORE_PLUGIN_ID)
PERSONAS = ("anonymous", "guest", "user", "world_admin", "group_member", "node_admin")
SIGNED_IN = frozenset(PERSONAS[1:])
MEMBERS = SIGNED_IN - {"guest"}
ADMINS = frozenset({"world_admin", "group_member", "node_admin"})
NODE_ADMIN = frozenset({"node_admin"})
NOBODY: frozenset[str] = frozenset()

# Mutating routes another service owns and tests (auth, media).
OTHER_OWNERS = (
    "/api/v4/auth/",
    "/api/v4/media/",
    "/api/v4/users/me/attach-account",
    "/api/v4/users/me/remove-wallet",
    "/api/v4/assets-3d/upload",
)


class EveryoneOnline:
    """Presence where every user is connected to every world."""

    def online_users(self, world_id: uuid.UUID) -> list[uuid.UUID]:
        return []

    def world_of_user(self, user_id: uuid.UUID) -> uuid.UUID | None:
        return None

    async def fly_to_me(self, world_id: uuid.UUID, pilot_id: uuid.UUID, pilot_name: str) -> bool:
        return True

    async def invite_user(
        self, world_id: uuid.UUID, user_id: uuid.UUID, inviter_id: uuid.UUID, inviter_name: str
    ) -> Invitation:
        return Invitation.SENT


@dataclass
class Ctx:
    api: Api
    world: uuid.UUID
    bystander: uuid.UUID
    me: Person
    name: str

    @property
    def my_id(self) -> uuid.UUID:
        return self.me.user_id or ids.NIL_ID

    async def thing(self) -> uuid.UUID:
        return await self.api.new_object(self.world)


Request = tuple[str, dict[str, Any]]  # (path, httpx keyword arguments)
Prepare = Callable[[Ctx], Awaitable[Request]]


@dataclass(frozen=True)
class Row:
    method: str
    route: str  # the OpenAPI path template
    allowed: frozenset[str]
    prepare: Prepare
    case: str = ""


def attr(name: str, **extra: Any) -> dict[str, Any]:
    return {"plugin_id": CORE, "attribute_name": name, **extra}


async def _activity(ctx: Ctx, author: uuid.UUID) -> uuid.UUID:
    view = await ctx.api.services.activities.record(
        author, ctx.world, "screenshot", {"hash": "abc", "description": "x"}
    )
    return view.id


async def _library_entry(ctx: Ctx) -> uuid.UUID:
    async with ctx.api.services.db.write() as session:
        asset = await session.scalar(t.Asset3d.__table__.select().limit(1))
        assert asset is not None
        if ctx.me.user_id is not None:
            await session.merge(t.Asset3dUser(asset_3d_id=asset, user_id=ctx.me.user_id, meta={}))
    return uuid.UUID(str(asset))


ROWS: list[Row] = []


def add(
    method: str, route: str, allowed: frozenset[str], case: str = ""
) -> Callable[[Prepare], Prepare]:
    def wrap(prepare: Prepare) -> Prepare:
        ROWS.append(Row(method, route, allowed, prepare, case))
        return prepare

    return wrap


# --- users and worlds ---------------------------------------------------------------------------


@add("PATCH", "/api/v4/profile", SIGNED_IN)
async def _(ctx: Ctx) -> Request:
    return "/api/v4/profile", {"json": {"name": "Renamed", "profile": {"bio": "hi"}}}


@add("POST", "/api/v4/worlds", NODE_ADMIN)
async def _(ctx: Ctx) -> Request:
    return "/api/v4/worlds", {"json": {"name": f"World of {ctx.name}"}}


@add("PATCH", "/api/v4/worlds/{world_id}", ADMINS)
async def _(ctx: Ctx) -> Request:
    return f"/api/v4/worlds/{ctx.world}", {"json": {"description": "new words"}}


@add("POST", "/api/v4/worlds/{world_id}/fly-to-me", ADMINS)
async def _(ctx: Ctx) -> Request:
    return f"/api/v4/worlds/{ctx.world}/fly-to-me", {}


@add("POST", "/api/v4/worlds/{world_id}/teleport-user", ADMINS)
async def _(ctx: Ctx) -> Request:
    return f"/api/v4/worlds/{ctx.world}/teleport-user", {"json": {"user_id": str(ctx.bystander)}}


# --- objects ------------------------------------------------------------------------------------


@add("POST", "/api/v4/objects", ADMINS)
async def _(ctx: Ctx) -> Request:
    body = {
        "object_name": "Box",
        "parent_id": str(ctx.world),
        "object_type_id": str(ids.CUSTOM_TYPE_ID),
    }
    return "/api/v4/objects", {"json": body}


@add("PATCH", "/api/v4/objects/{object_id}", ADMINS)
async def _(ctx: Ctx) -> Request:
    return f"/api/v4/objects/{await ctx.thing()}", {"json": {"object_name": "Renamed"}}


@add("DELETE", "/api/v4/objects/{object_id}", ADMINS)
async def _(ctx: Ctx) -> Request:
    return f"/api/v4/objects/{await ctx.thing()}", {}


@add("POST", "/api/v4/objects/{object_id}/clone", ADMINS)
async def _(ctx: Ctx) -> Request:
    return f"/api/v4/objects/{await ctx.thing()}/clone", {}


@add("POST", "/api/v4/objects/{object_id}/options", ADMINS)
async def _(ctx: Ctx) -> Request:
    return f"/api/v4/objects/{await ctx.thing()}/options", {"json": {"options": {"visible": 3}}}


@add("POST", "/api/v4/objects/{object_id}/options/sub", ADMINS)
async def _(ctx: Ctx) -> Request:
    body = {"sub_option_key": "k", "sub_option_value": 1}
    return f"/api/v4/objects/{await ctx.thing()}/options/sub", {"json": body}


@add("DELETE", "/api/v4/objects/{object_id}/options/sub", ADMINS)
async def _(ctx: Ctx) -> Request:
    return f"/api/v4/objects/{await ctx.thing()}/options/sub", {"json": {"sub_option_key": "k"}}


@add("POST", "/api/v4/objects/{object_id}/spawn-by-user", SIGNED_IN)
async def _(ctx: Ctx) -> Request:
    body = {"object_name": "Mine", "object_type_id": str(ids.CUSTOM_TYPE_ID)}
    return f"/api/v4/objects/{ctx.world}/spawn-by-user", {"json": body}


# --- object attributes --------------------------------------------------------------------------


@add("POST", "/api/v4/objects/{object_id}/attributes", ADMINS)
async def _(ctx: Ctx) -> Request:
    body = attr("description", attribute_value={"description": "d"})
    return f"/api/v4/objects/{await ctx.thing()}/attributes", {"json": body}


@add("DELETE", "/api/v4/objects/{object_id}/attributes", ADMINS)
async def _(ctx: Ctx) -> Request:
    return f"/api/v4/objects/{await ctx.thing()}/attributes", {"params": attr("description")}


@add("POST", "/api/v4/objects/{object_id}/attributes/sub", ADMINS)
async def _(ctx: Ctx) -> Request:
    body = attr("description", sub_attribute_key="description", sub_attribute_value="d")
    return f"/api/v4/objects/{await ctx.thing()}/attributes/sub", {"json": body}


@add("DELETE", "/api/v4/objects/{object_id}/attributes/sub", ADMINS)
async def _(ctx: Ctx) -> Request:
    body = attr("description", sub_attribute_key="description")
    return f"/api/v4/objects/{await ctx.thing()}/attributes/sub", {"json": body}


@add("POST", "/api/v4/objects/{object_id}/attributes/publicize", ADMINS)
async def _(ctx: Ctx) -> Request:
    return f"/api/v4/objects/{await ctx.thing()}/attributes/publicize", {"params": attr("emoji")}


# --- object-user attributes: a bystander's value on an object of the world ----------------------


@add("POST", "/api/v4/objects/{object_id}/{user_id}/attributes", ADMINS, "someone else's")
async def _(ctx: Ctx) -> Request:
    body = attr("vote", attribute_value={"up": True})
    return f"/api/v4/objects/{ctx.world}/{ctx.bystander}/attributes", {"json": body}


@add("POST", "/api/v4/objects/{object_id}/{user_id}/attributes", SIGNED_IN, "own")
async def _(ctx: Ctx) -> Request:
    body = attr("vote", attribute_value={"up": True})
    return f"/api/v4/objects/{ctx.world}/{ctx.my_id}/attributes", {"json": body}


@add("DELETE", "/api/v4/objects/{object_id}/{user_id}/attributes", ADMINS)
async def _(ctx: Ctx) -> Request:
    return f"/api/v4/objects/{ctx.world}/{ctx.bystander}/attributes", {"json": attr("vote")}


@add("POST", "/api/v4/objects/{object_id}/{user_id}/attributes/sub", ADMINS)
async def _(ctx: Ctx) -> Request:
    body = attr("comments", sub_attribute_key="c1", sub_attribute_value={"text": "hi"})
    return f"/api/v4/objects/{ctx.world}/{ctx.bystander}/attributes/sub", {"json": body}


@add("DELETE", "/api/v4/objects/{object_id}/{user_id}/attributes/sub", ADMINS)
async def _(ctx: Ctx) -> Request:
    body = attr("comments", sub_attribute_key="c1")
    return f"/api/v4/objects/{ctx.world}/{ctx.bystander}/attributes/sub", {"json": body}


# --- user, user-user and node attributes --------------------------------------------------------


@add("POST", "/api/v4/users/{user_id}/attributes", SIGNED_IN, "own")
async def _(ctx: Ctx) -> Request:
    body = attr("timeline_last_seen", attribute_value={"at": "now"})
    return f"/api/v4/users/{ctx.my_id}/attributes", {"json": body}


@add("POST", "/api/v4/users/{user_id}/attributes", NOBODY, "someone else's")
async def _(ctx: Ctx) -> Request:
    body = attr("timeline_last_seen", attribute_value={"at": "now"})
    return f"/api/v4/users/{ctx.bystander}/attributes", {"json": body}


@add("DELETE", "/api/v4/users/{user_id}/attributes", SIGNED_IN)
async def _(ctx: Ctx) -> Request:
    return f"/api/v4/users/{ctx.my_id}/attributes", {"json": attr("timeline_last_seen")}


@add("POST", "/api/v4/users/{user_id}/attributes/sub", SIGNED_IN)
async def _(ctx: Ctx) -> Request:
    body = attr("timeline_last_seen", sub_attribute_key="w", sub_attribute_value=1)
    return f"/api/v4/users/{ctx.my_id}/attributes/sub", {"json": body}


@add("DELETE", "/api/v4/users/{user_id}/attributes/sub", NOBODY, "someone else's")
async def _(ctx: Ctx) -> Request:
    body = attr("timeline_last_seen", sub_attribute_key="w")
    return f"/api/v4/users/{ctx.bystander}/attributes/sub", {"json": body}


@add("POST", "/api/v4/users/attributes/sub/{user_id}/{target_id}", SIGNED_IN)
async def _(ctx: Ctx) -> Request:
    body = attr("high_five", sub_attribute_key="counter", sub_attribute_value=1)
    return f"/api/v4/users/attributes/sub/{ctx.my_id}/{ctx.bystander}", {"json": body}


@add("POST", "/api/v4/node/attributes", NODE_ADMIN)
async def _(ctx: Ctx) -> Request:
    body = attr("frontend_plugins", attribute_value={"plugins": []})
    return "/api/v4/node/attributes", {"json": body}


@add("DELETE", "/api/v4/node/attributes", NODE_ADMIN)
async def _(ctx: Ctx) -> Request:
    return "/api/v4/node/attributes", {"params": attr("frontend_plugins")}


@add("POST", "/api/v4/node/attributes", NOBODY, "a secret")
async def _(ctx: Ctx) -> Request:
    return "/api/v4/node/attributes", {"json": attr("node_settings", attribute_value={})}


# --- members, activities, assets, node ----------------------------------------------------------


@add("POST", "/api/v4/objects/{object_id}/members", ADMINS)
async def _(ctx: Ctx) -> Request:
    body = {"user_id": str(ctx.bystander), "role": "admin"}
    return f"/api/v4/objects/{await ctx.thing()}/members", {"json": body}


@add("DELETE", "/api/v4/objects/{object_id}/members/{user_id}", ADMINS)
async def _(ctx: Ctx) -> Request:
    thing = await ctx.thing()
    await ctx.api.services.users.set_role(thing, ctx.bystander, "admin")
    return f"/api/v4/objects/{thing}/members/{ctx.bystander}", {}


@add("POST", "/api/v4/objects/{object_id}/timeline", MEMBERS)
async def _(ctx: Ctx) -> Request:
    body = {"type": "screenshot", "hash": "abc123"}
    return f"/api/v4/objects/{ctx.world}/timeline", {"json": body}


@add("PATCH", "/api/v4/objects/{object_id}/timeline/{activity_id}", SIGNED_IN, "own")
async def _(ctx: Ctx) -> Request:
    activity = await _activity(ctx, ctx.my_id if ctx.me.user_id else ctx.bystander)
    return f"/api/v4/objects/{ctx.world}/timeline/{activity}", {"json": {"description": "e"}}


@add("PATCH", "/api/v4/objects/{object_id}/timeline/{activity_id}", NOBODY, "someone else's")
async def _(ctx: Ctx) -> Request:
    activity = await _activity(ctx, ctx.bystander)
    return f"/api/v4/objects/{ctx.world}/timeline/{activity}", {"json": {"description": "e"}}


@add("DELETE", "/api/v4/objects/{object_id}/timeline/{activity_id}", ADMINS, "someone else's")
async def _(ctx: Ctx) -> Request:
    activity = await _activity(ctx, ctx.bystander)
    return f"/api/v4/objects/{ctx.world}/timeline/{activity}", {}


@add("DELETE", "/api/v4/objects/{object_id}/timeline/{activity_id}", SIGNED_IN, "own")
async def _(ctx: Ctx) -> Request:
    activity = await _activity(ctx, ctx.my_id if ctx.me.user_id else ctx.bystander)
    return f"/api/v4/objects/{ctx.world}/timeline/{activity}", {}


@add("PATCH", "/api/v4/assets-3d/{asset_id}", SIGNED_IN, "own entry")
async def _(ctx: Ctx) -> Request:
    asset = await _library_entry(ctx)
    return f"/api/v4/assets-3d/{asset}", {"json": {"meta": {"preview_hash": "abc"}}}


@add("DELETE", "/api/v4/assets-3d/{asset_id}", SIGNED_IN, "own entry")
async def _(ctx: Ctx) -> Request:
    return f"/api/v4/assets-3d/{await _library_entry(ctx)}", {}


@add("POST", "/api/v4/node/hosting-allow-list", NODE_ADMIN)
async def _(ctx: Ctx) -> Request:
    return "/api/v4/node/hosting-allow-list", {"json": {"user_id": str(ctx.bystander)}}


@add("DELETE", "/api/v4/node/hosting-allow-list/{user_id}", NODE_ADMIN)
async def _(ctx: Ctx) -> Request:
    return f"/api/v4/node/hosting-allow-list/{ctx.bystander}", {}


# --- the tests ----------------------------------------------------------------------------------


async def _people(api: Api) -> tuple[uuid.UUID, uuid.UUID, dict[str, Person]]:
    services = api.services
    owner = await api.person("owner")
    bystander = await api.person("bystander")
    assert owner.user_id is not None and bystander.user_id is not None
    world = await services.worlds.create("Matrix", owner.user_id)
    people = {
        "anonymous": ANONYMOUS,
        "guest": await api.person("guest", guest=True),
        "user": await api.person("user"),
        "world_admin": await api.person("world_admin"),
        "group_member": await api.person("group_member"),
        "node_admin": await api.person("node_admin"),
    }
    group = await services.users.create_user(name="Builders")
    await services.users.set_role(world.id, _id(people["world_admin"]), "admin")
    await services.users.set_role(world.id, group.user_id, "admin")
    await services.users.add_membership(group.user_id, _id(people["group_member"]))
    await services.users.make_node_admin(_id(people["node_admin"]))
    services.presence = EveryoneOnline()
    return world.id, bystander.user_id, people


def _id(person: Person) -> uuid.UUID:
    assert person.user_id is not None
    return person.user_id


async def test_permission_matrix(api: Api) -> None:
    world, bystander, people = await _people(api)
    failures = []
    for entry in ROWS:
        for persona in PERSONAS:
            me = people[persona]
            ctx = Ctx(api, world, bystander, me, persona)
            path, kwargs = await entry.prepare(ctx)
            response = await api.http.request(entry.method, path, headers=me.headers, **kwargs)
            if persona in entry.allowed:
                ok = 200 <= response.status_code < 300
            else:
                ok = response.status_code == (401 if persona == "anonymous" else 403)
            if not ok:
                failures.append(
                    f"{entry.method} {entry.route} [{entry.case}] as {persona}: "
                    f"{response.status_code} {response.text[:200]}"
                )
    assert not failures, "\n".join(failures)


def test_every_mutating_route_has_a_row(api: Api) -> None:
    document = build_openapi(api.http._transport.app)  # type: ignore[attr-defined]
    mutating = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in {"post", "put", "patch", "delete"} and not path.startswith(OTHER_OWNERS)
    }
    covered = {(entry.method, entry.route) for entry in ROWS}
    assert mutating - covered == set(), "mutating routes without a row in the matrix"
    assert covered - mutating == set(), "rows for routes that do not exist"
