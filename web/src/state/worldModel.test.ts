import { describe, expect, it } from "vitest";
import { WorldModel } from "./worldModel";
import { decode, encode, type ObjectDefinition, type PosbusMessage } from "../posbus";

const W = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const ME = "11111111-1111-4111-8111-111111111111";
const U2 = "22222222-2222-4222-8222-222222222222";
const O1 = "33333333-3333-4333-8333-333333333333";
const ASSET = "8950b866-05a9-9f44-753f-3ec2d9e7c3b1";
const NIL = "00000000-0000-0000-0000-000000000000";
const zero = { x: 0, y: 0, z: 0 };
const one = { x: 1, y: 1, z: 1 };

function def(id: string, over: Partial<ObjectDefinition> = {}): ObjectDefinition {
  return {
    id,
    parent_id: W,
    asset_type: ASSET,
    asset_format: 2,
    name: "Cube",
    transform: { position: { x: 1, y: 2, z: 3 }, rotation: zero, scale: one },
    is_editable: true,
    tethered_to_parent: false,
    show_on_minimap: false,
    ...over,
  };
}

/** Every message goes through the real codec, as from the socket. */
function wire(m: PosbusMessage): PosbusMessage {
  return decode(encode(m));
}

function entered(): WorldModel {
  const m = new WorldModel(ME, () => 0);
  m.apply(wire({ type: "set_world", value: { id: W, name: "Odyssey", avatar: NIL, owner: U2, avatar_3d_asset_id: NIL } }));
  m.apply(wire({ type: "add_objects", value: { objects: [def(W, { asset_type: NIL, parent_id: NIL, name: "Odyssey" })] } }));
  return m;
}

describe("WorldModel: the world and its objects", () => {
  it("follows the teleport sequence", () => {
    const m = entered();
    const spawn = m.apply(wire({ type: "my_transform", value: { position: { x: 5, y: 6, z: 7 }, rotation: zero } }));
    expect(spawn[0]).toMatchObject({ kind: "spawn" });
    const added = m.apply(wire({ type: "add_objects", value: { objects: [def(O1)] } }));
    expect(added).toMatchObject([{ kind: "object-added", replaced: false }]);
    expect(m.info?.name).toBe("Odyssey");
    expect(m.visibleObjects().map((o) => o.id)).toEqual([O1]);
    const again = m.apply(wire({ type: "add_objects", value: { objects: [def(O1, { name: "Renamed" })] } }));
    expect(again).toMatchObject([{ kind: "object-added", replaced: true }]);
    expect(m.objects.get(O1)?.name).toBe("Renamed");
  });

  it("applies render slots: colour, texture, skybox", () => {
    const m = entered();
    m.apply(wire({ type: "add_objects", value: { objects: [def(O1)] } }));
    const c = m.apply(wire({ type: "object_data", value: { id: O1, entries: { string: { object_color: "#ff0000" } } } }));
    expect(c).toMatchObject([{ kind: "object-appearance" }]);
    expect(m.objects.get(O1)?.color).toBe("#ff0000");
    m.apply(wire({ type: "object_data", value: { id: O1, entries: { texture: { object_texture: "abc123" } } } }));
    expect(m.objects.get(O1)?.texture).toBe("abc123");
    const sky = m.apply(wire({ type: "object_data", value: { id: W, entries: { texture: { skybox_custom: "f00d" } } } }));
    expect(sky).toEqual([{ kind: "skybox", hash: "f00d" }]);
    expect(m.skybox).toBe("f00d");
    // The same skybox again is not a change.
    expect(m.apply(wire({ type: "object_data", value: { id: W, entries: { texture: { skybox_custom: "f00d" } } } }))).toEqual([]);
  });

  it("queues render data that arrives before its object", () => {
    const m = entered();
    expect(m.apply(wire({ type: "object_data", value: { id: O1, entries: { string: { object_color: "#00ff00" } } } }))).toEqual([]);
    const changes = m.apply(wire({ type: "add_objects", value: { objects: [def(O1)] } }));
    expect(changes.map((c) => c.kind)).toEqual(["object-added", "object-appearance"]);
    expect(m.objects.get(O1)?.color).toBe("#00ff00");
  });

  it("skybox through attribute_value_changed", () => {
    const m = entered();
    const c = m.apply(
      wire({
        type: "attribute_value_changed",
        value: { plugin_id: NIL, attribute_name: "active_skybox", change_type: "attribute_changed", value: { render_hash: "beef" }, target_id: W },
      }),
    );
    expect(c.map((x) => x.kind)).toEqual(["attribute", "skybox"]);
    expect(m.skybox).toBe("beef");
  });

  it("transforms, locks and removal", () => {
    const m = entered();
    m.apply(wire({ type: "add_objects", value: { objects: [def(O1)] } }));
    const t = { position: { x: 9, y: 9, z: 9 }, rotation: zero, scale: { x: 2, y: 2, z: 2 } };
    m.apply(wire({ type: "object_transform", value: { id: O1, object_transform: t } }));
    expect(m.objects.get(O1)?.transform.position.x).toBe(9);
    m.apply(wire({ type: "lock_object_response", value: { id: O1, result: 1, lock_owner: U2 } }));
    expect(m.objects.get(O1)?.lockOwner).toBe(U2);
    m.apply(wire({ type: "lock_object_response", value: { id: O1, result: 0, lock_owner: NIL } }));
    expect(m.objects.get(O1)?.lockOwner).toBeNull();
    expect(m.apply(wire({ type: "remove_objects", value: { objects: [O1] } }))).toEqual([{ kind: "object-removed", id: O1 }]);
    expect(m.visibleObjects()).toEqual([]);
    expect(m.apply(wire({ type: "object_transform", value: { id: O1, object_transform: t } }))).toEqual([]);
  });

});

describe("WorldModel: people, messages and resets", () => {
  it("users: add, move (skipping self), remove", () => {
    const m = entered();
    m.apply(
      wire({
        type: "add_users",
        value: {
          users: [
            { id: ME, name: "Me", avatar: "", transform: { position: zero, rotation: zero }, is_guest: true },
            { id: U2, name: "Bob", avatar: "hash", transform: { position: zero, rotation: zero }, is_guest: false },
          ],
        },
      }),
    );
    expect(m.otherUsers().map((u) => u.name)).toEqual(["Bob"]);
    const moved = m.apply(
      wire({
        type: "users_transform_list",
        value: {
          value: [
            { id: ME, transform: { position: { x: 1, y: 0, z: 0 }, rotation: zero } },
            { id: U2, transform: { position: { x: 0, y: 0, z: -4 }, rotation: zero } },
          ],
        },
      }),
    );
    expect(moved).toHaveLength(1);
    expect(m.users.get(U2)?.transform.position.z).toBe(-4);
    expect(m.apply(wire({ type: "remove_users", value: { users: [U2] } }))).toEqual([{ kind: "user-removed", id: U2 }]);
    expect(m.otherUsers()).toEqual([]);
  });

  it("signals, high fives and notifications", () => {
    const m = entered();
    expect(m.apply(wire({ type: "signal", value: { value: 1 } }))).toEqual([{ kind: "dual-connection" }]);
    expect(m.apply(wire({ type: "signal", value: { value: 9 } }))).toEqual([{ kind: "world-missing" }]);
    expect(m.apply(wire({ type: "signal", value: { value: 7 } }))).toEqual([]);
    expect(m.apply(wire({ type: "high_five", value: { sender_id: U2, receiver_id: ME, message: "hi" } }))).toEqual([
      { kind: "high-five", senderId: U2, receiverId: ME, message: "hi" },
    ]);
    expect(m.apply(wire({ type: "notification", value: { notify_type: 500, value: "Target user not found" } }))).toEqual([
      { kind: "notification", text: "Target user not found" },
    ]);
  });

  it("a new set_world resets the world", () => {
    const m = entered();
    m.apply(wire({ type: "add_objects", value: { objects: [def(O1)] } }));
    m.apply(wire({ type: "set_world", value: { id: W, name: "Again", avatar: NIL, owner: U2, avatar_3d_asset_id: NIL } }));
    expect(m.objects.size).toBe(0);
    expect(m.info?.name).toBe("Again");
  });

  it("handles a thousand objects quickly", () => {
    const m = entered();
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) {
      const id = `33333333-3333-4333-8333-${i.toString(16).padStart(12, "0")}`;
      m.apply(wire({ type: "add_objects", value: { objects: [def(id)] } }));
      m.apply(wire({ type: "object_data", value: { id, entries: { string: { object_color: "#123456" } } } }));
    }
    expect(m.visibleObjects()).toHaveLength(1000);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
  it("turns fly_to_me into another world into an invitation, and ignores it for this world", () => {
    const m = entered();
    const other = "44444444-4444-4444-8444-444444444444";
    const invited = m.apply(wire({ type: "fly_to_me", value: { pilot: U2, pilot_name: "Ada", object_id: other } }));
    expect(invited).toEqual([{ kind: "invitation", inviterId: U2, inviterName: "Ada", worldId: other }]);
    expect(m.info?.id).toBe(W); // nothing moved
    expect(m.apply(wire({ type: "fly_to_me", value: { pilot: U2, pilot_name: "Ada", object_id: W } }))).toEqual([]);
  });
});
