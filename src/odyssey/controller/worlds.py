"""This process's live worlds and the object tree they are cut from.

`LiveWorlds` loads a world when it is first entered, keeps the tree and the worlds in step with
the changes the bus reports (`object_changed`, `objects_removed`, `attribute_changed`), and
moves objects edited live. Changes are applied one at a time under `lock`, which world loading
takes too, so no change is lost between a world's load and its first event.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable
from typing import Any
from uuid import UUID

from odyssey.bus import AttributeChanged
from odyssey.controller.objects import asset_format, assets_of_subtree, subtree_definitions
from odyssey.controller.slots import ObjectSlots
from odyssey.controller.world import WorldInfo, WorldLimits, WorldSession
from odyssey.controller.writes import WriteBehind
from odyssey.core import ids
from odyssey.core.attributes import (
    AttributeKey,
    RenderAuto,
    effective_attribute_options,
    render_auto,
)
from odyssey.core.geometry import Transform as CoreTransform
from odyssey.core.ids import NIL_ID, try_parse_id
from odyssey.core.tree import ObjectTree
from odyssey.db.realtime import AttributeRow, RealtimeStore
from odyssey.posbus import RemoveObjects, Signal, SignalType, encode

log = logging.getLogger(__name__)

WorldClosed = Callable[[WorldSession, list[bytes]], None]
"""Takes everyone out of a world that was deleted, sending them these frames."""


class LiveWorlds:
    def __init__(
        self,
        store: RealtimeStore,
        writes: WriteBehind,
        limits: WorldLimits,
        *,
        on_closed: WorldClosed,
        spawn: Callable[[Coroutine[Any, Any, Any]], None],
    ) -> None:
        self._store = store
        self._writes = writes
        self._limits = limits
        self._on_closed = on_closed
        self._spawn = spawn
        self._tree: ObjectTree | None = None
        self._asset_formats: dict[UUID, int] = {}
        self._attribute_types: dict[AttributeKey, dict[str, Any]] = {}
        self._worlds: dict[UUID, WorldSession] = {}
        self.lock = asyncio.Lock()

    async def load(self) -> None:
        self._tree = await self._store.load_tree()
        self._attribute_types = await self._store.attribute_types()

    @property
    def loaded(self) -> bool:
        return self._tree is not None

    @property
    def tree(self) -> ObjectTree:
        if self._tree is None:
            raise RuntimeError("the controller is not started")
        return self._tree

    def get(self, world_id: UUID | None) -> WorldSession | None:
        return self._worlds.get(world_id) if world_id is not None else None

    def all(self) -> list[WorldSession]:
        return list(self._worlds.values())

    def world_of(self, object_id: UUID) -> WorldSession | None:
        """The live world the object is in, if that world is live."""
        return self.get(self.tree.world_of(object_id))

    def is_world(self, object_id: UUID) -> bool:
        tree = self.tree
        return object_id in tree and tree.is_world(object_id)

    # --- loading ------------------------------------------------------------------------------

    async def session(self, world_id: UUID) -> WorldSession | None:
        """The live world, loaded now if it is not yet; None if there is no such world."""
        world = self._worlds.get(world_id)
        if world is not None:
            return world
        async with self.lock:
            world = self._worlds.get(world_id)
            if world is not None:
                return world
            if not self.is_world(world_id) and await self._store.parent_of(world_id) == (
                self.tree.node.id
            ):
                # Made by another process (e.g. the CLI) whose bus we do not hear: reload.
                await self._reload_tree()
            if not self.is_world(world_id):
                return None
            world = await self._load_world(world_id)
            self._worlds[world_id] = world
            return world

    async def _load_world(self, world_id: UUID) -> WorldSession:
        tree = self.tree
        await self._ensure_asset_formats(assets_of_subtree(tree, world_id))
        definitions = subtree_definitions(tree, world_id, self._asset_formats)
        slots: dict[UUID, ObjectSlots] = {}
        rows = await self._store.object_attributes(definitions)
        async for object_id, render, value in self._rendered(rows):
            object_slots = slots.setdefault(object_id, ObjectSlots(object_id))
            object_slots.set(render, value)
        info = await self.world_info(world_id)
        log.info("world %s is live (%d objects)", world_id, len(definitions))
        return WorldSession(info, self._limits, definitions, slots)

    async def _rendered(
        self, rows: Iterable[AttributeRow]
    ) -> AsyncIterator[tuple[UUID, RenderAuto, dict[str, Any] | None]]:
        """The attribute rows that clients render (``render_auto``), as object data slots."""
        for row in rows:
            options = effective_attribute_options(
                await self._attribute_type_options((row.plugin_id, row.attribute_name)),
                row.options,
            )
            render = render_auto(options, row.attribute_name)
            if render is not None:
                yield row.object_id, render, row.value

    async def world_info(self, world_id: UUID) -> WorldInfo:
        node = self.tree[world_id]
        meta = await self._store.object_attribute_value(world_id, ids.CORE_PLUGIN_ID, "world_meta")
        avatar = try_parse_id((meta or {}).get("avatar_controller")) or NIL_ID
        return WorldInfo(id=world_id, name=node.name, owner=node.owner_id, avatar=avatar)

    async def _ensure_asset_formats(self, asset_ids: Iterable[UUID]) -> None:
        missing = [a for a in asset_ids if a not in self._asset_formats]
        if missing:
            metas = await self._store.asset_metas(missing)
            self._asset_formats.update((a, asset_format(meta)) for a, meta in metas.items())

    async def _attribute_type_options(self, key: AttributeKey) -> dict[str, Any]:
        if key not in self._attribute_types:
            self._attribute_types = await self._store.attribute_types()
        return self._attribute_types.get(key, {})

    async def attribute_options(
        self, key: AttributeKey, instance: dict[str, Any] | None
    ) -> dict[str, Any]:
        """An attribute's effective options: its type's, overridden by the instance's."""
        return effective_attribute_options(await self._attribute_type_options(key), instance)

    def _refresh(self, world: WorldSession, root_id: UUID) -> None:
        """Send the world the definitions of this subtree as the tree now has them."""
        world.apply_definitions(
            subtree_definitions(self.tree, root_id, self._asset_formats).values()
        )

    # --- edits made live ----------------------------------------------------------------------

    def move_object(self, world: WorldSession, object_id: UUID, transform: CoreTransform) -> None:
        """An object moved by the client holding its lock: clients now, the database later."""
        tree = self.tree
        node = tree.get(object_id)
        if node is None:
            return
        tree.replace(dataclasses.replace(node, transform=transform))
        self._refresh(world, object_id)
        self._writes.save_transform(object_id, world.id, transform)

    # --- changes made elsewhere (the bus) -----------------------------------------------------

    async def object_changed(self, object_id: UUID) -> None:
        """An object was created or its row changed: refresh it and what it places."""
        tree = self.tree
        node = await self._store.load_node(object_id)
        if node is None:
            return  # deleted since; its removal event follows
        current = tree.get(object_id)
        if current is None:
            if node.parent_id not in tree or node.type_id not in tree.types:
                await self._reload_tree()
                return
            tree.add(node)
        elif current.parent_id != node.parent_id or node.type_id not in tree.types:
            await self._reload_tree()
            return
        else:
            world = self.world_of(object_id)
            live_edit = world is not None and world.lock_holder(object_id) is not None
            if live_edit or self._writes.is_pending(object_id):
                # Being moved live: the clients' transform is newer than the database's.
                node = dataclasses.replace(node, transform=current.transform)
            tree.replace(node)
        world_id = tree.world_of(object_id)
        world = self.get(world_id)
        if world is None or world_id is None:
            return
        if object_id == world_id:
            world.set_info(await self.world_info(world_id))
        await self._ensure_asset_formats(assets_of_subtree(tree, object_id))
        # Placement may move the siblings too: refresh the parent's whole subtree.
        self._refresh(world, node.parent_id if node.parent_id != tree.node.id else object_id)
        if current is None:
            rows = await self._store.object_attributes([object_id])
            async for _object_id, render, value in self._rendered(rows):
                world.set_slot(object_id, render, value)

    def objects_removed(self, object_ids: Iterable[UUID]) -> None:
        tree = self.tree
        removed = [object_id for object_id in object_ids if object_id in tree]
        if not removed:
            return
        removed_set = set(removed)
        tops = [i for i in removed if tree[i].parent_id not in removed_set]
        by_world: dict[UUID | None, list[UUID]] = {}
        for object_id in removed:
            by_world.setdefault(tree.world_of(object_id), []).append(object_id)
        parents = {tree[top].parent_id for top in tops}
        for top in tops:
            tree.remove_subtree(top)
        self._writes.forget_objects(removed)
        for world_id, gone in by_world.items():
            world = self.get(world_id)
            if world is None:
                continue
            if world_id in removed_set:
                self._close_world(world, gone)
                continue
            world.remove_objects(gone)
            for parent in parents:
                if parent in tree and tree.world_of(parent) == world_id:
                    self._refresh(world, parent)

    def _close_world(self, world: WorldSession, removed: list[UUID]) -> None:
        """The world itself was deleted: everyone in it is left in no world."""
        del self._worlds[world.id]
        frames = [
            encode(RemoveObjects(tuple(removed))),
            encode(Signal(SignalType.WORLD_DOES_NOT_EXIST)),
        ]
        self._on_closed(world, frames)
        self._spawn(world.stop())

    async def _reload_tree(self) -> None:
        """Fallback when the tree cannot be patched (new type, moved object): reload it all."""
        self._tree = tree = await self._store.load_tree()
        for world_id, world in list(self._worlds.items()):
            if not (world_id in tree and tree.is_world(world_id)):
                self._close_world(world, [world_id])
                continue
            await self._ensure_asset_formats(assets_of_subtree(tree, world_id))
            definitions = subtree_definitions(tree, world_id, self._asset_formats)
            world.remove_objects([i for i in world.object_ids() if i not in definitions])
            world.apply_definitions(definitions.values())

    async def attribute_changed(self, event: AttributeChanged, options: dict[str, Any]) -> None:
        """An object attribute changed: its object data slot, and the name or world info."""
        if event.scope != "object" or event.object_id is None:
            return
        tree = self.tree
        node = tree.get(event.object_id)
        if node is None:
            return
        world = self.world_of(node.id)
        render = render_auto(options, event.attribute_name)
        if render is not None and world is not None:
            world.set_slot(node.id, render, event.value)
        key = (event.plugin_id, event.attribute_name)
        if key == (ids.CORE_PLUGIN_ID, "name"):
            raw = (event.value or {}).get("name")
            name = raw if isinstance(raw, str) and raw else str(node.id)
            if name != node.name:
                tree.replace(dataclasses.replace(node, name=name))
                if world is not None:
                    self._refresh(world, node.id)
                    if node.id == world.id:
                        world.set_info(await self.world_info(world.id))
        elif (
            key == (ids.CORE_PLUGIN_ID, "world_meta") and world is not None and node.id == world.id
        ):
            world.set_info(await self.world_info(world.id))

    async def stop(self) -> None:
        for world in self._worlds.values():
            await world.stop()
