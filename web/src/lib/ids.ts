/** UUID helpers. */
export const NIL_UUID = "00000000-0000-0000-0000-000000000000";

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

export function isNil(value: string | null | undefined): boolean {
  return !value || value === NIL_UUID;
}

/** A random v4 UUID (crypto.randomUUID where available). */
export function randomUuid(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The form media URLs use for 3D asset ids: 32 hex digits, no dashes. */
export function compactUuid(id: string): string {
  return id.replace(/-/g, "").toLowerCase();
}
