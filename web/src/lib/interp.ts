/** Smoothing of remote avatar transforms: exponential approach toward the last received target. */
import type { Vec3 } from "../posbus";

/** Fraction of the remaining distance covered in `dt` seconds with time constant `tau`. */
export function smoothingFactor(dt: number, tau: number): number {
  if (tau <= 0) return 1;
  if (dt <= 0) return 0;
  return 1 - Math.exp(-dt / tau);
}

export function lerpVec(a: Vec3, b: Vec3, t: number): Vec3 {
  return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t, z: a.z + (b.z - a.z) * t };
}

/** Shortest signed difference between two angles in radians, in (-π, π]. */
export function angleDelta(from: number, to: number): number {
  const twoPi = Math.PI * 2;
  let d = (to - from) % twoPi;
  if (d > Math.PI) d -= twoPi;
  if (d <= -Math.PI) d += twoPi;
  return d;
}

/** Interpolate Euler angles along the shortest arc of each component. */
export function lerpAngles(a: Vec3, b: Vec3, t: number): Vec3 {
  return {
    x: a.x + angleDelta(a.x, b.x) * t,
    y: a.y + angleDelta(a.y, b.y) * t,
    z: a.z + angleDelta(a.z, b.z) * t,
  };
}

export function distance(a: Vec3, b: Vec3): number {
  return Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);
}

/** True when two transforms differ by more than the given position / angle tolerances. */
export function transformChanged(
  a: { position: Vec3; rotation: Vec3 },
  b: { position: Vec3; rotation: Vec3 },
  posEps = 1e-3,
  rotEps = 1e-3,
): boolean {
  if (distance(a.position, b.position) > posEps) return true;
  return (
    Math.abs(angleDelta(a.rotation.x, b.rotation.x)) > rotEps ||
    Math.abs(angleDelta(a.rotation.y, b.rotation.y)) > rotEps ||
    Math.abs(angleDelta(a.rotation.z, b.rotation.z)) > rotEps
  );
}
