/**
 * True-peak level by ITU-R BS.1770-5 Annex 2: the signal is oversampled 4× below 96 kHz,
 * 2× from 96 to 192 kHz and not at all above, by a polyphase FIR low-pass, and the true
 * peak is the largest absolute value of the oversampled signal.
 *
 * At 4× the filter is the Annex's own: 48 taps, 4 phases of 12, flat within ±0.11 dB up to
 * 0.42 of the input rate (20 kHz at 48 kHz). At 2× it is a 24-tap Kaiser-windowed sinc of
 * the same span (12 input samples per phase), cut off at the input's Nyquist frequency with
 * β for the Annex filter's 40 dB stopband: flat within ±0.17 dB up to 0.42 of the input rate
 * (40 kHz at 96 kHz), images from 0.58 of it down by 30 dB, from 0.65 by 44 dB.
 *
 * Both prototypes are symmetric, so their phases come in mirror pairs (phase p reversed is
 * phase P−1−p). A pair is evaluated folded: with e = p + p′ and o = p − p′, computed on
 * x[j] ± x[11−j] with 6 coefficients each, max(|p|, |p′|) = (|e| + |o|) / 2. That halves
 * the multiplications, to 24 a sample for all four phases.
 *
 * The Annex's phases interpolate at 1/8, 3/8, 5/8 and 7/8 of a sample (the 2× filter at 1/4
 * and 3/4), never at the samples themselves, so the samples are taken into the peak too:
 * a true peak is never reported below the sample peak (libebur128 does the same).
 * Every value of the output for input frame n lies between frames n − 6 and n − 5: the
 * detector runs TRUE_PEAK_LATENCY_FRAMES (5) behind its input.
 */

import { ControlRoomError } from "../../music/errors.ts";
import { besselI0, kaiserBeta, kaiserWindow } from "./kaiser.ts";

/** Taps per phase, in input samples, for every oversampling factor. */
const TAPS = 12;
const HALF = TAPS / 2;
/** The interpolated values computed for input frame n lie in (n − 6, n − 5]. */
export const TRUE_PEAK_LATENCY_FRAMES = HALF - 1;
/** Per channel: 11 samples of history, the held true peak, the held sample peak. */
const HISTORY = TAPS - 1;
const TRUE_SLOT = HISTORY;
const SAMPLE_SLOT = HISTORY + 1;
const STRIDE = HISTORY + 2;

/** BS.1770-5 Annex 2, Table: phases 0 and 1 of the 48-tap 4× interpolator (2 and 3 mirror them). */
const ANNEX_PHASE_0 = [
  0.001708984375, 0.010986328125, -0.0196533203125, 0.033203125, -0.0594482421875, 0.1373291015625,
  0.97216796875, -0.102294921875, 0.047607421875, -0.026611328125, 0.014892578125, -0.00830078125,
];
const ANNEX_PHASE_1 = [
  -0.0291748046875, 0.029296875, -0.0517578125, 0.089111328125, -0.16650390625, 0.465087890625,
  0.77978515625, -0.2003173828125, 0.1015625, -0.0582275390625, 0.0330810546875, -0.0189208984375,
];
/** The stopband the Annex filter reaches, which the 2× design matches. */
const STOPBAND_DB = 40;

export type Oversampling = 1 | 2 | 4;

/** BS.1770-5 Annex 2: 4× below 96 kHz, 2× up to 192 kHz, none above. */
export function truePeakOversampling(sampleRate: number): Oversampling {
  if (sampleRate < 96_000) return 4;
  if (sampleRate <= 192_000) return 2;
  return 1;
}

/**
 * The folded interpolator for a rate: for each mirror pair of phases, 6 coefficients on
 * the sums x[j] + x[11−j], then 6 on the differences x[j] − x[11−j].
 */
export function truePeakFilter(oversampling: Oversampling): Float64Array {
  if (oversampling === 4) {
    return new Float64Array([...fold(ANNEX_PHASE_0), ...fold(ANNEX_PHASE_1)]);
  }
  // One pair of phases; the second pair of the kernel stays zero and reads 0.
  const filter = new Float64Array(4 * HALF);
  if (oversampling === 2) {
    filter.set(fold(halfBandPhase()));
  } else {
    // Without oversampling the "interpolator" passes frame n − 5 and its mirror frame n − 6:
    // the maximum is then max(|x[n−5]|, |x[n−6]|), the sample peak on the same timeline.
    const identity = new Array<number>(TAPS).fill(0);
    identity[TRUE_PEAK_LATENCY_FRAMES] = 1;
    filter.set(fold(identity));
  }
  return filter;
}

/** Phase 0 of the 2× design; phase 1 is its mirror image. Each phase sums to 1, so DC reads exactly. */
function halfBandPhase(): number[] {
  const length = 2 * TAPS;
  const centre = (length - 1) / 2;
  const beta = kaiserBeta(STOPBAND_DB);
  const inverseI0 = 1 / besselI0(beta);
  const phase: number[] = [];
  for (let j = 0; j < TAPS; j++) {
    // Tap 2j of the prototype; cutoff at a quarter of the oversampled rate.
    const t = 2 * j - centre;
    const x = t / 2;
    const sinc = Math.sin(Math.PI * x) / (Math.PI * x);
    phase.push(sinc * kaiserWindow(t / (centre + 1), beta, inverseI0));
  }
  const sum = phase.reduce((a, b) => a + b, 0);
  return phase.map((c) => c / sum);
}

function fold(phase: readonly number[]): number[] {
  const sums: number[] = [];
  const differences: number[] = [];
  for (let j = 0; j < HALF; j++) {
    sums.push(phase[j] + phase[TAPS - 1 - j]);
    differences.push(phase[j] - phase[TAPS - 1 - j]);
  }
  return [...sums, ...differences];
}

/**
 * Streaming true-peak meter for any number of channels. prepare() allocates; process() and
 * resetPeak() never allocate and never throw; step() and the peak reads return a double,
 * which V8 may box, so a block path calls process() and reads peaks once per block.
 *
 * Non-finite samples are not rejected here: a NaN is never taken as a held peak and drops
 * out of the FIR after 12 samples (step() returns NaN meanwhile); ±Infinity is held as an
 * infinite peak until resetPeak().
 */
export class TruePeakDetector {
  /** Set by prepare() from the sample rate. */
  oversampling: Oversampling = 4;
  readonly latencyFrames = TRUE_PEAK_LATENCY_FRAMES;
  #filter = truePeakFilter(4);
  #state = new Float64Array(0);
  #scratch = new Float64Array(STRIDE);
  #one = new Float64Array(1);
  /** The highest interpolated value of the last interpolate() call. */
  #callPeak = new Float64Array(1);
  #zeros = new Float64Array(TAPS - 1);
  #channels = 0;

  prepare(sampleRate: number, channels: number): void {
    if (
      !(Number.isFinite(sampleRate) && sampleRate > 0 && Number.isInteger(channels) && channels > 0)
    ) {
      throw new ControlRoomError(
        "E_TRUE_PEAK_FORMAT",
        `a true-peak meter needs a positive sample rate and at least one channel, not ${sampleRate} Hz and ${channels} channels`,
        "sampleRate",
      );
    }
    this.oversampling = truePeakOversampling(sampleRate);
    this.#filter = truePeakFilter(this.oversampling);
    this.#channels = channels;
    this.#state = new Float64Array(STRIDE * channels);
  }

  /** Feeds frames [offset, offset + frames) of every channel. */
  process(channels: ArrayLike<number>[], offset: number, frames: number): void {
    for (let c = 0; c < this.#channels; c++) {
      interpolate(
        this.#filter,
        this.#state,
        c * STRIDE,
        channels[c],
        offset,
        frames,
        this.#callPeak,
      );
    }
  }

  /**
   * Feeds one sample of one channel and returns the highest absolute value of the
   * oversampled signal on (n − 6, n − 5], n being this sample's frame: the interval that ends
   * on the sample latencyFrames behind, including that sample. For a look-ahead limiter.
   */
  step(channel: number, sample: number): number {
    this.#one[0] = sample;
    const at = channel * STRIDE;
    interpolate(this.#filter, this.#state, at, this.#one, 0, 1, this.#callPeak);
    return Math.max(this.#callPeak[0], Math.abs(this.#state[at + TRUE_PEAK_LATENCY_FRAMES]));
  }

  /**
   * Highest true peak (linear) since the last reset: the interpolated values up to
   * latencyFrames behind the input, and every sample.
   */
  peak(channel: number): number {
    const at = channel * STRIDE;
    return Math.max(this.#state[at + TRUE_SLOT], this.#state[at + SAMPLE_SLOT]);
  }

  /**
   * The highest true peak (linear) of any channel since the last reset, written to out[at]
   * rather than returned, so a block path reads it without V8 boxing a double.
   */
  highestPeakInto(out: Float64Array, at: number): void {
    const state = this.#state;
    let peak = 0;
    // Comparisons, not Math.max: code called once a block may run in V8's mid tier, which
    // calls Math.max and boxes what it returns.
    for (let at = 0; at < state.length; at += STRIDE) {
      if (state[at + TRUE_SLOT] > peak) peak = state[at + TRUE_SLOT];
      if (state[at + SAMPLE_SLOT] > peak) peak = state[at + SAMPLE_SLOT];
    }
    out[at] = peak;
  }

  /** Highest |sample| since the last reset, including the latest input. */
  samplePeak(channel: number): number {
    return this.#state[channel * STRIDE + SAMPLE_SLOT];
  }

  /**
   * The true peak as if the signal stopped now and silence followed: it includes the
   * interpolated values between the last latencyFrames samples and the ringing after them.
   * The state itself is left as it is.
   */
  peakAtEnd(channel: number): number {
    const scratch = this.#scratch;
    scratch.set(this.#state.subarray(channel * STRIDE, (channel + 1) * STRIDE));
    interpolate(this.#filter, scratch, 0, this.#zeros, 0, this.#zeros.length, this.#callPeak);
    return Math.max(scratch[TRUE_SLOT], scratch[SAMPLE_SLOT]);
  }

  /** Clears the held peaks and keeps the filter history: a meter's peak-hold reset. */
  resetPeak(): void {
    for (let at = 0; at < this.#state.length; at += STRIDE) {
      this.#state[at + TRUE_SLOT] = 0;
      this.#state[at + SAMPLE_SLOT] = 0;
    }
  }

  /** Clears the history too, as if the detector had only ever heard silence. */
  reset(): void {
    this.#state.fill(0);
  }
}

/**
 * Runs one channel's interpolator over input[offset, offset + frames), holding the peaks in
 * state[at …], and writes the highest interpolated value this call produced to callPeak[0]
 * (not returned: V8 boxes a double returned from a call it does not inline, an allocation
 * per block). The history lives in locals while it runs: field or array traffic per sample
 * would cost more than the FIR.
 */
function interpolate(
  filter: Float64Array,
  state: Float64Array,
  at: number,
  input: ArrayLike<number>,
  offset: number,
  frames: number,
  callPeak: Float64Array,
): void {
  const e0 = filter[0];
  const e1 = filter[1];
  const e2 = filter[2];
  const e3 = filter[3];
  const e4 = filter[4];
  const e5 = filter[5];
  const o0 = filter[6];
  const o1 = filter[7];
  const o2 = filter[8];
  const o3 = filter[9];
  const o4 = filter[10];
  const o5 = filter[11];
  const f0 = filter[12];
  const f1 = filter[13];
  const f2 = filter[14];
  const f3 = filter[15];
  const f4 = filter[16];
  const f5 = filter[17];
  const g0 = filter[18];
  const g1 = filter[19];
  const g2 = filter[20];
  const g3 = filter[21];
  const g4 = filter[22];
  const g5 = filter[23];
  // x0 is the newest sample, x11 the oldest.
  let x0 = state[at];
  let x1 = state[at + 1];
  let x2 = state[at + 2];
  let x3 = state[at + 3];
  let x4 = state[at + 4];
  let x5 = state[at + 5];
  let x6 = state[at + 6];
  let x7 = state[at + 7];
  let x8 = state[at + 8];
  let x9 = state[at + 9];
  let x10 = state[at + 10];
  let x11: number;
  let samplePeak = state[at + SAMPLE_SLOT];
  let peak = 0;
  const end = offset + frames;
  for (let i = offset; i < end; i++) {
    x11 = x10;
    x10 = x9;
    x9 = x8;
    x8 = x7;
    x7 = x6;
    x6 = x5;
    x5 = x4;
    x4 = x3;
    x3 = x2;
    x2 = x1;
    x1 = x0;
    x0 = input[i];
    // Math.abs, not a comparison: V8 makes it one instruction, where a branch on noise mispredicts.
    const a = Math.abs(x0);
    if (a > samplePeak) samplePeak = a;
    const s0 = x0 + x11;
    const s1 = x1 + x10;
    const s2 = x2 + x9;
    const s3 = x3 + x8;
    const s4 = x4 + x7;
    const s5 = x5 + x6;
    const d0 = x0 - x11;
    const d1 = x1 - x10;
    const d2 = x2 - x9;
    const d3 = x3 - x8;
    const d4 = x4 - x7;
    const d5 = x5 - x6;
    const e = e0 * s0 + e1 * s1 + e2 * s2 + e3 * s3 + e4 * s4 + e5 * s5;
    const o = o0 * d0 + o1 * d1 + o2 * d2 + o3 * d3 + o4 * d4 + o5 * d5;
    const f = f0 * s0 + f1 * s1 + f2 * s2 + f3 * s3 + f4 * s4 + f5 * s5;
    const g = g0 * d0 + g1 * d1 + g2 * d2 + g3 * d3 + g4 * d4 + g5 * d5;
    const m = Math.max(Math.abs(e) + Math.abs(o), Math.abs(f) + Math.abs(g));
    if (m > peak) peak = m;
  }
  // Each sum is twice the larger phase of its pair.
  peak *= 0.5;
  state[at] = x0;
  state[at + 1] = x1;
  state[at + 2] = x2;
  state[at + 3] = x3;
  state[at + 4] = x4;
  state[at + 5] = x5;
  state[at + 6] = x6;
  state[at + 7] = x7;
  state[at + 8] = x8;
  state[at + 9] = x9;
  state[at + 10] = x10;
  state[at + SAMPLE_SLOT] = samplePeak;
  if (peak > state[at + TRUE_SLOT]) state[at + TRUE_SLOT] = peak;
  callPeak[0] = peak;
}
