"""Objects (api-v4 §1.7): create, read, change, clone, delete, tree, options, spawn-by-user."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from odyssey.api import present, schemas
from odyssey.api.deps import PathId, ServicesDep, SignedIn, caller_of, parse_path_id
from odyssey.api.docs import Auth, described
from odyssey.api.errors import ApiError
from odyssey.api.validation import Finite, JsonObject, JsonValue, Key, Name
from odyssey.core.geometry import Transform, Vec3
from odyssey.db.objects import SubtreeRow
from odyssey.handlers import objects as handle

router = APIRouter(prefix="/api/v4", tags=["objects"])

DEFAULT_TREE_DEPTH = 10
MAX_TREE_DEPTH = 100

_OBJECT = {400: ["invalid_object_id"], 404: ["object_not_found"]}
_ADMIN = {**_OBJECT, 403: ["not_admin"]}
#: Refusals of the object limits (`odyssey.db.object_limits`), on every route that makes objects.
_LIMITS = {429: ["quota_exceeded", "too_many_requests"]}


def _id_text(value: uuid.UUID | None) -> str:
    return "" if value is None else str(value)


def _object_id(object_id: PathId) -> uuid.UUID:
    return parse_path_id(object_id, "invalid_object_id")


# --- request bodies -----------------------------------------------------------------------------


class Vec3In(BaseModel):
    model_config = ConfigDict(extra="ignore")
    x: Finite = 0.0
    y: Finite = 0.0
    z: Finite = 0.0

    def to_domain(self) -> Vec3:
        return Vec3(self.x, self.y, self.z)


class TransformIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    position: Vec3In = Field(default_factory=Vec3In)
    rotation: Vec3In = Field(default_factory=Vec3In)
    scale: Vec3In = Field(default_factory=lambda: Vec3In(x=1.0, y=1.0, z=1.0))

    def to_domain(self) -> Transform:
        return Transform(
            self.position.to_domain(), self.rotation.to_domain(), self.scale.to_domain()
        )


class ObjectCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    object_name: Name
    parent_id: uuid.UUID
    object_type_id: uuid.UUID
    asset_2d_id: uuid.UUID | None = None
    asset_3d_id: uuid.UUID | None = None
    transform: TransformIn | None = None
    minimap: bool | None = None


class ObjectPatch(BaseModel):
    model_config = ConfigDict(extra="ignore")
    object_name: Name | None = None
    asset_2d_id: Annotated[str, Field(max_length=64)] | None = None
    asset_3d_id: Annotated[str, Field(max_length=64)] | None = None


class SpawnPoint(BaseModel):
    model_config = ConfigDict(extra="ignore")
    position: Vec3In = Field(default_factory=Vec3In)
    rotation: Vec3In = Field(default_factory=Vec3In)


class ChildPlacement(BaseModel):
    model_config = ConfigDict(extra="ignore")
    algo: Annotated[str, Field(max_length=64)] = "circular"
    options: JsonObject = Field(default_factory=dict)


class ObjectOptions(BaseModel):
    """The known object options (others are dropped, as the reference's typed struct does)."""

    model_config = ConfigDict(extra="ignore")
    asset_2d_options: JsonValue = None
    asset_3d_options: JsonValue = None
    frame_templates: JsonObject | None = None
    spawn_point: SpawnPoint | None = None
    child_placement: dict[uuid.UUID, ChildPlacement] | None = None
    allowed_children: Annotated[list[uuid.UUID], Field(max_length=256)] | None = None
    child_limit: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    default_tiles: JsonValue = None
    infoui_id: Annotated[str, Field(max_length=64)] | None = None
    minimap: bool | None = None
    visible: Annotated[int, Field(ge=0, le=3)] | None = None
    editable: bool | None = None
    private: bool | None = None
    dashboard_plugins: (
        Annotated[list[Annotated[str, Field(max_length=255)]], Field(max_length=64)] | None
    ) = None
    subs: JsonObject | None = None

    def stored(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class OptionsBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    options: ObjectOptions


class SubOptionSet(BaseModel):
    model_config = ConfigDict(extra="ignore")
    sub_option_key: Key
    sub_option_value: JsonValue = Field(json_schema_extra={"not": {"type": "null"}})


class SubOptionKey(BaseModel):
    model_config = ConfigDict(extra="ignore")
    sub_option_key: Key


class ObjectUserAttributeIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    plugin_id: uuid.UUID
    attribute_name: Key
    value: JsonObject


class SpawnAttributes(BaseModel):
    model_config = ConfigDict(extra="ignore")
    object_user: Annotated[list[ObjectUserAttributeIn], Field(max_length=32)] = Field(
        default_factory=list
    )


class SpawnByUser(BaseModel):
    model_config = ConfigDict(extra="ignore")
    object_name: Name
    object_type_id: uuid.UUID
    attributes: SpawnAttributes | None = None


# --- create -------------------------------------------------------------------------------------

_CREATE_ERRORS = {
    400: [
        "invalid_object_type_id",
        "object_type_not_permitted",
        "child_limit_reached",
        "invalid_asset_2d_id",
        "invalid_asset_3d_id",
    ],
    403: ["object_creation_not_permitted"],
    404: ["parent_not_found"],
    **_LIMITS,
}


@router.post(
    "/objects",
    status_code=201,
    response_model=schemas.ObjectIdBody,
    **described(Auth.OBJECT_ADMIN, _CREATE_ERRORS),
)
async def create_object(
    services: ServicesDep, identity: SignedIn, body: ObjectCreate
) -> schemas.ObjectIdBody:
    """A new child of `parent_id`, owned by the caller, who must administer the parent. Its
    type must be among the parent's `allowed_children`; without a transform it is placed by
    the parent's `child_placement` (or stands at the parent's position). Counts against the
    world's object cap and, unless the caller administers the world, the caller's object
    quota and rate there (429)."""
    spec = handle.NewObject(
        parent_id=body.parent_id,
        type_id=body.object_type_id,
        name=body.object_name,
        asset_2d_id=body.asset_2d_id,
        asset_3d_id=body.asset_3d_id,
        transform=None if body.transform is None else body.transform.to_domain(),
        minimap=body.minimap,
    )
    node = await handle.create_object(services, identity.user_id, spec)
    return schemas.ObjectIdBody(object_id=node.id)


# --- read ---------------------------------------------------------------------------------------


@router.get(
    "/objects/{object_id}",
    response_class=Response,
    **described(Auth.USER, _OBJECT, success=(200, schemas.ObjectDTO, "The object")),
)
async def get_object(
    services: ServicesDep, _identity: SignedIn, object_id: PathId, effective: bool = True
) -> Response:
    """Owner, parent, type, assets and actual transform. With `effective` (the default) an
    object without assets shows its type's."""
    view, transform = await handle.located_object(services, _object_id(object_id))
    asset_2d = view.asset_2d_id
    asset_3d = view.asset_3d_id
    if effective:
        asset_2d = asset_2d or view.type_asset_2d_id
        asset_3d = asset_3d or view.type_asset_3d_id
    return present.json_response(
        {
            "owner_id": str(view.owner_id),
            "parent_id": str(view.parent_id),
            "object_type_id": str(view.type_id),
            "asset_2d_id": _id_text(asset_2d),
            "asset_3d_id": _id_text(asset_3d),
            "transform": transform.to_json(),
        }
    )


def _tree_info(
    rows: list[SubtreeRow], object_type: uuid.UUID | None, max_depth: int
) -> dict[str, Any]:
    """Rows (breadth first, the root first) → nested TreeInfo maps."""

    def info(row: SubtreeRow) -> dict[str, Any]:
        return {
            "id": str(row.id),
            "name": row.name,
            "object_type_id": str(row.type_id),
            "object_type_name": row.type_name,
            "total_direct_children": row.child_count,
            "created_at": present.rfc3339(row.created_at),
            "children": {},
        }

    root = info(rows[0])
    infos: dict[uuid.UUID, dict[str, Any]] = {rows[0].id: root}
    for row in rows[1:]:
        parent = infos.get(row.parent_id)  # None when the parent was filtered out
        if parent is None or (object_type is not None and row.type_id != object_type):
            continue
        infos[row.id] = parent["children"][str(row.id)] = info(row)
    root["max_depth"] = max_depth
    return root


@router.get(
    "/objects/{object_id}/tree",
    response_class=Response,
    **described(Auth.USER, _OBJECT, success=(200, schemas.TreeInfo, "The subtree")),
)
async def object_tree(
    services: ServicesDep,
    _identity: SignedIn,
    object_id: PathId,
    max_depth: Annotated[int, Query(ge=0, le=MAX_TREE_DEPTH)] = 0,
    object_type: uuid.UUID | None = None,
) -> Response:
    """The object and its descendants as nested maps, `max_depth` levels deep (0 means 10);
    with `object_type`, only children of that type (and their matching children) are kept."""
    depth = max_depth or DEFAULT_TREE_DEPTH
    rows = await services.objects.subtree(_object_id(object_id), depth)
    return present.json_response(_tree_info(rows, object_type, depth))


# --- change -------------------------------------------------------------------------------------


@router.patch(
    "/objects/{object_id}",
    response_model=schemas.ObjectIdBody,
    **described(
        Auth.OBJECT_ADMIN,
        {**_ADMIN, 400: ["invalid_object_id", "invalid_asset_2d_id", "invalid_asset_3d_id"]},
    ),
)
async def update_object(
    services: ServicesDep, identity: SignedIn, object_id: PathId, body: ObjectPatch
) -> schemas.ObjectIdBody:
    """Rename the object or change its assets (`""` removes one)."""
    parsed = _object_id(object_id)
    change = handle.ObjectChange(
        name=body.object_name, asset_2d_id=body.asset_2d_id, asset_3d_id=body.asset_3d_id
    )
    await handle.update_object(services, identity.user_id, parsed, change)
    return schemas.ObjectIdBody(object_id=parsed)


@router.delete(
    "/objects/{object_id}",
    response_model=None,
    **described(Auth.OBJECT_ADMIN, {**_ADMIN, 403: ["not_admin", "object_remove_not_permitted"]}),
)
async def delete_object(services: ServicesDep, identity: SignedIn, object_id: PathId) -> None:
    """Delete the object and everything under it. Worlds and the node cannot be deleted here."""
    await handle.delete_object(services, identity.user_id, _object_id(object_id))


@router.post(
    "/objects/{object_id}/clone",
    response_model=schemas.ObjectIdBody,
    **described(
        Auth.OBJECT_ADMIN,
        {
            **_ADMIN,
            400: ["invalid_object_id", "child_limit_reached"],
            403: ["not_admin", "object_clone_not_permitted"],
            **_LIMITS,
        },
    ),
)
async def clone_object(
    services: ServicesDep, identity: SignedIn, object_id: PathId
) -> schemas.ObjectIdBody:
    """A copy of the object (not its children) beside it, with its cloneable attributes. The
    copy keeps the original's owner and counts against the world's cap and (unless the caller
    administers the world) the owner's quota and the caller's rate there (429)."""
    clone = await handle.clone_object(services, identity.user_id, _object_id(object_id))
    return schemas.ObjectIdBody(object_id=clone.id)


# --- options ------------------------------------------------------------------------------------


@router.get(
    "/objects/{object_id}/options",
    response_model=dict[str, Any] | None,
    **described(Auth.USER, _OBJECT),
)
async def get_options(
    services: ServicesDep, _identity: SignedIn, object_id: PathId, effective: bool = True
) -> dict[str, Any] | None:
    """The object's options; with `effective` (the default) merged over its type's."""
    return await handle.object_options(services, _object_id(object_id), effective=effective)


@router.post(
    "/objects/{object_id}/options",
    status_code=202,
    response_model=dict[str, Any],
    **described(Auth.OBJECT_ADMIN, _ADMIN),
)
async def set_options(
    services: ServicesDep, identity: SignedIn, object_id: PathId, body: OptionsBody
) -> dict[str, Any]:
    """Replace all of the object's own options."""
    options = body.options.stored()
    await handle.set_options(services, identity.user_id, _object_id(object_id), options)
    return options


@router.get(
    "/objects/{object_id}/options/sub",
    response_model=dict[str, Any],
    **described(
        Auth.USER, {**_OBJECT, 404: ["object_not_found", "empty_options", "empty_sub_options"]}
    ),
)
async def get_sub_option(
    services: ServicesDep,
    _identity: SignedIn,
    object_id: PathId,
    sub_option_key: Annotated[Key, Query()],
    effective: bool = True,
) -> dict[str, Any]:
    """One key of the object's `options.subs`: `{key: value}` (null when absent)."""
    value = await handle.sub_option(
        services, _object_id(object_id), sub_option_key, effective=effective
    )
    return {sub_option_key: value}


@router.post(
    "/objects/{object_id}/options/sub",
    status_code=202,
    response_model=dict[str, Any],
    **described(Auth.OBJECT_ADMIN, _ADMIN),
)
async def set_sub_option(
    services: ServicesDep, identity: SignedIn, object_id: PathId, body: SubOptionSet
) -> dict[str, Any]:
    """Set one key of `options.subs`."""
    if body.sub_option_value is None:
        raise ApiError(400, "invalid_request_body", "sub_option_value is required")
    await handle.set_sub_option(
        services,
        identity.user_id,
        _object_id(object_id),
        body.sub_option_key,
        body.sub_option_value,
    )
    return {body.sub_option_key: body.sub_option_value}


@router.delete(
    "/objects/{object_id}/options/sub",
    response_model=None,
    **described(Auth.OBJECT_ADMIN, _ADMIN),
)
async def delete_sub_option(
    services: ServicesDep, identity: SignedIn, object_id: PathId, body: SubOptionKey
) -> None:
    """Remove one key of `options.subs`."""
    await handle.remove_sub_option(
        services, identity.user_id, _object_id(object_id), body.sub_option_key
    )


# --- spawn by user ------------------------------------------------------------------------------


@router.post(
    "/objects/{object_id}/spawn-by-user",
    status_code=201,
    response_model=schemas.ObjectIdBody,
    **described(
        Auth.USER,
        {
            400: [
                "invalid_object_id",
                "invalid_object_type_id",
                "object_type_not_permitted",
                "child_limit_reached",
                "invalid_attribute",
            ],
            403: ["operation_not_permitted"],
            404: ["parent_not_found"],
            **_LIMITS,
        },
    ),
)
async def spawn_by_user(
    services: ServicesDep, identity: SignedIn, object_id: PathId, body: SpawnByUser
) -> schemas.ObjectIdBody:
    """A child of the object owned by the caller, allowed by the parent's `allowed_children`
    and `child_limit`, with object-user attributes of (new object, caller). Only inside a
    world (worlds are made with `POST /worlds`). Counts against the world's object cap and,
    unless the caller administers the world, the caller's object quota and rate there: 429
    `quota_exceeded`, or `too_many_requests` with Retry-After."""
    parent = _object_id(object_id)
    seeds = [
        handle.ObjectUserSeed(attribute.plugin_id, attribute.attribute_name, attribute.value)
        for attribute in (body.attributes.object_user if body.attributes else [])
    ]
    node = await handle.spawn_by_user(
        services,
        caller_of(identity),
        parent,
        name=body.object_name,
        type_id=body.object_type_id,
        seeds=seeds,
    )
    return schemas.ObjectIdBody(object_id=node.id)


__all__ = ["router"]
