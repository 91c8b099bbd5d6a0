/**
 * posbus message types (posbus.md §1.3 and §3).
 *
 * Value objects use the JSON value format of tests/data/posbus-vectors.json: snake_case field
 * names, UUIDs as lowercase dashed strings, byte arrays as lowercase hex strings, uint256 as a
 * decimal string, nil pointers as null.
 */

import type { GotinyMap } from "./gotiny-value";

export type { GotinyMap, GotinyValue } from "./gotiny-value";

/** A dashed UUID string, e.g. "11111111-1111-4111-8111-111111111111". Decoding gives lowercase. */
export type Uuid = string;

/**
 * Go `int` (int64). Decoding gives a number whenever the value is a safe integer (always, in
 * practice) and a bigint otherwise; encoding accepts both.
 */
export type Int64 = number | bigint;

/** float32 components. */
export interface Vec3 {
  x: number;
  y: number;
  z: number;
}

export interface TransformNoScale {
  position: Vec3;
  rotation: Vec3;
}

export interface Transform {
  position: Vec3;
  rotation: Vec3;
  scale: Vec3;
}

// ---------------------------------------------------------------------------------------------
// Messages, in the order of posbus.md §3

/** 0x7C41941A, C→S. */
export interface HandShake {
  handshake_version: Int64;
  protocol_version: Int64;
  token: string;
  user_id: Uuid;
  session_id: Uuid;
}

/** 0x78DA55D9, C→S. */
export interface TeleportRequest {
  target: Uuid;
}

/** 0xF878C4BF, both directions. */
export type MyTransform = TransformNoScale;

/** 0x3BC97EBB, nested only (element of UsersTransformList). */
export interface UserTransform {
  id: Uuid;
  transform: TransformNoScale;
}

/** 0x285954B8, S→C. */
export interface UsersTransformList {
  value: UserTransform[];
}

/** 0xCCDF2E49, S→C. */
export interface SetWorld {
  id: Uuid;
  name: string;
  avatar: Uuid;
  owner: Uuid;
  avatar_3d_asset_id: Uuid;
}

/** 0xD742B52E, nested only (element of AddObjects). */
export interface ObjectDefinition {
  id: Uuid;
  parent_id: Uuid;
  asset_type: Uuid;
  /** int8: 0 = Addressable, 1 = GLTF, 2 = Basic. */
  asset_format: number;
  name: string;
  transform: Transform;
  is_editable: boolean;
  tethered_to_parent: boolean;
  show_on_minimap: boolean;
}

/** 0x2452A9C1, S→C. */
export interface AddObjects {
  objects: ObjectDefinition[];
}

/** 0x6BF88C24, S→C. */
export interface RemoveObjects {
  objects: Uuid[];
}

/** 0xEA6DA4B4, both directions. */
export interface ObjectTransform {
  id: Uuid;
  object_transform: Transform;
}

/** 0xCACE197C, S→C. entries: slot type ("texture", "string", "number", "audio") → slots. */
export interface ObjectData {
  id: Uuid;
  entries: Record<string, GotinyMap | null>;
}

/** 0xF702EF5F, nested only (element of AddUsers). */
export interface UserData {
  id: Uuid;
  name: string;
  avatar: string;
  transform: TransformNoScale;
  is_guest: boolean;
}

/** 0xF51F2AFF, S→C. */
export interface AddUsers {
  users: UserData[];
}

/** 0xF5A14BB0, S→C. */
export interface RemoveUsers {
  users: Uuid[];
}

/** uint32 SignalType values (posbus.md §3.12). */
export const SignalType = {
  None: 0,
  DualConnection: 1,
  Ready: 2,
  InvalidToken: 3,
  Spawn: 4,
  LeaveWorld: 5,
  ConnectionFailed: 6,
  Connected: 7,
  ConnectionClosed: 8,
  WorldDoesNotExist: 9,
} as const;

/** 0xADC1964D, both directions. value: SignalType (uint32). */
export interface Signal {
  value: number;
}

/** 0xA7DE9F59, C→S. */
export interface LockObject {
  id: Uuid;
}

/** 0xA54EDEB9, C→S. */
export interface UnlockObject {
  id: Uuid;
}

/** 0x0924668C, S→C. result: uint32, 1 = success, 0 = failure. */
export interface LockObjectResponse {
  id: Uuid;
  result: number;
  lock_owner: Uuid;
}

/** 0x10DACDB7, S→C. value is null when the attribute was removed. */
export interface AttributeValueChanged {
  plugin_id: Uuid;
  attribute_name: string;
  change_type: string;
  value: GotinyMap | null;
  target_id: Uuid;
}

/** 0x3D501432, both directions. */
export interface HighFive {
  sender_id: Uuid;
  receiver_id: Uuid;
  message: string;
}

/** uint32 NotificationType values (posbus.md §3.17). */
export const NotificationType = {
  None: 0,
  Wow: 1,
  HighFive: 2,
  StageModeAccept: 10,
  StageModeInvitation: 11,
  StageModeSet: 12,
  StageModeStageJoin: 13,
  StageModeStageRequest: 14,
  StageModeStageDeclined: 15,
  GatheringStart: 20,
  TextMessage: 500,
  Relay: 501,
  Generic: 999,
  Legacy: 1000,
} as const;

/** 0xC1FB41D7, S→C. */
export interface Notification {
  notify_type: number;
  value: string;
}

/** 0xA6EB70C6, S→C. */
export interface FlyToMe {
  pilot: Uuid;
  pilot_name: string;
  object_id: Uuid;
}

export interface ActivityData {
  position: Vec3 | null;
  description: string | null;
  hash: string | null;
  token_symbol: string | null;
  token_amount: string | null;
  bc_tx_hash: string | null;
  bc_log_index: string | null;
}

/** 0xCA57695D, S→C. */
export interface ActivityUpdate {
  activity_id: Uuid;
  change_type: string;
  type: string | null;
  data: ActivityData | null;
  user_id: Uuid;
  object_id: Uuid;
}

/** 0xAA854D2C, S→C. The whole payload is a string→string map (no wrapper field). */
export type EventStart = Record<string, string>;

/** 0x10DACABC, C→S. */
export interface UserStakedToOdyssey {
  transaction_hash: string;
  wallet: string;
  object_id: Uuid;
  amount: string;
  comment: string;
  kind: Int64;
}

/** 0xF020D682, defined but never sent. */
export interface AddPendingStake {
  transaction_id: Uuid;
  odyssey_id: Uuid;
  /** 20 bytes as 40 lowercase hex digits, no "0x" (the encoder also accepts "0x…"). */
  wallet: string;
  /** uint256 as a decimal string. */
  amount: string;
  comment: string;
  kind: Int64;
}

/** 0xF508E4A3, defined but never sent. data: bytes as lowercase hex. */
export interface GenericMessage {
  topic: string;
  data: string;
}

export interface VisualEffect {
  name: string;
}

/** 0xD96089C6, defined but never sent. */
export interface TriggerVisualEffects {
  effects: VisualEffect[];
}

/** 0xEF1A2E75, defined but never sent. value: Trigger (uint32). */
export interface UserAction {
  value: number;
}

// ---------------------------------------------------------------------------------------------
// Registry types

/** Value type of every framable message, by snake_case type name. */
export interface PosbusMessageMap {
  hand_shake: HandShake;
  teleport_request: TeleportRequest;
  my_transform: MyTransform;
  users_transform_list: UsersTransformList;
  set_world: SetWorld;
  add_objects: AddObjects;
  remove_objects: RemoveObjects;
  object_transform: ObjectTransform;
  object_data: ObjectData;
  add_users: AddUsers;
  remove_users: RemoveUsers;
  lock_object: LockObject;
  unlock_object: UnlockObject;
  lock_object_response: LockObjectResponse;
  attribute_value_changed: AttributeValueChanged;
  signal: Signal;
  high_five: HighFive;
  notification: Notification;
  fly_to_me: FlyToMe;
  activity_update: ActivityUpdate;
  event_start: EventStart;
  user_staked_to_odyssey: UserStakedToOdyssey;
  add_pending_stake: AddPendingStake;
  generic_message: GenericMessage;
  trigger_visual_effects: TriggerVisualEffects;
  user_action: UserAction;
}

/** Value type of the 3 nested-only types (they have ids but are never framed on their own). */
export interface PosbusNestedMap {
  object_definition: ObjectDefinition;
  user_data: UserData;
  user_transform: UserTransform;
}

export type PosbusTypeName = keyof PosbusMessageMap;
export type PosbusNestedTypeName = keyof PosbusNestedMap;

/** `{type: "my_transform", value: MyTransform} | …` for the 26 framable types. */
export type PosbusMessage = {
  [K in PosbusTypeName]: { type: K; value: PosbusMessageMap[K] };
}[PosbusTypeName];

/** The message for one type name. */
export type PosbusMessageOf<K extends PosbusTypeName> = Extract<PosbusMessage, { type: K }>;
