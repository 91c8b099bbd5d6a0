"""Timelines: who may post, change and remove an object's activities."""

from __future__ import annotations

import uuid
from typing import Any

from odyssey.core.errors import Forbidden, NotFound
from odyssey.db.activities import TIMELINE_TYPES, ActivityView
from odyssey.services import Services


async def timeline(
    services: Services, object_id: uuid.UUID, *, start: int, size: int
) -> tuple[list[ActivityView], int]:
    """The object's videos and screenshots, newest first, and how many there are."""
    view = await services.objects.view(object_id)
    return await services.activities.page(
        object_id=view.id, types=TIMELINE_TYPES, start=start, size=size
    )


async def post(
    services: Services,
    user_id: uuid.UUID,
    object_id: uuid.UUID,
    type: str,
    *,
    hash: str,
    description: str | None,
) -> ActivityView:
    """A video or screenshot on the object's timeline, by `user_id`."""
    view = await services.objects.view(object_id)
    data = {"position": None, "hash": hash, "description": description}
    return await services.activities.record(user_id, view.id, type, data)


async def activity_of(
    services: Services, object_id: uuid.UUID, activity_id: uuid.UUID
) -> ActivityView:
    """The activity, which must be on the object's timeline: `NotFound` `object_not_found`,
    then `activity_not_found`."""
    view = await services.objects.view(object_id)
    try:
        activity = await services.activities.get(activity_id)
    except NotFound:
        activity = None
    if activity is None or activity.object_id != view.id:
        raise NotFound(
            f"activity {activity_id} not found on this object",
            kind="activity",
            id=activity_id,
            reason="activity_not_found",
        )
    return activity


async def update(
    services: Services,
    user_id: uuid.UUID,
    object_id: uuid.UUID,
    activity_id: uuid.UUID,
    *,
    type: str | None,
    changes: dict[str, Any],
) -> None:
    """Only the author changes an activity (`Forbidden`)."""
    activity = await activity_of(services, object_id, activity_id)
    if activity.user_id != user_id:
        raise Forbidden("only the author may edit an activity")
    await services.activities.update(activity.id, type=type, changes=changes)


async def remove(
    services: Services, user_id: uuid.UUID, object_id: uuid.UUID, activity_id: uuid.UUID
) -> None:
    """The author, or an admin of the object, removes an activity (`Forbidden`)."""
    activity = await activity_of(services, object_id, activity_id)
    if activity.user_id != user_id and not await services.users.is_admin(
        user_id, activity.object_id
    ):
        raise Forbidden("only the author or an admin may remove an activity")
    await services.activities.remove(activity.id)


__all__ = ["activity_of", "post", "remove", "timeline", "update"]
