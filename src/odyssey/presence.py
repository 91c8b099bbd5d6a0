"""Who is in which world right now, and the few real-time actions the REST API triggers.

The real-time controller implements `Presence`; the API only depends on this protocol. Until a
controller is attached, `NobodyOnline` answers: no one is online, and actions that need an online
user report that the user is not in the world.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Protocol


class Invitation(StrEnum):
    """What became of an invitation into a world (`Presence.invite_user`)."""

    SENT = "sent"
    NOT_CONNECTED = "not_connected"
    NO_WORLD = "no_world"
    #: The world is private and the user is neither an admin nor a member of it.
    NOT_ALLOWED = "not_allowed"


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

    async def invite_user(
        self, world_id: uuid.UUID, user_id: uuid.UUID, inviter_id: uuid.UUID, inviter_name: str
    ) -> Invitation:
        """Invite a connected user into the world (posbus `fly_to_me` naming the inviter and the
        world). Nobody is moved: the user enters only by sending `teleport_request` itself."""
        ...


class NobodyOnline:
    """The presence of a node with no real-time controller attached."""

    def online_users(self, world_id: uuid.UUID) -> list[uuid.UUID]:
        return []

    def world_of_user(self, user_id: uuid.UUID) -> uuid.UUID | None:
        return None

    async def fly_to_me(self, world_id: uuid.UUID, pilot_id: uuid.UUID, pilot_name: str) -> bool:
        return False

    async def invite_user(
        self, world_id: uuid.UUID, user_id: uuid.UUID, inviter_id: uuid.UUID, inviter_name: str
    ) -> Invitation:
        return Invitation.NOT_CONNECTED
