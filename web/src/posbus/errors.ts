/**
 * Error types of the posbus codec.
 *
 * Decoding never throws anything but {@link PosbusDecodeError}; encoding a value that does not
 * fit the wire format throws {@link PosbusEncodeError}.
 */

/** Why a frame was rejected. */
export type PosbusDecodeReason =
  /** The input is not a Uint8Array / ArrayBuffer. */
  | "invalid_input"
  /** Frame shorter than 8 bytes (header + footer). */
  | "too_short"
  /** Frame longer than `maxFrameSize`. */
  | "frame_too_large"
  /** Footer is not the bitwise NOT of the header. */
  | "footer_mismatch"
  /** Type id is not a framable posbus type (unknown, or one of the 3 nested-only ids). */
  | "unknown_type"
  /** The payload ended in the middle of a value. */
  | "truncated"
  /** Bytes left over between the end of the payload and the footer. */
  | "trailing_bytes"
  /** A MUS bool byte other than 00 / 01. */
  | "invalid_bool"
  /** A MUS pointer flag byte other than 00 / 01. */
  | "invalid_pointer"
  /** A negative (zigzag) string / slice / map length. */
  | "negative_length"
  /** A length or count that cannot fit in the remaining bytes. */
  | "oversized_length"
  /** A string that is not valid UTF-8. */
  | "bad_utf8"
  /** A varint longer than its type allows or with bits beyond the type's width. */
  | "varint_overflow"
  /** gotiny maps/lists nested deeper than the limit (32). */
  | "nesting_too_deep"
  /** A gotiny interface value with a type name the official clients cannot decode. */
  | "unknown_gotiny_type"
  /** A bug in the decoder (should never happen; the fuzz test checks it does not). */
  | "internal_error";

export class PosbusDecodeError extends Error {
  override readonly name = "PosbusDecodeError";
  readonly reason: PosbusDecodeReason;
  /** Byte offset in the frame where the problem was found, when known. */
  readonly offset: number | undefined;

  constructor(reason: PosbusDecodeReason, message: string, offset?: number) {
    super(offset === undefined ? `${reason}: ${message}` : `${reason}: ${message} (at byte ${offset})`);
    this.reason = reason;
    this.offset = offset;
  }
}

export class PosbusEncodeError extends Error {
  override readonly name = "PosbusEncodeError";
  /** Path of the offending field inside the message value, e.g. `["objects", "0", "name"]`. */
  readonly path: string[];
  readonly detail: string;

  constructor(detail: string, path: string[] = []) {
    super(detail);
    this.detail = detail;
    this.path = path;
    this.refreshMessage();
  }

  /** Prepends a path segment (used while the error travels up through containers). */
  withSegment(segment: string): this {
    this.path.unshift(segment);
    this.refreshMessage();
    return this;
  }

  private refreshMessage(): void {
    this.message = this.path.length > 0 ? `${this.path.join(".")}: ${this.detail}` : this.detail;
  }
}
