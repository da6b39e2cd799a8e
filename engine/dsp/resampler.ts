/**
 * Band-limited sample-rate conversion by a Kaiser-windowed sinc, evaluated polyphase.
 *
 * Output frame n is the band-limited source evaluated at source time
 * t = n · sourceRate / targetRate (J.O. Smith, "Digital Audio Resampling", the
 * bandlimited-interpolation formula y(t) = Σ x[k] · h(t − k)). The filter is centred on t,
 * so there is no latency, and every output frame is computed from absolute positions alone:
 * a clip player can seek anywhere and chunk its blocks any way and get the same bits.
 *
 * Positions are exact rationals. With the ratio reduced to L/M (target/source over their
 * gcd), n · M = ip · L + φ: ip is the integer source frame and φ/L the fraction past it.
 * Only integers below 2^53 are involved, so there is no drift however long the clip.
 */

import { ControlRoomError } from "../../music/errors.ts";
import { besselI0, kaiserBeta, kaiserOrder, kaiserWindow } from "./kaiser.ts";

export type ResamplerQuality = "high" | "draft";

export interface ResamplerOptions {
  /** "high" (default) for rendering and export; "draft" (52 taps instead of 144) is about 2.5× faster. */
  quality?: ResamplerQuality;
}

/** The source frames a block of output reads: `count` frames starting at frame `first`. */
export interface InputSpan {
  readonly first: number;
  readonly count: number;
}

/**
 * Design targets. The passband edge is a fraction of the lower rate's Nyquist frequency and
 * the stopband starts exactly at that Nyquist frequency, so nothing can alias when
 * downsampling and no image survives when upsampling. The cutoff sits mid-transition.
 * "high" designs for 110 dB so the realised filter clears 100 dB with a margin (Kaiser's
 * formulas are estimates); its passband ripple is then about 3e-5 dB.
 */
const QUALITY: Record<ResamplerQuality, { attenuationDb: number; passband: number }> = {
  high: { attenuationDb: 110, passband: 0.9 },
  draft: { attenuationDb: 80, passband: 0.8 },
};

/** The largest reduced upsampling factor L that gets one exact filter per phase. */
export const MAX_EXACT_PHASES = 4096;

/** Memory cap for an exact polyphase table: 2^21 doubles, 16 MiB. */
const MAX_EXACT_COEFFICIENTS = 1 << 21;

/**
 * Rows per zero crossing of the interpolated table used when L is too large for an exact
 * one. Linear interpolation between rows errs by about (Δ²/8)·|h''| for row spacing Δ (Smith,
 * "Digital Audio Resampling", interpolated filter table); with 1024 rows a tone at the
 * passband edge measures ≥ 119 dB SNR, the same as the exact tables.
 */
const FINE_ROWS_PER_ZERO_CROSSING = 1024;

/**
 * A designed filter, immutable and shared between every Resampler with the same reduced
 * ratio and quality (44.1→48 kHz and 88.2→96 kHz use the same one). The cache only grows;
 * a session meets a handful of ratios, each 0.2–1.5 MiB for the common rates.
 */
interface FilterBank {
  /** Taps per output frame, 2 · half; a multiple of 4 so the dot product unrolls evenly. */
  readonly taps: number;
  readonly half: number;
  /** True: one row per phase φ (rows = L). False: rows sample the fraction on a grid. */
  readonly exact: boolean;
  /** Exact: L. Interpolated: grid steps per source frame; the table holds rows + 1. */
  readonly rows: number;
  /** Row r, tap i is h(f + half − 1 − i), f the row's fraction of a source frame. */
  readonly coefficients: Float64Array;
}

const banks = new Map<string, FilterBank>();

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

function designFilterBank(up: number, down: number, quality: ResamplerQuality): FilterBank {
  const { attenuationDb, passband } = QUALITY[quality];
  // Downsampling stretches the filter in source frames by M/L so its cutoff follows the
  // lower (target) Nyquist frequency: the scaled cutoff that prevents aliasing.
  const scale = Math.min(1, up / down);
  // Transition from passband·Nyquist to Nyquist, in cycles per lower-rate sample.
  const transition = (1 - passband) / 2;
  const halfNeeded = kaiserOrder(attenuationDb, transition) / 2 / scale;
  let half = Math.ceil(halfNeeded);
  if (half % 2 !== 0) half++;
  const taps = 2 * half;
  const beta = kaiserBeta(attenuationDb);
  const inverseI0Beta = 1 / besselI0(beta);
  // Cutoff (the −6 dB point) in cycles per source frame, mid-transition.
  const cutoff = (scale * (1 + passband)) / 4;
  const twoCutoff = 2 * cutoff;

  const exact = up <= MAX_EXACT_PHASES && up * taps <= MAX_EXACT_COEFFICIENTS;
  const rows = exact ? up : Math.ceil(FINE_ROWS_PER_ZERO_CROSSING * scale);
  const tableRows = exact ? rows : rows + 1;
  const coefficients = new Float64Array(tableRows * taps);
  for (let r = 0; r < tableRows; r++) {
    const fraction = r / rows;
    for (let i = 0; i < taps; i++) {
      // |τ| keeps mirror-image taps bit-identical, so the filter is exactly zero-phase.
      const tau = Math.abs(fraction + half - 1 - i);
      const x = twoCutoff * tau;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      coefficients[r * taps + i] = twoCutoff * sinc * kaiserWindow(tau / half, beta, inverseI0Beta);
    }
  }
  return { taps, half, exact, rows, coefficients };
}

function filterBank(up: number, down: number, quality: ResamplerQuality): FilterBank {
  const key = `${quality}:${up}/${down}`;
  let bank = banks.get(key);
  if (bank === undefined) {
    bank = designFilterBank(up, down, quality);
    banks.set(key, bank);
  }
  return bank;
}

/** Whole hertz only: the exact rational stepping needs integer rates. */
const MAX_RATE = 1 << 24;

function checkRate(rate: number, field: string): void {
  if (!Number.isInteger(rate) || rate < 1 || rate > MAX_RATE) {
    throw new ControlRoomError(
      "E_RESAMPLER_RATE",
      `${field} is ${rate} Hz; a sample rate must be a whole number of hertz from 1 to ${MAX_RATE}`,
      field,
    );
  }
}

/**
 * Sum of x[xi + i] · c[ci + i] for i < n, n a multiple of 4. Four partial sums shorten the
 * add dependency chain; their order depends only on i, so results never depend on chunking.
 */
function dot(x: Float64Array, xi: number, c: Float64Array, ci: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < n; i += 4) {
    s0 += x[xi + i] * c[ci + i];
    s1 += x[xi + i + 1] * c[ci + i + 1];
    s2 += x[xi + i + 2] * c[ci + i + 2];
    s3 += x[xi + i + 3] * c[ci + i + 3];
  }
  return s0 + s1 + (s2 + s3);
}

/**
 * `dot` for a window that hangs off either end of `x`: frames outside read as zero. Same
 * summation order as `dot`, so a caller that zero-pads gets the same bits as one that does not.
 */
function dotEdge(x: Float64Array, xi: number, c: Float64Array, ci: number, n: number): number {
  const length = x.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < n; i += 4) {
    const j = xi + i;
    if (j >= 0 && j < length) s0 += x[j] * c[ci + i];
    if (j + 1 >= 0 && j + 1 < length) s1 += x[j + 1] * c[ci + i + 1];
    if (j + 2 >= 0 && j + 2 < length) s2 += x[j + 2] * c[ci + i + 2];
    if (j + 3 >= 0 && j + 3 < length) s3 += x[j + 3] * c[ci + i + 3];
  }
  return s0 + s1 + (s2 + s3);
}

/**
 * `dot` against row `ci` interpolated a fraction `alpha` of the way to the next row, in one
 * pass (half the input reads of two dot products, about 1.5× faster).
 */
function dotLerp(
  x: Float64Array,
  xi: number,
  c: Float64Array,
  ci: number,
  n: number,
  alpha: number,
): number {
  const cj = ci + n;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < n; i += 4) {
    const c0 = c[ci + i];
    const c1 = c[ci + i + 1];
    const c2 = c[ci + i + 2];
    const c3 = c[ci + i + 3];
    s0 += x[xi + i] * (c0 + alpha * (c[cj + i] - c0));
    s1 += x[xi + i + 1] * (c1 + alpha * (c[cj + i + 1] - c1));
    s2 += x[xi + i + 2] * (c2 + alpha * (c[cj + i + 2] - c2));
    s3 += x[xi + i + 3] * (c3 + alpha * (c[cj + i + 3] - c3));
  }
  return s0 + s1 + (s2 + s3);
}

/** `dotLerp` with frames outside `x` read as zero, in the same summation order. */
function dotLerpEdge(
  x: Float64Array,
  xi: number,
  c: Float64Array,
  ci: number,
  n: number,
  alpha: number,
): number {
  const length = x.length;
  const cj = ci + n;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < n; i += 4) {
    const j = xi + i;
    const c0 = c[ci + i];
    const c1 = c[ci + i + 1];
    const c2 = c[ci + i + 2];
    const c3 = c[ci + i + 3];
    if (j >= 0 && j < length) s0 += x[j] * (c0 + alpha * (c[cj + i] - c0));
    if (j + 1 >= 0 && j + 1 < length) s1 += x[j + 1] * (c1 + alpha * (c[cj + i + 1] - c1));
    if (j + 2 >= 0 && j + 2 < length) s2 += x[j + 2] * (c2 + alpha * (c[cj + i + 2] - c2));
    if (j + 3 >= 0 && j + 3 < length) s3 += x[j + 3] * (c3 + alpha * (c[cj + i + 3] - c3));
  }
  return s0 + s1 + (s2 + s3);
}

/**
 * Converts one channel from `sourceRate` to `targetRate`, statelessly: every call is a pure
 * function of absolute output positions and the source frames handed in.
 *
 * Quality ("high"): stopband ≥ 100 dB from the lower rate's Nyquist frequency up, passband
 * ripple ≈ 3e-5 dB up to 0.9 × that Nyquist frequency, zero phase, no latency. "draft":
 * ≥ 80 dB, passband to 0.8 × Nyquist. The same rate in and out copies samples exactly.
 */
export class Resampler {
  readonly sourceRate: number;
  readonly targetRate: number;
  readonly quality: ResamplerQuality;
  /** The rate ratio reduced by its gcd: targetRate / sourceRate = up / down. */
  readonly up: number;
  readonly down: number;
  /** Source frames read per output frame (0 when the rates are equal and samples are copied). */
  readonly taps: number;
  /** True when each of the `up` phases has its own exact filter; false when interpolated. */
  readonly exactPhases: boolean;

  private readonly identity: boolean;
  private readonly half: number;
  private readonly rows: number;
  private readonly coefficients: Float64Array;
  private readonly stepWhole: number;
  private readonly stepPhase: number;
  private readonly span = { first: 0, count: 0 };
  // Written by locate(): the source frame and phase (in 1/up) of an output frame.
  private frame = 0;
  private phase = 0;

  constructor(sourceRate: number, targetRate: number, options: ResamplerOptions = {}) {
    checkRate(sourceRate, "sourceRate");
    checkRate(targetRate, "targetRate");
    this.sourceRate = sourceRate;
    this.targetRate = targetRate;
    this.quality = options.quality ?? "high";
    const divisor = greatestCommonDivisor(sourceRate, targetRate);
    this.up = targetRate / divisor;
    this.down = sourceRate / divisor;
    this.identity = this.up === this.down;
    this.stepWhole = Math.floor(this.down / this.up);
    this.stepPhase = this.down - this.stepWhole * this.up;
    if (this.identity) {
      this.taps = 0;
      this.half = 0;
      this.rows = 1;
      this.exactPhases = true;
      this.coefficients = new Float64Array(0);
    } else {
      const bank = filterBank(this.up, this.down, this.quality);
      this.taps = bank.taps;
      this.half = bank.half;
      this.rows = bank.rows;
      this.exactPhases = bank.exact;
      this.coefficients = bank.coefficients;
    }
  }

  /** Output frames for a source `sourceFrames` long: ceil(sourceFrames · target / source). */
  outputLength(sourceFrames: number): number {
    const whole = Math.floor(sourceFrames / this.down);
    const rest = sourceFrames - whole * this.down;
    return whole * this.up + Math.ceil((rest * this.up) / this.down);
  }

  /**
   * Source frames needed to compute output frames [outStart, outStart + outFrames).
   * `first` may be negative and the span may run past the source's end; those frames are
   * silence. Allocation-free: the returned object belongs to this Resampler and is
   * overwritten by the next call, so read it before calling again.
   */
  inputSpan(outStart: number, outFrames: number): InputSpan {
    const span = this.span;
    if (this.identity) {
      span.first = outStart;
      span.count = Math.max(0, outFrames);
      return span;
    }
    this.locate(outStart);
    span.first = this.frame - this.half + 1;
    if (outFrames <= 0) {
      span.count = 0;
      return span;
    }
    this.locate(outStart + outFrames - 1);
    span.count = this.frame + this.half - span.first + 1;
    return span;
  }

  /** The largest `count` inputSpan returns for `outFrames`, for preallocating input buffers. */
  maxInputFrames(outFrames: number): number {
    if (outFrames <= 0) return 0;
    if (this.identity) return outFrames;
    // floor(a + b) − floor(a) ≤ ceil(b) with b = (outFrames − 1) · M / L.
    const whole = Math.floor((outFrames - 1) / this.up);
    const rest = outFrames - 1 - whole * this.up;
    return whole * this.down + Math.ceil((rest * this.down) / this.up) + this.taps;
  }

  /**
   * Writes output frames [outStart, outStart + outFrames) to `output[outOffset…]`.
   * `input[0]` is source frame `inputFirst`. Frames the input does not hold read as silence,
   * so the input may be exactly inputSpan(), a longer preallocated buffer (only the span is
   * read), or the whole source with inputFirst = 0: all give the same bits. One channel per
   * call; allocates nothing and never throws.
   */
  process(
    input: Float64Array,
    inputFirst: number,
    output: Float64Array,
    outOffset: number,
    outStart: number,
    outFrames: number,
  ): void {
    if (outFrames <= 0) return;
    if (this.identity) {
      const length = input.length;
      for (let j = 0; j < outFrames; j++) {
        const k = outStart + j - inputFirst;
        output[outOffset + j] = k >= 0 && k < length ? input[k] : 0;
      }
      return;
    }
    const taps = this.taps;
    const up = this.up;
    const rows = this.rows;
    const c = this.coefficients;
    const exact = this.exactPhases;
    const stepWhole = this.stepWhole;
    const stepPhase = this.stepPhase;
    const lastSafe = input.length - taps;
    const lead = this.half - 1 + inputFirst;
    this.locate(outStart);
    let frame = this.frame;
    let phase = this.phase;
    for (let j = 0; j < outFrames; j++) {
      const base = frame - lead;
      const safe = base >= 0 && base <= lastSafe;
      let y: number;
      if (exact) {
        const row = phase * taps;
        y = safe ? dot(input, base, c, row, taps) : dotEdge(input, base, c, row, taps);
      } else {
        // Fraction phase/up on a grid of `rows` steps: row r plus alpha of the way to r + 1.
        const scaled = phase * rows;
        const r = Math.floor(scaled / up);
        const alpha = (scaled - r * up) / up;
        const row = r * taps;
        y = safe
          ? dotLerp(input, base, c, row, taps, alpha)
          : dotLerpEdge(input, base, c, row, taps, alpha);
      }
      output[outOffset + j] = y;
      frame += stepWhole;
      phase += stepPhase;
      if (phase >= up) {
        phase -= up;
        frame++;
      }
    }
  }

  /** Sets frame and phase so that n · down = frame · up + phase, 0 ≤ phase < up. */
  private locate(n: number): void {
    const up = this.up;
    const down = this.down;
    // Split n = q·up + r first so every product stays below up · down < 2^48.
    let q = Math.floor(n / up);
    let r = n - q * up;
    if (r < 0) {
      q--;
      r += up;
    } else if (r >= up) {
      q++;
      r -= up;
    }
    const product = r * down;
    const whole = Math.floor(product / up);
    this.frame = q * down + whole;
    this.phase = product - whole * up;
  }
}
