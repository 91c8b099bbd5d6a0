"""Attribute values in the five scopes (api-v4 §1.8): node, object, object-user, user,
user-user. The routes parse (the path's ids, the attribute's key in the query or the body) and
call one function of `odyssey.handlers.attributes`, which owns the permission checks (the
attribute's read/write permission, the type's "read all" for the aggregates) and their reasons.

The scopes' get/set/delete routes (of the value and of one key of it) are made from one table,
`SCOPES`: each entry says where the scope's routes are, which ids its path holds and how they are
parsed, and which of the six operations it has; the routes of one scope alone (the object's
aggregates and publicize, `/users/me/attributes`) are written out. Deletes take their parameters
where the reference reads them: node and object attribute deletes from the query string, every
other delete from a JSON body.
"""

from __future__ import annotations

import datetime as dt
import inspect
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict

from odyssey.api import present, schemas
from odyssey.api.deps import PathId, ServicesDep, SignedIn, caller_of, parse_path_id
from odyssey.api.docs import Auth, described
from odyssey.api.errors import ApiError
from odyssey.api.validation import JsonObject, JsonValue, Key, SearchText
from odyssey.core.permissions import AttributeScope
from odyssey.db import AttributeRef
from odyssey.db.attributes import EntryQuery
from odyssey.handlers import attributes
from odyssey.services import Services

router = APIRouter(prefix="/api/v4", tags=["attributes"])

MAX_ENTRIES_PAGE = 100
MAX_OFFSET = 1_000_000_000
MAX_FIELDS = 32

# --- request shapes -----------------------------------------------------------------------------

PluginQuery = Annotated[uuid.UUID, Query()]
NameQuery = Annotated[Key, Query()]


class AttributeKeyBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    plugin_id: uuid.UUID
    attribute_name: Key


class AttributeSet(AttributeKeyBody):
    attribute_value: JsonObject


class SubKeyBody(AttributeKeyBody):
    sub_attribute_key: Key


class SubSet(SubKeyBody):
    sub_attribute_value: JsonValue = Field(json_schema_extra={"not": {"type": "null"}})


# --- error tables of the documentation ---------------------------------------------------------

_READ = {
    400: ["invalid_plugin_attribute"],
    403: ["operation_not_permitted"],
    404: ["attribute_not_found"],
}
_WRITE = {400: ["invalid_attribute"], 403: ["operation_not_permitted"]}
_QUERY_WRITE = {400: ["invalid_plugin_attribute"], 403: ["operation_not_permitted"]}
_OBJ = {400: ["invalid_object_id"], 404: ["object_not_found"]}
_USR = {400: ["invalid_user_id"], 404: ["user_not_found"]}


def _merge(*tables: dict[int, list[str]]) -> dict[int, list[str]]:
    merged: dict[int, list[str]] = {}
    for table in tables:
        for status, reasons in table.items():
            merged.setdefault(status, [])
            merged[status] += [r for r in reasons if r not in merged[status]]
    return merged


# --- object attributes: aggregates first (they would be shadowed by /{userID}/attributes) -------


@router.get(
    "/objects/{object_id}/attributes-with-children",
    response_model=dict[uuid.UUID, dict[str, Any]],
    **described(Auth.ATTRIBUTE, _merge(_OBJ, _READ)),
)
async def attributes_with_children(
    services: ServicesDep,
    identity: SignedIn,
    object_id: PathId,
    plugin_id: PluginQuery,
    attribute_name: NameQuery,
) -> dict[uuid.UUID, dict[str, Any]]:
    """`{objectId: value}` for the object and every descendant holding a value."""
    target = await _existing_object(services, object_id)
    return await attributes.subtree_values(
        services, caller_of(identity), target, plugin_id, attribute_name
    )


@router.get(
    "/objects/{object_id}/all-users/attributes",
    response_model=dict[uuid.UUID, dict[str, Any]],
    **described(Auth.ATTRIBUTE, _merge(_OBJ, _READ)),
)
async def all_users_attributes(
    services: ServicesDep,
    identity: SignedIn,
    object_id: PathId,
    plugin_id: PluginQuery,
    attribute_name: NameQuery,
) -> dict[uuid.UUID, dict[str, Any]]:
    """`{userId: value}` of every user's value on the object."""
    target = await _existing_object(services, object_id)
    return await attributes.object_user_values(
        services, caller_of(identity), target, plugin_id, attribute_name
    )


@router.get(
    "/objects/{object_id}/all-users/count",
    response_model=schemas.CountBody,
    **described(Auth.ATTRIBUTE, _merge(_OBJ, _READ, {400: ["invalid_since_time"]})),
)
async def all_users_count(
    services: ServicesDep,
    identity: SignedIn,
    object_id: PathId,
    plugin_id: PluginQuery,
    attribute_name: NameQuery,
    since: dt.datetime | None = None,
) -> schemas.CountBody:
    """How many users hold a value on the object (updated at or after `since`)."""
    target = await _existing_object(services, object_id)
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    count = await attributes.count_object_users(
        services, caller_of(identity), target, plugin_id, attribute_name, since
    )
    return schemas.CountBody(count=count)


class EntryUser(TypedDict):
    user_id: uuid.UUID
    profile: schemas.Profile


class EntriesPage(TypedDict):
    count: int
    limit: int
    offset: int
    items: list[dict[str, Any]] | None


@router.get(
    "/objects/{object_id}/all-users/attributes/{entry_plugin_id}/{entry_attribute_name}/entries",
    response_model=EntriesPage,
    **described(
        Auth.ATTRIBUTE,
        _merge(_OBJ, _READ, {400: ["invalid_param", "invalid_params"], 404: ["invalid_param"]}),
    ),
)
async def all_users_entries(
    request: Request,
    services: ServicesDep,
    identity: SignedIn,
    object_id: PathId,
    entry_plugin_id: PathId,
    entry_attribute_name: Annotated[Key, Path()],
    fields: Annotated[list[Key], Query(alias="fields[]", max_length=MAX_FIELDS)] = [],  # noqa: B006
    q: Annotated[SearchText | None, Query()] = None,
    order: Annotated[Key | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_ENTRIES_PAGE)] = 10,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> EntriesPage:
    """Every user's value is a map of entries; lists those entries, flattened: `fields[]`
    picks the fields shown (as text), `<field>=<value>` filters on one, `q` searches the
    others (case-insensitive), `order` sorts by a field (`-field` descending)."""
    target = await _existing_object(services, object_id)
    plugin_id = parse_path_id(entry_plugin_id, "invalid_param")
    query = EntryQuery(
        fields=tuple(dict.fromkeys(fields)),
        filters={
            name: request.query_params[name] for name in fields if name in request.query_params
        },
        search=q.lower() if q else None,
        order=order,
        limit=limit,
        offset=offset,
    )
    caller = caller_of(identity)
    count, rows = await attributes.entries(
        services, caller, target, plugin_id, entry_attribute_name, query
    )
    if not count:
        return EntriesPage(count=0, limit=limit, offset=0, items=None)
    items = [
        {
            "_key": row.key,
            "_user": {"user_id": str(row.user_id), "profile": present.profile(row.profile)},
            **row.shown,
        }
        for row in rows
    ]
    return EntriesPage(count=count, limit=limit, offset=offset, items=items)


# --- routes of one scope alone -----------------------------------------------------------------


@router.post(
    "/objects/{object_id}/attributes/publicize",
    status_code=202,
    response_model=None,
    **described(Auth.OBJECT_ADMIN, _merge(_OBJ, _QUERY_WRITE, {403: ["not_admin"]})),
)
async def publicize_object_attribute(
    services: ServicesDep,
    identity: SignedIn,
    object_id: PathId,
    plugin_id: PluginQuery,
    attribute_name: NameQuery,
) -> None:
    """Let everyone read and every signed-in user write this attribute of the object."""
    target = parse_path_id(object_id, "invalid_object_id")
    await attributes.publicize(services, caller_of(identity), target, plugin_id, attribute_name)


@router.get(
    "/users/me/attributes",
    response_model=dict[str, Any],
    **described(Auth.ATTRIBUTE, _READ),
)
async def get_my_attribute(
    services: ServicesDep, identity: SignedIn, plugin_id: PluginQuery, attribute_name: NameQuery
) -> dict[str, Any]:
    """One of the caller's own attributes (with the same permission check as any user's)."""
    ref = AttributeRef(AttributeScope.USER, plugin_id, attribute_name, user_id=identity.user_id)
    return await attributes.read(services, caller_of(identity), ref)


# --- the five scopes: one table, the same operations -------------------------------------------


@dataclass(frozen=True, slots=True)
class PathIdParam:
    """An id in a scope's path: its parameter, the `AttributeRef` field it fills, the reason of
    a malformed one, and what it names (which a write must find first)."""

    name: str
    field: str
    invalid: str
    names: Literal["object", "user"]


_OBJECT_ID = PathIdParam("object_id", "object_id", "invalid_object_id", "object")
_USER_ID = PathIdParam("user_id", "user_id", "invalid_user_id", "user")


@dataclass(frozen=True, slots=True)
class AttributeScopeRoutes:
    """One scope's routes: `<path>/attributes` (get, set, delete the value) and
    `<path>/attributes/sub` (get, set, delete one top-level key of it), those it has."""

    scope: AttributeScope
    label: str  # in the endpoints' names, so in the operation ids: get_<label>_attribute
    path: str  # of the value; the sub routes are at `<path>/sub` unless `sub_path` says
    ids: tuple[PathIdParam, ...]
    id_errors: dict[int, list[str]]
    operations: tuple[Operation, ...]
    delete_in_query: bool = False  # the reference reads node and object deletes from the query
    sub_answers_value: bool = False  # set-sub answers the whole value, not `{key: value}`
    id_errors_last: bool = False  # the reference lists the ids' reasons after the write's
    docs: dict[Operation, str] = field(default_factory=dict)
    sub_path: str | None = None

    def route_path(self, operation: Operation) -> str:
        if not operation.endswith("_sub"):
            return self.path
        return self.sub_path or f"{self.path}/sub"

    def ref(self, ids: dict[str, uuid.UUID], plugin_id: uuid.UUID, name: str) -> AttributeRef:
        return AttributeRef(self.scope, plugin_id, name, **ids)

    def errors(self, operation: Operation) -> dict[int, list[str]]:
        own = {
            "get": _READ,
            "get_sub": _merge(_READ, {404: ["attribute_value_not_found"]}),
            "delete": _QUERY_WRITE if self.delete_in_query else _WRITE,
        }.get(operation, _WRITE)
        return _merge(own, self.id_errors) if self.id_errors_last else _merge(self.id_errors, own)


Operation = Literal["get", "set", "delete", "get_sub", "set_sub", "delete_sub"]
_ALL: tuple[Operation, ...] = ("get", "set", "delete", "get_sub", "set_sub", "delete_sub")

SCOPES: tuple[AttributeScopeRoutes, ...] = (
    AttributeScopeRoutes(
        AttributeScope.OBJECT,
        "object",
        "/objects/{object_id}/attributes",
        (_OBJECT_ID,),
        _OBJ,
        _ALL,
        delete_in_query=True,
        docs={
            "set": "Replace the attribute's whole value.",
            "set_sub": "Set one top-level key of the value; answers `{key: value}`.",
        },
    ),
    AttributeScopeRoutes(
        AttributeScope.OBJECT_USER,
        "object_user",
        "/objects/{object_id}/{user_id}/attributes",
        (_OBJECT_ID, _USER_ID),
        _merge(_OBJ, _USR),
        _ALL,
    ),
    AttributeScopeRoutes(
        AttributeScope.USER, "user", "/users/{user_id}/attributes", (_USER_ID,), _USR, _ALL
    ),
    AttributeScopeRoutes(
        AttributeScope.USER_USER,
        "user_user",
        "/users/attributes/sub/{user_id}/{target_id}",  # its one route, a sub route
        (
            PathIdParam("user_id", "source_user_id", "invalid_user_id", "user"),
            PathIdParam("target_id", "target_user_id", "invalid_target_id", "user"),
        ),
        {400: ["invalid_user_id", "invalid_target_id"], 404: ["user_not_found"]},
        ("set_sub",),
        sub_answers_value=True,
        id_errors_last=True,
        docs={
            "set_sub": "Set one key of the (source user → target user) value; answers the whole "
            "value."
        },
        sub_path="/users/attributes/sub/{user_id}/{target_id}",
    ),
    AttributeScopeRoutes(
        AttributeScope.NODE,
        "node",
        "/node/attributes",
        (),
        {},
        ("get", "set", "delete"),
        delete_in_query=True,
        docs={"get": "Secret node attributes (keys, settings) are never readable, by anyone."},
    ),
)


# --- the routes, made from the table ------------------------------------------------------------

_SubKeyQuery = Annotated[Key, Query()]
_METHODS = {"get": "GET", "set": "POST", "delete": "DELETE"}
Values = dict[str, Any]


def _parameter(name: str, annotation: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)


def _inputs(scope: AttributeScopeRoutes, operation: Operation) -> list[inspect.Parameter]:
    """The endpoint's parameters after the services and the caller: path ids, then the
    attribute's key in the query or the body, as the reference reads it."""
    ids = [_parameter(param.name, PathId) for param in scope.ids]
    query = [_parameter("plugin_id", PluginQuery), _parameter("attribute_name", NameQuery)]
    if operation == "get":
        return ids + query
    if operation == "get_sub":
        return [*ids, *query, _parameter("sub_attribute_key", _SubKeyQuery)]
    if operation == "delete" and scope.delete_in_query:
        return ids + query
    bodies: dict[Operation, type[BaseModel]] = {
        "set": AttributeSet,
        "delete": AttributeKeyBody,
        "set_sub": SubSet,
        "delete_sub": SubKeyBody,
    }
    return [*ids, _parameter("body", bodies[operation])]


async def _existing_object(services: Services, object_id: PathId) -> uuid.UUID:
    parsed = parse_path_id(object_id, "invalid_object_id")
    return await attributes.existing_object(services, parsed)


async def _path_ids(
    services: Services, scope: AttributeScopeRoutes, values: Values, *, must_exist: bool
) -> dict[str, uuid.UUID]:
    """The scope's ids from the path, in path order; a write's targets must exist (each is
    looked up before the next is parsed, as the reference does)."""
    found: dict[str, uuid.UUID] = {}
    for param in scope.ids:
        parsed = parse_path_id(values[param.name], param.invalid)
        if must_exist and param.names == "object":
            parsed = await attributes.existing_object(services, parsed)
        elif must_exist:
            parsed = await attributes.existing_user(services, parsed)
        found[param.field] = parsed
    return found


async def _perform(scope: AttributeScopeRoutes, operation: Operation, values: Values) -> Any:
    """Parse (the path's ids, the attribute's key), call the handler, answer what the
    reference answers."""
    services: Services = values["services"]
    caller = caller_of(values["identity"])
    ids = await _path_ids(services, scope, values, must_exist=not operation.startswith("get"))
    body: Any = values.get("body")
    if body is None:
        ref = scope.ref(ids, values["plugin_id"], values["attribute_name"])
        unknown = attributes.UNKNOWN_IN_QUERY
    else:
        ref = scope.ref(ids, body.plugin_id, body.attribute_name)
        unknown = attributes.UNKNOWN_IN_BODY
    if operation == "get":
        return await attributes.read(services, caller, ref)
    if operation == "get_sub":
        return await attributes.read_sub(services, caller, ref, values["sub_attribute_key"])
    if operation == "set":
        return await attributes.write(services, caller, ref, body.attribute_value)
    if operation == "delete":
        return await attributes.remove(services, caller, ref, unknown=unknown)
    if operation == "delete_sub":
        return await attributes.remove_sub(services, caller, ref, body.sub_attribute_key)
    if body.sub_attribute_value is None:
        raise ApiError(400, "invalid_request_body", "sub_attribute_value is required")
    key, sub_value = body.sub_attribute_key, body.sub_attribute_value
    value = await attributes.write_sub(services, caller, ref, key, sub_value)
    return value if scope.sub_answers_value else {key: sub_value}


def _endpoint(scope: AttributeScopeRoutes, operation: Operation) -> Callable[..., Awaitable[Any]]:
    """An endpoint FastAPI reads as if written out: its name (the operation id and summary),
    docstring (the description) and signature (the parameters) are those of the hand-written
    routes the table replaced."""

    async def endpoint(**values: Any) -> Any:
        return await _perform(scope, operation, values)

    verb, _, sub = operation.partition("_")
    endpoint.__name__ = endpoint.__qualname__ = (
        f"{verb}_{scope.label}{'_sub' if sub else ''}_attribute"
    )
    endpoint.__doc__ = scope.docs.get(operation)
    parameters = [
        _parameter("services", ServicesDep),
        _parameter("identity", SignedIn),
        *_inputs(scope, operation),
    ]
    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return endpoint


def _register(scope: AttributeScopeRoutes) -> None:
    for operation in scope.operations:
        verb = operation.partition("_")[0]
        router.add_api_route(
            scope.route_path(operation),
            _endpoint(scope, operation),
            methods=[_METHODS[verb]],
            status_code=202 if verb == "set" else None,
            response_model=None if verb == "delete" else dict[str, Any],
            **described(Auth.ATTRIBUTE, scope.errors(operation)),
        )


for _scope in SCOPES:
    _register(_scope)


__all__ = ["SCOPES", "router"]
