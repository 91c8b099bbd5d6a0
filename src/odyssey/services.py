"""The node's services, built once from the settings and shared by every transport."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from odyssey.bus import Bus, InProcessBus
from odyssey.config import Settings
from odyssey.db import AttributeStore, Database, ObjectStore, UserStore
from odyssey.db.migrate import upgrade
from odyssey.db.seed import SeedResult, seed
from odyssey.presence import NobodyOnline, Presence


@dataclass
class Services:
    settings: Settings
    db: Database
    bus: Bus
    objects: ObjectStore
    users: UserStore
    attributes: AttributeStore
    # Replaced by the real-time controller when it is mounted.
    presence: Presence = field(default_factory=NobodyOnline)

    @classmethod
    def create(cls, settings: Settings, *, bus: Bus | None = None) -> Services:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = Database(settings.resolved_database_url)
        bus = bus or InProcessBus()
        return cls(
            settings=settings,
            db=db,
            bus=bus,
            objects=ObjectStore(db, bus),
            users=UserStore(db, bus),
            attributes=AttributeStore(db, bus),
        )

    @property
    def media_dir(self) -> Path:
        return self.settings.data_dir / "media"

    async def migrate(self) -> None:
        await upgrade(self.db)

    async def seed(self) -> SeedResult:
        return await seed(self.db, node_name=self.settings.node_name, media_dir=self.media_dir)

    async def close(self) -> None:
        await self.bus.close()
        await self.db.dispose()
