import type { KeyboardEvent, PointerEvent } from "react";
import { useRef, useState } from "react";
import { formatPan } from "./fader-law.ts";

interface PanProps {
  label: string;
  pan: number;
  disabled?: boolean;
  disabledReason?: string;
  onChange(pan: number): void;
}

const clamp = (pan: number) => Math.max(-1, Math.min(1, Math.round(pan * 100) / 100));

/** Pan as a knob: a horizontal slider from L 100 % to R 100 %; double-click centres it. */
export function PanKnob({ label, pan, disabled, disabledReason, onChange }: PanProps) {
  const [dragging, setDragging] = useState<number>();
  const origin = useRef({ x: 0, pan: 0 });
  const shown = dragging ?? pan;

  const keyDown = (event: KeyboardEvent) => {
    if (disabled) return;
    const step = event.shiftKey ? 0.25 : 0.05;
    let next: number | undefined;
    if (event.key === "ArrowRight" || event.key === "ArrowUp") next = clamp(pan + step);
    if (event.key === "ArrowLeft" || event.key === "ArrowDown") next = clamp(pan - step);
    if (event.key === "Home") next = -1;
    if (event.key === "End") next = 1;
    if (next === undefined) return;
    event.preventDefault();
    if (next !== pan) onChange(next);
  };
  const pointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (disabled || event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    origin.current = { x: event.clientX, pan };
    setDragging(pan);
  };
  const pointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (dragging === undefined) return;
    setDragging(clamp(origin.current.pan + (event.clientX - origin.current.x) / 80));
  };
  const pointerUp = () => {
    if (dragging === undefined) return;
    setDragging(undefined);
    if (dragging !== pan) onChange(dragging);
  };

  return (
    <div
      role="slider"
      tabIndex={disabled ? -1 : 0}
      aria-label={label}
      aria-valuemin={-1}
      aria-valuemax={1}
      aria-valuenow={shown}
      aria-valuetext={formatPan(shown)}
      aria-disabled={disabled || undefined}
      title={disabled ? disabledReason : `${label}: ${formatPan(shown)}`}
      className={`pan${disabled ? " disabled" : ""}`}
      onKeyDown={keyDown}
      onPointerDown={pointerDown}
      onPointerMove={pointerMove}
      onPointerUp={pointerUp}
      onPointerCancel={pointerUp}
      onDoubleClick={() => !disabled && pan !== 0 && onChange(0)}
    >
      <svg viewBox="0 0 40 40" aria-hidden="true">
        <circle cx="20" cy="20" r="15" className="pan-body" />
        <path d={arc(shown * 135)} className="pan-track" />
        <line
          x1="20"
          y1="20"
          x2={20 + 13 * Math.sin((shown * 135 * Math.PI) / 180)}
          y2={20 - 13 * Math.cos((shown * 135 * Math.PI) / 180)}
          className="pan-pointer"
        />
      </svg>
      <span className="pan-value">{formatPan(shown)}</span>
    </div>
  );
}

/** The lit arc from centre to the pan's angle. */
function arc(to: number): string {
  const r = 18;
  const point = (deg: number) => {
    const rad = (deg * Math.PI) / 180;
    return `${20 + r * Math.sin(rad)} ${20 - r * Math.cos(rad)}`;
  };
  const start = Math.min(0, to);
  const end = Math.max(0, to);
  return `M ${point(start)} A ${r} ${r} 0 0 1 ${point(end)}`;
}
