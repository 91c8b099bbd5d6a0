/** The Odyssey mark: a hexagon around a dot. */
import type { ReactElement } from "react";

export function Logo({ size = 44 }: { size?: number }): ReactElement {
  return (
    <svg width={size} height={size} viewBox="0 0 48 48" aria-hidden>
      <defs>
        <linearGradient id="lg" x1="0" x2="1" y1="0" y2="1">
          <stop offset="0" stopColor="#3dd6f5" />
          <stop offset="1" stopColor="#4d7cff" />
        </linearGradient>
      </defs>
      <path d="M24 3 42 13.5v21L24 45 6 34.5v-21z" fill="none" stroke="url(#lg)" strokeWidth="3" />
      <circle cx="24" cy="24" r="7" fill="url(#lg)" />
    </svg>
  );
}
