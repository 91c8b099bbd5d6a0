/**
 * Builds the cross-language fixture tests/data/posbus-cross/ts-frames.json: messages of every
 * framable type with the frames this codec produces for them. The Python codec checks that it
 * decodes every frame to the value and encodes every value to the frame.
 *
 * Deterministic: a fixed-seed PRNG per type. Every map (MUS maps and gotiny maps, at every
 * level) has at most one entry, so the byte order does not depend on map iteration order.
 */

import { bytesToHex } from "../src/posbus/bytes";
import { encode } from "../src/posbus/codec";
import { GoFloat64, type GotinyMap } from "../src/posbus/gotiny-value";
import { messageToJson, stringifyPosbusJson } from "./posbus-json";
import { MESSAGE_TYPE_NAMES } from "../src/posbus/messages";
import type { PosbusMessage } from "../src/posbus/types";
import { Rng, randomMessage, type GenOptions } from "./random-messages";

export const CROSS_FIXTURE_SEED = 0x0dd5e7;
export const RANDOM_FRAMES_PER_TYPE = 6;

const OPTIONS: GenOptions = {
  maxMapEntries: 1,
  maxGotinyDepth: 4,
  maxSliceLength: 4,
  allowInfinity: true,
  allowBigInts: true,
};

const UA = "11111111-1111-4111-8111-111111111111";
const WORLD = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const PLUGIN = "f0f0f0f0-0f0f-4ff0-af0f-f0f0f0f0f0f0";

function nest(depth: number, leaf: GotinyMap[string]): GotinyMap {
  let v: GotinyMap[string] = leaf;
  for (let i = depth; i > 0; i--) v = { [`level${i}`]: v };
  return v as GotinyMap;
}

function attr(name: string, value: GotinyMap | null): PosbusMessage {
  return {
    type: "attribute_value_changed",
    value: { plugin_id: PLUGIN, attribute_name: name, change_type: value === null ? "attribute_removed" : "attribute_changed", value, target_id: WORLD },
  };
}

/** Hand-picked edge cases on top of the random messages. */
function extraMessages(): PosbusMessage[] {
  return [
    {
      type: "my_transform",
      value: {
        position: { x: 3.4028234663852886e38, y: -3.4028234663852886e38, z: 1.401298464324817e-45 },
        rotation: { x: -0, y: Infinity, z: -Infinity },
      },
    },
    {
      type: "my_transform",
      value: { position: { x: -170, y: 50, z: 340 }, rotation: { x: Math.fround(0.1), y: Math.fround(-1.5707964), z: Math.fround(3.1415927) } },
    },
    // gotiny: 9+ bools across a list (bool byte rollover), mixed list.
    attr("bools", { l: [true, false, true, true, false, true, true, true, false, true, null, "s"] }),
    attr("mixed_list", { l: ["a", 1.5, true, null, -64, new GoFloat64(2), [], [1, [2, ["three"]]], { k: { "": null } }] }),
    // Deep nesting (the decoder allows 32 levels).
    attr("deep", nest(20, "bottom")),
    // gotiny varint thresholds: zigzag values 2^(7k) - 1 and the 9-byte u64 form.
    attr("int_126", { n: 63 }),
    attr("int_127", { n: -64 }),
    attr("int_16383", { n: -8192 }),
    attr("int_2p56m1", { n: -(2n ** 55n) }),
    attr("int_max", { n: 2n ** 63n - 1n }),
    attr("int_min", { n: -(2n ** 63n) }),
    attr("float_integral", { v: new GoFloat64(1e21) }),
    attr("float_negzero", { v: new GoFloat64(-0) }),
    attr("float_tiny", { v: 5e-324 }),
    attr("key_127", { ["k".repeat(127)]: "v".repeat(128) }),
    attr("unicode", { "ключ 🔑": "значение 値 🚀" }),
    attr("empty", {}),
    attr("removed", null),
    { type: "object_data", value: { id: WORLD, entries: { texture: { skybox_custom: "0123456789abcdef0123456789abcdef" } } } },
    { type: "object_data", value: { id: WORLD, entries: { audio: null } } },
    { type: "object_data", value: { id: WORLD, entries: {} } },
    { type: "event_start", value: {} },
    { type: "event_start", value: { title: "Party 🎉" } },
    { type: "hand_shake", value: { handshake_version: -(2n ** 63n), protocol_version: 2n ** 63n - 1n, token: "t".repeat(171), user_id: UA, session_id: WORLD } },
    {
      type: "add_pending_stake",
      value: {
        transaction_id: UA,
        odyssey_id: WORLD,
        wallet: "ffffffffffffffffffffffffffffffffffffffff",
        amount: ((1n << 256n) - 1n).toString(),
        comment: "max",
        kind: -1,
      },
    },
    { type: "signal", value: { value: 0xffffffff } },
    { type: "generic_message", value: { topic: "", data: "" } },
  ];
}

export interface CrossFrame {
  type_name: string;
  value: unknown;
  hex: string;
}

export function buildCrossFrames(): CrossFrame[] {
  const messages: PosbusMessage[] = [];
  MESSAGE_TYPE_NAMES.forEach((type, index) => {
    const rng = new Rng(CROSS_FIXTURE_SEED + index * 7919);
    for (let i = 0; i < RANDOM_FRAMES_PER_TYPE; i++) messages.push(randomMessage(type, rng, OPTIONS));
  });
  messages.push(...extraMessages());
  return messages.map((m) => ({ type_name: m.type, value: messageToJson(m), hex: bytesToHex(encode(m)) }));
}

/** The exact text of ts-frames.json. */
export function generateCrossFixture(): string {
  const doc = { format: 1, producer: "typescript", frames: buildCrossFrames() };
  return stringifyPosbusJson(doc, 2) + "\n";
}
