import type { ReactElement } from "react";

/** A small drawing of a basic shape, for assets without a preview image. */
export function ShapeGlyph({ name }: { name: string }): ReactElement {
  const n = name.toLowerCase();
  const common = { fill: "none", stroke: "currentColor", strokeWidth: 1.6, strokeLinejoin: "round" as const };
  let shape: ReactElement;
  if (n.includes("sphere") || n.includes("orb") || n.includes("ball")) shape = <><circle cx="20" cy="20" r="12" {...common} /><ellipse cx="20" cy="20" rx="12" ry="4" {...common} /></>;
  else if (n.includes("cylinder") || n.includes("capsule")) shape = <><ellipse cx="20" cy="10" rx="9" ry="3.5" {...common} /><path d="M11 10v20a9 3.5 0 0 0 18 0V10" {...common} /></>;
  else if (n.includes("cone")) shape = <><path d="M20 6 11 30a9 3.5 0 0 0 18 0z" {...common} /></>;
  else if (n.includes("torus") || n.includes("ring")) shape = <><ellipse cx="20" cy="20" rx="13" ry="7" {...common} /><ellipse cx="20" cy="19" rx="6" ry="2.5" {...common} /></>;
  else if (n.includes("disc") || n.includes("quad") || n.includes("plane")) shape = <path d="M6 25 20 18l14 7-14 7z" {...common} />;
  else if (n.includes("octa") || n.includes("icosa") || n.includes("dodeca") || n.includes("bucky")) shape = <path d="M20 5 33 20 20 35 7 20z M7 20h26 M20 5v30" {...common} />;
  else shape = <><path d="M20 6 32 12.5v14L20 33 8 26.5v-14z" {...common} /><path d="M8 12.5 20 19l12-6.5M20 19v14" {...common} /></>;
  return (
    <svg width="40" height="40" viewBox="0 0 40 40" aria-hidden>
      {shape}
    </svg>
  );
}
