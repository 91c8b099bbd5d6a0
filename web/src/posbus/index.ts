/**
 * posbus codec: the binary websocket protocol of the Odyssey / Momentum controller.
 *
 * ```ts
 * import { encode, decode } from "./posbus";
 * const frame = encode({ type: "teleport_request", value: { target: worldId } });
 * const msg = decode(frameFromSocket); // throws PosbusDecodeError on bad input
 * if (msg.type === "users_transform_list") { ... }
 * ```
 */

export { encode, decode, peekType, DEFAULT_MAX_FRAME_SIZE, type DecodeOptions } from "./codec";
export { PosbusDecodeError, PosbusEncodeError, type PosbusDecodeReason } from "./errors";
export { GoFloat64 } from "./gotiny-value";
export { MAX_GOTINY_DEPTH } from "./gotiny";
export {
  MESSAGE_TYPE_IDS,
  MESSAGE_TYPE_NAMES,
  NESTED_TYPE_IDS,
  NESTED_TYPE_NAMES,
  isPosbusTypeName,
  nestedTypeNameOf,
  typeNameOf,
} from "./messages";
export * from "./types";
