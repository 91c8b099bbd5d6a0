/**
 * Wire layout of every posbus message (posbus.md §3), as codecs built from the MUS and gotiny
 * building blocks, plus the type id table (posbus.md §1.3).
 */

import { ethAddress, gotinyMap, uint256 } from "./gotiny";
import {
  bool,
  bytes,
  float32,
  int,
  int8,
  pointer,
  slice,
  string,
  stringMap,
  struct,
  uint32,
  uuid,
  type Codec,
} from "./mus";
import type * as T from "./types";
import type { PosbusMessageMap, PosbusNestedMap, PosbusNestedTypeName, PosbusTypeName } from "./types";

export const vec3 = struct<T.Vec3>("Vec3", [
  ["x", float32],
  ["y", float32],
  ["z", float32],
]);

export const transformNoScale = struct<T.TransformNoScale>("TransformNoScale", [
  ["position", vec3],
  ["rotation", vec3],
]);

export const transform = struct<T.Transform>("Transform", [
  ["position", vec3],
  ["rotation", vec3],
  ["scale", vec3],
]);

const userTransform = struct<T.UserTransform>("UserTransform", [
  ["id", uuid],
  ["transform", transformNoScale],
]);

const objectDefinition = struct<T.ObjectDefinition>("ObjectDefinition", [
  ["id", uuid],
  ["parent_id", uuid],
  ["asset_type", uuid],
  ["asset_format", int8],
  ["name", string],
  ["transform", transform],
  ["is_editable", bool],
  ["tethered_to_parent", bool],
  ["show_on_minimap", bool],
]);

const userData = struct<T.UserData>("UserData", [
  ["id", uuid],
  ["name", string],
  ["avatar", string],
  ["transform", transformNoScale],
  ["is_guest", bool],
]);

const activityData = struct<T.ActivityData>("ActivityData", [
  ["position", pointer(vec3)],
  ["description", pointer(string)],
  ["hash", pointer(string)],
  ["token_symbol", pointer(string)],
  ["token_amount", pointer(string)],
  ["bc_tx_hash", pointer(string)],
  ["bc_log_index", pointer(string)],
]);

/** Codec of every framable message value, by type name. */
export const MESSAGE_CODECS: { readonly [K in PosbusTypeName]: Codec<PosbusMessageMap[K]> } = {
  hand_shake: struct<T.HandShake>("HandShake", [
    ["handshake_version", int],
    ["protocol_version", int],
    ["token", string],
    ["user_id", uuid],
    ["session_id", uuid],
  ]),
  teleport_request: struct<T.TeleportRequest>("TeleportRequest", [["target", uuid]]),
  my_transform: struct<T.MyTransform>("MyTransform", [
    ["position", vec3],
    ["rotation", vec3],
  ]),
  users_transform_list: struct<T.UsersTransformList>("UsersTransformList", [["value", slice(userTransform)]]),
  set_world: struct<T.SetWorld>("SetWorld", [
    ["id", uuid],
    ["name", string],
    ["avatar", uuid],
    ["owner", uuid],
    ["avatar_3d_asset_id", uuid],
  ]),
  add_objects: struct<T.AddObjects>("AddObjects", [["objects", slice(objectDefinition)]]),
  remove_objects: struct<T.RemoveObjects>("RemoveObjects", [["objects", slice(uuid)]]),
  object_transform: struct<T.ObjectTransform>("ObjectTransform", [
    ["id", uuid],
    ["object_transform", transform],
  ]),
  object_data: struct<T.ObjectData>("ObjectData", [
    ["id", uuid],
    ["entries", stringMap(pointer(gotinyMap))],
  ]),
  add_users: struct<T.AddUsers>("AddUsers", [["users", slice(userData)]]),
  remove_users: struct<T.RemoveUsers>("RemoveUsers", [["users", slice(uuid)]]),
  lock_object: struct<T.LockObject>("LockObject", [["id", uuid]]),
  unlock_object: struct<T.UnlockObject>("UnlockObject", [["id", uuid]]),
  lock_object_response: struct<T.LockObjectResponse>("LockObjectResponse", [
    ["id", uuid],
    ["result", uint32],
    ["lock_owner", uuid],
  ]),
  attribute_value_changed: struct<T.AttributeValueChanged>("AttributeValueChanged", [
    ["plugin_id", uuid],
    ["attribute_name", string],
    ["change_type", string],
    ["value", pointer(gotinyMap)],
    ["target_id", uuid],
  ]),
  signal: struct<T.Signal>("Signal", [["value", uint32]]),
  high_five: struct<T.HighFive>("HighFive", [
    ["sender_id", uuid],
    ["receiver_id", uuid],
    ["message", string],
  ]),
  notification: struct<T.Notification>("Notification", [
    ["notify_type", uint32],
    ["value", string],
  ]),
  fly_to_me: struct<T.FlyToMe>("FlyToMe", [
    ["pilot", uuid],
    ["pilot_name", string],
    ["object_id", uuid],
  ]),
  activity_update: struct<T.ActivityUpdate>("ActivityUpdate", [
    ["activity_id", uuid],
    ["change_type", string],
    ["type", pointer(string)],
    ["data", pointer(activityData)],
    ["user_id", uuid],
    ["object_id", uuid],
  ]),
  event_start: stringMap(string),
  user_staked_to_odyssey: struct<T.UserStakedToOdyssey>("UserStakedToOdyssey", [
    ["transaction_hash", string],
    ["wallet", string],
    ["object_id", uuid],
    ["amount", string],
    ["comment", string],
    ["kind", int],
  ]),
  add_pending_stake: struct<T.AddPendingStake>("AddPendingStake", [
    ["transaction_id", uuid],
    ["odyssey_id", uuid],
    ["wallet", ethAddress],
    ["amount", uint256],
    ["comment", string],
    ["kind", int],
  ]),
  generic_message: struct<T.GenericMessage>("GenericMessage", [
    ["topic", string],
    ["data", bytes],
  ]),
  trigger_visual_effects: struct<T.TriggerVisualEffects>("TriggerVisualEffects", [
    ["effects", slice(struct<T.VisualEffect>("VisualEffect", [["name", string]]))],
  ]),
  user_action: struct<T.UserAction>("UserAction", [["value", uint32]]),
};

/** Codecs of the 3 nested-only types. */
export const NESTED_CODECS: { readonly [K in PosbusNestedTypeName]: Codec<PosbusNestedMap[K]> } = {
  object_definition: objectDefinition,
  user_data: userData,
  user_transform: userTransform,
};

/** Type id of every framable message (posbus.md §1.3). */
export const MESSAGE_TYPE_IDS: { readonly [K in PosbusTypeName]: number } = {
  hand_shake: 0x7c41941a,
  teleport_request: 0x78da55d9,
  my_transform: 0xf878c4bf,
  users_transform_list: 0x285954b8,
  set_world: 0xccdf2e49,
  add_objects: 0x2452a9c1,
  remove_objects: 0x6bf88c24,
  object_transform: 0xea6da4b4,
  object_data: 0xcace197c,
  add_users: 0xf51f2aff,
  remove_users: 0xf5a14bb0,
  lock_object: 0xa7de9f59,
  unlock_object: 0xa54edeb9,
  lock_object_response: 0x0924668c,
  attribute_value_changed: 0x10dacdb7,
  signal: 0xadc1964d,
  high_five: 0x3d501432,
  notification: 0xc1fb41d7,
  fly_to_me: 0xa6eb70c6,
  activity_update: 0xca57695d,
  event_start: 0xaa854d2c,
  user_staked_to_odyssey: 0x10dacabc,
  add_pending_stake: 0xf020d682,
  generic_message: 0xf508e4a3,
  trigger_visual_effects: 0xd96089c6,
  user_action: 0xef1a2e75,
};

/** Type id of the nested-only types. They are registered ids but never framed on their own. */
export const NESTED_TYPE_IDS: { readonly [K in PosbusNestedTypeName]: number } = {
  object_definition: 0xd742b52e,
  user_data: 0xf702ef5f,
  user_transform: 0x3bc97ebb,
};

/** The 26 framable type names, in posbus.md §1.3 order. */
export const MESSAGE_TYPE_NAMES = Object.keys(MESSAGE_TYPE_IDS) as PosbusTypeName[];

/** The 3 nested-only type names. */
export const NESTED_TYPE_NAMES = Object.keys(NESTED_TYPE_IDS) as PosbusNestedTypeName[];

const nameById = new Map<number, PosbusTypeName>(MESSAGE_TYPE_NAMES.map((n) => [MESSAGE_TYPE_IDS[n], n]));
const nestedNameById = new Map<number, PosbusNestedTypeName>(NESTED_TYPE_NAMES.map((n) => [NESTED_TYPE_IDS[n], n]));

/** Framable type name of an id, or undefined. */
export function typeNameOf(id: number): PosbusTypeName | undefined {
  return nameById.get(id >>> 0);
}

/** Nested-only type name of an id, or undefined. */
export function nestedTypeNameOf(id: number): PosbusNestedTypeName | undefined {
  return nestedNameById.get(id >>> 0);
}

export function isPosbusTypeName(name: unknown): name is PosbusTypeName {
  return typeof name === "string" && Object.prototype.hasOwnProperty.call(MESSAGE_TYPE_IDS, name);
}
