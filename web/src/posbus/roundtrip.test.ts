/**
 * Random messages of every type: encode -> decode gives the value back, the JSON value format
 * survives a trip through text, and re-encoding is stable.
 */

import { describe, expect, it } from "vitest";
import { DEFAULT_GEN_OPTIONS, Rng, randomMessage } from "../../scripts/random-messages";
import { bytesToHex } from "./bytes";
import { decode, encode } from "./codec";
import { GoFloat64 } from "./gotiny-value";
import { messageFromJson, messageToJson, parsePosbusJson, stringifyPosbusJson, stripGoFloat64 } from "../../scripts/posbus-json";
import { MESSAGE_TYPE_NAMES } from "./messages";
import type { PosbusMessage } from "./types";

const PER_TYPE = 300;

function containsGoFloat64(v: unknown): boolean {
  if (v instanceof GoFloat64) return true;
  if (Array.isArray(v)) return v.some(containsGoFloat64);
  if (typeof v === "object" && v !== null) return Object.values(v).some(containsGoFloat64);
  return false;
}

describe("round trip of random messages", () => {
  it.each(MESSAGE_TYPE_NAMES.map((t, i) => [t, i] as const))("%s", (type, index) => {
    const rng = new Rng(1000 + index);
    for (let i = 0; i < PER_TYPE; i++) {
      const msg = randomMessage(type, rng, DEFAULT_GEN_OPTIONS);
      const frame = encode(msg);
      const expected = { type: msg.type, value: stripGoFloat64(msg.value) };

      // Binary round trip.
      const decoded = decode(frame);
      expect(decoded).toEqual(expected);
      if (!containsGoFloat64(msg.value)) {
        expect(bytesToHex(encode(decoded))).toBe(bytesToHex(frame));
      }

      // JSON value format round trip (text written like the fixtures, read back).
      const text = stringifyPosbusJson(messageToJson(msg));
      const back = messageFromJson(type, parsePosbusJson(text));
      expect(bytesToHex(encode(back))).toBe(bytesToHex(frame));
      expect(stripGoFloat64(back.value)).toEqual(expected.value);
    }
  });

  it("decodes UsersTransformList with 768 entries (the server's batch size)", () => {
    const rng = new Rng(7);
    const value = Array.from({ length: 768 }, (_, i) => ({
      id: `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`,
      transform: {
        position: { x: Math.fround(rng.float() * 100), y: Math.fround(rng.float()), z: Math.fround(-rng.float() * 100) },
        rotation: { x: 0, y: Math.fround(rng.float() * 6.28), z: 0 },
      },
    }));
    const msg: PosbusMessage = { type: "users_transform_list", value: { value } };
    const frame = encode(msg);
    expect(frame.length).toBeLessThanOrEqual(768 * 46 + 2 + 8);
    expect(decode(frame)).toEqual(msg);
  });
});

describe("JSON helpers", () => {
  it("parsePosbusJson keeps float syntax and big integers", () => {
    const v = parsePosbusJson('{"a":2.0,"b":2,"c":-0.0,"d":-0,"e":1e3,"f":0.5,"g":9007199254740993,"h":[Infinity,-Infinity,NaN],"__proto__":{"x":1}}') as Record<string, unknown>;
    expect(v.a).toEqual(new GoFloat64(2));
    expect(v.b).toBe(2);
    expect(Object.is((v.c as GoFloat64).value, -0)).toBe(true);
    expect(Object.is(v.d, 0)).toBe(true);
    expect(v.e).toEqual(new GoFloat64(1000));
    expect(v.f).toBe(0.5);
    expect(v.g).toBe(9007199254740993n);
    expect(v.h).toEqual([Infinity, -Infinity, NaN]);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toContain("__proto__");
    expect(() => parsePosbusJson("{")).toThrow(SyntaxError);
    expect(() => parsePosbusJson("[1,]")).toThrow(SyntaxError);
    expect(() => parsePosbusJson("1 2")).toThrow(SyntaxError);
    expect(parsePosbusJson(' "\\u00e9\\ud83d\\ude80\\n" ')).toBe("é🚀\n");
  });

  it("stringifyPosbusJson writes numbers so that Python reads the same kind", () => {
    expect(stringifyPosbusJson([1, -0, 0.5, 2 ** 53, new GoFloat64(2), new GoFloat64(1e21), 12n, "é"])).toBe(
      '[1,-0.0,0.5,9007199254740992.0,2.0,1e+21,12,"é"]',
    );
    expect(() => stringifyPosbusJson(Infinity)).toThrow();
  });

  it("float32 non-finite values use strings in the JSON value format", () => {
    const msg: PosbusMessage = {
      type: "my_transform",
      value: { position: { x: Infinity, y: -Infinity, z: NaN }, rotation: { x: 0, y: 0, z: 0 } },
    };
    const json = messageToJson(msg) as { position: unknown };
    expect(json.position).toEqual({ x: "Infinity", y: "-Infinity", z: "NaN" });
    expect(messageFromJson("my_transform", json)).toEqual(msg);
  });

  it("messageFromJson is strict about fields", () => {
    expect(() => messageFromJson("teleport_request", {})).toThrow(/missing field "target"/);
    expect(() => messageFromJson("teleport_request", { target: "11111111-1111-4111-8111-111111111111", x: 1 })).toThrow(
      /unknown field "x"/,
    );
    expect(() => messageFromJson("nope", {})).toThrow(/unknown message type/);
  });
});
