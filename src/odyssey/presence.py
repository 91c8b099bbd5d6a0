"""Who is in which world right now, and the few real-time actions the REST API triggers.

The real-time controller implements `Presence`; the API only depends on this protocol. Until a
controller is attached, `NobodyOnline` answers: no one is online, and actions that need an online
user report that the user is not in the world.
"""

from __future__ import annotations

import uuid
from typing import Protocol


class Presence(Protocol):
    def online_users(self, world_id: uuid.UUID) -> list[uuid.UUID]:
        """Users connected to the world, in the order they entered."""
        ...

    def world_of_user(self, user_id: uuid.UUID) -> uuid.UUID | None:
        """The world the user is connected to, if any."""
        ...

    async def fly_to_me(self, world_id: uuid.UUID, pilot_id: uuid.UUID, pilot_name: str) -> bool:
        """Ask everyone in the world to follow the pilot (posbus `fly_to_me`).

        Returns False when the pilot is not connected to that world.
        """
        ...

    async def teleport_user(self, world_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        """Move a connected user into the world. Returns False when the user is not connected."""
        ...


class NobodyOnline:
    """The presence of a node with no real-time controller attached."""

    def online_users(self, world_id: uuid.UUID) -> list[uuid.UUID]:
        return []

    def world_of_user(self, user_id: uuid.UUID) -> uuid.UUID | None:
        return None

    async def fly_to_me(self, world_id: uuid.UUID, pilot_id: uuid.UUID, pilot_name: str) -> bool:
        return False

    async def teleport_user(self, world_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        return False
