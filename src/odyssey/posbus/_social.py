"""The payloads of the messages beside movement and the object tree (posbus.md §3): signals,
object locks, attribute changes, social messages (high fives, notifications, fly-to-me),
activities, events and stakes, generic messages, visual effects and user actions."""

from __future__ import annotations

from ._gotiny import (
    put_eth_address,
    put_uint256,
    read_eth_address,
    read_uint256,
)
from ._mus import (
    Reader,
    put_bytes,
    put_int,
    put_length,
    put_string,
    put_uint32,
    put_uuid,
)
from ._structures import (
    MAP_ENTRY_MIN_SIZE,
    put_optional_any_map,
    put_optional_string,
    put_vec3,
    read_optional_any_map,
    read_optional_string,
    read_vec3,
)
from .model import (
    ActivityData,
    ActivityUpdate,
    AddPendingStake,
    AttributeValueChanged,
    EventStart,
    FlyToMe,
    GenericMessage,
    HighFive,
    LockObject,
    LockObjectResponse,
    Notification,
    Signal,
    TriggerVisualEffects,
    UnlockObject,
    UserAction,
    UserStakedToOdyssey,
    VisualEffect,
)


def put_signal(out: bytearray, m: Signal) -> None:
    put_uint32(out, m.value)


def read_signal(r: Reader) -> Signal:
    return Signal(r.read_uint32("signal value"))


def put_lock_object(out: bytearray, m: LockObject) -> None:
    put_uuid(out, m.id)


def read_lock_object(r: Reader) -> LockObject:
    return LockObject(r.read_uuid("id"))


def put_unlock_object(out: bytearray, m: UnlockObject) -> None:
    put_uuid(out, m.id)


def read_unlock_object(r: Reader) -> UnlockObject:
    return UnlockObject(r.read_uuid("id"))


def put_lock_object_response(out: bytearray, m: LockObjectResponse) -> None:
    put_uuid(out, m.id)
    put_uint32(out, m.result)
    put_uuid(out, m.lock_owner)


def read_lock_object_response(r: Reader) -> LockObjectResponse:
    return LockObjectResponse(r.read_uuid("id"), r.read_uint32("result"), r.read_uuid("lock_owner"))


def put_attribute_value_changed(out: bytearray, m: AttributeValueChanged) -> None:
    put_uuid(out, m.plugin_id)
    put_string(out, m.attribute_name)
    put_string(out, m.change_type)
    put_optional_any_map(out, m.value)
    put_uuid(out, m.target_id)


def read_attribute_value_changed(r: Reader) -> AttributeValueChanged:
    return AttributeValueChanged(
        r.read_uuid("plugin_id"),
        r.read_string("attribute_name"),
        r.read_string("change_type"),
        read_optional_any_map(r, "value"),
        r.read_uuid("target_id"),
    )


def put_high_five(out: bytearray, m: HighFive) -> None:
    put_uuid(out, m.sender_id)
    put_uuid(out, m.receiver_id)
    put_string(out, m.message)


def read_high_five(r: Reader) -> HighFive:
    return HighFive(r.read_uuid("sender_id"), r.read_uuid("receiver_id"), r.read_string("message"))


def put_notification(out: bytearray, m: Notification) -> None:
    put_uint32(out, m.notify_type)
    put_string(out, m.value)


def read_notification(r: Reader) -> Notification:
    return Notification(r.read_uint32("notify_type"), r.read_string("value"))


def put_fly_to_me(out: bytearray, m: FlyToMe) -> None:
    put_uuid(out, m.pilot)
    put_string(out, m.pilot_name)
    put_uuid(out, m.object_id)


def read_fly_to_me(r: Reader) -> FlyToMe:
    return FlyToMe(r.read_uuid("pilot"), r.read_string("pilot_name"), r.read_uuid("object_id"))


def put_activity_data(out: bytearray, m: ActivityData) -> None:
    if m.position is None:
        out.append(0)
    else:
        out.append(1)
        put_vec3(out, m.position)
    put_optional_string(out, m.description)
    put_optional_string(out, m.hash)
    put_optional_string(out, m.token_symbol)
    put_optional_string(out, m.token_amount)
    put_optional_string(out, m.bc_tx_hash)
    put_optional_string(out, m.bc_log_index)


def read_activity_data(r: Reader) -> ActivityData:
    position = read_vec3(r) if r.read_pointer_flag("data.position") else None
    return ActivityData(
        position,
        read_optional_string(r, "data.description"),
        read_optional_string(r, "data.hash"),
        read_optional_string(r, "data.token_symbol"),
        read_optional_string(r, "data.token_amount"),
        read_optional_string(r, "data.bc_tx_hash"),
        read_optional_string(r, "data.bc_log_index"),
    )


def put_activity_update(out: bytearray, m: ActivityUpdate) -> None:
    put_uuid(out, m.activity_id)
    put_string(out, m.change_type)
    put_optional_string(out, m.type)
    if m.data is None:
        out.append(0)
    else:
        out.append(1)
        put_activity_data(out, m.data)
    put_uuid(out, m.user_id)
    put_uuid(out, m.object_id)


def read_activity_update(r: Reader) -> ActivityUpdate:
    activity_id = r.read_uuid("activity_id")
    change_type = r.read_string("change_type")
    activity_type = read_optional_string(r, "type")
    data = read_activity_data(r) if r.read_pointer_flag("data") else None
    return ActivityUpdate(
        activity_id,
        change_type,
        activity_type,
        data,
        r.read_uuid("user_id"),
        r.read_uuid("object_id"),
    )


def put_event_start(out: bytearray, m: EventStart) -> None:
    put_length(out, len(m.entries))
    for key, value in m.entries.items():
        put_string(out, key)
        put_string(out, value)


def read_event_start(r: Reader) -> EventStart:
    count = r.read_length(MAP_ENTRY_MIN_SIZE, "event_start map count")
    entries: dict[str, str] = {}
    for _ in range(count):
        key = r.read_string("event_start key")
        entries[key] = r.read_string("event_start value")
    return EventStart(entries)


def put_user_staked_to_odyssey(out: bytearray, m: UserStakedToOdyssey) -> None:
    put_string(out, m.transaction_hash)
    put_string(out, m.wallet)
    put_uuid(out, m.object_id)
    put_string(out, m.amount)
    put_string(out, m.comment)
    put_int(out, m.kind)


def read_user_staked_to_odyssey(r: Reader) -> UserStakedToOdyssey:
    return UserStakedToOdyssey(
        r.read_string("transaction_hash"),
        r.read_string("wallet"),
        r.read_uuid("object_id"),
        r.read_string("amount"),
        r.read_string("comment"),
        r.read_int("kind"),
    )


def put_add_pending_stake(out: bytearray, m: AddPendingStake) -> None:
    put_uuid(out, m.transaction_id)
    put_uuid(out, m.odyssey_id)
    put_eth_address(out, m.wallet)
    put_uint256(out, m.amount)
    put_string(out, m.comment)
    put_int(out, m.kind)


def read_add_pending_stake(r: Reader) -> AddPendingStake:
    return AddPendingStake(
        r.read_uuid("transaction_id"),
        r.read_uuid("odyssey_id"),
        read_eth_address(r),
        read_uint256(r),
        r.read_string("comment"),
        r.read_int("kind"),
    )


def put_generic_message(out: bytearray, m: GenericMessage) -> None:
    put_string(out, m.topic)
    put_bytes(out, m.data)


def read_generic_message(r: Reader) -> GenericMessage:
    return GenericMessage(r.read_string("topic"), r.read_bytes("data"))


def put_trigger_visual_effects(out: bytearray, m: TriggerVisualEffects) -> None:
    put_length(out, len(m.effects))
    for effect in m.effects:
        put_string(out, effect.name)


def read_trigger_visual_effects(r: Reader) -> TriggerVisualEffects:
    count = r.read_length(1, "effects count")
    return TriggerVisualEffects(
        tuple(VisualEffect(r.read_string("effect name")) for _ in range(count))
    )


def put_user_action(out: bytearray, m: UserAction) -> None:
    put_uint32(out, m.value)


def read_user_action(r: Reader) -> UserAction:
    return UserAction(r.read_uint32("user_action value"))
