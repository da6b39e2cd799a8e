import {
  Biquad,
  type BiquadDesign,
  type BiquadKind,
  BUTTERWORTH_Q,
  BUTTERWORTH4_Q,
  designBiquad,
} from "../dsp/biquad.ts";
import { SmoothedParam } from "../dsp/smoothed-param.ts";

/**
 * While a parameter moves, coefficients are recomputed only on frames that are multiples of
 * this, and only if the value changed: 0.67 ms at 48 kHz is fine-grained enough to be
 * inaudible, and keying it to the absolute frame keeps the output independent of block size.
 */
export const COEFFICIENT_GRID_FRAMES = 32;

/** Filter state is flushed of denormal-range values on reaching multiples of this frame. */
export const FLUSH_GRID_FRAMES = 4096;

/** Keeps bilinear-transform designs away from Nyquist, where tan(ω0/2) blows up. */
const MAX_FREQUENCY_RATIO = 0.49;
const MIN_FREQUENCY_HZ = 1;
const MIN_Q = 0.01;

/**
 * One filter slot of the strip: a high- or low-pass (one or two Butterworth sections) or an
 * EQ band (one section) with its automatable parameters.
 *
 * Coefficients follow the parameters at the coefficient grid; the first frame after
 * prepare/reset computes them from that frame's values. An EQ band at exactly 0 dB is
 * skipped (its biquad would be the identity anyway) and its state cleared, so it restarts
 * from rest; because parameters never jump, it restarts near 0 dB, where the section is
 * nearly the identity and its state nearly zero.
 */
export class FilterStage {
  readonly frequency: SmoothedParam;
  readonly gain: SmoothedParam;
  readonly q: SmoothedParam;

  private readonly kind: BiquadKind;
  private readonly sections: Biquad[];
  private readonly passQ: readonly number[];
  private readonly design: BiquadDesign = { sampleRate: 48_000, frequency: 1000, q: 1, gainDb: 0 };
  private coeffFrequency = Number.NaN;
  private coeffGain = Number.NaN;
  private coeffQ = Number.NaN;
  private active = false;
  private fresh = true;

  private constructor(
    kind: BiquadKind,
    frequency: number,
    gainDb: number,
    q: number,
    passQ: readonly number[],
  ) {
    this.kind = kind;
    this.frequency = new SmoothedParam(frequency);
    this.gain = new SmoothedParam(gainDb);
    this.q = new SmoothedParam(q);
    this.passQ = passQ;
    const count = passQ.length === 0 ? 1 : passQ.length;
    this.sections = [];
    for (let i = 0; i < count; i++) this.sections.push(new Biquad());
  }

  /** A Butterworth high- or low-pass: one section for 12 dB/oct, two for 24 dB/oct. */
  static pass(kind: "highPass" | "lowPass", frequency: number, slope: 12 | 24): FilterStage {
    return new FilterStage(
      kind,
      frequency,
      0,
      BUTTERWORTH_Q,
      slope === 24 ? BUTTERWORTH4_Q : [BUTTERWORTH_Q],
    );
  }

  /** An RBJ peaking or shelving EQ band. */
  static band(
    kind: "peak" | "lowShelf" | "highShelf",
    frequency: number,
    gainDb: number,
    q: number,
  ): FilterStage {
    return new FilterStage(kind, frequency, gainDb, q, []);
  }

  prepare(sampleRate: number, maxBlockFrames: number): void {
    this.design.sampleRate = sampleRate;
    this.frequency.prepare(sampleRate, maxBlockFrames);
    this.gain.prepare(sampleRate, maxBlockFrames);
    this.q.prepare(sampleRate, maxBlockFrames);
    this.reset();
  }

  reset(): void {
    for (let i = 0; i < this.sections.length; i++) this.sections[i].reset();
    this.frequency.reset();
    this.gain.reset();
    this.q.reset();
    this.fresh = true;
  }

  /** Filters left/right[0..frames) in place; absoluteFrame is the render frame of index 0. */
  process(left: Float64Array, right: Float64Array, frames: number, absoluteFrame: number): void {
    const pass = this.passQ.length !== 0;
    const frequency = this.frequency;
    const gain = this.gain;
    const q = this.q;
    frequency.fill(absoluteFrame, frames);
    if (!pass) {
      gain.fill(absoluteFrame, frames);
      q.fill(absoluteFrame, frames);
    }
    const steady =
      !this.fresh &&
      frequency.isConstant &&
      frequency.value === this.coeffFrequency &&
      (pass ||
        (gain.isConstant &&
          gain.value === this.coeffGain &&
          q.isConstant &&
          q.value === this.coeffQ));

    if (steady) {
      if (!this.active) return;
      // Only the denormal flush can fall inside the block.
      let start = 0;
      while (start < frames) {
        const toFlush = FLUSH_GRID_FRAMES - ((absoluteFrame + start) % FLUSH_GRID_FRAMES);
        const end = Math.min(frames, start + toFlush);
        this.run(left, right, start, end, end - start === toFlush);
        start = end;
      }
      return;
    }

    if (this.fresh) {
      this.fresh = false;
      this.update(0, pass);
    }
    let start = 0;
    while (start < frames) {
      const frame = absoluteFrame + start;
      const phase = frame % COEFFICIENT_GRID_FRAMES;
      if (phase === 0) this.updateIfChanged(start, pass);
      const end = Math.min(frames, start + COEFFICIENT_GRID_FRAMES - phase);
      if (this.active) {
        this.run(left, right, start, end, (absoluteFrame + end) % FLUSH_GRID_FRAMES === 0);
      }
      start = end;
    }
  }

  private run(
    left: Float64Array,
    right: Float64Array,
    start: number,
    end: number,
    flushAfter: boolean,
  ): void {
    const sections = this.sections;
    for (let i = 0; i < sections.length; i++) {
      sections[i].process(left, right, start, end, flushAfter);
    }
  }

  private updateIfChanged(index: number, pass: boolean): void {
    if (
      this.frequency.values[index] !== this.coeffFrequency ||
      (!pass &&
        (this.gain.values[index] !== this.coeffGain || this.q.values[index] !== this.coeffQ))
    ) {
      this.update(index, pass);
    }
  }

  /** Recomputes the coefficients from the parameter values at values[index]. */
  private update(index: number, pass: boolean): void {
    const design = this.design;
    const frequency = this.frequency.values[index];
    this.coeffFrequency = frequency;
    design.frequency = Math.min(
      MAX_FREQUENCY_RATIO * design.sampleRate,
      Math.max(MIN_FREQUENCY_HZ, frequency),
    );
    const sections = this.sections;
    if (pass) {
      this.active = true;
      for (let i = 0; i < sections.length; i++) {
        design.q = this.passQ[i];
        designBiquad(this.kind, design, sections[i]);
      }
      return;
    }
    const gainDb = this.gain.values[index];
    const q = this.q.values[index];
    this.coeffGain = gainDb;
    this.coeffQ = q;
    const wasActive = this.active;
    this.active = gainDb !== 0;
    if (!this.active) {
      if (wasActive) sections[0].reset();
      return;
    }
    design.gainDb = gainDb;
    design.q = Math.max(MIN_Q, q);
    designBiquad(this.kind, design, sections[0]);
  }
}
