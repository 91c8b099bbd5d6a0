"""The node's services, built once from the settings and shared by every transport."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from odyssey.assets import load_manifest
from odyssey.auth.service import AuthService
from odyssey.bus import Bus, InProcessBus
from odyssey.config import Settings
from odyssey.db import AttributeStore, Database, ObjectStore, UserStore
from odyssey.db.activities import ActivityStore
from odyssey.db.assets import AssetStore
from odyssey.db.migrate import upgrade
from odyssey.db.node import NodeStore
from odyssey.db.object_limits import ObjectLimits
from odyssey.db.plugins import PluginStore
from odyssey.db.seed import SeedResult, seed
from odyssey.db.worlds import WorldStore
from odyssey.media import MediaService, build_media_service
from odyssey.presence import NobodyOnline, Presence


@dataclass
class Services:
    settings: Settings
    db: Database
    bus: Bus
    objects: ObjectStore
    users: UserStore
    attributes: AttributeStore
    auth: AuthService
    activities: ActivityStore
    worlds: WorldStore
    assets: AssetStore
    plugins: PluginStore
    node: NodeStore
    media: MediaService
    # Replaced by the real-time controller when it is mounted.
    presence: Presence = field(default_factory=NobodyOnline)

    @classmethod
    def create(cls, settings: Settings, *, bus: Bus | None = None) -> Services:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = Database(
            settings.resolved_database_url,
            connect_timeout=settings.database_connect_timeout,
            retry_after=settings.database_retry_after,
        )
        bus = bus or InProcessBus()
        users = UserStore(db, bus)
        objects = ObjectStore(db, bus, ObjectLimits.from_settings(settings))
        activities = ActivityStore(db, bus)
        node = NodeStore(db, bus)

        async def is_node_admin(user_id: uuid.UUID) -> bool:
            return await users.is_admin(user_id, await node.node_id())

        return cls(
            settings=settings,
            db=db,
            bus=bus,
            objects=objects,
            users=users,
            attributes=AttributeStore(db, bus),
            auth=AuthService(settings, db, bus, users),
            activities=activities,
            worlds=WorldStore(db, bus, objects, activities),
            assets=AssetStore(db, bus),
            plugins=PluginStore(db),
            node=node,
            media=build_media_service(settings, bus=bus, db=db, is_node_admin=is_node_admin),
        )

    @property
    def media_dir(self) -> Path:
        return self.settings.resolved_media_dir

    async def migrate(self) -> None:
        await upgrade(self.db)

    async def seed(self) -> SeedResult:
        result = await seed(self.db, node_name=self.settings.node_name)
        await self.media.install_seed_media(load_manifest())
        return result

    async def close(self) -> None:
        await self.bus.close()
        await self.media.close()
        await self.db.dispose()
