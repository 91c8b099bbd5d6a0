/** Free-flight keyboard mapping (pure; the scene turns it into camera motion). */

export interface FlightInput {
  forward: number;
  right: number;
  up: number;
  boost: boolean;
}

const FORWARD = new Set(["KeyW", "ArrowUp"]);
const BACK = new Set(["KeyS", "ArrowDown"]);
const LEFT = new Set(["KeyA", "ArrowLeft"]);
const RIGHT = new Set(["KeyD", "ArrowRight"]);
const UP = new Set(["KeyE", "PageUp"]);
const DOWN = new Set(["KeyQ", "PageDown"]);

export const FLIGHT_KEYS = new Set([...FORWARD, ...BACK, ...LEFT, ...RIGHT, ...UP, ...DOWN, "ShiftLeft", "ShiftRight"]);

/** Base speed in units per second; Shift multiplies it. */
export const BASE_SPEED = 8;
export const BOOST = 3;

export function flightInput(pressed: ReadonlySet<string>): FlightInput {
  const any = (keys: Set<string>): boolean => [...keys].some((k) => pressed.has(k));
  return {
    forward: (any(FORWARD) ? 1 : 0) - (any(BACK) ? 1 : 0),
    right: (any(RIGHT) ? 1 : 0) - (any(LEFT) ? 1 : 0),
    up: (any(UP) ? 1 : 0) - (any(DOWN) ? 1 : 0),
    boost: pressed.has("ShiftLeft") || pressed.has("ShiftRight"),
  };
}

export function isMoving(input: FlightInput): boolean {
  return input.forward !== 0 || input.right !== 0 || input.up !== 0;
}

/** Speed multiplier set by the digit keys: 1–9 → ×1…×9, 0 → ×0.5 (null for other keys). */
export function speedForDigit(code: string): number | null {
  const m = /^Digit([0-9])$/.exec(code);
  if (!m?.[1]) return null;
  const d = Number(m[1]);
  return d === 0 ? 0.5 : d;
}

/**
 * Camera rotation on the wire vs in this Babylon version. The Odyssey clients (Babylon 6,
 * right-handed scene) look along +Z at rotation 0; Babylon 9's right-handed cameras look along -Z.
 * Turning half a turn about Y (and mirroring pitch and roll) keeps the view the same, so spawn
 * points and avatar rotations mean what they meant for the reference client.
 */
export function wireToCameraRotation(r: { x: number; y: number; z: number }): { x: number; y: number; z: number } {
  return { x: -r.x, y: wrapAngle(r.y + Math.PI), z: -r.z };
}

export function cameraToWireRotation(r: { x: number; y: number; z: number }): { x: number; y: number; z: number } {
  return { x: -r.x, y: wrapAngle(r.y - Math.PI), z: -r.z };
}

/** An angle in (-π, π]. */
export function wrapAngle(a: number): number {
  const twoPi = Math.PI * 2;
  let v = a % twoPi;
  if (v > Math.PI) v -= twoPi;
  if (v <= -Math.PI) v += twoPi;
  return v === 0 ? 0 : v;
}
