import { type KeyboardEvent, type PointerEvent, useRef, useState } from "react";
import {
  FADER_MAX_DB,
  FADER_MIN_DB,
  faderDb,
  faderPosition,
  faderStep,
  formatDb,
} from "./fader-law.ts";

interface FaderProps {
  /** The accessible name, in the studio's words: "Bass fader". */
  label: string;
  db: number;
  disabled?: boolean;
  disabledReason?: string;
  onChange(db: number): void;
}

/**
 * A channel fader: a vertical slider in dB. The keyboard moves it in steps (arrows, Page
 * Up/Down 6 dB, Home −∞, End +12 dB); a drag shows the new level at once and sends one
 * edit when the fader is let go.
 */
export function Fader({ label, db, disabled, disabledReason, onChange }: FaderProps) {
  const track = useRef<HTMLDivElement>(null);
  const [dragging, setDragging] = useState<number>();
  const shown = dragging ?? db;

  const dbAt = (clientY: number) => {
    const rect = track.current!.getBoundingClientRect();
    return faderDb(1 - (clientY - rect.top) / rect.height);
  };

  const keyDown = (event: KeyboardEvent) => {
    if (disabled) return;
    let next: number | undefined;
    if (event.key === "ArrowUp" || event.key === "ArrowRight")
      next = faderStep(db, 1, event.shiftKey);
    if (event.key === "ArrowDown" || event.key === "ArrowLeft")
      next = faderStep(db, -1, event.shiftKey);
    if (event.key === "PageUp") next = faderStep(db, 1, true);
    if (event.key === "PageDown") next = faderStep(db, -1, true);
    if (event.key === "Home") next = FADER_MIN_DB;
    if (event.key === "End") next = FADER_MAX_DB;
    if (next === undefined) return;
    event.preventDefault();
    if (next !== db) onChange(next);
  };

  const pointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (disabled || event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    event.currentTarget.focus();
    setDragging(dbAt(event.clientY));
  };
  const pointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (dragging !== undefined) setDragging(dbAt(event.clientY));
  };
  const pointerUp = () => {
    if (dragging === undefined) return;
    setDragging(undefined);
    if (dragging !== db) onChange(dragging);
  };

  return (
    <div className="fader-wrap">
      <div
        role="slider"
        tabIndex={disabled ? -1 : 0}
        aria-label={label}
        aria-orientation="vertical"
        aria-valuemin={FADER_MIN_DB}
        aria-valuemax={FADER_MAX_DB}
        aria-valuenow={shown}
        aria-valuetext={formatDb(shown)}
        aria-disabled={disabled || undefined}
        title={disabled ? disabledReason : `${label}: ${formatDb(shown)}`}
        className={`fader${disabled ? " disabled" : ""}`}
        ref={track}
        onKeyDown={keyDown}
        onPointerDown={pointerDown}
        onPointerMove={pointerMove}
        onPointerUp={pointerUp}
        onPointerCancel={pointerUp}
        onDoubleClick={() => !disabled && db !== 0 && onChange(0)}
      >
        <div className="fader-scale" aria-hidden="true">
          {[12, 6, 0, -6, -12, -24, -40, -60].map((mark) => (
            <span key={mark} style={{ bottom: `${faderPosition(mark) * 100}%` }}>
              {mark > 0 ? `+${mark}` : mark}
            </span>
          ))}
        </div>
        <div className="fader-slot" aria-hidden="true" />
        <div
          className="fader-cap"
          aria-hidden="true"
          style={{ bottom: `calc(${faderPosition(shown) * 100}% - 10px)` }}
        />
      </div>
      <output className="fader-value">{formatDb(shown)}</output>
    </div>
  );
}
