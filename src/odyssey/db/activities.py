"""Activities: the timeline of each object (mostly worlds) and the node's newsfeed.

Each activity row is linked to its object (`object_activity`) and its author (`user_activity`).
Reads join the author's name and avatar and the object's name and avatar in a fixed number of
statements per page.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from odyssey.bus import ActivityChanged, Bus
from odyssey.core import ids
from odyssey.core.errors import NotFound
from odyssey.core.ids import new_id
from odyssey.db import tables as t
from odyssey.db.engine import Database


class ActivityType(StrEnum):
    VIDEO = "video"
    SCREENSHOT = "screenshot"
    WORLD_CREATED = "world_created"
    STAKE = "stake"
    UNSTAKE = "unstake"


#: The types a timeline shows (the reference's rule).
TIMELINE_TYPES: frozenset[str] = frozenset({ActivityType.VIDEO, ActivityType.SCREENSHOT})


@dataclass(frozen=True, slots=True)
class ActivityView:
    id: uuid.UUID
    user_id: uuid.UUID
    object_id: uuid.UUID
    type: str
    data: dict[str, Any]
    created_at: dt.datetime
    user_name: str
    user_avatar_hash: str
    object_name: str
    object_avatar_hash: str | None


def _text(value: Any, key: str) -> str | None:
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, str) else None


async def _views(session: AsyncSession, rows: Sequence[t.Activity]) -> list[ActivityView]:
    """Two more statements (authors, objects' name and avatar) for any number of rows."""
    if not rows:
        return []
    profiles: dict[uuid.UUID, Any] = dict(
        (
            await session.execute(
                select(t.User.user_id, t.User.profile).where(
                    t.User.user_id.in_({row.user_id for row in rows})
                )
            )
        ).all()
    )
    values: dict[uuid.UUID, dict[str, Any]] = defaultdict(dict)
    attributes = await session.execute(
        select(
            t.ObjectAttribute.object_id, t.ObjectAttribute.attribute_name, t.ObjectAttribute.value
        ).where(
            t.ObjectAttribute.plugin_id == ids.CORE_PLUGIN_ID,
            t.ObjectAttribute.attribute_name.in_(["name", "world_avatar"]),
            t.ObjectAttribute.object_id.in_({row.object_id for row in rows}),
        )
    )
    for object_id, attribute_name, value in attributes.all():
        values[object_id][attribute_name] = value
    views = []
    for row in rows:
        profile = profiles.get(row.user_id)
        own = values[row.object_id]
        views.append(
            ActivityView(
                id=row.activity_id,
                user_id=row.user_id,
                object_id=row.object_id,
                type=row.type,
                data=row.data or {},
                created_at=row.created_at,
                user_name=_text(profile, "name") or "",
                user_avatar_hash=_text(profile, "avatar_hash") or "",
                object_name=_text(own.get("name"), "name") or str(row.object_id),
                object_avatar_hash=_text(own.get("world_avatar"), "render_hash"),
            )
        )
    return views


class ActivityStore:
    def __init__(self, db: Database, bus: Bus) -> None:
        self.db = db
        self.bus = bus

    async def record(
        self, user_id: uuid.UUID, object_id: uuid.UUID, type: str, data: dict[str, Any]
    ) -> ActivityView:
        activity_id = new_id()
        async with self.db.write() as session:
            session.add(
                t.Activity(
                    activity_id=activity_id,
                    user_id=user_id,
                    object_id=object_id,
                    type=type,
                    data=data,
                    created_at=t.utcnow(),
                )
            )
            await session.flush()
            session.add(t.ObjectActivity(object_id=object_id, activity_id=activity_id))
            session.add(t.UserActivity(user_id=user_id, activity_id=activity_id))
        view = await self.get(activity_id)
        await self.bus.publish(
            ActivityChanged(
                activity_id=activity_id,
                object_id=object_id,
                user_id=user_id,
                change_type="new",
                activity_type=type,
            )
        )
        return view

    async def get(self, activity_id: uuid.UUID) -> ActivityView:
        async with self.db.read() as session:
            row = await session.get(t.Activity, activity_id)
            if row is None:
                raise NotFound(f"activity {activity_id} not found", kind="activity", id=activity_id)
            return (await _views(session, [row]))[0]

    async def page(
        self,
        *,
        object_id: uuid.UUID | None = None,
        types: Collection[str] | None = None,
        start: int,
        size: int,
    ) -> tuple[list[ActivityView], int]:
        """Newest first; returns the page and the total count."""
        conditions: list[Any] = []
        if object_id is not None:
            linked = select(t.ObjectActivity.activity_id).where(
                t.ObjectActivity.object_id == object_id
            )
            conditions.append(t.Activity.activity_id.in_(linked))
        if types is not None:
            conditions.append(t.Activity.type.in_(sorted(types)))
        async with self.db.read() as session:
            total = await session.scalar(
                select(func.count()).select_from(t.Activity).where(*conditions)
            )
            rows = await session.scalars(
                select(t.Activity)
                .where(*conditions)
                .order_by(t.Activity.created_at.desc(), t.Activity.activity_id.desc())
                .offset(start)
                .limit(size)
            )
            return await _views(session, rows.all()), int(total or 0)

    async def update(
        self, activity_id: uuid.UUID, *, type: str | None = None, changes: dict[str, Any]
    ) -> ActivityView:
        """Change the type and/or merge `changes` into the data."""
        async with self.db.write() as session:
            row = await session.get(t.Activity, activity_id)
            if row is None:
                raise NotFound(f"activity {activity_id} not found", kind="activity", id=activity_id)
            if type is not None:
                row.type = type
            if changes:
                row.data = {**(row.data or {}), **changes}
            object_id, user_id, new_type = row.object_id, row.user_id, row.type
        await self.bus.publish(
            ActivityChanged(
                activity_id=activity_id,
                object_id=object_id,
                user_id=user_id,
                change_type="changed",
                activity_type=new_type,
            )
        )
        return await self.get(activity_id)

    async def remove(self, activity_id: uuid.UUID) -> None:
        async with self.db.write() as session:
            row = await session.get(t.Activity, activity_id)
            if row is None:
                raise NotFound(f"activity {activity_id} not found", kind="activity", id=activity_id)
            object_id, user_id, activity_type = row.object_id, row.user_id, row.type
            await session.execute(delete(t.Activity).where(t.Activity.activity_id == activity_id))
        await self.bus.publish(
            ActivityChanged(
                activity_id=activity_id,
                object_id=object_id,
                user_id=user_id,
                change_type="removed",
                activity_type=activity_type,
            )
        )
