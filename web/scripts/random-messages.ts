/**
 * Deterministic random posbus messages, driven by the codec schemas. Used by the round-trip and
 * fuzz tests and by the cross-language fixture generator.
 */

import { GoFloat64, type GotinyMap, type GotinyValue } from "../src/posbus/gotiny-value";
import { MESSAGE_CODECS } from "../src/posbus/messages";
import type { Codec } from "../src/posbus/mus";
import type { PosbusMessage, PosbusTypeName } from "../src/posbus/types";

/** mulberry32: small, fast, deterministic 32-bit PRNG. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** Float in [0, 1). */
  float(): number {
    return this.next();
  }
  /** Integer in [lo, hi] (inclusive, |values| < 2^32). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  u32(): number {
    return (this.next() * 4294967296) >>> 0;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(0, 255);
    return out;
  }
  bigUint(bits: number): bigint {
    let v = 0n;
    for (let i = 0; i < bits; i += 32) v = (v << 32n) | BigInt(this.u32());
    return v & ((1n << BigInt(bits)) - 1n);
  }
}

export interface GenOptions {
  /** Maximum entries of MUS maps and gotiny maps (1 keeps byte order deterministic across languages). */
  maxMapEntries: number;
  /** Maximum nesting of gotiny maps/lists below the top-level map. */
  maxGotinyDepth: number;
  /** Maximum elements of slices and gotiny lists. */
  maxSliceLength: number;
  /** Allow ±Infinity float32 values. */
  allowInfinity: boolean;
  /** Allow Go int values outside the JS safe-integer range (as bigints). */
  allowBigInts: boolean;
}

export const DEFAULT_GEN_OPTIONS: GenOptions = {
  maxMapEntries: 3,
  maxGotinyDepth: 4,
  maxSliceLength: 4,
  allowInfinity: true,
  allowBigInts: true,
};

const STRINGS: readonly string[] = [
  "",
  "a",
  "Visitor_42",
  "High five!",
  "héllo wörld",
  "日本語のテキスト",
  "emoji 🚀🌍 end",
  "Ω≈ç√∫˜µ≤≥÷",
  "tab\tnew\nline \"quoted\" \\ back",
  "\u0000nul",
  "\u00e9\u0301 combining",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
];

const FLOAT32_SPECIALS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  2.5,
  -3,
  90,
  180,
  -170,
  Math.fround(0.1),
  Math.fround(3.1415927),
  Math.fround(-1.5707964),
  Math.fround(3.4e38),
  3.4028234663852886e38, // max float32
  -3.4028234663852886e38,
  1.1754943508222875e-38, // min normal
  1.401298464324817e-45, // min subnormal
  -1.401298464324817e-45,
  Math.fround(1e-10),
  16777216,
  -16777217 + 1,
];

const INT_SPECIALS: readonly number[] = [
  0, 1, -1, 63, -64, 64, 300, -300, 8191, 8192, -8192, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 48 - 1,
  Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER,
];

const BIGINT_SPECIALS: readonly bigint[] = [
  (1n << 63n) - 1n,
  -(1n << 63n),
  (1n << 55n), // zigzag 2^56: 9-byte gotiny form
  -(1n << 55n), // zigzag 2^56 - 1: the 9-byte threshold
  9007199254740993n,
  -9007199254740993n,
];

const UINT32_SPECIALS: readonly number[] = [0, 1, 5, 9, 126, 127, 128, 500, 1000, 16383, 16384, 2 ** 28 - 1, 0xffffffff];

const UINT256_SPECIALS: readonly string[] = [
  "0",
  "126",
  "127",
  "1000000000000000000",
  "18446744073709551615",
  "18446744073709551616",
  ((1n << 256n) - 1n).toString(),
  ((1n << 56n) - 1n).toString(),
];

const GOTINY_FLOAT_SPECIALS: readonly number[] = [0.5, 1.5, -2.75, 0.1, 1e-300, 1.7976931348623157e308, 5e-324, Math.PI];
const GOTINY_INTEGRAL_FLOATS: readonly number[] = [0, -0, 1, 2, -100, 1e15, 1e21, 2 ** 60];

export function randomUuid(rng: Rng): string {
  if (rng.chance(0.1)) return "00000000-0000-0000-0000-000000000000";
  const b = rng.bytes(16);
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function randomString(rng: Rng): string {
  const r = rng.float();
  if (r < 0.6) return rng.pick(STRINGS);
  if (r < 0.8) {
    let s = "";
    const n = rng.int(1, 20);
    for (let i = 0; i < n; i++) s += String.fromCharCode(rng.int(0x20, 0x7e));
    return s;
  }
  if (r < 0.95) {
    // Random code points from several planes (no surrogates).
    let s = "";
    const n = rng.int(1, 12);
    for (let i = 0; i < n; i++) {
      const plane = rng.int(0, 3);
      const cp =
        plane === 0 ? rng.int(0x20, 0x7ff) : plane === 1 ? rng.int(0xe000, 0xfffd) : plane === 2 ? rng.int(0x4e00, 0x9fff) : rng.int(0x10000, 0x10ffff);
      s += String.fromCodePoint(cp);
    }
    return s;
  }
  // Long strings: 2-byte MUS lengths, gotiny lengths around 127.
  return "x".repeat(rng.pick([63, 64, 100, 127, 128, 171, 300]));
}

function randomFloat32(rng: Rng, opts: GenOptions): number {
  const r = rng.float();
  if (r < 0.4) return rng.pick(FLOAT32_SPECIALS);
  if (r < 0.45 && opts.allowInfinity) return rng.pick([Infinity, -Infinity]);
  if (r < 0.7) return Math.fround((rng.float() - 0.5) * 2000);
  if (r < 0.85) return Math.fround(rng.int(-1000, 1000) / 4);
  // Random bit patterns, excluding NaN.
  for (;;) {
    const dv = new DataView(new ArrayBuffer(4));
    dv.setUint32(0, rng.u32());
    const f = dv.getFloat32(0);
    if (Number.isFinite(f)) return f;
  }
}

function randomInt(rng: Rng, opts: GenOptions): number | bigint {
  const r = rng.float();
  if (r < 0.4) return rng.pick(INT_SPECIALS);
  if (r < 0.5 && opts.allowBigInts) return rng.pick(BIGINT_SPECIALS);
  if (r < 0.8) return rng.int(-1000, 1000);
  return rng.int(-0x7fffffff, 0x7fffffff) * rng.int(1, 1 << 20);
}

function randomKey(rng: Rng): string {
  return rng.chance(0.7) ? rng.pick(["texture", "string", "audio", "number", "volume", "foo", "skybox_custom", "k", "", "ключ", "键"]) : randomString(rng);
}

function randomGotinyValue(rng: Rng, opts: GenOptions, depth: number): GotinyValue {
  const canNest = depth < opts.maxGotinyDepth;
  const r = rng.int(0, canNest ? 9 : 6);
  switch (r) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return randomString(rng);
    case 3: {
      const v = randomInt(rng, opts);
      return v;
    }
    case 4:
      return rng.chance(0.5) ? rng.pick(GOTINY_FLOAT_SPECIALS) : (rng.float() - 0.5) * 10 ** rng.int(-5, 10);
    case 5:
      return new GoFloat64(rng.pick(GOTINY_INTEGRAL_FLOATS));
    case 6:
      return rng.chance(0.5);
    case 7:
    case 8:
      return randomGotinyMap(rng, opts, depth + 1);
    default: {
      const n = rng.int(0, opts.maxSliceLength);
      const out: GotinyValue[] = [];
      for (let i = 0; i < n; i++) out.push(randomGotinyValue(rng, opts, depth + 1));
      return out;
    }
  }
}

export function randomGotinyMap(rng: Rng, opts: GenOptions, depth = 0): GotinyMap {
  const n = rng.int(0, opts.maxMapEntries);
  const out: GotinyMap = {};
  for (let i = 0; i < n; i++) out[randomKey(rng)] = randomGotinyValue(rng, opts, depth);
  return out;
}

/** A random value for a codec, following its schema. */
export function randomValue(codec: Codec<unknown>, rng: Rng, opts: GenOptions): unknown {
  const s = codec.schema;
  switch (s.kind) {
    case "uuid":
      return randomUuid(rng);
    case "string":
      return randomString(rng);
    case "bytes":
      return Array.from(rng.bytes(rng.int(0, 24)), (x) => x.toString(16).padStart(2, "0")).join("");
    case "bool":
      return rng.chance(0.5);
    case "int":
      return randomInt(rng, opts);
    case "uint32":
      return rng.chance(0.6) ? rng.pick(UINT32_SPECIALS) : rng.u32() >>> rng.int(0, 31);
    case "int8":
      return rng.int(-128, 127);
    case "float32":
      return randomFloat32(rng, opts);
    case "gotiny_map":
      return rng.chance(0.1) ? {} : randomGotinyMap(rng, opts);
    case "eth_address":
      return Array.from(rng.bytes(20), (x) => x.toString(16).padStart(2, "0")).join("");
    case "uint256":
      return rng.chance(0.5) ? rng.pick(UINT256_SPECIALS) : rng.bigUint(rng.pick([8, 64, 65, 128, 200, 256])).toString();
    case "struct": {
      const out: Record<string, unknown> = {};
      for (const [name, c] of s.fields) out[name] = randomValue(c, rng, opts);
      return out;
    }
    case "slice": {
      const n = rng.int(0, opts.maxSliceLength);
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(randomValue(s.elem, rng, opts));
      return out;
    }
    case "map": {
      const n = rng.int(0, opts.maxMapEntries);
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) out[randomKey(rng)] = randomValue(s.value, rng, opts);
      return out;
    }
    case "pointer":
      return rng.chance(0.3) ? null : randomValue(s.elem, rng, opts);
  }
}

export function randomMessage(type: PosbusTypeName, rng: Rng, opts: GenOptions = DEFAULT_GEN_OPTIONS): PosbusMessage {
  return { type, value: randomValue(MESSAGE_CODECS[type] as Codec<unknown>, rng, opts) } as PosbusMessage;
}
