/**
 * Framing (posbus.md §1.2): LE u32 type id, MUS payload, LE u32 footer = bitwise NOT of the id.
 */

import { ByteReader, ByteWriter } from "./bytes";
import { PosbusDecodeError, PosbusEncodeError } from "./errors";
import { MESSAGE_CODECS, MESSAGE_TYPE_IDS, isPosbusTypeName, nestedTypeNameOf, typeNameOf } from "./messages";
import type { PosbusMessage, PosbusTypeName } from "./types";
import type { Codec } from "./mus";

export interface DecodeOptions {
  /** Frames longer than this are rejected with `frame_too_large`. Default 1 MiB. */
  maxFrameSize?: number;
}

export const DEFAULT_MAX_FRAME_SIZE = 1024 * 1024;

/** Encodes a message into one posbus frame. Throws PosbusEncodeError for values that do not fit. */
export function encode(msg: PosbusMessage): Uint8Array {
  if (typeof msg !== "object" || msg === null) throw new PosbusEncodeError("expected a {type, value} message");
  const type: unknown = msg.type;
  if (!isPosbusTypeName(type)) {
    throw new PosbusEncodeError(`unknown or non-framable message type ${JSON.stringify(type)}`);
  }
  const id = MESSAGE_TYPE_IDS[type];
  const codec = MESSAGE_CODECS[type] as Codec<unknown>;
  const w = new ByteWriter(64);
  w.u32le(id);
  try {
    codec.enc(w, msg.value);
  } catch (e) {
    if (e instanceof PosbusEncodeError) throw e.withSegment(`${type}.value`);
    throw e;
  }
  w.u32le(~id >>> 0);
  return w.finish();
}

/**
 * Decodes one posbus frame. Any input either gives a message or throws a PosbusDecodeError
 * (never another exception type). Stricter than the Go reference: the payload must end exactly
 * at the footer (no trailing bytes, no reading into the footer).
 */
export function decode(frame: Uint8Array | ArrayBuffer, opts?: DecodeOptions): PosbusMessage {
  try {
    return decodeFrame(frame, opts);
  } catch (e) {
    if (e instanceof PosbusDecodeError) throw e;
    throw new PosbusDecodeError("internal_error", e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  }
}

/** Type name of a frame whose header and footer agree, without decoding the payload. */
export function peekType(frame: Uint8Array): PosbusTypeName | undefined {
  if (!(frame instanceof Uint8Array) || frame.length < 8) return undefined;
  const n = frame.length;
  const header = readU32le(frame, 0);
  const footer = readU32le(frame, n - 4);
  if ((header ^ footer) >>> 0 !== 0xffff_ffff) return undefined;
  return typeNameOf(header);
}

function readU32le(b: Uint8Array, off: number): number {
  return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
}

function decodeFrame(input: unknown, opts?: DecodeOptions): PosbusMessage {
  let frame: Uint8Array;
  if (input instanceof Uint8Array) frame = input;
  else if (input instanceof ArrayBuffer) frame = new Uint8Array(input);
  else throw new PosbusDecodeError("invalid_input", "frame must be a Uint8Array or ArrayBuffer");

  const n = frame.length;
  if (n < 8) throw new PosbusDecodeError("too_short", `frame of ${n} bytes is shorter than 8`);
  const max = opts?.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  if (n > max) throw new PosbusDecodeError("frame_too_large", `frame of ${n} bytes exceeds the limit of ${max}`);

  const header = readU32le(frame, 0);
  const footer = readU32le(frame, n - 4);
  if ((header ^ footer) >>> 0 !== 0xffff_ffff) {
    throw new PosbusDecodeError(
      "footer_mismatch",
      `footer 0x${hex32(footer)} is not the bitwise NOT of header 0x${hex32(header)}`,
      n - 4,
    );
  }
  const type = typeNameOf(header);
  if (type === undefined) {
    const nested = nestedTypeNameOf(header);
    throw new PosbusDecodeError(
      "unknown_type",
      nested === undefined
        ? `unknown type id 0x${hex32(header)}`
        : `type id 0x${hex32(header)} (${nested}) is nested-only and is never framed`,
      0,
    );
  }

  const r = new ByteReader(frame, 4, n - 4);
  const value = (MESSAGE_CODECS[type] as Codec<unknown>).dec(r);
  if (r.pos !== r.end) {
    throw new PosbusDecodeError("trailing_bytes", `${r.end - r.pos} bytes left after the ${type} payload`, r.pos);
  }
  return { type, value } as PosbusMessage;
}

function hex32(v: number): string {
  return v.toString(16).padStart(8, "0");
}
