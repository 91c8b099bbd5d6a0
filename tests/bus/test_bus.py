"""The in-process bus and the event JSON form (shared with the MQTT bus later)."""

from __future__ import annotations

import uuid

import pytest

from odyssey.bus import (
    AttributeChanged,
    Event,
    InProcessBus,
    ObjectCreated,
    ObjectsRemoved,
    event_from_json,
    topic_matches,
)


@pytest.mark.parametrize(
    ("pattern", "topic", "expected"),
    [
        ("object/created", "object/created", True),
        ("object/+", "object/created", True),
        ("object/#", "object/created", True),
        ("#", "attribute/changed", True),
        ("object/+", "attribute/changed", False),
        ("object/created", "object/created/extra", False),
        ("object/+/x", "object/created", False),
    ],
)
def test_topic_filters_follow_mqtt_rules(pattern: str, topic: str, expected: bool) -> None:
    assert topic_matches(pattern, topic) is expected


async def test_delivers_to_matching_subscribers_only() -> None:
    bus = InProcessBus()
    objects: list[Event] = []
    everything: list[Event] = []

    async def on_object(event: Event) -> None:
        objects.append(event)

    async def on_any(event: Event) -> None:
        everything.append(event)

    bus.subscribe("object/#", on_object)
    bus.subscribe("#", on_any)
    created = ObjectCreated(object_id=uuid.uuid4(), world_id=None, parent_id=uuid.uuid4())
    changed = AttributeChanged(
        scope="node",
        plugin_id=uuid.uuid4(),
        attribute_name="x",
        change_type="attribute_changed",
        value={"a": 1},
    )
    await bus.publish(created)
    await bus.publish(changed)
    await bus.drain()
    assert objects == [created]
    assert everything == [created, changed]


async def test_a_failing_handler_does_not_affect_others() -> None:
    bus = InProcessBus()
    received: list[Event] = []

    async def broken(_event: Event) -> None:
        raise RuntimeError("boom")

    async def working(event: Event) -> None:
        received.append(event)

    bus.subscribe("#", broken)
    bus.subscribe("#", working)
    event = ObjectsRemoved(object_ids=(uuid.uuid4(),), world_id=uuid.uuid4())
    await bus.publish(event)
    await bus.drain()
    assert received == [event]


async def test_cancelled_subscription_stops_delivery() -> None:
    bus = InProcessBus()
    received: list[Event] = []

    async def handler(event: Event) -> None:
        received.append(event)

    subscription = bus.subscribe("#", handler)
    subscription.cancel()
    await bus.publish(ObjectsRemoved(object_ids=(), world_id=None))
    await bus.drain()
    assert received == []


@pytest.mark.parametrize(
    "event",
    [
        ObjectCreated(object_id=uuid.uuid4(), world_id=uuid.uuid4(), parent_id=uuid.uuid4()),
        ObjectsRemoved(object_ids=(uuid.uuid4(), uuid.uuid4()), world_id=None),
        AttributeChanged(
            scope="object_user",
            plugin_id=uuid.uuid4(),
            attribute_name="vote",
            change_type="attribute_removed",
            object_id=uuid.uuid4(),
            user_id=uuid.uuid4(),
        ),
    ],
)
def test_events_round_trip_through_json(event: Event) -> None:
    assert event_from_json(event.to_json()) == event


def test_unknown_topic_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown event topic"):
        event_from_json({"topic": "nope", "data": {}})
