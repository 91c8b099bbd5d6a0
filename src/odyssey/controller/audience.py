"""Who hears about an attribute change: the ``posbus_auto`` audiences (data-model §1.5).

Pure, no I/O. The controller asks with the changed attribute's location and its effective
``posbus_auto`` scopes, and gets back the worlds and users to send ``attribute_value_changed``
to, and the message's ``target_id``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

from odyssey.core.attributes import PosbusAuto


@dataclass(frozen=True, slots=True)
class AttributeLocation:
    """Where a changed value lives (the ids of one attribute row)."""

    scope: str  # node, object, user, object_user, user_user
    object_id: UUID | None = None
    user_id: UUID | None = None
    source_user_id: UUID | None = None
    target_user_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class Audience:
    target_id: UUID
    everyone: bool = False
    worlds: frozenset[UUID] = field(default_factory=frozenset)
    users: frozenset[UUID] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return not (self.everyone or self.worlds or self.users)


def audience(
    location: AttributeLocation,
    auto: PosbusAuto,
    *,
    node_id: UUID,
    world_of_object: Callable[[UUID], UUID | None],
    world_of_user: Callable[[UUID], UUID | None],
) -> Audience | None:
    """The audience of one change, or ``None`` when the location is incomplete.

    Scopes per location, as the reference sends them:

    * node: ``node`` → everyone connected (the reference logged an error instead);
    * object: ``world`` → the object's world; ``object`` → the users "in" the object, which
      only worlds have;
    * object_user: as object, plus ``user`` → that user, when they are in the object's world;
    * user: ``world`` → the user's world; ``user`` → the user's own connection;
    * user_user: as user, for the source user; the target id is the target user.

    Unknown scope names are ignored.
    """
    scopes = auto.scopes
    worlds: set[UUID] = set()
    users: set[UUID] = set()
    if location.scope == "node":
        return Audience(target_id=node_id, everyone="node" in scopes)
    if location.scope in ("object", "object_user"):
        object_id = location.object_id
        if object_id is None:
            return None
        world = world_of_object(object_id)
        if world is not None:
            if "world" in scopes:
                worlds.add(world)
            if "object" in scopes and world == object_id:
                worlds.add(world)
            if (
                location.scope == "object_user"
                and "user" in scopes
                and location.user_id is not None
                and world_of_user(location.user_id) == world
            ):
                users.add(location.user_id)
        return Audience(target_id=object_id, worlds=frozenset(worlds), users=frozenset(users))
    if location.scope in ("user", "user_user"):
        if location.scope == "user":
            who, target = location.user_id, location.user_id
        else:
            who, target = location.source_user_id, location.target_user_id
        if who is None or target is None:
            return None
        if "world" in scopes:
            world = world_of_user(who)
            if world is not None:
                worlds.add(world)
        if "user" in scopes:
            users.add(who)
        return Audience(target_id=target, worlds=frozenset(worlds), users=frozenset(users))
    return None
