"""Users, their roles on objects, group memberships, and the admin question built on them."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Uuid, bindparam, delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from odyssey.bus import Bus, UserChanged, UserRoleChanged
from odyssey.core import ids, permissions
from odyssey.core.errors import NotFound
from odyssey.core.ids import new_id
from odyssey.core.links import check_profile_links
from odyssey.core.tree import ObjectTree as DomainTree
from odyssey.db import tables as t
from odyssey.db.engine import Database
from odyssey.db.lineage import ancestor_chain, node_id
from odyssey.db.sql import upsert

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


async def groups_of(session: AsyncSession, user_id: uuid.UUID) -> dict[uuid.UUID, set[uuid.UUID]]:
    """The membership edges above `user_id` (its groups, their groups...): group id → members."""
    start = select(t.UserMembership.member_of, t.UserMembership.user_id).where(
        t.UserMembership.user_id == user_id
    )
    edges = start.cte("group_edges", recursive=True)
    above = aliased(t.UserMembership)
    edges = edges.union(
        select(above.member_of, above.user_id).where(above.user_id == edges.c.member_of)
    )
    groups: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for group, member in (await session.execute(select(edges))).all():
        groups[group].add(member)
    return groups


async def is_admin(session: AsyncSession, user_id: uuid.UUID, object_id: uuid.UUID) -> bool:
    """Owner of the object or an ancestor, or `admin` there, directly or through a group.

    Three small queries (ancestors, their roles, the caller's groups) whatever the tree's size;
    the decision itself is `odyssey.core.permissions.is_admin` on the ancestor chain.
    """
    chain = await ancestor_chain(session, object_id)
    roles = await load_roles(session, [node.id for node in chain])
    memberships = await groups_of(session, user_id)
    return permissions.is_admin(DomainTree([], chain), user_id, object_id, roles, memberships)


async def is_guest_or_gone(session: AsyncSession, user_id: uuid.UUID, *, lock: bool) -> bool:
    """Whether the user is a guest, or no longer exists (then allowed the least). With `lock`,
    the user's row is locked: one upload of a user at a time past this point (a no-op on
    SQLite, where every write transaction is exclusive already)."""
    query = select(t.User.is_guest).where(t.User.user_id == user_id)
    if lock:
        query = query.with_for_update()
    is_guest = await session.scalar(query)
    return True if is_guest is None else bool(is_guest)


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
        check_profile_links(profile or {})
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

    async def find(self, user_id: uuid.UUID) -> t.User | None:
        """The user, or None when there is none (no longer) by that id."""
        async with self.db.read() as session:
            return await session.get(t.User, user_id)

    async def get(self, user_id: uuid.UUID) -> t.User:
        user = await self.find(user_id)
        if user is None:
            raise NotFound(f"user {user_id} not found", kind="user", id=user_id)
        return user

    async def update_profile(self, user_id: uuid.UUID, changes: dict[str, Any]) -> t.User:
        check_profile_links(changes)
        async with self.db.write() as session:
            user = await session.get(t.User, user_id)
            if user is None:
                raise NotFound(f"user {user_id} not found", kind="user", id=user_id)
            user.profile = {**(user.profile or {}), **changes}
        await self.bus.publish(UserChanged(user_id=user_id))
        return user

    async def count(self) -> int:
        async with self.db.read() as session:
            return int(await session.scalar(select(func.count()).select_from(t.User)) or 0)

    async def set_role(self, object_id: uuid.UUID, user_id: uuid.UUID, role: str) -> None:
        async with self.db.write() as session:
            if await session.get(t.Object, object_id) is None:
                raise NotFound(f"object {object_id} not found", kind="object", id=object_id)
            if await session.get(t.User, user_id) is None:
                raise NotFound(f"user {user_id} not found", kind="user", id=user_id)
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
            node = await node_id(session)
        await self.set_role(node, user_id, ADMIN_ROLE)
        return node

    # --- queries behind the API's lists (a fixed number of statements each, no N+1) ----------

    async def exists(self, user_id: uuid.UUID) -> bool:
        async with self.db.read() as session:
            found = await session.scalar(select(t.User.user_id).where(t.User.user_id == user_id))
        return found is not None

    async def get_many(self, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, t.User]:
        wanted = list(set(user_ids))
        if not wanted:
            return {}
        async with self.db.read() as session:
            rows = (await session.scalars(select(t.User).where(t.User.user_id.in_(wanted)))).all()
        return {row.user_id: row for row in rows}

    async def wallets_of(self, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
        """user id → wallets, from the Kusama plugin's `wallet` user attribute."""
        wanted = list(set(user_ids))
        if not wanted:
            return {}
        async with self.db.read() as session:
            rows = await session.execute(
                select(t.UserAttribute.user_id, t.UserAttribute.value).where(
                    t.UserAttribute.plugin_id == ids.KUSAMA_PLUGIN_ID,
                    t.UserAttribute.attribute_name == WALLET_ATTRIBUTE,
                    t.UserAttribute.user_id.in_(wanted),
                )
            )
            return {user_id: wallet_list(value) for user_id, value in rows.all()}

    async def find_by_wallet(self, wallet: str) -> t.User | None:
        """The user holding `wallet` (compared case-insensitively), or None."""
        key = wallet.strip().lower()
        async with self.db.read() as session:
            rows = await session.execute(
                select(t.UserAttribute.user_id, t.UserAttribute.value).where(
                    t.UserAttribute.plugin_id == ids.KUSAMA_PLUGIN_ID,
                    t.UserAttribute.attribute_name == WALLET_ATTRIBUTE,
                )
            )
            for user_id, value in rows.all():
                if any(item.lower() == key for item in wallet_list(value)):
                    return await session.get(t.User, user_id)
        return None

    async def recent(self, *, newest_first: bool, limit: int) -> list[t.User]:
        """Signed-up (non-guest, non-system) users by creation time."""
        order = t.User.created_at.desc() if newest_first else t.User.created_at.asc()
        async with self.db.read() as session:
            rows = await session.scalars(
                select(t.User)
                .where(t.User.user_type_id == ids.USER_TYPE_ID)
                .order_by(order, t.User.user_id)
                .limit(limit)
            )
            return list(rows.all())

    async def search(self, text: str, *, limit: int) -> list[t.User]:
        """Signed-up users whose name contains `text`, ignoring case (LIKE wildcards escaped)."""
        name = t.User.profile["name"].as_string()
        async with self.db.read() as session:
            rows = await session.scalars(
                select(t.User)
                .where(
                    t.User.user_type_id == ids.USER_TYPE_ID,
                    func.lower(name).contains(text.lower(), autoescape=True),
                )
                .order_by(name, t.User.user_id)
                .limit(limit)
            )
            return list(rows.all())

    async def members(self, object_id: uuid.UUID) -> list[tuple[t.UserObject, t.User]]:
        """The direct role holders of an object, with their user rows (one join)."""
        async with self.db.read() as session:
            rows = await session.execute(
                select(t.UserObject, t.User)
                .join(t.User, t.User.user_id == t.UserObject.user_id)
                .where(t.UserObject.object_id == object_id)
                .order_by(t.UserObject.created_at, t.UserObject.user_id)
            )
            return [(role, user) for role, user in rows.tuples().all()]


WALLET_ATTRIBUTE = "wallet"


def wallet_list(value: Any) -> list[str]:
    """The wallets in a `wallet` attribute value `{"wallet": [...]}` (strings only)."""
    raw = value.get("wallet") if isinstance(value, dict) else None
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list):
        return [item for item in raw if isinstance(item, str)]
    return []


def name_of(user: t.User) -> str:
    """The user's display name: `profile.name`, "" when unset."""
    profile = user.profile
    name = profile.get("name") if isinstance(profile, dict) else None
    return name if isinstance(name, str) else ""


# --- wallets inside a sign-in transaction (odyssey.auth.signin) ------------------------------


def wallets_of(value: dict[str, Any] | None) -> list[str]:
    """The wallets of a `wallet` attribute value as sign-in stores it (a list)."""
    wallets = (value or {}).get(WALLET_ATTRIBUTE)
    return [w for w in wallets if isinstance(w, str)] if isinstance(wallets, list) else []


_FIND_BY_WALLET = {
    "postgresql": """
        SELECT user_id FROM user_attribute
        WHERE plugin_id = :plugin_id AND attribute_name = :name
          AND EXISTS (
            SELECT 1 FROM jsonb_array_elements_text(
              CASE WHEN jsonb_typeof(value -> 'wallet') = 'array'
                   THEN value -> 'wallet' ELSE '[]'::jsonb END
            ) AS w(address)
            WHERE lower(w.address) = :wallet_key)
        ORDER BY created_at LIMIT 1
    """,
    "sqlite": """
        SELECT user_id FROM user_attribute
        WHERE plugin_id = :plugin_id AND attribute_name = :name
          AND EXISTS (
            SELECT 1 FROM json_each(user_attribute.value, '$.wallet') AS w
            WHERE lower(w.value) = :wallet_key)
        ORDER BY created_at LIMIT 1
    """,
}


async def user_with_wallet_key(session: AsyncSession, wallet_key: str) -> uuid.UUID | None:
    """The first user with a wallet whose lower-cased address is `wallet_key`, or None: one
    indexed statement inside the caller's transaction (sign-in, attaching a wallet)."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    query = (
        text(_FIND_BY_WALLET["postgresql" if dialect == "postgresql" else "sqlite"])
        .bindparams(bindparam("plugin_id", type_=Uuid()))
        .columns(user_id=Uuid())
    )
    result = await session.execute(
        query,
        {
            "plugin_id": ids.KUSAMA_PLUGIN_ID,
            "name": WALLET_ATTRIBUTE,
            "wallet_key": wallet_key,
        },
    )
    found = result.scalar_one_or_none()
    return found if isinstance(found, uuid.UUID) else None


async def read_wallets(session: AsyncSession, user_id: uuid.UUID) -> list[str]:
    row = await session.get(t.UserAttribute, (user_id, ids.KUSAMA_PLUGIN_ID, WALLET_ATTRIBUTE))
    return wallets_of(row.value if row else None)


async def write_wallets(session: AsyncSession, user_id: uuid.UUID, wallets: list[str]) -> None:
    await session.execute(
        upsert(
            session,
            t.UserAttribute,
            {
                "user_id": user_id,
                "plugin_id": ids.KUSAMA_PLUGIN_ID,
                "attribute_name": WALLET_ATTRIBUTE,
                "value": {WALLET_ATTRIBUTE: wallets},
            },
        )
    )


async def add_wallet_user(session: AsyncSession, user_id: uuid.UUID, wallet: str) -> None:
    """A new user signed in with `wallet` (no name yet), in the caller's transaction."""
    session.add(
        t.User(
            user_id=user_id,
            user_type_id=ids.USER_TYPE_ID,
            profile={"name": ""},
            options={"is_guest": False},
            is_guest=False,
        )
    )
    await session.flush()
    await write_wallets(session, user_id, [wallet])
