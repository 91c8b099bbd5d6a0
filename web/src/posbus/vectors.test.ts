/**
 * Golden vectors: tests/data/posbus-vectors.json (checked against the original Go codec).
 */

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "./bytes";
import { decode, encode } from "./codec";
import { PosbusDecodeError, type PosbusDecodeReason } from "./errors";
import { messageFromJson } from "../../scripts/posbus-json";
import { MESSAGE_TYPE_IDS, MESSAGE_TYPE_NAMES } from "./messages";
import type { PosbusTypeName } from "./types";

interface ValidVector {
  name: string;
  type_name: PosbusTypeName;
  type_id: string;
  hex: string;
  value: unknown;
  compare?: string;
  notes?: string;
}

interface InvalidVector {
  name: string;
  hex: string;
  expect: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const file = resolve(here, "../../../tests/data/posbus-vectors.json");
const vectors = JSON.parse(readFileSync(file, "utf8")) as { vectors: ValidVector[]; invalid: InvalidVector[] };

function hasMultiEntryMap(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasMultiEntryMap);
  if (typeof v === "object" && v !== null) {
    const values = Object.values(v);
    return values.length > 1 || values.some(hasMultiEntryMap);
  }
  return false;
}

/**
 * Vectors whose bytes depend on Go's random map order (or hold a non-canonical varint): the
 * ones marked compare=decoded, and any with a map (MUS or gotiny) of more than one entry.
 */
function compareDecodedOnly(v: ValidVector): boolean {
  if (v.compare === "decoded") return true;
  const value = v.value as Record<string, unknown>;
  switch (v.type_name) {
    case "event_start":
      return Object.keys(value).length > 1;
    case "object_data":
      return hasMultiEntryMap(value.entries);
    case "attribute_value_changed":
      return hasMultiEntryMap(value.value);
    default:
      return false;
  }
}

/** Expected reason for each negative vector, by name prefix. */
const EXPECTED_REASONS: Record<string, PosbusDecodeReason> = {
  N1: "footer_mismatch",
  N2: "unknown_type",
  N3: "too_short",
  N4: "too_short",
  N5: "too_short",
  N6: "truncated",
  N7: "invalid_bool",
  N8: "trailing_bytes",
  N9: "truncated",
  N10: "varint_overflow",
  N11: "varint_overflow",
  N12: "invalid_pointer",
  N13: "negative_length",
  N14: "oversized_length",
  N15: "negative_length",
  N16: "unknown_gotiny_type",
  N17: "oversized_length",
};

describe("golden vectors (valid)", () => {
  it("has vectors", () => {
    expect(vectors.vectors.length).toBeGreaterThanOrEqual(50);
  });

  it.each(vectors.vectors.map((v) => [v.name, v] as const))("%s", (_name, v) => {
    const msg = messageFromJson(v.type_name, v.value);
    expect(MESSAGE_TYPE_IDS[v.type_name]).toBe(parseInt(v.type_id, 16));

    // decode(hex) deep-equals the value (floats rounded to float32 by messageFromJson).
    const decoded = decode(hexToBytes(v.hex));
    expect(decoded).toEqual(msg);

    const encoded = bytesToHex(encode(msg));
    if (compareDecodedOnly(v)) {
      // Bytes may differ (map order / canonical varint); our bytes must decode to the same value.
      expect(decode(hexToBytes(encoded))).toEqual(msg);
    } else {
      expect(encoded).toBe(v.hex);
    }
    // Re-encoding the decoded message gives our canonical bytes.
    expect(bytesToHex(encode(decoded))).toBe(encoded);
  });

  it("covers every framable type", () => {
    const seen = new Set(vectors.vectors.map((v) => v.type_name));
    expect(MESSAGE_TYPE_NAMES.filter((t) => !seen.has(t))).toEqual([]);
  });

  it("keeps -0.0 (V03c position.x) when re-encoding", () => {
    const v = vectors.vectors.find((x) => x.name.startsWith("V03c"))!;
    const decoded = decode(hexToBytes(v.hex));
    if (decoded.type !== "my_transform") throw new Error("wrong type");
    expect(Object.is(decoded.value.position.x, -0)).toBe(true);
    expect(decoded.value.rotation.x).toBe(Infinity);
  });

  it("VE2b: canonical varint 7f decodes like the gotiny form ff 00", () => {
    const a = vectors.vectors.find((x) => x.name.startsWith("VE2 "))!;
    const b = vectors.vectors.find((x) => x.name.startsWith("VE2b"))!;
    expect(decode(hexToBytes(b.hex))).toEqual(decode(hexToBytes(a.hex)));
    expect(bytesToHex(encode(decode(hexToBytes(b.hex))))).toBe(a.hex);
  });
});

describe("golden vectors (invalid)", () => {
  it.each(vectors.invalid.map((v) => [v.name, v] as const))("%s", (name, v) => {
    const key = name.split(" ")[0]!;
    const expected = EXPECTED_REASONS[key];
    expect(expected, `no expected reason for ${name}`).toBeDefined();
    let error: unknown;
    try {
      decode(hexToBytes(v.hex));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PosbusDecodeError);
    expect((error as PosbusDecodeError).reason).toBe(expected);
  });
});
