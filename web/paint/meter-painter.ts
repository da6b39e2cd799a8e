import { THEME } from "./theme.ts";

/** The meter's scale: −60 dBFS at the bottom, +6 at the top. */
const FLOOR_DB = -60;
const CEILING_DB = 6;

/** Height fraction of a level in dBFS on the meter's scale. */
export function meterFraction(db: number): number {
  if (!Number.isFinite(db)) return 0;
  return Math.min(1, Math.max(0, (db - FLOOR_DB) / (CEILING_DB - FLOOR_DB)));
}

export function gainToDb(gain: number): number {
  return gain > 0 ? 20 * Math.log10(gain) : Number.NEGATIVE_INFINITY;
}

/**
 * A vertical peak meter: one bar per channel, green to −18 dBFS, amber to −6, red above,
 * with a clip mark over 0 dBFS. Draws from levels it is handed; holds nothing else.
 */
export class MeterPainter {
  paint(
    context: CanvasRenderingContext2D,
    width: number,
    height: number,
    peaks: readonly number[],
  ): void {
    context.fillStyle = THEME.border;
    context.fillRect(0, 0, width, height);
    const gap = 1;
    const bar = (width - gap * (peaks.length + 1)) / peaks.length;
    for (let c = 0; c < peaks.length; c++) {
      const db = gainToDb(peaks[c]);
      const top = height * (1 - meterFraction(db));
      const x = gap + c * (bar + gap);
      this.segment(context, x, bar, height, top, -Infinity, -18, "#3fbf6f");
      this.segment(context, x, bar, height, top, -18, -6, "#e2c23f");
      this.segment(context, x, bar, height, top, -6, Infinity, "#ff5a4f");
      if (db > 0) {
        context.fillStyle = "#ff5a4f";
        context.fillRect(x, 0, bar, 3);
      }
    }
    context.fillStyle = "rgba(255,255,255,0.18)";
    const zero = Math.round(height * (1 - meterFraction(0))) + 0.5;
    context.fillRect(0, zero, width, 1);
  }

  private segment(
    context: CanvasRenderingContext2D,
    x: number,
    bar: number,
    height: number,
    top: number,
    fromDb: number,
    toDb: number,
    colour: string,
  ): void {
    const bottom = height * (1 - meterFraction(fromDb));
    const limit = height * (1 - meterFraction(toDb));
    const y = Math.max(top, limit);
    if (y >= bottom) return;
    context.fillStyle = colour;
    context.fillRect(x, y, bar, bottom - y);
  }
}
