/**
 * MUS (musgo v2) primitives and combinators, posbus.md §2.1.
 *
 * A {@link Codec} knows how to write a value, read it back, and convert between the JSON value
 * format (as in tests/data/posbus-vectors.json) and the in-memory value. Every codec also
 * carries a {@link Schema} description so that tools (random message generators, docs) can walk
 * the message structure.
 */

import {
  ByteReader,
  ByteWriter,
  bigToNumberIfSafe,
  bytesToHex,
  checkInt64,
  describe,
  float32ToReversedBits,
  hexToBytes,
  readUuidAt,
  reversedBitsToFloat32,
  unzigzag,
  utf8Decode,
  utf8Encode,
  writeUuid,
  zigzag,
} from "./bytes";
import { PosbusEncodeError } from "./errors";
import { GoFloat64 } from "./gotiny-value";

export type Schema =
  | {
      kind:
        | "uuid"
        | "string"
        | "bytes"
        | "bool"
        | "int"
        | "uint32"
        | "int8"
        | "float32"
        | "gotiny_map"
        | "eth_address"
        | "uint256";
    }
  | { kind: "struct"; name: string; fields: ReadonlyArray<readonly [string, Codec<unknown>]> }
  | { kind: "slice"; elem: Codec<unknown> }
  | { kind: "map"; value: Codec<unknown> }
  | { kind: "pointer"; elem: Codec<unknown> };

export interface Codec<T> {
  readonly schema: Schema;
  /** Smallest number of bytes an encoded value can take (used to bound counts before allocating). */
  readonly minSize: number;
  enc(w: ByteWriter, v: T): void;
  dec(r: ByteReader): T;
  /** JSON value format (already parsed) -> in-memory value. float32 fields are rounded. */
  fromJson(j: unknown): T;
  /** In-memory value -> JSON value format (non-finite float32 become "Infinity" etc.). */
  toJson(v: T): unknown;
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

/** Reads a MUS length/count (zigzag int). Rejects negative ones and ones that cannot fit. */
export function readLength(r: ByteReader, minElemSize: number, what: string): number {
  const start = r.pos;
  const n = unzigzag(r.varUint64());
  if (n < 0) r.fail("negative_length", `negative ${what} length ${n}`, start);
  if (typeof n === "bigint" || n * minElemSize > r.remaining) {
    r.fail("oversized_length", `${what} length ${n} does not fit in the ${r.remaining} bytes left`, start);
  }
  return n;
}

/** Sets `obj[key] = value` as an own data property, also for the key "__proto__". */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function unwrapNumber(j: unknown): unknown {
  return j instanceof GoFloat64 ? j.value : j;
}

function atSegment<T>(segment: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PosbusEncodeError) throw e.withSegment(segment);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Primitives

export const uuid: Codec<string> = {
  schema: { kind: "uuid" },
  minSize: 16,
  enc(w, v) {
    writeUuid(w, v);
  },
  dec(r) {
    if (r.remaining < 16) r.fail("truncated", `UUID needs 16 bytes, ${r.remaining} left`);
    const s = readUuidAt(r.buf, r.pos);
    r.pos += 16;
    return s;
  },
  fromJson(j) {
    if (typeof j !== "string") throw new PosbusEncodeError(`expected a UUID string, got ${describe(j)}`);
    return j.toLowerCase();
  },
  toJson: (v) => v,
};

export const string: Codec<string> = {
  schema: { kind: "string" },
  minSize: 1,
  enc(w, v) {
    const bytes = utf8Encode(v);
    w.varUint(bytes.length * 2);
    w.bytes(bytes);
  },
  dec(r) {
    const n = readLength(r, 1, "string");
    const start = r.pos;
    return utf8Decode(r.take(n), start);
  },
  fromJson(j) {
    if (typeof j !== "string") throw new PosbusEncodeError(`expected a string, got ${describe(j)}`);
    return j;
  },
  toJson: (v) => v,
};

/** `[]byte`: same wire form as a string; the value is a lowercase hex string. */
export const bytes: Codec<string> = {
  schema: { kind: "bytes" },
  minSize: 1,
  enc(w, v) {
    const b = hexToBytes(v);
    w.varUint(b.length * 2);
    w.bytes(b);
  },
  dec(r) {
    const n = readLength(r, 1, "byte slice");
    return bytesToHex(r.take(n));
  },
  fromJson(j) {
    if (typeof j !== "string") throw new PosbusEncodeError(`expected a hex string, got ${describe(j)}`);
    return j.toLowerCase();
  },
  toJson: (v) => v,
};

export const bool: Codec<boolean> = {
  schema: { kind: "bool" },
  minSize: 1,
  enc(w, v) {
    if (typeof v !== "boolean") throw new PosbusEncodeError(`expected a boolean, got ${describe(v)}`);
    w.u8(v ? 1 : 0);
  },
  dec(r) {
    const b = r.u8();
    if (b > 1) r.fail("invalid_bool", `bool byte 0x${b.toString(16).padStart(2, "0")}`, r.pos - 1);
    return b === 1;
  },
  fromJson(j) {
    if (typeof j !== "boolean") throw new PosbusEncodeError(`expected a boolean, got ${describe(j)}`);
    return j;
  },
  toJson: (v) => v,
};

/** Go `int` (int64): zigzag varint. Safe integers are numbers, larger values bigints. */
export const int: Codec<number | bigint> = {
  schema: { kind: "int" },
  minSize: 1,
  enc(w, v) {
    const z = zigzag(checkInt64(v));
    if (typeof z === "number") w.varUint(z);
    else w.varBig(z);
  },
  dec(r) {
    return unzigzag(r.varUint64());
  },
  fromJson(j) {
    const v = checkInt64(unwrapNumber(j));
    return typeof v === "bigint" ? bigToNumberIfSafe(v) : v;
  },
  toJson: (v) => v,
};

export const uint32: Codec<number> = {
  schema: { kind: "uint32" },
  minSize: 1,
  enc(w, v) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffff_ffff) {
      throw new PosbusEncodeError(`expected a uint32, got ${describe(v)}`);
    }
    w.varUint(v);
  },
  dec(r) {
    return r.varUint32();
  },
  fromJson(j) {
    const v = unwrapNumber(j);
    if (typeof v !== "number") throw new PosbusEncodeError(`expected a uint32, got ${describe(j)}`);
    return v;
  },
  toJson: (v) => v,
};

/** Go `int8`: one raw two's-complement byte. */
export const int8: Codec<number> = {
  schema: { kind: "int8" },
  minSize: 1,
  enc(w, v) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < -128 || v > 127) {
      throw new PosbusEncodeError(`expected an int8, got ${describe(v)}`);
    }
    w.u8(v & 0xff);
  },
  dec(r) {
    const b = r.u8();
    return b >= 0x80 ? b - 0x100 : b;
  },
  fromJson(j) {
    const v = unwrapNumber(j);
    if (typeof v !== "number") throw new PosbusEncodeError(`expected an int8, got ${describe(j)}`);
    return v;
  },
  toJson: (v) => v,
};

const NON_FINITE: Readonly<Record<string, number>> = {
  Infinity: Infinity,
  "+Infinity": Infinity,
  "-Infinity": -Infinity,
  NaN: NaN,
};

/** float32: IEEE bits, byte-reversed, then a uint32 varint. */
export const float32: Codec<number> = {
  schema: { kind: "float32" },
  minSize: 1,
  enc(w, v) {
    if (typeof v !== "number") throw new PosbusEncodeError(`expected a number, got ${describe(v)}`);
    w.varUint(float32ToReversedBits(v));
  },
  dec(r) {
    return reversedBitsToFloat32(r.varUint32());
  },
  fromJson(j) {
    const v = unwrapNumber(j);
    if (typeof v === "number") return Math.fround(v);
    if (typeof v === "string" && Object.prototype.hasOwnProperty.call(NON_FINITE, v)) return NON_FINITE[v]!;
    throw new PosbusEncodeError(`expected a float32 number, got ${describe(j)}`);
  },
  toJson(v) {
    if (Number.isFinite(v)) return v;
    return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
  },
};

// ---------------------------------------------------------------------------------------------
// Combinators

/**
 * A struct: fields concatenated in declaration order. `fields` lists [jsonName, codec] in wire
 * order.
 */
export function struct<T extends object>(
  name: string,
  fields: ReadonlyArray<readonly [keyof T & string, Codec<unknown>]>,
): Codec<T> {
  const list = fields as ReadonlyArray<readonly [string, Codec<unknown>]>;
  const names = new Set(list.map(([k]) => k));
  const minSize = list.reduce((s, [, c]) => s + c.minSize, 0);
  return {
    schema: { kind: "struct", name, fields: list },
    minSize,
    enc(w, v) {
      if (typeof v !== "object" || v === null || Array.isArray(v)) {
        throw new PosbusEncodeError(`expected an object (${name}), got ${describe(v)}`);
      }
      const o = v as Record<string, unknown>;
      for (const [key, codec] of list) {
        try {
          codec.enc(w, o[key]);
        } catch (e) {
          if (e instanceof PosbusEncodeError) throw e.withSegment(key);
          throw e;
        }
      }
    },
    dec(r) {
      const o: Record<string, unknown> = {};
      for (const [key, codec] of list) o[key] = codec.dec(r);
      return o as T;
    },
    fromJson(j) {
      if (!isPlainObject(j)) throw new PosbusEncodeError(`expected an object (${name}), got ${describe(j)}`);
      for (const key of Object.keys(j)) {
        if (!names.has(key)) throw new PosbusEncodeError(`unknown field ${JSON.stringify(key)} in ${name}`);
      }
      const o: Record<string, unknown> = {};
      for (const [key, codec] of list) {
        if (!Object.prototype.hasOwnProperty.call(j, key)) {
          throw new PosbusEncodeError(`missing field ${JSON.stringify(key)} in ${name}`);
        }
        o[key] = atSegment(key, () => codec.fromJson(j[key]));
      }
      return o as T;
    },
    toJson(v) {
      const src = v as Record<string, unknown>;
      const o: Record<string, unknown> = {};
      for (const [key, codec] of list) o[key] = atSegment(key, () => codec.toJson(src[key]));
      return o;
    },
  };
}

/** `[]T`: zigzag count, then the elements. */
export function slice<T>(elem: Codec<T>): Codec<T[]> {
  return {
    schema: { kind: "slice", elem: elem as Codec<unknown> },
    minSize: 1,
    enc(w, v) {
      if (!Array.isArray(v)) throw new PosbusEncodeError(`expected an array, got ${describe(v)}`);
      w.varUint(v.length * 2);
      for (let i = 0; i < v.length; i++) {
        try {
          elem.enc(w, v[i] as T);
        } catch (e) {
          if (e instanceof PosbusEncodeError) throw e.withSegment(String(i));
          throw e;
        }
      }
    },
    dec(r) {
      const n = readLength(r, elem.minSize, "slice");
      const out: T[] = new Array<T>(n);
      for (let i = 0; i < n; i++) out[i] = elem.dec(r);
      return out;
    },
    fromJson(j) {
      if (!Array.isArray(j)) throw new PosbusEncodeError(`expected an array, got ${describe(j)}`);
      return j.map((x, i) => atSegment(String(i), () => elem.fromJson(x)));
    },
    toJson(v) {
      return v.map((x, i) => atSegment(String(i), () => elem.toJson(x)));
    },
  };
}

/**
 * `map[string]V`: zigzag count, then key/value pairs. Written in the object's key order (Go
 * writes random order; any order decodes to the same map).
 */
export function stringMap<V>(value: Codec<V>): Codec<Record<string, V>> {
  const entryMin = 1 + value.minSize;
  return {
    schema: { kind: "map", value: value as Codec<unknown> },
    minSize: 1,
    enc(w, v) {
      if (!isPlainObject(v)) throw new PosbusEncodeError(`expected an object (map), got ${describe(v)}`);
      const keys = Object.keys(v);
      w.varUint(keys.length * 2);
      for (const key of keys) {
        try {
          string.enc(w, key);
          value.enc(w, v[key] as V);
        } catch (e) {
          if (e instanceof PosbusEncodeError) throw e.withSegment(key);
          throw e;
        }
      }
    },
    dec(r) {
      const n = readLength(r, entryMin, "map");
      const out: Record<string, V> = {};
      for (let i = 0; i < n; i++) {
        const key = string.dec(r);
        setOwn(out, key, value.dec(r));
      }
      return out;
    },
    fromJson(j) {
      if (!isPlainObject(j)) throw new PosbusEncodeError(`expected an object (map), got ${describe(j)}`);
      const out: Record<string, V> = {};
      for (const key of Object.keys(j)) setOwn(out, key, atSegment(key, () => value.fromJson(j[key])));
      return out;
    },
    toJson(v) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) setOwn(out, key, atSegment(key, () => value.toJson(v[key] as V)));
      return out;
    },
  };
}

/** `*T`: flag byte 00 (nil -> null) or 01 followed by T. */
export function pointer<T>(elem: Codec<T>): Codec<T | null> {
  return {
    schema: { kind: "pointer", elem: elem as Codec<unknown> },
    minSize: 1,
    enc(w, v) {
      if (v === null) {
        w.u8(0);
      } else {
        w.u8(1);
        elem.enc(w, v);
      }
    },
    dec(r) {
      const flag = r.u8();
      if (flag === 0) return null;
      if (flag !== 1) {
        r.fail("invalid_pointer", `pointer flag 0x${flag.toString(16).padStart(2, "0")}`, r.pos - 1);
      }
      return elem.dec(r);
    },
    fromJson(j) {
      return j === null ? null : elem.fromJson(j);
    },
    toJson(v) {
      return v === null ? null : elem.toJson(v);
    },
  };
}
