"""The newsfeed and each object's timeline (api-v4 §1.11)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from odyssey.api import present, schemas
from odyssey.api.deps import (
    Member,
    PathId,
    ServicesDep,
    SignedIn,
    parse_path_id,
    parse_path_id_after,
)
from odyssey.api.docs import Auth, described
from odyssey.api.validation import OptionalText
from odyssey.db.activities import ActivityView
from odyssey.handlers import activities as handle
from odyssey.services import Services

router = APIRouter(prefix="/api/v4", tags=["activities"])

MAX_PAGE_SIZE = 100
MAX_START = 1_000_000_000
StartIndex = Annotated[int, Query(alias="startIndex", ge=0, le=MAX_START)]
PageSize = Annotated[int, Query(alias="pageSize", ge=1, le=MAX_PAGE_SIZE)]
TimelineType = Literal["video", "screenshot"]
Hash = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-zA-Z0-9]+$")]

_OBJECT = {400: ["invalid_object_id"], 404: ["object_not_found"]}
_ACTIVITY = {
    400: ["invalid_object_id", "invalid_activity_id"],
    404: ["object_not_found", "activity_not_found"],
}


def _page(
    views: list[ActivityView], start: int, size: int, total: int, *, feed: bool
) -> schemas.ActivityPage:
    return schemas.ActivityPage(
        activities=[present.activity(view, with_world_avatar=feed) for view in views],
        startIndex=start,
        pageSize=size,
        totalCount=total,
    )


@router.get("/objects/newsfeed", response_model=schemas.ActivityPage, **described(Auth.USER))
async def newsfeed(
    services: ServicesDep, _identity: SignedIn, start: StartIndex, size: PageSize
) -> schemas.ActivityPage:
    """Every activity of the node, newest first."""
    views, total = await services.activities.page(start=start, size=size)
    return _page(views, start, size, total, feed=True)


@router.get(
    "/objects/{object_id}/timeline",
    response_model=schemas.ActivityPage,
    **described(Auth.USER, _OBJECT),
)
async def timeline(
    services: ServicesDep, _identity: SignedIn, object_id: PathId, start: StartIndex, size: PageSize
) -> schemas.ActivityPage:
    """The object's videos and screenshots, newest first."""
    views, total = await handle.timeline(
        services, parse_path_id(object_id, "invalid_object_id"), start=start, size=size
    )
    return _page(views, start, size, total, feed=False)


class TimelinePost(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: TimelineType
    hash: Hash
    description: OptionalText | None = None


@router.post(
    "/objects/{object_id}/timeline",
    status_code=201,
    response_model=schemas.Activity,
    **described(Auth.MEMBER, _OBJECT),
)
async def post_to_timeline(
    services: ServicesDep, identity: Member, object_id: PathId, body: TimelinePost
) -> schemas.Activity:
    """Add a video or screenshot to the object's timeline (signed-up users, not guests)."""
    activity = await handle.post(
        services,
        identity.user_id,
        parse_path_id(object_id, "invalid_object_id"),
        body.type,
        hash=body.hash,
        description=body.description,
    )
    return present.activity(activity, with_world_avatar=False)


async def _ids(
    services: Services, object_id: PathId, activity_id: PathId
) -> tuple[uuid.UUID, uuid.UUID]:
    """The object's and the activity's ids; an unknown object is named before a malformed
    activity id (404 `object_not_found` first)."""
    parsed = parse_path_id(object_id, "invalid_object_id")
    return parsed, await parse_path_id_after(
        activity_id, "invalid_activity_id", lambda: services.objects.view(parsed)
    )


@router.get(
    "/objects/{object_id}/timeline/{activity_id}",
    response_model=schemas.Activity,
    **described(Auth.USER, _ACTIVITY),
)
async def get_activity(
    services: ServicesDep, _identity: SignedIn, object_id: PathId, activity_id: PathId
) -> schemas.Activity:
    activity = await handle.activity_of(services, *await _ids(services, object_id, activity_id))
    return present.activity(activity, with_world_avatar=False)


class TimelinePatch(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: TimelineType | Literal[""] | None = None
    hash: Hash | Literal[""] | None = None
    description: OptionalText | None = None


@router.patch(
    "/objects/{object_id}/timeline/{activity_id}",
    response_model=Literal[True],
    **described(Auth.OWNER, {**_ACTIVITY, 403: ["forbidden"]}),
)
async def update_activity(
    services: ServicesDep,
    identity: SignedIn,
    object_id: PathId,
    activity_id: PathId,
    body: TimelinePatch,
) -> Literal[True]:
    """The author changes the type, hash or description (empty strings change nothing)."""
    changes = {
        key: value
        for key, value in (("hash", body.hash), ("description", body.description))
        if value
    }
    await handle.update(
        services,
        identity.user_id,
        *await _ids(services, object_id, activity_id),
        type=body.type or None,
        changes=changes,
    )
    return True


@router.delete(
    "/objects/{object_id}/timeline/{activity_id}",
    response_model=Literal[True],
    **described(Auth.OWNER, {**_ACTIVITY, 403: ["forbidden"]}),
)
async def delete_activity(
    services: ServicesDep, identity: SignedIn, object_id: PathId, activity_id: PathId
) -> Literal[True]:
    """The author, or an admin of the object, removes an activity."""
    await handle.remove(services, identity.user_id, *await _ids(services, object_id, activity_id))
    return True


__all__ = ["router"]
