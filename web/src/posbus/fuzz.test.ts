/**
 * Seeded fuzz: mutated and random frames either decode (and then re-encode to something that
 * decodes to the same value) or fail with a PosbusDecodeError — never another exception.
 */

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_GEN_OPTIONS, Rng, randomMessage } from "../../scripts/random-messages";
import { ByteWriter, hexToBytes } from "./bytes";
import { decode, encode } from "./codec";
import { PosbusDecodeError, type PosbusDecodeReason } from "./errors";
import { MESSAGE_TYPE_IDS, MESSAGE_TYPE_NAMES, NESTED_TYPE_IDS } from "./messages";
import type { PosbusMessage } from "./types";

const ITERATIONS = 30_000;

const here = dirname(fileURLToPath(import.meta.url));
const vectorFile = resolve(here, "../../../tests/data/posbus-vectors.json");

function seedFrames(): Uint8Array[] {
  const doc = JSON.parse(readFileSync(vectorFile, "utf8")) as { vectors: Array<{ hex: string }> };
  const frames = doc.vectors.map((v) => hexToBytes(v.hex));
  const rng = new Rng(99);
  for (const type of MESSAGE_TYPE_NAMES) {
    for (let i = 0; i < 4; i++) frames.push(encode(randomMessage(type, rng, DEFAULT_GEN_OPTIONS)));
  }
  return frames;
}

function frame(id: number, payload: Uint8Array): Uint8Array {
  const w = new ByteWriter(payload.length + 8);
  w.u32le(id);
  w.bytes(payload);
  w.u32le(~id >>> 0);
  return w.finish();
}

function mutate(rng: Rng, payload: Uint8Array): Uint8Array {
  const b = Array.from(payload);
  const rounds = rng.int(1, 4);
  for (let k = 0; k < rounds; k++) {
    const op = rng.int(0, 7);
    const at = rng.int(0, b.length);
    switch (op) {
      case 0: // flip a bit
        if (b.length > 0) b[at % b.length]! ^= 1 << rng.int(0, 7);
        break;
      case 1: // random byte
        if (b.length > 0) b[at % b.length] = rng.int(0, 255);
        break;
      case 2: // interesting byte
        if (b.length > 0) b[at % b.length] = rng.pick([0x00, 0x01, 0x02, 0x7f, 0x80, 0xff, 0xfe]);
        break;
      case 3: // insert bytes
        b.splice(at, 0, ...Array.from(rng.bytes(rng.int(1, 4))));
        break;
      case 4: // delete bytes
        b.splice(at, rng.int(1, 4));
        break;
      case 5: // truncate
        b.length = Math.min(b.length, at);
        break;
      case 6: // duplicate a chunk
        b.splice(at, 0, ...b.slice(at, at + rng.int(1, 16)));
        break;
      default: // long varint run
        b.splice(at, 0, ...Array.from({ length: rng.int(1, 12) }, () => 0xff));
        break;
    }
  }
  return Uint8Array.from(b);
}

describe("fuzz", () => {
  it(`${ITERATIONS} mutated / random frames give a message or a PosbusDecodeError`, () => {
    const seeds = seedFrames();
    const rng = new Rng(0xf022);
    const ids = [...Object.values(MESSAGE_TYPE_IDS), ...Object.values(NESTED_TYPE_IDS)];
    const reasons = new Map<PosbusDecodeReason, number>();
    let accepted = 0;

    for (let i = 0; i < ITERATIONS; i++) {
      let input: Uint8Array;
      const mode = rng.float();
      if (mode < 0.7) {
        // Mutate the payload of a valid frame, keep header and footer consistent.
        const seed = rng.pick(seeds);
        const id = seed[0]! | (seed[1]! << 8) | (seed[2]! << 16) | (seed[3]! << 24);
        input = frame(id >>> 0, mutate(rng, seed.subarray(4, seed.length - 4)));
      } else if (mode < 0.85) {
        // Mutate a whole frame, header and footer included.
        input = mutate(rng, rng.pick(seeds));
      } else if (mode < 0.97) {
        // Random payload for a known id.
        input = frame(rng.pick(ids), rng.bytes(rng.int(0, 64)));
      } else {
        input = rng.bytes(rng.int(0, 16));
      }

      let msg: PosbusMessage;
      try {
        msg = decode(input);
      } catch (e) {
        if (!(e instanceof PosbusDecodeError)) {
          throw new Error(`iteration ${i}: non-PosbusDecodeError ${String(e)} for ${Buffer.from(input).toString("hex")}`, { cause: e });
        }
        expect(e.reason, `iteration ${i}: ${e.message}`).not.toBe("internal_error");
        reasons.set(e.reason, (reasons.get(e.reason) ?? 0) + 1);
        continue;
      }
      accepted++;
      // Whatever decodes must re-encode to a frame that decodes to the same value.
      const again = encode(msg);
      expect(decode(again)).toEqual(msg);
    }

    if (process.env.FUZZ_STATS) console.info(accepted, Object.fromEntries(reasons));
    // The mutations reach deep into the decoder, not just the framing checks.
    expect(accepted).toBeGreaterThan(1000);
    for (const r of ["truncated", "trailing_bytes", "invalid_bool", "oversized_length", "footer_mismatch", "unknown_gotiny_type"] as const) {
      expect(reasons.get(r) ?? 0, r).toBeGreaterThan(0);
    }
  });
});
