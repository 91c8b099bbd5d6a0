/**
 * Worked examples of posbus.md §2.2 (MUS) and §2.3 (gotiny), plus decoder limits.
 */

import { describe, expect, it } from "vitest";
import { ByteReader, ByteWriter, bytesToHex, hexToBytes } from "./bytes";
import { decode, encode } from "./codec";
import { PosbusDecodeError, PosbusEncodeError, type PosbusDecodeReason } from "./errors";
import { GotinyEncoder, MAX_GOTINY_DEPTH, ethAddress, gotinyMap, uint256 } from "./gotiny";
import { GoFloat64, type GotinyMap, type GotinyValue } from "./gotiny-value";
import { bool, float32, int, pointer, slice, string, uint32, uuid, type Codec } from "./mus";

function enc<T>(codec: Codec<T>, v: T): string {
  const w = new ByteWriter(4);
  codec.enc(w, v);
  return bytesToHex(w.finish());
}

function dec<T>(codec: Codec<T>, hex: string): T {
  const b = hexToBytes(hex);
  const r = new ByteReader(b, 0, b.length);
  const v = codec.dec(r);
  expect(r.pos, "all bytes consumed").toBe(b.length);
  return v;
}

function decodeError(fn: () => unknown): PosbusDecodeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PosbusDecodeError) return e;
    throw new Error(`expected a PosbusDecodeError, got ${String(e)}`, { cause: e });
  }
  throw new Error("expected a PosbusDecodeError, got a value");
}

function expectReason(fn: () => unknown, reason: PosbusDecodeReason): void {
  expect(decodeError(fn).reason).toBe(reason);
}

/** Strips spaces and turns "quoted" ASCII into hex, for the §2.3 notation. */
function h(spec: string): string {
  return spec.replace(/"([^"]*)"|\s+/g, (_m, q: string | undefined) =>
    q === undefined ? "" : Array.from(new TextEncoder().encode(q), (b) => b.toString(16).padStart(2, "0")).join(""),
  );
}

describe("MUS integers and strings (posbus.md §2.2)", () => {
  it.each([
    [0, "00"],
    [1, "02"],
    [-1, "01"],
    [64, "8001"],
    [300, "d804"],
    [-300, "d704"],
    [8191, "fe7f"],
    [8192, "808001"],
    [Number.MAX_SAFE_INTEGER, "feffffffffffff1f"],
    [-Number.MAX_SAFE_INTEGER, "fdffffffffffff1f"],
  ])("int %d", (v, hex) => {
    expect(enc(int, v)).toBe(hex);
    expect(dec(int, hex)).toBe(v);
  });

  it("int64 extremes are bigints", () => {
    const max = (1n << 63n) - 1n;
    const min = -(1n << 63n);
    expect(enc(int, max)).toBe("feffffffffffffffff01");
    expect(enc(int, min)).toBe("ffffffffffffffffff01");
    expect(dec(int, "feffffffffffffffff01")).toBe(max);
    expect(dec(int, "ffffffffffffffffff01")).toBe(min);
    expect(dec(int, "80808080808080808000")).toBe(0); // non-minimal but valid
    expect(() => enc(int, 1n << 63n)).toThrow(PosbusEncodeError);
    expect(() => enc(int, 1.5)).toThrow(PosbusEncodeError);
    expect(() => enc(int, 2 ** 53)).toThrow(PosbusEncodeError);
  });

  it("int varint limits", () => {
    expectReason(() => dec(int, "ffffffffffffffffff02"), "varint_overflow");
    expectReason(() => dec(int, "ffffffffffffffffff81"), "varint_overflow");
    expectReason(() => dec(int, "ffff"), "truncated");
  });

  it.each([
    [1, "01"],
    [9, "09"],
    [500, "f403"],
    [1000, "e807"],
    [0xffffffff, "ffffffff0f"],
  ])("uint32 %d", (v, hex) => {
    expect(enc(uint32, v)).toBe(hex);
    expect(dec(uint32, hex)).toBe(v);
  });

  it("uint32 limits", () => {
    expectReason(() => dec(uint32, "ffffffff10"), "varint_overflow");
    expectReason(() => dec(uint32, "ffffffff8f01"), "varint_overflow");
    expect(() => enc(uint32, -1)).toThrow(PosbusEncodeError);
    expect(() => enc(uint32, 2 ** 32)).toThrow(PosbusEncodeError);
  });

  it("strings", () => {
    expect(enc(string, "abc")).toBe("06616263");
    expect(enc(string, "")).toBe("00");
    const s100 = "y".repeat(100);
    expect(enc(string, s100)).toBe("c801" + "79".repeat(100));
    expect(dec(string, "c801" + "79".repeat(100))).toBe(s100);
    expect(dec(string, "06616263")).toBe("abc");
    expect(enc(string, "é🚀")).toBe("0cc3a9f09f9a80");
    expect(dec(string, "0cc3a9f09f9a80")).toBe("é🚀");
    expectReason(() => dec(string, "01"), "negative_length");
    expectReason(() => dec(string, "0661"), "oversized_length");
    expectReason(() => dec(string, "04c328"), "bad_utf8");
    expectReason(() => dec(string, "06eda080"), "bad_utf8"); // encoded surrogate
    expectReason(() => dec(string, "ffffffffffffffffff01"), "negative_length");
    expectReason(() => dec(string, "feffffffffffffffff01"), "oversized_length");
    expect(() => enc(string, "\ud800")).toThrow(PosbusEncodeError);
  });

});

describe("MUS bools, floats, UUIDs, pointers and slices (posbus.md §2.2)", () => {
  it("bool", () => {
    expect(enc(bool, true)).toBe("01");
    expect(enc(bool, false)).toBe("00");
    expect(dec(bool, "01")).toBe(true);
    expect(dec(bool, "00")).toBe(false);
    expectReason(() => dec(bool, "02"), "invalid_bool");
    expectReason(() => dec(bool, "ff"), "invalid_bool");
  });

  it.each([
    [0, "00"],
    [-0, "8001"],
    [1, "bf8002"],
    [2, "40"],
    [0.5, "3f"],
    [2.5, "c040"],
    [-3, "c08101"],
    [90, "c2e802"],
    [180, "c368"],
    [45, "c268"],
    [10, "c140"],
    [-10.5, "c151"],
    [42, "c250"],
    [-170, "c355"],
    [50, "c29001"],
    [340, "c3d402"],
    [0.1, "bd98b3ee0c"],
    [3.1415927, "c092bdd80d"],
    [-1.5707964, "bf93bfd80d"],
    [1e-10, "aeb69bff0f"],
    [3.4e38, "fffea5f609"],
    [Infinity, "ff8002"],
  ])("float32 %d", (v, hex) => {
    expect(enc(float32, v)).toBe(hex);
    expect(Object.is(dec(float32, hex), Math.fround(v))).toBe(true);
  });

  it("float32 varint limit", () => {
    expectReason(() => dec(float32, "ffffffff1f"), "varint_overflow");
  });

  it("UUID", () => {
    expect(enc(uuid, "00000000-0000-0000-0000-000000000000")).toBe("00".repeat(16));
    expect(enc(uuid, "11111111-1111-4111-8111-111111111111")).toBe("11111111111141118111111111111111");
    expect(enc(uuid, "0189C1A2-B3C4-7D5E-8F60-718293A4B5C6")).toBe("0189c1a2b3c47d5e8f60718293a4b5c6");
    expect(dec(uuid, "0189c1a2b3c47d5e8f60718293a4b5c6")).toBe("0189c1a2-b3c4-7d5e-8f60-718293a4b5c6");
    expect(() => enc(uuid, "0189c1a2b3c47d5e8f60718293a4b5c6")).toThrow(PosbusEncodeError);
    expectReason(() => dec(uuid, "00".repeat(15)), "truncated");
  });

  it("pointer", () => {
    const p = pointer(int);
    expect(enc(p, null)).toBe("00");
    expect(enc(p, 1)).toBe("0102");
    expect(dec(p, "00")).toBe(null);
    expect(dec(p, "0102")).toBe(1);
    expectReason(() => dec(p, "02"), "invalid_pointer");
  });

  it("slice", () => {
    const s = slice(uuid);
    const a = "11111111-1111-4111-8111-111111111111";
    const b = "22222222-2222-4222-8222-222222222222";
    expect(enc(s, [a, b])).toBe("04" + "11111111111141118111111111111111" + "22222222222242228222222222222222");
    expect(dec(s, "04" + "11111111111141118111111111111111" + "22222222222242228222222222222222")).toEqual([a, b]);
    expectReason(() => dec(s, "01"), "negative_length");
    // Two UUIDs announced, 16 bytes present: rejected before allocating or reading.
    expectReason(() => dec(s, "04" + "11".repeat(16)), "oversized_length");
    // A huge count is rejected up front.
    expectReason(() => dec(s, "feffffffffffff1f"), "oversized_length");
  });
});

describe("gotiny values (posbus.md §2.3)", () => {
  const cases: Array<[string, GotinyMap, string]> = [
    ["empty map", {}, "01 00"],
    ["string", { foo: "bar" }, `03 01 03 "foo" 06 "string" 03 "bar"`],
    ["bool true", { a: true }, `07 01 01 "a" 04 "bool"`],
    ["bool false", { a: false }, `03 01 01 "a" 04 "bool"`],
    ["nil value", { z: null }, `01 01 01 "z"`],
    ["int 63", { n: 63 }, `03 01 01 "n" 03 "int" 7e`],
    ["int -64 (threshold quirk)", { n: -64 }, `03 01 01 "n" 03 "int" ff 00`],
    ["float64 0.5", { v: 0.5 }, `03 01 01 "v" 07 "float64" bf c0 03`],
    ["float64 1.0 (marker)", { v: new GoFloat64(1) }, `03 01 01 "v" 07 "float64" bf e0 03`],
    ["nested map", { m: { x: "y" } }, `0f 01 01 "m" 17 "map[string]interface {}" 01 01 "x" 06 "string" 01 "y"`],
    ["list", { l: ["a", 1.5, true] }, `7f 01 01 "l" 0e "[]interface {}" 03 06 "string" 01 "a" 07 "float64" bf f0 03 04 "bool"`],
    [
      "bool byte rollover",
      { a: true, b: false, c: true, d: true },
      `ef 04 01 "a" 04 "bool" 01 "b" 04 "bool" 01 "c" 04 "bool" 01 "d" 04 "bool" 01`,
    ],
  ];

  it.each(cases)("%s", (_name, value, spec) => {
    const hex = h(spec);
    expect(enc(gotinyMap, value)).toBe(hex);
    const expected = JSON.parse(JSON.stringify(value, (_k, v: unknown) => (v instanceof GoFloat64 ? v.value : v))) as unknown;
    expect(dec(gotinyMap, hex)).toEqual(expected);
  });

  it("nil map", () => {
    expect(enc(gotinyMap, null)).toBe("00");
    expect(dec(gotinyMap, "00")).toBe(null);
  });

  it("accepts canonical LEB128 where the encoder uses the quirk form", () => {
    expect(dec(gotinyMap, h(`03 01 01 "n" 03 "int" 7f`))).toEqual({ n: -64 });
  });

  function u64hex(v: number | bigint): string {
    const w = new ByteWriter(4);
    new GotinyEncoder(w).u64(v);
    return bytesToHex(w.finish());
  }
  function u32hex(v: number): string {
    const w = new ByteWriter(4);
    new GotinyEncoder(w).u32(v);
    return bytesToHex(w.finish());
  }

  it("varint thresholds", () => {
    expect(u32hex(126)).toBe("7e");
    expect(u32hex(127)).toBe("ff00");
    expect(u32hex(128)).toBe("8001");
    expect(u32hex(16382)).toBe("fe7f");
    expect(u32hex(16383)).toBe("ffff00");
    expect(u32hex(0xffffffff)).toBe("ffffffff0f");
    expect(u64hex(127)).toBe("ff00");
    expect(u64hex(127n)).toBe("ff00");
    expect(u64hex(2 ** 49 - 1)).toBe("ffffffffffffff00");
    expect(u64hex((1n << 56n) - 2n)).toBe("feffffffffffff7f");
    expect(u64hex((1n << 56n) - 1n)).toBe("ffffffffffffffff00");
    expect(u64hex(1n << 63n)).toBe("808080808080808080");
    expect(u64hex((1n << 64n) - 1n)).toBe("ffffffffffffffffff");
  });

  it("int extremes use the 9-byte form", () => {
    expect(enc(gotinyMap, { n: -(1n << 63n) })).toBe(h(`03 01 01 "n" 03 "int" ffffffffffffffffff`));
    expect(dec(gotinyMap, h(`03 01 01 "n" 03 "int" ffffffffffffffffff`))).toEqual({ n: -(1n << 63n) });
    expect(dec(gotinyMap, h(`03 01 01 "n" 03 "int" feffffffffffffffff`))).toEqual({ n: (1n << 63n) - 1n });
    expect(dec(gotinyMap, h(`03 01 01 "n" 03 "int" feffffffffffff1f`))).toEqual({ n: Number.MAX_SAFE_INTEGER });
  });

  it("plain numbers: safe integers are int, everything else float64", () => {
    expect(enc(gotinyMap, { n: -0 })).toBe(h(`03 01 01 "n" 07 "float64" 8001`));
    expect(enc(gotinyMap, { n: 2 ** 53 })).toContain(h(`07 "float64"`));
    expect(enc(gotinyMap, { n: 2 ** 53 - 1 })).toContain(h(`03 "int"`));
    expect(Object.is((dec(gotinyMap, h(`03 01 01 "n" 07 "float64" 8001`)) as GotinyMap).n, -0)).toBe(true);
  });

});

describe("gotiny type names and limits (posbus.md §2.3)", () => {
  it("*string and *int type names decode", () => {
    expect(dec(gotinyMap, h(`07 01 01 "p" 07 "*string" 02 "hi"`))).toEqual({ p: "hi" });
    expect(dec(gotinyMap, h(`03 01 01 "p" 07 "*string"`))).toEqual({ p: null });
    expect(dec(gotinyMap, h(`07 01 01 "p" 04 "*int" 05`))).toEqual({ p: -3 });
  });

  it("rejects unknown type names", () => {
    expectReason(() => dec(gotinyMap, h(`03 01 01 "n" 05 "int32" 0a`)), "unknown_gotiny_type");
    expectReason(() => dec(gotinyMap, h(`03 01 01 "n" 07 "float32" 00`)), "unknown_gotiny_type");
  });

  it("rejects lengths beyond the data", () => {
    expectReason(() => dec(gotinyMap, h(`01 7f`)), "oversized_length");
    expectReason(() => dec(gotinyMap, h(`03 01 05 "ab"`)), "oversized_length");
    expectReason(() => dec(gotinyMap, h(`07 01 01 "l" 0e "[]interface {}" ffffffff0f`)), "oversized_length");
    expectReason(() => dec(gotinyMap, h(`01 ffffffff1f`)), "varint_overflow");
    expectReason(() => dec(gotinyMap, h(`03 01 01 "n" 03 "int"`)), "truncated");
    expectReason(() => dec(gotinyMap, h(`03 01 01 "s" 06 "string" 02 c328`)), "bad_utf8");
  });

  function nested(depth: number): GotinyMap {
    let m: GotinyMap = { leaf: 1 };
    for (let i = 1; i < depth; i++) m = { m };
    return m;
  }
  function nestedList(depth: number): GotinyMap {
    let v: GotinyValue = 1;
    for (let i = 1; i < depth; i++) v = [v];
    return { l: v };
  }

  it(`nesting limit is ${MAX_GOTINY_DEPTH}`, () => {
    for (const make of [nested, nestedList]) {
      const ok = enc(gotinyMap, make(MAX_GOTINY_DEPTH));
      expect(dec(gotinyMap, ok)).toEqual(make(MAX_GOTINY_DEPTH));
      expect(() => enc(gotinyMap, make(MAX_GOTINY_DEPTH + 1))).toThrow(PosbusEncodeError);
      // Too-deep bytes: start the encoder one level "higher" so it accepts 33 levels.
      const w = new ByteWriter();
      new GotinyEncoder(w).map(make(MAX_GOTINY_DEPTH + 1), 0);
      expectReason(() => dec(gotinyMap, bytesToHex(w.finish())), "nesting_too_deep");
    }
  });

  it("does not recurse forever on cyclic values", () => {
    const a: GotinyMap = {};
    a.self = a;
    expect(() => enc(gotinyMap, a)).toThrow(PosbusEncodeError);
  });

  it("__proto__ keys stay plain data", () => {
    const hex = h(`03 01 09 "__proto__" 06 "string" 01 "x"`);
    const m = dec(gotinyMap, hex) as GotinyMap;
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(Object.keys(m)).toEqual(["__proto__"]);
    expect(enc(gotinyMap, m)).toBe(hex);
  });

  it("PBEthAddress", () => {
    const addr = "0102030405060708090a0b0c0d0e0f1011121314";
    expect(enc(ethAddress, addr)).toBe(addr);
    expect(enc(ethAddress, "0x" + addr.toUpperCase())).toBe(addr);
    expect(dec(ethAddress, addr)).toBe(addr);
    expect(() => enc(ethAddress, "0102")).toThrow(PosbusEncodeError);
    expectReason(() => dec(ethAddress, "0102"), "truncated");
  });

  it("PBUint256", () => {
    expect(enc(uint256, "126")).toBe("7e000000");
    expect(enc(uint256, "1000000000000000000")).toBe("808090bbbad6adf00d000000");
    expect(dec(uint256, "7e000000")).toBe("126");
    expect(dec(uint256, "808090bbbad6adf00d000000")).toBe("1000000000000000000");
    const max = ((1n << 256n) - 1n).toString();
    expect(enc(uint256, max)).toBe("ff".repeat(36));
    expect(dec(uint256, "ff".repeat(36))).toBe(max);
    expect(() => enc(uint256, (1n << 256n).toString())).toThrow(PosbusEncodeError);
    expect(() => enc(uint256, "-1")).toThrow(PosbusEncodeError);
  });
});

describe("framing", () => {
  const signal9 = "4d96c1ad09b2693e52";

  it("header, payload, footer", () => {
    expect(bytesToHex(encode({ type: "signal", value: { value: 9 } }))).toBe(signal9);
  });

  it("maxFrameSize", () => {
    expect(decode(hexToBytes(signal9), { maxFrameSize: 9 })).toEqual({ type: "signal", value: { value: 9 } });
    expectReason(() => decode(hexToBytes(signal9), { maxFrameSize: 8 }), "frame_too_large");
    const big = encode({ type: "notification", value: { notify_type: 1, value: "x".repeat(2 * 1024 * 1024) } });
    expectReason(() => decode(big), "frame_too_large");
    expect(decode(big, { maxFrameSize: big.length }).type).toBe("notification");
  });

  it("nested-only ids are not framable", () => {
    const id = 0xd742b52e;
    const w = new ByteWriter();
    w.u32le(id);
    w.u32le(~id >>> 0);
    expectReason(() => decode(w.finish()), "unknown_type");
  });

  it("accepts ArrayBuffer and subarrays, rejects other inputs", () => {
    const bytes = hexToBytes("ffff" + signal9 + "ffff");
    expect(decode(bytes.subarray(2, 11)).type).toBe("signal");
    expect(decode(hexToBytes(signal9).buffer as ArrayBuffer).type).toBe("signal");
    expectReason(() => decode("4d96c1ad09b2693e52" as unknown as Uint8Array), "invalid_input");
    expectReason(() => decode(null as unknown as Uint8Array), "invalid_input");
  });

  it("encode rejects bad messages with a path", () => {
    expect(() => encode({ type: "nope" } as never)).toThrow(PosbusEncodeError);
    try {
      encode({
        type: "add_users",
        value: {
          users: [
            {
              id: "11111111-1111-4111-8111-111111111111",
              name: 5 as unknown as string,
              avatar: "",
              transform: { position: { x: 0, y: 0, z: 0 }, rotation: { x: 0, y: 0, z: 0 } },
              is_guest: false,
            },
          ],
        },
      });
      throw new Error("no error");
    } catch (e) {
      expect(e).toBeInstanceOf(PosbusEncodeError);
      expect((e as PosbusEncodeError).path).toEqual(["add_users.value", "users", "0", "name"]);
    }
  });
});
