/** Colours as the `object_color` attribute stores them: "#rrggbb". */
export function normalizeHex(input: string): string | null {
  const s = input.trim().toLowerCase();
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/.exec(s);
  if (!m?.[1]) return null;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join("") : m[1];
  return `#${hex}`;
}

export function hexToRgb01(hex: string): [number, number, number] | null {
  const n = normalizeHex(hex);
  if (!n) return null;
  const v = parseInt(n.slice(1), 16);
  return [((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255];
}

export const PALETTE = [
  "#ffffff", "#9aa4b8", "#2d3142", "#ff5d5d", "#ff9f43", "#ffd166",
  "#06d6a0", "#3dd6f5", "#4d7cff", "#9b5de5", "#f15bb5", "#8d6e63",
];
