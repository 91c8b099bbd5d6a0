"""The message bus: one small interface, an in-process implementation (MQTT comes later)."""

from odyssey.bus.base import Bus, Handler, Subscription
from odyssey.bus.events import (
    ActivityChanged,
    AttributeChanged,
    Event,
    MediaRemoved,
    MediaStored,
    ObjectCreated,
    ObjectsRemoved,
    ObjectUpdated,
    SignInEnded,
    StakeReported,
    UserAssetChanged,
    UserChanged,
    UserRoleChanged,
    event_from_json,
    topic_matches,
)
from odyssey.bus.memory import InProcessBus

__all__ = [
    "ActivityChanged",
    "AttributeChanged",
    "Bus",
    "Event",
    "Handler",
    "InProcessBus",
    "MediaRemoved",
    "MediaStored",
    "ObjectCreated",
    "ObjectUpdated",
    "ObjectsRemoved",
    "SignInEnded",
    "StakeReported",
    "Subscription",
    "UserAssetChanged",
    "UserChanged",
    "UserRoleChanged",
    "event_from_json",
    "topic_matches",
]
