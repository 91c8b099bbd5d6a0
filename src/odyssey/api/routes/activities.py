"""The newsfeed and each object's timeline (api-v4 §1.11)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from odyssey.api import present, schemas
from odyssey.api.deps import Member, PathId, ServicesDep, SignedIn, parse_path_id
from odyssey.api.docs import Auth, described
from odyssey.api.errors import ApiError
from odyssey.api.routes.objects import object_view
from odyssey.api.validation import OptionalText
from odyssey.core.errors import NotFound
from odyssey.db.activities import TIMELINE_TYPES, ActivityView
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
    view = await object_view(services, object_id)
    views, total = await services.activities.page(
        object_id=view.id, types=TIMELINE_TYPES, start=start, size=size
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
    view = await object_view(services, object_id)
    data = {"position": None, "hash": body.hash, "description": body.description}
    activity = await services.activities.record(identity.user_id, view.id, body.type, data)
    return present.activity(activity, with_world_avatar=False)


async def _activity(services: Services, object_id: PathId, activity_id: PathId) -> ActivityView:
    view = await object_view(services, object_id)
    parsed = parse_path_id(activity_id, "invalid_activity_id")
    try:
        activity = await services.activities.get(parsed)
    except NotFound:
        activity = None
    if activity is None or activity.object_id != view.id:
        raise ApiError(404, "activity_not_found", f"activity {parsed} not found on this object")
    return activity


@router.get(
    "/objects/{object_id}/timeline/{activity_id}",
    response_model=schemas.Activity,
    **described(Auth.USER, _ACTIVITY),
)
async def get_activity(
    services: ServicesDep, _identity: SignedIn, object_id: PathId, activity_id: PathId
) -> schemas.Activity:
    return present.activity(
        await _activity(services, object_id, activity_id), with_world_avatar=False
    )


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
    activity = await _activity(services, object_id, activity_id)
    if activity.user_id != identity.user_id:
        raise ApiError(403, "forbidden", "only the author may edit an activity")
    changes = {
        key: value
        for key, value in (("hash", body.hash), ("description", body.description))
        if value
    }
    await services.activities.update(activity.id, type=body.type or None, changes=changes)
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
    activity = await _activity(services, object_id, activity_id)
    if activity.user_id != identity.user_id and not await services.users.is_admin(
        identity.user_id, activity.object_id
    ):
        raise ApiError(403, "forbidden", "only the author or an admin may remove an activity")
    await services.activities.remove(activity.id)
    return True


__all__ = ["router"]
