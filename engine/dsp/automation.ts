import { ControlRoomError } from "../../music/errors.ts";

/**
 * Automation lanes: breakpoints in absolute render frames at the engine sample rate.
 * `curve` shapes the segment from a point to the next: "linear" interpolates, "hold" keeps
 * the point's value until the next point. Before the first point the first value holds;
 * after the last point the last value holds.
 */
export interface AutomationPoint {
  /** Absolute render frame; may be fractional. */
  frame: number;
  value: number;
  curve: "linear" | "hold";
}

export interface AutomationLane {
  /** Parameter path, e.g. "faderDb", "eq.1.gainDb", "sends.reverb.levelDb". */
  parameter: string;
  points: AutomationPoint[];
}

/**
 * Checks a lane's points before it reaches the audio thread: finite frames and values, a
 * known curve, and frames in non-decreasing order. Two points on one frame are allowed and
 * make a jump at that frame.
 */
export function validateAutomationPoints(
  parameter: string,
  points: readonly AutomationPoint[],
): void {
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (!Number.isFinite(p.frame) || !Number.isFinite(p.value)) {
      throw new ControlRoomError(
        "E_AUTOMATION_POINT",
        `automation of ${parameter}: point ${i} needs a finite frame and value`,
        parameter,
      );
    }
    if (p.curve !== "linear" && p.curve !== "hold") {
      throw new ControlRoomError(
        "E_AUTOMATION_CURVE",
        `automation of ${parameter}: point ${i} has curve "${String(p.curve)}", expected "linear" or "hold"`,
        parameter,
      );
    }
    if (i > 0 && p.frame < points[i - 1].frame) {
      throw new ControlRoomError(
        "E_AUTOMATION_ORDER",
        `automation of ${parameter}: point ${i} at frame ${p.frame} comes before point ${i - 1} at frame ${points[i - 1].frame}`,
        parameter,
      );
    }
  }
}

/**
 * A lane compiled to typed arrays for the audio thread. Values are a pure function of the
 * absolute frame, so the result does not depend on how the render is cut into blocks.
 */
export class AutomationReader {
  private readonly frames: Float64Array;
  private readonly values: Float64Array;
  private readonly hold: Uint8Array;
  private readonly count: number;

  /** Copies the points (validated with validateAutomationPoints); needs at least one. */
  constructor(points: readonly AutomationPoint[]) {
    const n = points.length;
    this.count = n;
    this.frames = new Float64Array(n);
    this.values = new Float64Array(n);
    this.hold = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      this.frames[i] = points[i].frame;
      this.values[i] = points[i].value;
      this.hold[i] = points[i].curve === "hold" ? 1 : 0;
    }
  }

  /**
   * The value on every frame of [start, start + frames) when it does not move there, left
   * in constantValue; false when it moves (or might: a segment boundary falls inside).
   * Reported through a field rather than a returned number so V8 need not box a double.
   */
  constantValue = 0;

  /** Index of the last point at or before `frame`, or −1 before the first point. */
  private segmentAt(frame: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.frames[mid] <= frame) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** The lane's value at an absolute frame. */
  valueAt(frame: number): number {
    const segment = this.segmentAt(frame);
    const values = this.values;
    if (segment < 0) return values[0];
    if (segment === this.count - 1 || this.hold[segment] === 1) return values[segment];
    const v0 = values[segment];
    const f0 = this.frames[segment];
    // (f − f0)/(f1 − f0) rather than a precomputed slope: exact at simple ratios (½, ¼).
    return v0 + (values[segment + 1] - v0) * ((frame - f0) / (this.frames[segment + 1] - f0));
  }

  isConstantOver(start: number, frames: number): boolean {
    const segment = this.segmentAt(start);
    const values = this.values;
    if (segment + 1 < this.count && this.frames[segment + 1] <= start + frames - 1) return false;
    if (segment < 0) {
      this.constantValue = values[0];
      return true;
    }
    if (
      segment === this.count - 1 ||
      this.hold[segment] === 1 ||
      values[segment + 1] === values[segment]
    ) {
      this.constantValue = values[segment];
      return true;
    }
    return false;
  }

  /**
   * Writes the value at frames start, start+1, … into out[0..frames), a segment at a time;
   * each frame gets exactly what valueAt gives it.
   */
  fill(out: Float64Array, start: number, frames: number): void {
    const points = this.frames;
    const values = this.values;
    const count = this.count;
    let segment = this.segmentAt(start);
    let i = 0;
    while (i < frames) {
      // Frames before the next point belong to this segment; ceil for fractional points.
      let end = frames;
      if (segment + 1 < count) {
        const next = Math.ceil(points[segment + 1]) - start;
        if (next < end) end = next;
      }
      if (segment < 0 || segment === count - 1 || this.hold[segment] === 1) {
        const v = values[Math.max(segment, 0)];
        for (let k = i; k < end; k++) out[k] = v;
      } else {
        const v0 = values[segment];
        const dv = values[segment + 1] - v0;
        const f0 = points[segment];
        const span = points[segment + 1] - f0;
        for (let k = i; k < end; k++) out[k] = v0 + dv * ((start + k - f0) / span);
      }
      i = end;
      segment++;
      // Several points on one frame: skip to the last of them, as valueAt does.
      while (segment + 1 < count && points[segment + 1] <= start + i) segment++;
    }
  }
}
