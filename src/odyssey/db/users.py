"""Users, their roles on objects, group memberships, and the admin question built on them."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from odyssey.bus import Bus, UserChanged, UserRoleChanged
from odyssey.core import ids, permissions
from odyssey.core.errors import NotFound
from odyssey.core.ids import new_id
from odyssey.db import tables as t
from odyssey.db.engine import Database
from odyssey.db.objects import load_tree, upsert

ADMIN_ROLE = "admin"


async def load_roles(
    session: AsyncSession, object_ids: list[uuid.UUID] | None = None
) -> dict[uuid.UUID, dict[uuid.UUID, str]]:
    """object id → user id → role, for the given objects (all objects when None)."""
    query = select(t.UserObject.object_id, t.UserObject.user_id, t.UserObject.value)
    if object_ids is not None:
        query = query.where(t.UserObject.object_id.in_(object_ids))
    roles: dict[uuid.UUID, dict[uuid.UUID, str]] = defaultdict(dict)
    for object_id, user_id, value in (await session.execute(query)).all():
        role = (value or {}).get("role")
        if isinstance(role, str):
            roles[object_id][user_id] = role
    return roles


async def load_memberships(session: AsyncSession) -> dict[uuid.UUID, set[uuid.UUID]]:
    """group id → member ids."""
    groups: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    rows = await session.execute(select(t.UserMembership.member_of, t.UserMembership.user_id))
    for group, member in rows.all():
        groups[group].add(member)
    return groups


async def is_admin(session: AsyncSession, user_id: uuid.UUID, object_id: uuid.UUID) -> bool:
    """Owner of the object or an ancestor, or `admin` there, directly or through a group."""
    tree = await load_tree(session)
    ancestors = [node.id for node in tree.ancestors(object_id)]
    roles = await load_roles(session, ancestors)
    memberships = await load_memberships(session)
    return permissions.is_admin(tree, user_id, object_id, roles, memberships)


class UserStore:
    def __init__(self, db: Database, bus: Bus) -> None:
        self.db = db
        self.bus = bus

    async def create_user(
        self,
        *,
        name: str,
        is_guest: bool = False,
        user_id: uuid.UUID | None = None,
        profile: dict[str, Any] | None = None,
    ) -> t.User:
        user = t.User(
            user_id=user_id or new_id(),
            user_type_id=ids.GUEST_USER_TYPE_ID if is_guest else ids.USER_TYPE_ID,
            profile={"name": name, **(profile or {})},
            options={"is_guest": is_guest},
            is_guest=is_guest,
        )
        async with self.db.write() as session:
            session.add(user)
        await self.bus.publish(UserChanged(user_id=user.user_id, created=True))
        return user

    async def get(self, user_id: uuid.UUID) -> t.User:
        async with self.db.read() as session:
            user = await session.get(t.User, user_id)
        if user is None:
            raise NotFound(f"user {user_id} not found")
        return user

    async def update_profile(self, user_id: uuid.UUID, changes: dict[str, Any]) -> t.User:
        async with self.db.write() as session:
            user = await session.get(t.User, user_id)
            if user is None:
                raise NotFound(f"user {user_id} not found")
            user.profile = {**(user.profile or {}), **changes}
        await self.bus.publish(UserChanged(user_id=user_id))
        return user

    async def count(self) -> int:
        async with self.db.read() as session:
            return int(await session.scalar(select(func.count()).select_from(t.User)) or 0)

    async def set_role(self, object_id: uuid.UUID, user_id: uuid.UUID, role: str) -> None:
        async with self.db.write() as session:
            if await session.get(t.Object, object_id) is None:
                raise NotFound(f"object {object_id} not found")
            if await session.get(t.User, user_id) is None:
                raise NotFound(f"user {user_id} not found")
            await session.execute(
                upsert(
                    session,
                    t.UserObject,
                    {"object_id": object_id, "user_id": user_id, "value": {"role": role}},
                )
            )
        await self.bus.publish(UserRoleChanged(user_id=user_id, object_id=object_id, role=role))

    async def remove_role(self, object_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        async with self.db.write() as session:
            result = await session.execute(
                delete(t.UserObject).where(
                    t.UserObject.object_id == object_id, t.UserObject.user_id == user_id
                )
            )
        removed = bool(getattr(result, "rowcount", 0))
        if removed:
            await self.bus.publish(UserRoleChanged(user_id=user_id, object_id=object_id))
        return removed

    async def add_membership(self, group_id: uuid.UUID, user_id: uuid.UUID) -> None:
        async with self.db.write() as session:
            await session.execute(
                upsert(
                    session,
                    t.UserMembership,
                    {"member_of": group_id, "user_id": user_id, "value": {}},
                )
            )
        await self.bus.publish(UserChanged(user_id=user_id))

    async def is_admin(self, user_id: uuid.UUID, object_id: uuid.UUID) -> bool:
        async with self.db.read() as session:
            return await is_admin(session, user_id, object_id)

    async def make_node_admin(self, user_id: uuid.UUID) -> uuid.UUID:
        """Give `user_id` the admin role on the node object; returns the node id."""
        async with self.db.read() as session:
            tree = await load_tree(session)
        await self.set_role(tree.node.id, user_id, ADMIN_ROLE)
        return tree.node.id
