"""Worlds as the API shows them: the node's children with their name, description, avatar,
website and owner, read in a fixed number of statements whatever the number of worlds."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from odyssey.bus import AttributeChanged, Bus, ObjectUpdated
from odyssey.core import ids
from odyssey.core.errors import NotFound
from odyssey.core.links import check_link
from odyssey.db import tables as t
from odyssey.db.activities import ActivityStore, ActivityType
from odyssey.db.engine import Database
from odyssey.db.objects import ObjectStore, upsert

#: The object attributes (core plugin) that describe a world, and the key of each value.
WORLD_TEXT_ATTRIBUTES: dict[str, str] = {
    "name": "name",
    "description": "description",
    "website_link": "website_link",
}
WORLD_AVATAR_ATTRIBUTE = "world_avatar"


@dataclass(frozen=True, slots=True)
class WorldSummary:
    id: uuid.UUID
    owner_id: uuid.UUID
    owner_name: str | None
    name: str
    description: str
    website_link: str
    avatar_hash: str
    created_at: dt.datetime
    updated_at: dt.datetime


def _text(value: Any, key: str) -> str:
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, str) else ""


def _worlds_query() -> Select[Any]:
    node = (
        select(t.Object.object_id).where(t.Object.object_id == t.Object.parent_id).scalar_subquery()
    )
    return select(t.Object).where(t.Object.parent_id == node, t.Object.object_id != node)


def _name_column() -> Any:
    return t.ObjectAttribute.value["name"].as_string()


async def summarize(session: AsyncSession, rows: Sequence[t.Object]) -> list[WorldSummary]:
    """World rows → summaries: two more statements (attributes, owners) for any number of rows."""
    world_ids = [row.object_id for row in rows]
    if not world_ids:
        return []
    values: dict[uuid.UUID, dict[str, Any]] = defaultdict(dict)
    attributes = await session.execute(
        select(
            t.ObjectAttribute.object_id, t.ObjectAttribute.attribute_name, t.ObjectAttribute.value
        ).where(
            t.ObjectAttribute.plugin_id == ids.CORE_PLUGIN_ID,
            t.ObjectAttribute.attribute_name.in_([*WORLD_TEXT_ATTRIBUTES, WORLD_AVATAR_ATTRIBUTE]),
            t.ObjectAttribute.object_id.in_(world_ids),
        )
    )
    for object_id, attribute_name, value in attributes.all():
        values[object_id][attribute_name] = value
    owner_ids = list({row.owner_id for row in rows})
    owners: dict[uuid.UUID, Any] = dict(
        (
            await session.execute(
                select(t.User.user_id, t.User.profile).where(t.User.user_id.in_(owner_ids))
            )
        ).all()
    )
    summaries = []
    for row in rows:
        own = values[row.object_id]
        owner_profile = owners.get(row.owner_id)
        owner_name = _text(owner_profile, "name") if owner_profile is not None else None
        summaries.append(
            WorldSummary(
                id=row.object_id,
                owner_id=row.owner_id,
                owner_name=owner_name,
                name=_text(own.get("name"), "name") or str(row.object_id),
                description=_text(own.get("description"), "description"),
                website_link=_text(own.get("website_link"), "website_link"),
                avatar_hash=_text(own.get(WORLD_AVATAR_ATTRIBUTE), "render_hash"),
                created_at=row.created_at,
                updated_at=row.updated_at,
            )
        )
    return summaries


class WorldStore:
    def __init__(
        self, db: Database, bus: Bus, objects: ObjectStore, activities: ActivityStore
    ) -> None:
        self.db = db
        self.bus = bus
        self.objects = objects
        self.activities = activities

    async def recent(self, *, newest_first: bool, limit: int) -> list[WorldSummary]:
        order = t.Object.created_at.desc() if newest_first else t.Object.created_at.asc()
        async with self.db.read() as session:
            rows = await session.scalars(
                _worlds_query().order_by(order, t.Object.object_id).limit(limit)
            )
            return await summarize(session, rows.all())

    async def owned_by(self, user_id: uuid.UUID) -> list[WorldSummary]:
        async with self.db.read() as session:
            rows = await session.scalars(
                _worlds_query()
                .where(t.Object.owner_id == user_id)
                .order_by(t.Object.created_at, t.Object.object_id)
            )
            return await summarize(session, rows.all())

    async def search(self, text: str, *, limit: int) -> list[WorldSummary]:
        """Worlds whose name contains `text`, ignoring case (LIKE wildcards escaped)."""
        name = _name_column()
        async with self.db.read() as session:
            rows = await session.scalars(
                _worlds_query()
                .join(
                    t.ObjectAttribute,
                    (t.ObjectAttribute.object_id == t.Object.object_id)
                    & (t.ObjectAttribute.plugin_id == ids.CORE_PLUGIN_ID)
                    & (t.ObjectAttribute.attribute_name == "name"),
                )
                .where(func.lower(name).contains(text.lower(), autoescape=True))
                .order_by(name, t.Object.object_id)
                .limit(limit)
            )
            return await summarize(session, rows.all())

    async def get(self, world_id: uuid.UUID) -> WorldSummary:
        """One world; `NotFound` (kind `world`) when the id is not a world."""
        async with self.db.read() as session:
            row = await session.scalar(_worlds_query().where(t.Object.object_id == world_id))
            if row is None:
                raise NotFound(f"world {world_id} not found", kind="world", id=world_id)
            return (await summarize(session, [row]))[0]

    async def update(
        self,
        world_id: uuid.UUID,
        *,
        name: str | None = None,
        description: str | None = None,
        website_link: str | None = None,
    ) -> WorldSummary:
        """Change the world's name, description and website (None leaves one as it is)."""
        check_link(website_link, field="website_link")
        changes = {
            attribute: {key: new}
            for (attribute, key), new in zip(
                WORLD_TEXT_ATTRIBUTES.items(), (name, description, website_link), strict=True
            )
            if new is not None
        }
        async with self.db.write() as session:
            row = await session.scalar(_worlds_query().where(t.Object.object_id == world_id))
            if row is None:
                raise NotFound(f"world {world_id} not found", kind="world", id=world_id)
            for attribute, value in changes.items():
                await session.execute(
                    upsert(
                        session,
                        t.ObjectAttribute,
                        {
                            "plugin_id": ids.CORE_PLUGIN_ID,
                            "attribute_name": attribute,
                            "object_id": world_id,
                            "value": value,
                        },
                    )
                )
            summary = (await summarize(session, [row]))[0]
        for attribute, value in changes.items():
            await self.bus.publish(
                AttributeChanged(
                    scope="object",
                    plugin_id=ids.CORE_PLUGIN_ID,
                    attribute_name=attribute,
                    change_type="attribute_changed",
                    value=value,
                    object_id=world_id,
                )
            )
        if "name" in changes:
            await self.bus.publish(
                ObjectUpdated(object_id=world_id, world_id=world_id, fields=("name",))
            )
        return summary

    async def create(
        self, name: str, owner_id: uuid.UUID, *, description: str | None = None
    ) -> WorldSummary:
        """A new world from the node's `world_template`, owned by `owner_id`, and its
        `world_created` activity."""
        world = await self.objects.create_world(name, owner_id, description=description)
        await self.activities.record(owner_id, world.id, ActivityType.WORLD_CREATED, {})
        return await self.get(world.id)
