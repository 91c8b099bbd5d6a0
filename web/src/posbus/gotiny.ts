/**
 * The gotiny v0.0.3 subset used inside posbus (posbus.md §2.3): StringAnyMap
 * (`map[string]any`), PBEthAddress (`[20]byte`) and PBUint256 (`[4]uint64`).
 *
 * Each gotiny blob starts with fresh bool-packing state. Encoding is byte-exact with the Go
 * encoder (off-by-one varint thresholds, 9-byte u64 cap, shared bool bytes); decoding accepts
 * any LEB128 form, like Go.
 */

import {
  ByteReader,
  ByteWriter,
  INT64_MAX,
  INT64_MIN,
  bigToNumberIfSafe,
  bytesToHex,
  describe,
  float64ToReversedBits,
  hexToBytes,
  reversedBitsToFloat64,
  unzigzag,
  utf8Decode,
  utf8Encode,
  zigzag,
} from "./bytes";
import { PosbusEncodeError } from "./errors";
import { GoFloat64, type GotinyMap, type GotinyValue } from "./gotiny-value";
import { isPlainObject, setOwn, type Codec } from "./mus";

/** Maximum nesting of gotiny maps/lists (the top-level map counts as 1). */
export const MAX_GOTINY_DEPTH = 32;

export const GOTINY_TYPE_STRING = "string";
export const GOTINY_TYPE_BOOL = "bool";
export const GOTINY_TYPE_INT = "int";
export const GOTINY_TYPE_FLOAT64 = "float64";
export const GOTINY_TYPE_MAP = "map[string]interface {}";
export const GOTINY_TYPE_SLICE = "[]interface {}";
export const GOTINY_TYPE_PTR_STRING = "*string";
export const GOTINY_TYPE_PTR_INT = "*int";

const U64_MASK = (1n << 64n) - 1n;

// ---------------------------------------------------------------------------------------------
// Encoder

export class GotinyEncoder {
  private readonly w: ByteWriter;
  private boolPos = 0;
  private boolBit = 0;

  constructor(w: ByteWriter) {
    this.w = w;
  }

  bool(v: boolean): void {
    const w = this.w;
    if (this.boolBit === 0) {
      this.boolPos = w.len;
      w.u8(0);
      this.boolBit = 1;
    }
    if (v) w.buf[this.boolPos]! |= this.boolBit;
    this.boolBit = (this.boolBit << 1) & 0xff;
  }

  /** gotiny u32 varint with the encoder's off-by-one thresholds (127 -> ff 00). */
  u32(v: number): void {
    let n = 1;
    while (n < 5 && v >= 2 ** (7 * n) - 1) n++;
    this.writeGroups(v, n);
  }

  /** gotiny u64 varint: off-by-one thresholds, 9 bytes (last one a full byte) at >= 2^56-1. */
  u64(v: number | bigint): void {
    if (typeof v === "number") {
      // Safe integers are < 2^53 < 2^56 - 1: at most 8 bytes.
      let n = 1;
      while (v >= 2 ** (7 * n) - 1) n++;
      this.writeGroups(v, n);
      return;
    }
    const w = this.w;
    let n = 1;
    while (n < 9 && v >= (1n << BigInt(7 * n)) - 1n) n++;
    w.ensure(n);
    for (let i = 0; i < n - 1; i++) w.buf[w.len++] = Number((v >> BigInt(7 * i)) & 0x7fn) | 0x80;
    w.buf[w.len++] = Number((v >> BigInt(7 * (n - 1))) & 0xffn);
  }

  /** `n` 7-bit groups of a non-negative number, continuation bits on all but the last. */
  private writeGroups(v: number, n: number): void {
    const w = this.w;
    w.ensure(n);
    for (let i = 0; i < n - 1; i++) {
      w.buf[w.len++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    w.buf[w.len++] = v;
  }

  string(s: string): void {
    const b = utf8Encode(s);
    this.u32(b.length);
    this.w.bytes(b);
  }

  /** A `map[string]interface{}` (nil flag, count, entries). `null` is a nil map. */
  map(m: unknown, depth: number): void {
    if (m === null) {
      this.bool(false);
      return;
    }
    if (!isPlainObject(m)) throw new PosbusEncodeError(`expected an object (gotiny map), got ${describe(m)}`);
    if (depth > MAX_GOTINY_DEPTH) {
      throw new PosbusEncodeError(`gotiny value nested deeper than ${MAX_GOTINY_DEPTH} levels`);
    }
    this.bool(true);
    const keys = Object.keys(m);
    this.u32(keys.length);
    for (const key of keys) {
      try {
        this.string(key);
        this.iface(m[key], depth);
      } catch (e) {
        if (e instanceof PosbusEncodeError) throw e.withSegment(key);
        throw e;
      }
    }
  }

  /** An `interface{}` value: nil flag, Go type name, value. */
  iface(v: unknown, depth: number): void {
    if (v === null) {
      this.bool(false);
      return;
    }
    switch (typeof v) {
      case "string":
        this.bool(true);
        this.string(GOTINY_TYPE_STRING);
        this.string(v);
        return;
      case "boolean":
        this.bool(true);
        this.string(GOTINY_TYPE_BOOL);
        this.bool(v);
        return;
      case "number":
        this.bool(true);
        if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
          this.string(GOTINY_TYPE_INT);
          this.u64(zigzag(v));
        } else {
          this.string(GOTINY_TYPE_FLOAT64);
          this.u64(float64ToReversedBits(v));
        }
        return;
      case "bigint": {
        if (v < INT64_MIN || v > INT64_MAX) throw new PosbusEncodeError(`int64 out of range: ${v}`);
        this.bool(true);
        this.string(GOTINY_TYPE_INT);
        this.u64(zigzag(v));
        return;
      }
      case "object":
        break;
      default:
        throw new PosbusEncodeError(`cannot encode ${describe(v)} as a gotiny value`);
    }
    if (v instanceof GoFloat64) {
      if (typeof v.value !== "number") throw new PosbusEncodeError("GoFloat64 holds a non-number");
      this.bool(true);
      this.string(GOTINY_TYPE_FLOAT64);
      this.u64(float64ToReversedBits(v.value));
      return;
    }
    if (Array.isArray(v)) {
      if (depth + 1 > MAX_GOTINY_DEPTH) {
        throw new PosbusEncodeError(`gotiny value nested deeper than ${MAX_GOTINY_DEPTH} levels`);
      }
      this.bool(true);
      this.string(GOTINY_TYPE_SLICE);
      this.bool(true);
      this.u32(v.length);
      for (let i = 0; i < v.length; i++) {
        try {
          this.iface(v[i], depth + 1);
        } catch (e) {
          if (e instanceof PosbusEncodeError) throw e.withSegment(String(i));
          throw e;
        }
      }
      return;
    }
    if (!isPlainObject(v)) throw new PosbusEncodeError(`cannot encode a ${describe(v)} instance as a gotiny value`);
    this.bool(true);
    this.string(GOTINY_TYPE_MAP);
    this.map(v, depth + 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Decoder

export class GotinyDecoder {
  private readonly r: ByteReader;
  private boolByte = 0;
  private boolBit = 0;

  constructor(r: ByteReader) {
    this.r = r;
  }

  bool(): boolean {
    if (this.boolBit === 0) {
      this.boolByte = this.r.u8();
      this.boolBit = 1;
    }
    const b = (this.boolByte & this.boolBit) !== 0;
    this.boolBit = (this.boolBit << 1) & 0xff;
    return b;
  }

  /** u32 varint, at most 5 bytes; a 5th byte above 0x0f is rejected (Go silently wraps it). */
  u32(): number {
    const r = this.r;
    const start = r.pos;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      const byte = r.u8();
      if (i === 4) {
        if (byte > 0x0f) r.fail("varint_overflow", "gotiny u32 varint overflow", start);
        return (result + byte * 0x1000_0000) >>> 0;
      }
      result |= (byte & 0x7f) << (7 * i);
      if (byte < 0x80) return result >>> 0;
    }
    return r.fail("internal_error", "unreachable");
  }

  /**
   * u64 varint, at most 9 bytes, the 9th taken as 8 full bits (so it cannot overflow). A number
   * when it fits in 7 bytes (49 bits), a bigint otherwise.
   */
  u64(): number | bigint {
    const r = this.r;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      const byte = r.u8();
      result += (byte & 0x7f) * mul;
      if (byte < 0x80) return result;
      mul *= 128;
    }
    let big = BigInt(result);
    for (let i = 7; i < 9; i++) {
      const byte = r.u8();
      if (i === 8) return (big | (BigInt(byte) << 56n)) & U64_MASK;
      big |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if (byte < 0x80) return big;
    }
    return r.fail("internal_error", "unreachable");
  }

  string(): string {
    const r = this.r;
    const start = r.pos;
    const n = this.u32();
    if (n > r.remaining) {
      r.fail("oversized_length", `gotiny string length ${n} does not fit in the ${r.remaining} bytes left`, start);
    }
    const at = r.pos;
    return utf8Decode(r.take(n), at);
  }

  /** `map[string]interface{}`; a nil map decodes to null. */
  map(depth: number): GotinyMap | null {
    const r = this.r;
    if (depth > MAX_GOTINY_DEPTH) {
      r.fail("nesting_too_deep", `gotiny value nested deeper than ${MAX_GOTINY_DEPTH} levels`);
    }
    if (!this.bool()) return null;
    const start = r.pos;
    const n = this.u32();
    // Every entry needs at least the key's length byte.
    if (n > r.remaining) {
      r.fail("oversized_length", `gotiny map count ${n} does not fit in the ${r.remaining} bytes left`, start);
    }
    const out: GotinyMap = {};
    for (let i = 0; i < n; i++) {
      const key = this.string();
      setOwn(out, key, this.iface(depth));
    }
    return out;
  }

  iface(depth: number): GotinyValue {
    const r = this.r;
    if (!this.bool()) return null;
    const at = r.pos;
    const typeName = this.string();
    switch (typeName) {
      case GOTINY_TYPE_STRING:
        return this.string();
      case GOTINY_TYPE_BOOL:
        return this.bool();
      case GOTINY_TYPE_INT:
        return unzigzag(this.u64());
      case GOTINY_TYPE_FLOAT64: {
        const u = this.u64();
        return reversedBitsToFloat64(typeof u === "number" ? BigInt(u) : u);
      }
      case GOTINY_TYPE_MAP:
        return this.map(depth + 1);
      case GOTINY_TYPE_SLICE: {
        if (depth + 1 > MAX_GOTINY_DEPTH) {
          r.fail("nesting_too_deep", `gotiny value nested deeper than ${MAX_GOTINY_DEPTH} levels`);
        }
        if (!this.bool()) return null;
        const start = r.pos;
        const n = this.u32();
        // Every element needs at least one bool bit.
        if (n > (r.remaining + 1) * 8) {
          r.fail("oversized_length", `gotiny list count ${n} does not fit in the ${r.remaining} bytes left`, start);
        }
        const out: GotinyValue[] = new Array<GotinyValue>(n);
        for (let i = 0; i < n; i++) out[i] = this.iface(depth + 1);
        return out;
      }
      case GOTINY_TYPE_PTR_STRING:
        return this.bool() ? this.string() : null;
      case GOTINY_TYPE_PTR_INT:
        return this.bool() ? unzigzag(this.u64()) : null;
      default:
        return r.fail("unknown_gotiny_type", `unknown gotiny type name ${JSON.stringify(typeName.slice(0, 60))}`, at);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// MUS-level codecs

/** Deep-checks that a value only holds gotiny-encodable things; normalizes safe bigints. */
function gotinyFromJson(j: unknown, depth: number): GotinyValue {
  if (j === null || typeof j === "string" || typeof j === "boolean" || typeof j === "number") return j;
  if (typeof j === "bigint") return bigToNumberIfSafe(j);
  if (j instanceof GoFloat64) return j;
  if (depth > MAX_GOTINY_DEPTH) throw new PosbusEncodeError(`gotiny value nested deeper than ${MAX_GOTINY_DEPTH} levels`);
  if (Array.isArray(j)) return j.map((x) => gotinyFromJson(x, depth + 1));
  if (isPlainObject(j)) {
    const out: GotinyMap = {};
    for (const key of Object.keys(j)) setOwn(out, key, gotinyFromJson(j[key], depth + 1));
    return out;
  }
  throw new PosbusEncodeError(`cannot use ${describe(j)} as a gotiny value`);
}

/**
 * StringAnyMap: a gotiny `map[string]any` blob. In posbus it always sits behind a MUS pointer;
 * the pointer is a separate codec. A nil map (gotiny bool 0) decodes to null.
 */
export const gotinyMap: Codec<GotinyMap | null> = {
  schema: { kind: "gotiny_map" },
  minSize: 1,
  enc(w, v) {
    new GotinyEncoder(w).map(v, 1);
  },
  dec(r) {
    return new GotinyDecoder(r).map(1);
  },
  fromJson(j) {
    if (j !== null && !isPlainObject(j)) {
      throw new PosbusEncodeError(`expected an object (gotiny map), got ${describe(j)}`);
    }
    return gotinyFromJson(j, 1) as GotinyMap | null;
  },
  toJson: (v) => v,
};

/**
 * PBEthAddress: 20 raw bytes. Value: 40 lowercase hex digits without "0x" (as in the golden
 * vectors); the encoder also accepts a "0x" prefix.
 */
export const ethAddress: Codec<string> = {
  schema: { kind: "eth_address" },
  minSize: 20,
  enc(w, v) {
    const s = typeof v === "string" && /^0[xX]/.test(v) ? v.slice(2) : v;
    const b = hexToBytes(s);
    if (b.length !== 20) throw new PosbusEncodeError(`eth address must be 20 bytes, got ${b.length}`);
    w.bytes(b);
  },
  dec(r) {
    return bytesToHex(r.take(20));
  },
  fromJson(j) {
    if (typeof j !== "string") throw new PosbusEncodeError(`expected a hex string, got ${describe(j)}`);
    return (/^0[xX]/.test(j) ? j.slice(2) : j).toLowerCase();
  },
  toJson: (v) => v,
};

const UINT256_MAX = (1n << 256n) - 1n;
const LIMB_MASK = (1n << 64n) - 1n;

/** PBUint256: 4 gotiny u64 varints, least significant limb first. Value: decimal string. */
export const uint256: Codec<string> = {
  schema: { kind: "uint256" },
  minSize: 4,
  enc(w, v) {
    if (typeof v !== "string" || !/^[0-9]{1,80}$/.test(v)) {
      throw new PosbusEncodeError(`expected a decimal uint256 string, got ${describe(v)}`);
    }
    let n = BigInt(v);
    if (n > UINT256_MAX) throw new PosbusEncodeError("uint256 out of range");
    const g = new GotinyEncoder(w);
    for (let i = 0; i < 4; i++) {
      const limb = n & LIMB_MASK;
      g.u64(limb <= 0x1f_ffff_ffff_ffffn ? Number(limb) : limb);
      n >>= 64n;
    }
  },
  dec(r) {
    const g = new GotinyDecoder(r);
    let n = 0n;
    for (let i = 0; i < 4; i++) n |= BigInt(g.u64()) << BigInt(64 * i);
    return n.toString();
  },
  fromJson(j) {
    if (typeof j !== "string") throw new PosbusEncodeError(`expected a decimal string, got ${describe(j)}`);
    return j;
  },
  toJson: (v) => v,
};
