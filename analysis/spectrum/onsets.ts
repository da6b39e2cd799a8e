import { SpectralFlux } from "./spectral-flux.ts";

type Samples = ArrayLike<number>;

/**
 * 43 ms frames (2048 samples at 44.1 and 48 kHz) every 5 ms, in semitone bands: long enough
 * to tell a piano's low notes apart, and an attack is still placed within a few milliseconds.
 */
const FRAME_SECONDS = 0.04;
const HOP_SECONDS = 0.005;
/** A peak must be the highest within this distance, which is also the closest two onsets come. */
const PEAK_SECONDS = 0.03;
/** …and stand above the mean of the flux this far around it… */
const MEAN_SECONDS = 0.1;
/** …by this share of the whole signal's mean flux. */
const DELTA = 1;

/**
 * Note onsets by peak-picking the semitone-filtered spectral flux (Böck, Krebs & Schedl 2012,
 * "Evaluating the online capabilities of onset detection methods", ISMIR: a local maximum that
 * exceeds a local mean by a threshold). Streaming: the flux is kept, 200 values a second, and picked at the end.
 */
export class OnsetDetector {
  readonly #flux: SpectralFlux;
  readonly #values: number[] = [];

  readonly #delta: number;

  /** `delta`: how far above its surroundings a peak must stand, in mean flux (default 1). */
  constructor(sampleRate: number, options: { delta?: number } = {}) {
    this.#flux = new SpectralFlux(sampleRate, FRAME_SECONDS, HOP_SECONDS, { semitones: true });
    this.#delta = options.delta ?? DELTA;
  }

  add(channels: readonly Samples[], offset: number, frames: number): void {
    this.#flux.add(channels, offset, frames, (flux) => this.#values.push(flux));
  }

  /** Onset times in seconds, each the centre of the frame where the flux peaks. */
  onsets(): number[] {
    const v = this.#values;
    const perSecond = 1 / HOP_SECONDS;
    const peak = Math.max(1, Math.round(PEAK_SECONDS * perSecond));
    const around = Math.max(1, Math.round(MEAN_SECONDS * perSecond));
    const globalMean = v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
    const prefix = [0];
    for (const x of v) prefix.push(prefix[prefix.length - 1] + x);
    const times: number[] = [];
    let last = Number.NEGATIVE_INFINITY;
    for (let n = 1; n < v.length; n++) {
      const lo = Math.max(0, n - peak);
      const hi = Math.min(v.length - 1, n + peak);
      let isPeak = true;
      for (let k = lo; k <= hi && isPeak; k++)
        if (v[k] > v[n] || (v[k] === v[n] && k < n)) isPeak = false;
      if (!isPeak) continue;
      const a = Math.max(0, n - around);
      const b = Math.min(v.length, n + around + 1);
      const localMean = (prefix[b] - prefix[a]) / (b - a);
      if (v[n] < localMean + this.#delta * globalMean || n - last < peak) continue;
      times.push(this.#flux.centreSeconds(n));
      last = n;
    }
    return times;
  }
}
