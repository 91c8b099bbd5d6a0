/**
 * Cross-language fixtures (tests/data/posbus-cross/):
 * - ts-frames.json is written by this codec (npm run gen:cross) and must match the generator;
 * - py-frames.json is written by the Python codec (src/odyssey/posbus).
 * For both, every frame must decode to its value and every value must encode to its frame.
 *
 * POSBUS_PY_FRAMES=/path/to/file.json points the Python half at another file (for testing).
 */

import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect, isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { RANDOM_FRAMES_PER_TYPE, generateCrossFixture } from "../../scripts/cross-fixture";
import { bytesToHex, hexToBytes } from "./bytes";
import { decode, encode } from "./codec";
import { messageFromJson, parsePosbusJson, stripGoFloat64 } from "../../scripts/posbus-json";
import { MESSAGE_TYPE_NAMES } from "./messages";
import type { PosbusMessage } from "./types";

const here = dirname(fileURLToPath(import.meta.url));
const crossDir = resolve(here, "../../../tests/data/posbus-cross");
const tsFile = resolve(crossDir, "ts-frames.json");
const pyFile = process.env.POSBUS_PY_FRAMES ? resolve(process.env.POSBUS_PY_FRAMES) : resolve(crossDir, "py-frames.json");

interface Fixture {
  format: number;
  producer: string;
  frames: Array<{ type_name: string; value: unknown; hex: string; compare?: string }>;
}

function load(file: string): Fixture {
  const doc = parsePosbusJson(readFileSync(file, "utf8")) as Fixture;
  expect(doc.format, `${file}: format`).toBe(1);
  expect(Array.isArray(doc.frames), `${file}: frames`).toBe(true);
  return doc;
}

function show(v: unknown): string {
  return inspect(v, { depth: 12, breakLength: Infinity, maxStringLength: 200 });
}

function checkFrames(file: string, doc: Fixture): void {
  const failures: string[] = [];
  doc.frames.forEach((f, i) => {
    const label = `frame ${i} (${f.type_name})`;
    let msg: PosbusMessage;
    try {
      msg = messageFromJson(f.type_name, f.value);
    } catch (e) {
      failures.push(`${label}: value is not in the JSON value format: ${String(e)}`);
      return;
    }
    const expected = { type: msg.type, value: stripGoFloat64(msg.value) };
    let decoded: PosbusMessage | undefined;
    try {
      decoded = decode(hexToBytes(f.hex));
    } catch (e) {
      failures.push(`${label}: decode(hex) failed: ${String(e)}`);
    }
    if (decoded !== undefined && !isDeepStrictEqual(decoded, expected)) {
      failures.push(`${label}: decode(hex) differs from value\n  decoded: ${show(decoded.value)}\n  value:   ${show(expected.value)}`);
    }
    let hex: string;
    try {
      hex = bytesToHex(encode(msg));
    } catch (e) {
      failures.push(`${label}: encode(value) failed: ${String(e)}`);
      return;
    }
    if (f.compare === "decoded") {
      if (!isDeepStrictEqual(decode(hexToBytes(hex)), expected)) failures.push(`${label}: our bytes ${hex} decode differently`);
    } else if (hex !== f.hex) {
      failures.push(`${label}: encode(value) differs from hex\n  encoded: ${hex}\n  hex:     ${f.hex}`);
    }
  });
  if (failures.length > 0) {
    throw new Error(`${file}: ${failures.length} of ${doc.frames.length} frames fail\n\n${failures.slice(0, 20).join("\n\n")}`);
  }
}

describe("cross fixture: ts-frames.json", () => {
  it("is up to date with scripts/cross-fixture.ts (run `npm run gen:cross`)", () => {
    expect(existsSync(tsFile), `${tsFile} is missing: run \`npm run gen:cross\` in web/`).toBe(true);
    expect(readFileSync(tsFile, "utf8") === generateCrossFixture(), "ts-frames.json differs from the generator output: run `npm run gen:cross`").toBe(true);
  });

  it("has at least 5 frames of every framable type", () => {
    const doc = load(tsFile);
    expect(doc.producer).toBe("typescript");
    expect(RANDOM_FRAMES_PER_TYPE).toBeGreaterThanOrEqual(5);
    for (const type of MESSAGE_TYPE_NAMES) {
      expect(doc.frames.filter((f) => f.type_name === type).length, type).toBeGreaterThanOrEqual(5);
    }
  });

  it("decodes to the values and encodes to the frames", () => {
    checkFrames(tsFile, load(tsFile));
  });
});

describe("cross fixture: py-frames.json", () => {
  it("exists", () => {
    if (!existsSync(pyFile)) {
      throw new Error(
        `${pyFile} is missing. It is produced by the Python posbus codec (src/odyssey/posbus) and ` +
          `must be committed next to ts-frames.json; this test fails until it exists.`,
      );
    }
  });

  it("covers every framable type and decodes / encodes byte-exactly", () => {
    if (!existsSync(pyFile)) throw new Error(`${pyFile} is missing (see the previous test)`);
    const doc = load(pyFile);
    const seen = new Set(doc.frames.map((f) => f.type_name));
    expect(MESSAGE_TYPE_NAMES.filter((t) => !seen.has(t)), "types without frames").toEqual([]);
    checkFrames(pyFile, doc);
  });
});
