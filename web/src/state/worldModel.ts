/**
 * The live state of one world as posbus describes it: objects, users, locks, render slots.
 * Pure data, no rendering: `apply(message)` updates the model and returns what changed, so the
 * 3D scene and the 2D panels can react to exactly that. Unit-tested without a browser.
 */
import type { GotinyMap, GotinyValue, PosbusMessage, PosbusMessageMap, Transform, TransformNoScale } from "../posbus";
import { SignalType } from "../posbus";
import { isNil } from "../lib/ids";

export interface WorldObject {
  id: string;
  parentId: string;
  assetId: string;
  assetFormat: number;
  name: string;
  transform: Transform;
  editable: boolean;
  /** "#rrggbb" from the `object_color` string slot. */
  color: string | null;
  /** Image hash from the `object_texture` texture slot. */
  texture: string | null;
  /** Other render slots, by "type.name". */
  slots: Record<string, GotinyValue>;
  /** Who holds the edit lock (null when free). */
  lockOwner: string | null;
}

export interface WorldUser {
  id: string;
  name: string;
  avatar: string;
  isGuest: boolean;
  transform: TransformNoScale;
  /** performance.now() of the last transform received. */
  lastUpdate: number;
}

export interface WorldInfo {
  id: string;
  name: string;
  ownerId: string;
}

export type WorldChange =
  | { kind: "world"; info: WorldInfo }
  | { kind: "spawn"; transform: TransformNoScale }
  | { kind: "object-added"; object: WorldObject; replaced: boolean }
  | { kind: "object-removed"; id: string }
  | { kind: "object-transform"; object: WorldObject }
  | { kind: "object-appearance"; object: WorldObject }
  | { kind: "object-lock"; object: WorldObject; result: number }
  | { kind: "skybox"; hash: string | null }
  | { kind: "user-added"; user: WorldUser }
  | { kind: "user-removed"; id: string }
  | { kind: "user-transform"; user: WorldUser }
  | { kind: "high-five"; senderId: string; receiverId: string; message: string }
  | { kind: "notification"; text: string }
  /** `fly_to_me` naming another world: someone invites us there (we move only if we accept). */
  | { kind: "invitation"; inviterId: string; inviterName: string; worldId: string }
  | { kind: "dual-connection" }
  | { kind: "world-missing" }
  | { kind: "attribute"; pluginId: string; name: string; targetId: string; value: GotinyMap | null };

const str = (v: GotinyValue | undefined): string | null => (typeof v === "string" && v ? v : null);

export class WorldModel {
  info: WorldInfo | null = null;
  myId: string;
  skybox: string | null = null;
  worldAvatar: string | null = null;
  readonly objects = new Map<string, WorldObject>();
  readonly users = new Map<string, WorldUser>();
  /** Render data that arrived before its object. */
  private readonly pendingData = new Map<string, Record<string, GotinyMap | null>>();

  constructor(myId: string, private readonly now: () => number = () => performance.now()) {
    this.myId = myId;
  }

  reset(): void {
    this.info = null;
    this.skybox = null;
    this.worldAvatar = null;
    this.objects.clear();
    this.users.clear();
    this.pendingData.clear();
  }

  /** Visible objects (the world object itself has no 3D asset). */
  visibleObjects(): WorldObject[] {
    return [...this.objects.values()].filter((o) => o.id !== this.info?.id && !isNil(o.assetId));
  }

  otherUsers(): WorldUser[] {
    return [...this.users.values()].filter((u) => u.id !== this.myId);
  }

  apply(message: PosbusMessage): WorldChange[] {
    switch (message.type) {
      case "set_world": {
        this.reset();
        const v = message.value;
        this.info = { id: v.id, name: v.name, ownerId: v.owner };
        return [{ kind: "world", info: this.info }];
      }
      case "my_transform":
        return [{ kind: "spawn", transform: message.value }];
      case "add_objects":
        return this.addObjects(message.value.objects);
      case "remove_objects":
        return this.removeObjects(message.value.objects);
      case "object_transform": {
        const object = this.objects.get(message.value.id);
        if (!object) return [];
        object.transform = message.value.object_transform;
        return [{ kind: "object-transform", object }];
      }
      case "object_data":
        return this.applyData(message.value.id, message.value.entries);
      case "add_users":
        return this.addUsers(message.value.users);
      case "remove_users": {
        const out: WorldChange[] = [];
        for (const id of message.value.users) if (this.users.delete(id)) out.push({ kind: "user-removed", id });
        return out;
      }
      case "users_transform_list":
        return this.moveUsers(message.value.value);
      case "lock_object_response": {
        const object = this.objects.get(message.value.id);
        if (!object) return [];
        object.lockOwner = isNil(message.value.lock_owner) ? null : message.value.lock_owner;
        return [{ kind: "object-lock", object, result: message.value.result }];
      }
      case "attribute_value_changed":
        return this.attributeChanged(message.value);
      default:
        return this.applySignal(message);
    }
  }

  /** The messages that change nothing in the world but are news for the person. */
  private applySignal(message: PosbusMessage): WorldChange[] {
    switch (message.type) {
      case "high_five":
        return [
          {
            kind: "high-five",
            senderId: message.value.sender_id,
            receiverId: message.value.receiver_id,
            message: message.value.message,
          },
        ];
      case "notification":
        return [{ kind: "notification", text: message.value.value }];
      case "fly_to_me": {
        const v = message.value;
        // In our own world it is the reference's "follow me", which this client does not do.
        if (v.object_id === this.info?.id) return [];
        return [{ kind: "invitation", inviterId: v.pilot, inviterName: v.pilot_name, worldId: v.object_id }];
      }
      case "signal":
        if (message.value.value === SignalType.DualConnection) return [{ kind: "dual-connection" }];
        if (message.value.value === SignalType.WorldDoesNotExist) return [{ kind: "world-missing" }];
        return [];
      default:
        return [];
    }
  }

  private addObjects(added: PosbusMessageMap["add_objects"]["objects"]): WorldChange[] {
    const out: WorldChange[] = [];
    for (const d of added) {
      const previous = this.objects.get(d.id);
      const object: WorldObject = {
        id: d.id,
        parentId: d.parent_id,
        assetId: d.asset_type,
        assetFormat: d.asset_format,
        name: d.name,
        transform: d.transform,
        editable: d.is_editable,
        color: previous?.color ?? null,
        texture: previous?.texture ?? null,
        slots: previous?.slots ?? {},
        lockOwner: previous?.lockOwner ?? null,
      };
      this.objects.set(d.id, object);
      out.push({ kind: "object-added", object, replaced: previous !== undefined });
      const pending = this.pendingData.get(d.id);
      if (pending) {
        this.pendingData.delete(d.id);
        out.push(...this.applyData(d.id, pending));
      }
    }
    return out;
  }

  private removeObjects(ids: string[]): WorldChange[] {
    const out: WorldChange[] = [];
    for (const id of ids) {
      this.pendingData.delete(id);
      if (this.objects.delete(id)) out.push({ kind: "object-removed", id });
    }
    return out;
  }

  private addUsers(added: PosbusMessageMap["add_users"]["users"]): WorldChange[] {
    const out: WorldChange[] = [];
    for (const u of added) {
      const user: WorldUser = {
        id: u.id,
        name: u.name,
        avatar: u.avatar,
        isGuest: u.is_guest,
        transform: u.transform,
        lastUpdate: this.now(),
      };
      this.users.set(u.id, user);
      // Our own avatar is the camera: no 3D avatar, no entry in the online strip.
      if (u.id !== this.myId) out.push({ kind: "user-added", user });
    }
    return out;
  }

  private moveUsers(moves: PosbusMessageMap["users_transform_list"]["value"]): WorldChange[] {
    const out: WorldChange[] = [];
    for (const t of moves) {
      if (t.id === this.myId) continue;
      const user = this.users.get(t.id);
      if (!user) continue;
      user.transform = t.transform;
      user.lastUpdate = this.now();
      out.push({ kind: "user-transform", user });
    }
    return out;
  }

  private attributeChanged(v: PosbusMessageMap["attribute_value_changed"]): WorldChange[] {
    const out: WorldChange[] = [
      { kind: "attribute", pluginId: v.plugin_id, name: v.attribute_name, targetId: v.target_id, value: v.value },
    ];
    if (v.attribute_name === "active_skybox" && v.target_id === this.info?.id) {
      const hash = str(v.value?.render_hash);
      if (hash !== this.skybox) {
        this.skybox = hash;
        out.push({ kind: "skybox", hash });
      }
    }
    return out;
  }

  private applyData(id: string, entries: Record<string, GotinyMap | null>): WorldChange[] {
    const isWorld = id === this.info?.id;
    const object = this.objects.get(id);
    if (!object && !isWorld) {
      const queued = this.pendingData.get(id) ?? {};
      for (const [type, slots] of Object.entries(entries)) {
        queued[type] = { ...(queued[type] ?? {}), ...(slots ?? {}) };
      }
      this.pendingData.set(id, queued);
      return [];
    }
    const out: WorldChange[] = [];
    let appearance = false;
    for (const [type, slots] of Object.entries(entries)) {
      if (!slots) continue;
      for (const [name, value] of Object.entries(slots)) {
        if (isWorld && type === "texture" && name === "skybox_custom") {
          const hash = str(value);
          if (hash !== this.skybox) {
            this.skybox = hash;
            out.push({ kind: "skybox", hash });
          }
          continue;
        }
        if (isWorld && type === "texture" && name === "world_avatar") this.worldAvatar = str(value);
        if (!object) continue;
        object.slots[`${type}.${name}`] = value;
        if (type === "string" && name === "object_color") {
          object.color = str(value);
          appearance = true;
        } else if (type === "texture" && name === "object_texture") {
          object.texture = str(value);
          appearance = true;
        }
      }
    }
    if (object && appearance) out.push({ kind: "object-appearance", object });
    return out;
  }
}
