"""The message bus: one small interface, an in-process implementation (MQTT comes later)."""

from odyssey.bus.base import Bus, Handler, Subscription
from odyssey.bus.events import (
    AttributeChanged,
    Event,
    MediaStored,
    ObjectCreated,
    ObjectsRemoved,
    ObjectUpdated,
    StakeReported,
    UserChanged,
    UserRoleChanged,
    event_from_json,
    topic_matches,
)
from odyssey.bus.memory import InProcessBus

__all__ = [
    "AttributeChanged",
    "Bus",
    "Event",
    "Handler",
    "InProcessBus",
    "MediaStored",
    "ObjectCreated",
    "ObjectUpdated",
    "ObjectsRemoved",
    "StakeReported",
    "Subscription",
    "UserChanged",
    "UserRoleChanged",
    "event_from_json",
    "topic_matches",
]
