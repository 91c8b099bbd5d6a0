/** Position, rotation (in degrees) and scale of the selected object, one number field per axis. */
import { useEffect, useState, type ReactElement } from "react";
import type { Transform } from "../../posbus";

const DEG = 180 / Math.PI;

const ROWS: { key: "position" | "rotation" | "scale"; label: string; factor: number }[] = [
  { key: "position", label: "Position", factor: 1 },
  { key: "rotation", label: "Rotation °", factor: DEG },
  { key: "scale", label: "Scale", factor: 1 },
];

export function TransformFields({ transform, onChange }: { transform: Transform; onChange: (t: Transform) => void }): ReactElement {
  return (
    <div className="transform-grid">
      <span />
      <span className="axis x">X</span>
      <span className="axis y">Y</span>
      <span className="axis z">Z</span>
      {ROWS.map((row) => (
        <FragmentRow key={row.key} label={row.label}>
          {(["x", "y", "z"] as const).map((axis) => (
            <NumberInput
              key={axis}
              testId={`${row.key}-${axis}`}
              step={row.key === "rotation" ? 5 : 0.1}
              value={transform[row.key][axis] * row.factor}
              onCommit={(v) => {
                const next: Transform = {
                  position: { ...transform.position },
                  rotation: { ...transform.rotation },
                  scale: { ...transform.scale },
                };
                next[row.key][axis] = v / row.factor;
                onChange(next);
              }}
            />
          ))}
        </FragmentRow>
      ))}
    </div>
  );
}

function FragmentRow({ label, children }: { label: string; children: ReactElement[] }): ReactElement {
  return (
    <>
      <span className="row-label">{label}</span>
      {children}
    </>
  );
}

/** A number field that commits on Enter or blur, and follows the value while not being edited. */
function NumberInput({ value, onCommit, testId, step = 0.1 }: { value: number; onCommit: (v: number) => void; testId: string; step?: number }): ReactElement {
  const [text, setText] = useState(fmt(value));
  const [focused, setFocused] = useState(false);
  useEffect(() => {
    if (!focused) setText(fmt(value));
  }, [value, focused]);
  const commit = (): void => {
    const v = Number(text);
    if (Number.isFinite(v) && Math.abs(v - value) > 1e-6) onCommit(v);
    else setText(fmt(value));
  };
  return (
    <input
      type="number"
      step={step}
      value={text}
      data-testid={testId}
      onFocus={() => setFocused(true)}
      onBlur={() => {
        setFocused(false);
        commit();
      }}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === "Enter") commit();
      }}
    />
  );
}

function fmt(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}
