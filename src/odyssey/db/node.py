"""Node-level settings the API manages: the hosting allow-list and the AI provider keys.

The allow-list is the node attribute `hosting_allow_list` (`{"users": ["<uuid>", ...]}`), changed
here in one transaction per edit and announced like any attribute change.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from odyssey.bus import AttributeChanged, Bus
from odyssey.core import ids
from odyssey.core.ids import try_parse_id
from odyssey.db import tables as t
from odyssey.db.engine import Database
from odyssey.db.lineage import node_id
from odyssey.db.objects import upsert

HOSTING_ALLOW_LIST = "hosting_allow_list"
#: Node attributes holding AI provider keys (`{"api_key": ...}`), by provider flag name.
AI_PROVIDER_ATTRIBUTES = {
    "leonardo": "leonardo",
    "blockadelabs": "blockadelabs",
    "chatgpt": "open_ai",
}
_PLACEHOLDER_KEY = "set_your_api_key_here"


def _allowed_ids(value: Any) -> list[uuid.UUID]:
    raw = value.get("users") if isinstance(value, dict) else None
    if not isinstance(raw, list):
        return []
    found = (try_parse_id(item) for item in raw)
    return list(dict.fromkeys(item for item in found if item is not None))


async def _node_value(session: AsyncSession, attribute_name: str) -> Any:
    row = await session.get(t.NodeAttribute, (ids.CORE_PLUGIN_ID, attribute_name))
    return None if row is None else row.value


class NodeStore:
    def __init__(self, db: Database, bus: Bus) -> None:
        self.db = db
        self.bus = bus

    async def node_id(self) -> uuid.UUID:
        async with self.db.read() as session:
            return await node_id(session)

    async def hosting_allow_list(self) -> list[uuid.UUID]:
        async with self.db.read() as session:
            return _allowed_ids(await _node_value(session, HOSTING_ALLOW_LIST))

    async def may_host(self, user_id: uuid.UUID) -> bool:
        return user_id in await self.hosting_allow_list()

    async def allow_hosting(self, user_id: uuid.UUID) -> None:
        await self._edit_allow_list(
            lambda users: [*users, user_id] if user_id not in users else users
        )

    async def disallow_hosting(self, user_id: uuid.UUID) -> None:
        await self._edit_allow_list(lambda users: [u for u in users if u != user_id])

    async def _edit_allow_list(self, change: Callable[[list[uuid.UUID]], list[uuid.UUID]]) -> None:
        async with self.db.write() as session:
            current = _allowed_ids(await _node_value(session, HOSTING_ALLOW_LIST))
            value = {"users": [str(user) for user in change(current)]}
            await session.execute(
                upsert(
                    session,
                    t.NodeAttribute,
                    {
                        "plugin_id": ids.CORE_PLUGIN_ID,
                        "attribute_name": HOSTING_ALLOW_LIST,
                        "value": value,
                    },
                )
            )
        await self.bus.publish(
            AttributeChanged(
                scope="node",
                plugin_id=ids.CORE_PLUGIN_ID,
                attribute_name=HOSTING_ALLOW_LIST,
                change_type="attribute_changed",
                value=value,
            )
        )

    async def ai_providers(self) -> dict[str, bool]:
        """Which AI providers have a key configured (never the keys themselves)."""
        flags = {}
        async with self.db.read() as session:
            for flag, attribute_name in AI_PROVIDER_ATTRIBUTES.items():
                value = await _node_value(session, attribute_name)
                key = value.get("api_key") if isinstance(value, dict) else None
                flags[flag] = isinstance(key, str) and key not in ("", _PLACEHOLDER_KEY)
        return flags
