/**
 * Values carried by gotiny `map[string]interface{}` blobs (attribute values, render slots).
 *
 * JSON-like, with two additions:
 * - `bigint` for Go `int` values outside the safe-integer range (decode gives a `number`
 *   whenever the value is a safe integer);
 * - {@link GoFloat64}, an explicit marker for a Go float64. Plain numbers are encoded as Go
 *   `int` when they are safe integers (and not -0), and as `float64` otherwise, so a float64
 *   with an integral value (2.0) needs the marker to be written as float64. Decoding always
 *   gives plain numbers.
 */
export type GotinyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | GoFloat64
  | GotinyValue[]
  | GotinyMap;

export interface GotinyMap {
  [key: string]: GotinyValue;
}

/** Forces a number to be encoded with the gotiny type name `float64`. */
export class GoFloat64 {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}
