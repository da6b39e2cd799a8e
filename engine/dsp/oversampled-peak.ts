/**
 * The inter-sample peak a mastering limiter holds under its ceiling: 8× oversampling by a
 * 384-tap Kaiser-windowed sinc, flat to 0.48 of the input rate.
 *
 * The BS.1770 Annex 2 interpolator (true-peak.ts) is a meter's: cheap, flat only to 0.42 of
 * the rate and sampling each interval at four points. On a master with content near Nyquist
 * it reads half a dB under what a finer resampler (ffmpeg's ebur128, sox) finds, so a
 * limiter keyed on it lets a delivery file measure over its ceiling elsewhere. This one is
 * flat within ±0.01 dB to 0.47 of the rate, holds images 28 dB down from 0.52 and 64 dB
 * from 0.53, and samples each interval at eight points: a tone anywhere below 0.47 of the
 * rate reads within −0.11/+0.015 dB of its amplitude.
 *
 * Neither reading bounds the other: on noise near Nyquist the Annex filter's images read
 * higher. So step() also runs the BS.1770 interpolator of the rate on the same interval and
 * returns the larger of the two, and a master held under it measures under its ceiling by
 * our BS.1770 meter and by a full-band resampler alike.
 *
 * The prototype is symmetric, so phase p reversed is phase 7 − p. Each pair is computed
 * folded, on the sums and differences x[j] ± x[63 − j]: 256 multiplications a sample.
 *
 * step() returns the highest absolute value on the interval (n − 32, n − 31], n being the
 * frame just fed: OVERSAMPLED_PEAK_LATENCY_FRAMES behind, as TruePeakDetector.step() does.
 */

import { besselI0, kaiserBeta, kaiserWindow } from "./kaiser.ts";
import { TRUE_PEAK_LATENCY_FRAMES, truePeakFilter, truePeakOversampling } from "./true-peak.ts";

const PHASES = 8;
const TAPS = 64;
const HALF = TAPS / 2;
/** Cutoff in cycles per input sample: at Nyquist, −6 dB there, flat to 0.47. */
const CUTOFF = 0.5;
const STOPBAND_DB = 60;
export const OVERSAMPLED_PEAK_LATENCY_FRAMES = HALF - 1;

/**
 * The polyphase interpolator, phase-major: coefficient j of phase p, applied to x[n − j],
 * sits at p·TAPS + j. Phase p interpolates the point (2p + 1)/16 of a sample after frame
 * n − 32. Each phase sums to 1, so DC reads exactly.
 */
export function oversampledPeakFilter(): Float64Array {
  const length = PHASES * TAPS;
  const centre = (length - 1) / 2;
  const beta = kaiserBeta(STOPBAND_DB);
  const inverseI0 = 1 / besselI0(beta);
  const cutoff = CUTOFF / PHASES;
  const filter = new Float64Array(length);
  for (let p = 0; p < PHASES; p++) {
    let sum = 0;
    for (let j = 0; j < TAPS; j++) {
      const t = p + j * PHASES - centre;
      const x = 2 * cutoff * t;
      const sinc = Math.sin(Math.PI * x) / (Math.PI * x);
      const c = sinc * kaiserWindow(t / (centre + 1), beta, inverseI0);
      filter[p * TAPS + j] = c;
      sum += c;
    }
    for (let j = 0; j < TAPS; j++) filter[p * TAPS + j] /= sum;
  }
  return filter;
}

/**
 * For each mirror pair of phases (p, 7 − p), p < 4: HALF coefficients on the sums
 * x[j] + x[63 − j], then HALF on the differences. Their results are y_p + y_{7−p} and
 * y_p − y_{7−p}, so max(|y_p|, |y_{7−p}|) is half the sum of their absolute values.
 */
function foldedFilter(filter: Float64Array): Float64Array {
  const folded = new Float64Array(PHASES * HALF);
  for (let p = 0; p < PHASES / 2; p++) {
    for (let j = 0; j < HALF; j++) {
      const a = filter[p * TAPS + j];
      const b = filter[p * TAPS + TAPS - 1 - j];
      folded[p * TAPS + j] = a + b;
      folded[p * TAPS + HALF + j] = a - b;
    }
  }
  return folded;
}

/** The 12 samples the BS.1770 interpolator reads for the interval (n − 32, n − 31]. */
const ANNEX_TAPS = 12;
const ANNEX_HALF = ANNEX_TAPS / 2;
const ANNEX_NEWEST = OVERSAMPLED_PEAK_LATENCY_FRAMES - TRUE_PEAK_LATENCY_FRAMES;

/** Streaming, per channel; prepare() allocates, processStereo() and reset() never do. */
export class OversampledPeakDetector {
  readonly latencyFrames = OVERSAMPLED_PEAK_LATENCY_FRAMES;
  readonly #folded = foldedFilter(oversampledPeakFilter());
  /** The BS.1770 Annex 2 interpolator for the rate, folded as true-peak.ts keeps it. */
  #annex = truePeakFilter(4);
  /** Per channel, the last TAPS samples twice over, so x[n − j] is history[w + j] for any w. */
  #history = new Float64Array(0);
  #write = new Int32Array(0);
  readonly #sums = new Float64Array(HALF);
  readonly #differences = new Float64Array(HALF);
  readonly #one = new Float64Array(1);

  prepare(sampleRate: number, channels: number): void {
    this.#annex = truePeakFilter(truePeakOversampling(sampleRate));
    this.#history = new Float64Array(2 * TAPS * channels);
    this.#write = new Int32Array(channels);
  }

  reset(): void {
    this.#history.fill(0);
    this.#write.fill(0);
  }

  /**
   * Feeds one sample and returns the peak of the interval latencyFrames behind, with its
   * sample. For tests and offline use: V8 boxes a double returned from a call it does not
   * inline, so a block path uses processStereo().
   */
  step(channel: number, sample: number): number {
    const one = this.#one;
    one[0] = sample;
    this.#feed(channel, one, 0, one, 0, 1, false);
    return one[0];
  }

  /**
   * Feeds frames [offset, offset + frames) of both channels and writes to
   * peaks[peaksOffset + i] the larger of the two channels' step() readings for frame
   * offset + i. Allocates nothing and never throws.
   */
  processStereo(
    left: ArrayLike<number>,
    right: ArrayLike<number>,
    offset: number,
    frames: number,
    peaks: Float64Array | Float32Array,
    peaksOffset: number,
  ): void {
    this.#feed(0, left, offset, peaks, peaksOffset, frames, false);
    this.#feed(1, right, offset, peaks, peaksOffset, frames, true);
  }

  /** One channel's readings into out (or the larger of them and what out holds, with max). */
  #feed(
    channel: number,
    input: ArrayLike<number>,
    inputOffset: number,
    out: Float64Array | Float32Array,
    outOffset: number,
    frames: number,
    max: boolean,
  ): void {
    const history = this.#history;
    const folded = this.#folded;
    const annex = this.#annex;
    const sums = this.#sums;
    const differences = this.#differences;
    const write = this.#write;
    const offset = channel * 2 * TAPS;
    let w = write[channel];
    for (let i = 0; i < frames; i++) {
      const sample = input[inputOffset + i];
      w = w === 0 ? TAPS - 1 : w - 1;
      const at = offset + w;
      history[at] = sample;
      history[at + TAPS] = sample;
      for (let j = 0; j < HALF; j++) {
        const a = history[at + j];
        const b = history[at + TAPS - 1 - j];
        sums[j] = a + b;
        differences[j] = a - b;
      }
      let twice = 2 * Math.abs(history[at + OVERSAMPLED_PEAK_LATENCY_FRAMES]);
      for (let p = 0; p < PHASES / 2; p++) {
        const c = p * TAPS;
        let even = 0;
        let odd = 0;
        for (let j = 0; j < HALF; j++) {
          even += folded[c + j] * sums[j];
          odd += folded[c + HALF + j] * differences[j];
        }
        const m = Math.abs(even) + Math.abs(odd);
        if (m > twice) twice = m;
      }
      // The BS.1770 interpolator: two mirror pairs, on sums and differences of x[j] ± x[11 − j].
      const base = at + ANNEX_NEWEST;
      for (let pair = 0; pair < 2; pair++) {
        const c = pair * ANNEX_TAPS;
        let even = 0;
        let odd = 0;
        for (let j = 0; j < ANNEX_HALF; j++) {
          const a = history[base + j];
          const b = history[base + ANNEX_TAPS - 1 - j];
          even += annex[c + j] * (a + b);
          odd += annex[c + ANNEX_HALF + j] * (a - b);
        }
        const m = Math.abs(even) + Math.abs(odd);
        if (m > twice) twice = m;
      }
      const peak = 0.5 * twice;
      if (!max || peak > out[outOffset + i]) out[outOffset + i] = peak;
    }
    write[channel] = w;
  }
}
