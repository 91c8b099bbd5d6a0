/**
 * Low-level byte helpers: a growable writer, a bounds-checked reader, hex / UUID / UTF-8
 * conversion and the float bit tricks used by MUS and gotiny.
 */

import { PosbusDecodeError, PosbusEncodeError, type PosbusDecodeReason } from "./errors";

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Scratch space for float <-> bits conversions. */
const scratch = new DataView(new ArrayBuffer(8));

const TWO_POW_32 = 0x1_0000_0000;

// ---------------------------------------------------------------------------------------------
// Writer

/** Growable byte buffer. Values are appended; `finish()` returns an exact-size copy. */
export class ByteWriter {
  buf: Uint8Array;
  len = 0;

  constructor(initialCapacity = 128) {
    this.buf = new Uint8Array(initialCapacity);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u8(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
  }

  u32le(v: number): void {
    this.ensure(4);
    const b = this.buf;
    let i = this.len;
    b[i++] = v & 0xff;
    b[i++] = (v >>> 8) & 0xff;
    b[i++] = (v >>> 16) & 0xff;
    b[i++] = (v >>> 24) & 0xff;
    this.len = i;
  }

  /**
   * Minimal unsigned LEB128 of a non-negative integer. Works for every integer a double holds
   * exactly (division by 128 is exact), so up to 2^64 for the values used here.
   */
  varUint(v: number): void {
    this.ensure(10);
    const b = this.buf;
    let i = this.len;
    if (v < TWO_POW_32) {
      while (v > 0x7f) {
        b[i++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      b[i++] = v;
    } else {
      while (v > 0x7f) {
        b[i++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
      b[i++] = v;
    }
    this.len = i;
  }

  /** Minimal unsigned LEB128 of a non-negative bigint. */
  varBig(v: bigint): void {
    this.ensure(10);
    while (v > 0x7fn) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  /** Exact-size copy of the written bytes. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

// ---------------------------------------------------------------------------------------------
// Reader

/** Bounds-checked reader over `buf[pos..end)`. Every failure is a PosbusDecodeError. */
export class ByteReader {
  readonly buf: Uint8Array;
  pos: number;
  readonly end: number;

  constructor(buf: Uint8Array, pos: number, end: number) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(reason: PosbusDecodeReason, message: string, offset: number = this.pos): never {
    throw new PosbusDecodeError(reason, message, offset);
  }

  u8(): number {
    if (this.pos >= this.end) this.fail("truncated", "payload ended, 1 more byte needed");
    return this.buf[this.pos++]!;
  }

  /** `n` raw bytes as a view into the frame (no copy). */
  take(n: number): Uint8Array {
    if (n > this.end - this.pos) {
      this.fail("truncated", `payload ended, ${n} bytes needed, ${this.end - this.pos} left`);
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** MUS uint32 varint: at most 5 bytes, the 5th at most 0x0f. */
  varUint32(): number {
    const b = this.buf;
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) this.fail("truncated", "payload ended inside a varint");
      const byte = b[this.pos++]!;
      if (i === 4) {
        if (byte > 0x0f) this.fail("varint_overflow", "uint32 varint overflow", start);
        return (result + byte * 0x1000_0000) >>> 0;
      }
      result |= (byte & 0x7f) << (7 * i);
      if (byte < 0x80) return result >>> 0;
    }
    /* c8 ignore next */
    return this.fail("internal_error", "unreachable");
  }

  /**
   * MUS 64-bit varint (unsigned): at most 10 bytes, the 10th at most 0x01. Returns a number
   * when it fits in 49 bits (7 bytes), a bigint otherwise.
   */
  varUint64(): number | bigint {
    const b = this.buf;
    const start = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.end) this.fail("truncated", "payload ended inside a varint");
      const byte = b[this.pos++]!;
      result += (byte & 0x7f) * mul;
      if (byte < 0x80) return result;
      mul *= 128;
    }
    let big = BigInt(result);
    for (let i = 7; i < 10; i++) {
      if (this.pos >= this.end) this.fail("truncated", "payload ended inside a varint");
      const byte = b[this.pos++]!;
      if (i === 9 && byte > 0x01) this.fail("varint_overflow", "int64 varint overflow", start);
      big |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if (byte < 0x80) return big;
    }
    return this.fail("varint_overflow", "int64 varint longer than 10 bytes", start);
  }
}

// ---------------------------------------------------------------------------------------------
// Integers

/** Zigzag-decodes an unsigned 64-bit value; the result is a number when it is a safe integer. */
export function unzigzag(u: number | bigint): number | bigint {
  if (typeof u === "number") {
    // u < 2^49 here, so plain arithmetic is exact.
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
  const v = (u >> 1n) ^ -(u & 1n);
  return bigToNumberIfSafe(v);
}

export function bigToNumberIfSafe(v: bigint): number | bigint {
  return v >= -0x1f_ffff_ffff_ffffn && v <= 0x1f_ffff_ffff_ffffn ? Number(v) : v;
}

export const INT64_MIN = -(1n << 63n);
export const INT64_MAX = (1n << 63n) - 1n;

/** Validates a Go `int` (int64) given as number or bigint. */
export function checkInt64(v: unknown): number | bigint {
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) {
      throw new PosbusEncodeError(`expected an integer (safe integer number or bigint), got ${String(v)}`);
    }
    return v;
  }
  if (typeof v === "bigint") {
    if (v < INT64_MIN || v > INT64_MAX) throw new PosbusEncodeError(`int64 out of range: ${v}`);
    return v;
  }
  throw new PosbusEncodeError(`expected an integer, got ${describe(v)}`);
}

/** Zigzag of an int64 (number or bigint) as an unsigned value. */
export function zigzag(v: number | bigint): number | bigint {
  if (typeof v === "number") {
    if (v > -0x10_0000_0000_0000 && v < 0x10_0000_0000_0000) {
      // |v| < 2^52: 2|v| fits exactly.
      return v >= 0 ? v * 2 : -v * 2 - 1;
    }
    v = BigInt(v);
  }
  return v >= 0n ? v << 1n : (-v << 1n) - 1n;
}

// ---------------------------------------------------------------------------------------------
// Floats

/** IEEE-754 float32 bits of `v`, byte-reversed (MUS float32 wire value before the varint). */
export function float32ToReversedBits(v: number): number {
  scratch.setFloat32(0, v, true);
  return scratch.getUint32(0, false);
}

export function reversedBitsToFloat32(r: number): number {
  scratch.setUint32(0, r, false);
  return scratch.getFloat32(0, true);
}

/** IEEE-754 float64 bits of `v`, byte-reversed, as an unsigned bigint. */
export function float64ToReversedBits(v: number): bigint {
  scratch.setFloat64(0, v, true);
  return scratch.getBigUint64(0, false);
}

export function reversedBitsToFloat64(r: bigint): number {
  scratch.setBigUint64(0, r, false);
  return scratch.getFloat64(0, true);
}

// ---------------------------------------------------------------------------------------------
// Text

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** UTF-8 bytes of a string; lone surrogates are rejected (they have no UTF-8 form). */
export function utf8Encode(s: string): Uint8Array {
  if (typeof s !== "string") throw new PosbusEncodeError(`expected a string, got ${describe(s)}`);
  if (LONE_SURROGATE.test(s)) throw new PosbusEncodeError("string contains a lone UTF-16 surrogate");
  return textEncoder.encode(s);
}

/** Strict UTF-8 decode of `bytes`; `offset` is used for the error position only. */
export function utf8Decode(bytes: Uint8Array, offset: number): string {
  const n = bytes.length;
  if (n <= 64) {
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      let s = "";
      for (let i = 0; i < n; i++) s += String.fromCharCode(bytes[i]!);
      return s;
    }
  }
  try {
    return textDecoder.decode(bytes);
  } catch {
    throw new PosbusDecodeError("bad_utf8", "string is not valid UTF-8", offset);
  }
}

// ---------------------------------------------------------------------------------------------
// Hex and UUID

export function bytesToHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!]!;
  return s;
}

/** Strict hex (even length, 0-9a-fA-F) to bytes. */
export function hexToBytes(hex: string): Uint8Array {
  if (typeof hex !== "string") throw new PosbusEncodeError(`expected a hex string, got ${describe(hex)}`);
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new PosbusEncodeError(`invalid hex string ${JSON.stringify(hex.slice(0, 80))}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Appends the 16 bytes of a dashed UUID string (RFC 4122 byte order). */
export function writeUuid(w: ByteWriter, uuid: unknown): void {
  if (typeof uuid !== "string" || !UUID_RE.test(uuid)) {
    throw new PosbusEncodeError(`expected a dashed UUID string, got ${describe(uuid)}`);
  }
  w.ensure(16);
  const b = w.buf;
  let o = w.len;
  for (let i = 0; i < 36; ) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      i++;
      continue;
    }
    b[o++] = parseInt(uuid.substr(i, 2), 16);
    i += 2;
  }
  w.len = o;
}

/** Lowercase dashed UUID from 16 bytes at `buf[off..off+16)`. */
export function readUuidAt(buf: Uint8Array, off: number): string {
  const x = HEX;
  return (
    x[buf[off]!]! + x[buf[off + 1]!]! + x[buf[off + 2]!]! + x[buf[off + 3]!]! + "-" +
    x[buf[off + 4]!]! + x[buf[off + 5]!]! + "-" +
    x[buf[off + 6]!]! + x[buf[off + 7]!]! + "-" +
    x[buf[off + 8]!]! + x[buf[off + 9]!]! + "-" +
    x[buf[off + 10]!]! + x[buf[off + 11]!]! + x[buf[off + 12]!]! + x[buf[off + 13]!]! + x[buf[off + 14]!]! + x[buf[off + 15]!]!
  );
}

// ---------------------------------------------------------------------------------------------

export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  return typeof v;
}
