import type { FrameScene } from "./frame-loop.ts";
import { gainToDb, MeterPainter } from "./meter-painter.ts";

/** How often a meter's accessible value is brought up to date (not every frame). */
const LABEL_MS = 250;

interface MeterEntry {
  canvas: HTMLCanvasElement;
  /** The accessible reading: a <meter> beside the canvas. */
  reading: HTMLElement;
  context: CanvasRenderingContext2D;
  read: () => readonly number[];
  last: number[];
  width: number;
  height: number;
  labelled: number;
}

/**
 * The console's peak meters on the frame loop: each canvas is repainted when its levels
 * moved, and its reading (a <meter>: the peak in dBFS) follows four times a second, so the
 * meters are readable without a React render per frame.
 */
export class MeterScene implements FrameScene {
  private readonly meters = new Set<MeterEntry>();
  private readonly painter = new MeterPainter();

  add(canvas: HTMLCanvasElement, reading: HTMLElement, read: () => readonly number[]): () => void {
    const context = canvas.getContext("2d");
    if (!context) return () => {};
    const entry: MeterEntry = {
      canvas,
      reading,
      context,
      read,
      last: [],
      width: 0,
      height: 0,
      labelled: 0,
    };
    this.meters.add(entry);
    return () => this.meters.delete(entry);
  }

  frame(now: number): void {
    const ratio = window.devicePixelRatio || 1;
    for (const meter of this.meters) {
      const peaks = meter.read();
      const width = Math.max(1, Math.round(meter.canvas.clientWidth));
      const height = Math.max(1, Math.round(meter.canvas.clientHeight));
      const resized = width !== meter.width || height !== meter.height;
      if (resized) {
        meter.width = width;
        meter.height = height;
        meter.canvas.width = Math.round(width * ratio);
        meter.canvas.height = Math.round(height * ratio);
      }
      if (resized || changed(meter.last, peaks)) {
        meter.last = [...peaks];
        meter.context.setTransform(ratio, 0, 0, ratio, 0, 0);
        this.painter.paint(meter.context, width, height, peaks);
      }
      if (now - meter.labelled >= LABEL_MS) {
        meter.labelled = now;
        const db = Math.max(-60, gainToDb(Math.max(0, ...peaks)));
        const text = db <= -60 ? "silence" : `${db.toFixed(1)} dB`;
        if (meter.reading.getAttribute("aria-valuetext") !== text) {
          meter.reading.setAttribute("value", db.toFixed(1));
          meter.reading.setAttribute("aria-valuetext", text);
        }
      }
    }
  }
}

function changed(before: readonly number[], now: readonly number[]): boolean {
  if (before.length !== now.length) return true;
  for (let i = 0; i < now.length; i++) if (Math.abs(before[i] - now[i]) > 1e-5) return true;
  return false;
}
