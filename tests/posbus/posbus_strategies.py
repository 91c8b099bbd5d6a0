"""Hypothesis strategies: one per posbus message type, every value encodable.

Floats in Vec3 are finite float32 values (so they survive the wire exactly); gotiny floats are
finite float64. NaN is left out because it never compares equal to itself.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from odyssey.posbus import (
    ActivityData,
    ActivityUpdate,
    AddObjects,
    AddPendingStake,
    AddUsers,
    AttributeValueChanged,
    EventStart,
    FlyToMe,
    GenericMessage,
    GotinyValue,
    HandShake,
    HighFive,
    LockObject,
    LockObjectResponse,
    Message,
    MessageType,
    MyTransform,
    Notification,
    ObjectData,
    ObjectDefinition,
    ObjectTransform,
    RemoveObjects,
    RemoveUsers,
    SetWorld,
    Signal,
    TeleportRequest,
    Transform,
    TransformNoScale,
    TriggerVisualEffects,
    UnlockObject,
    UserAction,
    UserData,
    UserStakedToOdyssey,
    UsersTransformList,
    UserTransform,
    Vec3,
    VisualEffect,
)

int64s = st.integers(min_value=-(1 << 63), max_value=(1 << 63) - 1)
uint32s = st.integers(min_value=0, max_value=(1 << 32) - 1)
int8s = st.integers(min_value=-128, max_value=127)
uuids = st.uuids(allow_nil=True)
texts = st.text(max_size=40)
float32s = st.floats(width=32, allow_nan=False, allow_infinity=False)
float64s = st.floats(allow_nan=False, allow_infinity=False)

vec3s = st.builds(Vec3, float32s, float32s, float32s)
transforms_no_scale = st.builds(TransformNoScale, vec3s, vec3s)
transforms = st.builds(Transform, vec3s, vec3s, vec3s)


def _small_tuples(elements: st.SearchStrategy[Any], max_size: int = 5) -> st.SearchStrategy[Any]:
    return st.lists(elements, max_size=max_size).map(tuple)


gotiny_values: st.SearchStrategy[GotinyValue] = st.recursive(
    st.none() | st.booleans() | int64s | float64s | texts,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(texts, children, max_size=4),
    max_leaves=12,
)
string_any_maps = st.dictionaries(texts, gotiny_values, max_size=4)

user_transforms = st.builds(UserTransform, uuids, transforms_no_scale)
object_definitions = st.builds(
    ObjectDefinition,
    uuids,
    uuids,
    uuids,
    int8s,
    texts,
    transforms,
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
user_datas = st.builds(UserData, uuids, texts, texts, transforms_no_scale, st.booleans())
activity_datas = st.builds(
    ActivityData,
    st.none() | vec3s,
    st.none() | texts,
    st.none() | texts,
    st.none() | texts,
    st.none() | texts,
    st.none() | texts,
    st.none() | texts,
)

MESSAGE_STRATEGIES: dict[MessageType, st.SearchStrategy[Message]] = {
    MessageType.HAND_SHAKE: st.builds(HandShake, int64s, int64s, texts, uuids, uuids),
    MessageType.TELEPORT_REQUEST: st.builds(TeleportRequest, uuids),
    MessageType.MY_TRANSFORM: st.builds(MyTransform, vec3s, vec3s),
    MessageType.USERS_TRANSFORM_LIST: st.builds(
        UsersTransformList,
        # Up to 60 items so that the bulk (big-integer) float path is exercised too.
        st.lists(user_transforms, max_size=60).map(tuple),
    ),
    MessageType.SET_WORLD: st.builds(SetWorld, uuids, texts, uuids, uuids, uuids),
    MessageType.ADD_OBJECTS: st.builds(
        AddObjects, st.lists(object_definitions, max_size=8).map(tuple)
    ),
    MessageType.REMOVE_OBJECTS: st.builds(RemoveObjects, _small_tuples(uuids)),
    MessageType.OBJECT_TRANSFORM: st.builds(ObjectTransform, uuids, transforms),
    MessageType.OBJECT_DATA: st.builds(
        ObjectData, uuids, st.dictionaries(texts, st.none() | string_any_maps, max_size=3)
    ),
    MessageType.ADD_USERS: st.builds(AddUsers, st.lists(user_datas, max_size=10).map(tuple)),
    MessageType.REMOVE_USERS: st.builds(RemoveUsers, _small_tuples(uuids)),
    MessageType.LOCK_OBJECT: st.builds(LockObject, uuids),
    MessageType.UNLOCK_OBJECT: st.builds(UnlockObject, uuids),
    MessageType.LOCK_OBJECT_RESPONSE: st.builds(LockObjectResponse, uuids, uint32s, uuids),
    MessageType.ATTRIBUTE_VALUE_CHANGED: st.builds(
        AttributeValueChanged, uuids, texts, texts, st.none() | string_any_maps, uuids
    ),
    MessageType.SIGNAL: st.builds(Signal, uint32s),
    MessageType.HIGH_FIVE: st.builds(HighFive, uuids, uuids, texts),
    MessageType.NOTIFICATION: st.builds(Notification, uint32s, texts),
    MessageType.FLY_TO_ME: st.builds(FlyToMe, uuids, texts, uuids),
    MessageType.ACTIVITY_UPDATE: st.builds(
        ActivityUpdate, uuids, texts, st.none() | texts, st.none() | activity_datas, uuids, uuids
    ),
    MessageType.EVENT_START: st.builds(EventStart, st.dictionaries(texts, texts, max_size=4)),
    MessageType.USER_STAKED_TO_ODYSSEY: st.builds(
        UserStakedToOdyssey, texts, texts, uuids, texts, texts, int64s
    ),
    MessageType.ADD_PENDING_STAKE: st.builds(
        AddPendingStake,
        uuids,
        uuids,
        st.binary(min_size=20, max_size=20),
        st.integers(min_value=0, max_value=(1 << 256) - 1),
        texts,
        int64s,
    ),
    MessageType.GENERIC_MESSAGE: st.builds(GenericMessage, texts, st.binary(max_size=64)),
    MessageType.TRIGGER_VISUAL_EFFECTS: st.builds(
        TriggerVisualEffects, _small_tuples(st.builds(VisualEffect, texts))
    ),
    MessageType.USER_ACTION: st.builds(UserAction, uint32s),
    MessageType.OBJECT_DEFINITION: object_definitions,
    MessageType.USER_DATA: user_datas,
    MessageType.USER_TRANSFORM: user_transforms,
}
