/**
 * The JSON value format shared with the Python codec (tests/data/posbus-vectors.json and the
 * cross-language fixtures in tests/data/posbus-cross/). Only the tests and the fixture scripts use
 * it, so it lives in scripts/, outside the shipped client.
 *
 * `JSON.parse` loses two distinctions that matter on the wire inside gotiny values: `2.0` (a Go
 * float64) versus `2` (a Go int), and integers beyond 2^53. {@link parsePosbusJson} keeps them
 * ({@link GoFloat64} markers and bigints) and {@link stringifyPosbusJson} writes them back, so
 * values survive a round trip through JSON text and through Python's `json` module.
 */

import { PosbusEncodeError } from "../src/posbus/errors";
import { GoFloat64 } from "../src/posbus/gotiny-value";
import { MESSAGE_CODECS, isPosbusTypeName } from "../src/posbus/messages";
import { isPlainObject, setOwn, type Codec } from "../src/posbus/mus";
import type { PosbusMessage } from "../src/posbus/types";

/** Converts a JSON value (as parsed) of the given type to a message. float32 fields are rounded. */
export function messageFromJson(typeName: string, json: unknown): PosbusMessage {
  if (!isPosbusTypeName(typeName)) throw new PosbusEncodeError(`unknown message type ${JSON.stringify(typeName)}`);
  const codec = MESSAGE_CODECS[typeName] as Codec<unknown>;
  return { type: typeName, value: codec.fromJson(json) } as PosbusMessage;
}

/** JSON value of a message (non-finite float32 become "Infinity" / "-Infinity" / "NaN"). */
export function messageToJson(msg: PosbusMessage): unknown {
  const codec = MESSAGE_CODECS[msg.type] as Codec<unknown>;
  return codec.toJson(msg.value);
}

/** Deep copy with every GoFloat64 marker replaced by its number (what decode() returns). */
export function stripGoFloat64(v: unknown): unknown {
  if (v instanceof GoFloat64) return v.value;
  if (Array.isArray(v)) return v.map(stripGoFloat64);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) setOwn(out, key, stripGoFloat64(v[key]));
    return out;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Parser

/**
 * JSON parser for posbus value files. Differences from JSON.parse:
 * - a number written with a fraction or exponent whose value is an integer (`2.0`, `1e3`, `-0.0`)
 *   becomes a {@link GoFloat64};
 * - an integer literal outside the safe range becomes a bigint;
 * - the non-standard tokens `Infinity`, `-Infinity` and `NaN` (Python's json.dumps writes them)
 *   are accepted as numbers;
 * - a key "__proto__" becomes an ordinary own property.
 */
export function parsePosbusJson(text: string): unknown {
  const p = new Parser(text);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.i !== text.length) p.fail("unexpected text after the JSON value");
  return v;
}

const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  fail(msg: string): never {
    throw new SyntaxError(`${msg} at offset ${this.i}`);
  }

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else break;
    }
  }

  lit(word: string): boolean {
    if (this.s.startsWith(word, this.i)) {
      this.i += word.length;
      return true;
    }
    return false;
  }

  value(depth: number): unknown {
    if (depth > 1000) this.fail("JSON nested too deeply");
    const s = this.s;
    const c = s[this.i];
    if (c === "{") {
      this.i++;
      const out: Record<string, unknown> = {};
      this.ws();
      if (s[this.i] === "}") {
        this.i++;
        return out;
      }
      for (;;) {
        this.ws();
        if (s[this.i] !== '"') this.fail("expected a string key");
        const key = this.string();
        this.ws();
        if (s[this.i] !== ":") this.fail("expected ':'");
        this.i++;
        this.ws();
        setOwn(out, key, this.value(depth + 1));
        this.ws();
        if (s[this.i] === ",") {
          this.i++;
          continue;
        }
        if (s[this.i] === "}") {
          this.i++;
          return out;
        }
        this.fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      this.i++;
      const out: unknown[] = [];
      this.ws();
      if (s[this.i] === "]") {
        this.i++;
        return out;
      }
      for (;;) {
        this.ws();
        out.push(this.value(depth + 1));
        this.ws();
        if (s[this.i] === ",") {
          this.i++;
          continue;
        }
        if (s[this.i] === "]") {
          this.i++;
          return out;
        }
        this.fail("expected ',' or ']'");
      }
    }
    if (c === '"') return this.string();
    if (this.lit("true")) return true;
    if (this.lit("false")) return false;
    if (this.lit("null")) return null;
    if (this.lit("NaN")) return NaN;
    if (this.lit("Infinity")) return Infinity;
    if (this.lit("-Infinity")) return -Infinity;
    NUMBER_RE.lastIndex = this.i;
    const m = NUMBER_RE.exec(s);
    if (m === null) this.fail("unexpected character");
    const tok = m[0];
    this.i += tok.length;
    if (m[1] !== undefined || m[2] !== undefined) {
      const v = Number(tok);
      return Number.isInteger(v) ? new GoFloat64(v) : v;
    }
    const v = Number(tok);
    if (Number.isSafeInteger(v)) return v === 0 ? 0 : v; // "-0" is the integer 0
    return BigInt(tok);
  }

  string(): string {
    const s = this.s;
    const start = this.i;
    let j = start + 1;
    for (;;) {
      if (j >= s.length) this.fail("unterminated string");
      const c = s.charCodeAt(j);
      if (c === 0x22) break;
      if (c === 0x5c) j += 2;
      else j++;
    }
    this.i = j + 1;
    return JSON.parse(s.slice(start, j + 1)) as string;
  }
}

// ---------------------------------------------------------------------------------------------
// Writer

/** Number as JSON text that reads back as a float in Python (`2.0`, `-0.0`, `1e+21`). */
function floatText(n: number): string {
  if (!Number.isFinite(n)) throw new PosbusEncodeError(`cannot write the non-finite number ${n} as JSON`);
  if (Object.is(n, -0)) return "-0.0";
  const t = String(n);
  return /[.eE]/.test(t) ? t : `${t}.0`;
}

function numberText(n: number): string {
  if (Number.isSafeInteger(n) && !Object.is(n, -0)) return String(n);
  return floatText(n);
}

/**
 * Deterministic JSON text. Plain numbers that are safe integers are written as integers, every
 * other number (and every GoFloat64) with float syntax; bigints as integer literals. With
 * `lineDepth` = d, containers at depth < d are spread one item per line; deeper ones are compact.
 */
export function stringifyPosbusJson(v: unknown, lineDepth = 0): string {
  return write(v, 0, lineDepth);
}

function write(v: unknown, depth: number, lineDepth: number): string {
  if (v === null) return "null";
  switch (typeof v) {
    case "boolean":
      return v ? "true" : "false";
    case "string":
      return JSON.stringify(v);
    case "number":
      return numberText(v);
    case "bigint":
      return v.toString();
    case "object":
      break;
    default:
      throw new PosbusEncodeError(`cannot write ${typeof v} as JSON`);
  }
  if (v instanceof GoFloat64) return floatText(v.value);
  const spread = depth < lineDepth;
  const indent = spread ? "\n" + "  ".repeat(depth + 1) : "";
  const close = spread ? "\n" + "  ".repeat(depth) : "";
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    return "[" + v.map((x) => indent + write(x, depth + 1, lineDepth)).join(",") + close + "]";
  }
  if (!isPlainObject(v)) throw new PosbusEncodeError("cannot write a non-plain object as JSON");
  const keys = Object.keys(v);
  if (keys.length === 0) return "{}";
  const sep = spread ? ": " : ":";
  return (
    "{" +
    keys.map((k) => indent + JSON.stringify(k) + sep + write(v[k], depth + 1, lineDepth)).join(",") +
    close +
    "}"
  );
}
