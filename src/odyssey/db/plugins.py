"""Plugins: the registry rows (`plugin`) the web client and the plugin routes list."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import func, or_, select

from odyssey.core.errors import NotFound
from odyssey.db import tables as t
from odyssey.db.engine import Database


def _meta_text(key: str) -> Any:
    return t.Plugin.meta[key].as_string()


def _matches_exactly(row: t.Plugin, name: str | None, description: str | None) -> bool:
    if not name and not description:
        return True
    meta = row.meta or {}
    return any(
        isinstance(meta.get(key), str) and text in meta[key]
        for key, text in (("name", name), ("description", description))
        if text
    )


class PluginStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def entries(
        self,
        *,
        plugin_ids: Collection[uuid.UUID] | None = None,
        name_contains: str | None = None,
        description_contains: str | None = None,
        type: str | None = None,
        case_sensitive: bool = False,
    ) -> list[t.Plugin]:
        """Plugins filtered by id, by name or description substring (either matching), and by
        exact `meta.type`. LIKE wildcards in the texts are escaped."""
        statement = select(t.Plugin).order_by(t.Plugin.created_at, t.Plugin.plugin_id)
        if plugin_ids is not None:
            statement = statement.where(t.Plugin.plugin_id.in_(set(plugin_ids)))
        texts = []
        for key, text in (("name", name_contains), ("description", description_contains)):
            if text:
                column = _meta_text(key)
                texts.append(func.lower(column).contains(text.lower(), autoescape=True))
        if texts:
            statement = statement.where(or_(*texts))
        if type is not None:
            statement = statement.where(_meta_text("type") == type)
        async with self.db.read() as session:
            rows = list((await session.scalars(statement)).all())
        if case_sensitive:  # LIKE ignores case on SQLite: refine the matches here
            rows = [
                row for row in rows if _matches_exactly(row, name_contains, description_contains)
            ]
        return rows

    async def get_many(self, plugin_ids: Sequence[uuid.UUID]) -> list[t.Plugin]:
        """The plugins in the order asked; `NotFound` (kind `plugin`) names an unknown id."""
        found = {row.plugin_id: row for row in await self.entries(plugin_ids=plugin_ids)}
        for plugin_id in plugin_ids:
            if plugin_id not in found:
                raise NotFound(f"plugin {plugin_id} not found", kind="plugin", id=plugin_id)
        return [found[plugin_id] for plugin_id in plugin_ids]
