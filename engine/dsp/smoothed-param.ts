import { type AutomationPoint, AutomationReader } from "./automation.ts";

/** Length of the ramp that carries a live change (setTarget) to its new value. */
export const DEFAULT_RAMP_MS = 20;

/**
 * A parameter the audio thread reads per sample. Its value comes from one of two sources:
 *
 * - an automation lane, evaluated sample-accurately (automation "read" mode: while a lane
 *   is set it decides the value, and setTarget only changes the value used without it);
 * - the static value from the settings, changed live with setTarget, which ramps linearly
 *   from the current value to the target over DEFAULT_RAMP_MS, starting at the first frame
 *   of the next block, so a change never jumps in the middle of a block. Before the first
 *   block after prepare/reset nothing has been heard yet, so setTarget then jumps.
 *
 * Both are evaluated in closed form from the absolute frame (never accumulated per sample),
 * so the values, and whatever is computed from them, do not depend on block size. Once a
 * ramp has finished the value is exactly the target.
 */
export class SmoothedParam {
  /** Per-frame values of the last filled block; values[i] belongs to frame start + i. */
  values: Float64Array = new Float64Array(0);
  /** True when every frame of the last filled block has the same value. */
  isConstant = true;
  /**
   * The value at the first frame of the last filled block (the value, when constant).
   * Numeric fields the audio thread writes get a numeric initialiser: a bare declaration
   * starts them as undefined, and V8 then boxes every double stored into them.
   */
  value = 0;

  private readonly rampMs: number;
  private rampLength = 1;
  private target = 0;
  private rampFrom = 0;
  private rampStart = 0;
  private rampFrames = 0;
  private pending = false;
  /** A block has been filled since prepare/reset. */
  private started = false;
  private pendingValue = 0;
  private reader: AutomationReader | null = null;
  /** The constant that values[0..filledFrames) already holds, to skip refilling it. */
  private filledValue = Number.NaN;
  private filledFrames = 0;

  constructor(initial: number, rampMs: number = DEFAULT_RAMP_MS) {
    this.value = initial;
    this.target = initial;
    this.rampFrom = initial;
    this.rampMs = rampMs;
  }

  /** Allocates the per-block buffer. */
  prepare(sampleRate: number, maxBlockFrames: number): void {
    this.values = new Float64Array(maxBlockFrames);
    this.filledValue = Number.NaN;
    this.filledFrames = 0;
    this.rampLength = Math.max(1, Math.round((this.rampMs * sampleRate) / 1000));
    this.reset();
  }

  /** Drives the value from automation points (validated by the caller), or null for none. */
  setLane(points: readonly AutomationPoint[] | null): void {
    this.reader = points !== null && points.length > 0 ? new AutomationReader(points) : null;
  }

  get automated(): boolean {
    return this.reader !== null;
  }

  /** The static value the parameter rests at (or is ramping to). */
  get targetValue(): number {
    return this.pending ? this.pendingValue : this.target;
  }

  /** Live change: ramps to v over DEFAULT_RAMP_MS from the next block's first frame. */
  setTarget(v: number): void {
    if (!this.started) {
      this.setImmediate(v);
      return;
    }
    this.pending = true;
    this.pendingValue = v;
  }

  /** Jumps to v with no ramp, e.g. when loading settings before playback. */
  setImmediate(v: number): void {
    this.pending = false;
    this.target = v;
    this.rampFrom = v;
    this.rampFrames = 0;
  }

  /** Finishes any ramp at once; the lane, if any, stays. */
  reset(): void {
    this.setImmediate(this.targetValue);
    this.started = false;
  }

  /**
   * Computes the values of frames [start, start + frames); see values, isConstant, value.
   * Written without helper calls that pass or return numbers: V8 boxes those doubles (an
   * allocation) whenever it does not inline the call.
   */
  fill(start: number, frames: number): void {
    this.started = true;
    if (this.pending) {
      // Start the ramp from wherever the previous one is at this frame.
      let from = this.target;
      if (this.rampFrames !== 0 && start < this.rampStart + this.rampFrames) {
        from =
          start <= this.rampStart
            ? this.rampFrom
            : this.rampFrom +
              (this.target - this.rampFrom) * ((start - this.rampStart) / this.rampFrames);
      }
      this.pending = false;
      this.target = this.pendingValue;
      this.rampFrom = from;
      this.rampStart = start;
      this.rampFrames = from === this.target ? 0 : this.rampLength;
    }
    const reader = this.reader;
    if (reader !== null) {
      if (reader.isConstantOver(start, frames)) {
        this.value = reader.constantValue;
        this.markConstant(frames);
      } else {
        reader.fill(this.values, start, frames);
        this.markMoving();
      }
      return;
    }
    const rampEnd = this.rampStart + this.rampFrames;
    if (this.rampFrames === 0 || start >= rampEnd) {
      this.rampFrames = 0;
      this.value = this.target;
      this.markConstant(frames);
      return;
    }
    // v(f) = from + (target − from)·(f − start)/length, in closed form per frame.
    const values = this.values;
    const from = this.rampFrom;
    const delta = this.target - from;
    const rampStart = this.rampStart;
    const length = this.rampFrames;
    const target = this.target;
    for (let i = 0; i < frames; i++) {
      const frame = start + i;
      values[i] =
        frame >= rampEnd
          ? target
          : frame <= rampStart
            ? from
            : from + delta * ((frame - rampStart) / length);
    }
    this.markMoving();
  }

  /** this.value holds on every frame; keep `values` valid without refilling every block. */
  private markConstant(frames: number): void {
    this.isConstant = true;
    const value = this.value;
    if (value !== this.filledValue || frames > this.filledFrames) {
      const values = this.values;
      for (let i = 0; i < frames; i++) values[i] = value;
      this.filledValue = value;
      this.filledFrames = frames;
    }
  }

  private markMoving(): void {
    this.isConstant = false;
    this.value = this.values[0];
    this.filledValue = Number.NaN;
    this.filledFrames = 0;
  }
}
