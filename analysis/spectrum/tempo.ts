/**
 * Tempo in beats per minute, from the periodicity of note onsets.
 *
 * Written here rather than taken from npm: the maintained libraries (realtime-bpm-analyzer,
 * Apache-2.0; web-audio-beat-detector and bpm-detective, MIT) are built on the Web Audio API
 * (AudioBuffer, OfflineAudioContext, AudioWorklet), which Node does not have, and want the whole
 * signal in memory; music-tempo (MIT) also takes the whole signal as one array, and its one
 * release (1.0.3) has no types and no activity since; essentia.js is AGPL.
 *
 * 1. Onset strength: spectral flux of log-compressed magnitudes, half-wave rectified
 *    (Müller 2015, "Fundamentals of Music Processing", §6.1.2), one value every 10 ms.
 * 2. Periodicity: the autocorrelation of that envelope, mean removed and unbiased, accumulated
 *    as the envelope arrives, so memory stays constant however long the track is.
 * 3. Tempo: a comb over 60–200 BPM on a 0.01 BPM grid, each candidate scored by the mean
 *    autocorrelation at its first four beat periods (the multiples sharpen the estimate to a
 *    fraction of a frame). A periodic beat scores as high at half its tempo, since every
 *    second beat is also a beat: the score is weighted by a log-Gaussian preference centred on
 *    120 BPM, 1.4 octaves wide (Ellis 2007, "Beat tracking by dynamic programming", J. New
 *    Music Research 36(1)), which settles such ties on the reading nearer 120 BPM. Octave
 *    errors remain where the music itself is ambiguous: a kick on every beat at 174 reads 87,
 *    and a kick–snare backbeat at 140 reads 70, its two-beat pattern outscoring the beat.
 *
 * Confidence is the pulse clarity (Lartillot et al. 2008, ISMIR): the normalised
 * autocorrelation at the winner's beat multiples, 1 for a metronome and near 0 for noise.
 */
import { SpectralFlux } from "./spectral-flux.ts";

type Samples = ArrayLike<number>;

export interface TempoEstimate {
  bpm: number;
  /** Pulse clarity 0 … 1. */
  confidence: number;
}

export interface TempoDetectorOptions {
  sampleRate: number;
  /** 60 by default. */
  minBpm?: number;
  /** 200 by default. */
  maxBpm?: number;
}

const ONSET_FRAMES_PER_SECOND = 100;
const BEAT_MULTIPLES = 4;
const GRID_BPM = 0.01;
const PREFERRED_BPM = 120;
const PREFERENCE_OCTAVES = 1.4;
/** Width of the interpolation kernel over autocorrelation lags, in onset frames. */
const KERNEL_SIGMA = 1;
const KERNEL_REACH = 3;
/** The autocorrelation needs a few periods of the slowest tempo to mean anything. */
const MIN_PERIODS = 6;

export class TempoDetector {
  readonly #minBpm: number;
  readonly #maxBpm: number;
  readonly #framesPerSecond: number;
  readonly #flux: SpectralFlux;

  readonly #maxLag: number;
  /** Σ e[t]·e[t−l] for l = 0 … maxLag. */
  readonly #products: Float64Array;
  /** The first maxLag envelope values, then the last maxLag + 1 in a ring. */
  readonly #head: Float64Array;
  readonly #ring: Float64Array;
  #count = 0;
  #sum = 0;

  constructor(options: TempoDetectorOptions) {
    this.#minBpm = options.minBpm ?? 60;
    this.#maxBpm = options.maxBpm ?? 200;
    // About 40 ms frames: short enough to place a drum hit within a frame or two.
    this.#flux = new SpectralFlux(options.sampleRate, 0.04, 1 / ONSET_FRAMES_PER_SECOND);
    this.#framesPerSecond = options.sampleRate / this.#flux.hop;
    this.#maxLag =
      Math.ceil((BEAT_MULTIPLES * 60 * this.#framesPerSecond) / this.#minBpm) + KERNEL_REACH;
    this.#products = new Float64Array(this.#maxLag + 1);
    this.#head = new Float64Array(this.#maxLag);
    this.#ring = new Float64Array(this.#maxLag + 1);
  }

  add(channels: readonly Samples[], offset: number, frames: number): void {
    // The first frame has nothing before it: its "rise" from zero is not an onset.
    this.#flux.add(channels, offset, frames, (flux, index) => {
      if (index > 0) this.#push(flux);
    });
  }

  tempo(): TempoEstimate | null {
    const n = this.#count;
    const maxLag = this.#maxLag;
    if (n < (MIN_PERIODS * 60 * this.#framesPerSecond) / this.#minBpm || n <= maxLag) return null;
    const mean = this.#sum / n;
    let headSum = 0;
    let tailSum = 0;
    const covariance = new Float64Array(maxLag + 1);
    for (let lag = 0; lag <= maxLag; lag++) {
      if (lag > 0) {
        headSum += this.#head[lag - 1];
        tailSum += this.#ring[(n - lag) % this.#ring.length];
      }
      // Σ (e[t] − μ)(e[t−l] − μ) over the n − l pairs, from the running sums.
      const later = this.#sum - headSum;
      const earlier = this.#sum - tailSum;
      const pairs = n - lag;
      covariance[lag] =
        (this.#products[lag] - mean * (later + earlier) + pairs * mean * mean) / pairs;
    }
    if (!(covariance[0] > 0)) return null;
    // The autocorrelation at a fractional lag, by Gaussian kernel regression over the lags around
    // it. A beat period between two frames shows as a mixture of peaks at the frames either side
    // (46.875 frames: 7/8 at 47, 1/8 at 46); the kernel's maximum sits at their weighted mean,
    // where linear interpolation, peaking only on whole lags, pulled 128 BPM to 127.66.
    const r = (lag: number) => {
      const centre = Math.round(lag);
      let sum = 0;
      let weights = 0;
      for (let j = centre - KERNEL_REACH; j <= centre + KERNEL_REACH; j++) {
        if (j < 0 || j > maxLag) continue;
        const w = Math.exp(-0.5 * ((lag - j) / KERNEL_SIGMA) ** 2);
        sum += w * covariance[j];
        weights += w;
      }
      return sum / weights / covariance[0];
    };
    let best = { bpm: 0, weighted: Number.NEGATIVE_INFINITY };
    const steps = Math.round((this.#maxBpm - this.#minBpm) / GRID_BPM);
    for (let step = 0; step <= steps; step++) {
      const bpm = this.#minBpm + step * GRID_BPM;
      const period = (60 * this.#framesPerSecond) / bpm;
      let score = 0;
      for (let m = 1; m <= BEAT_MULTIPLES; m++) score += r(m * period) / BEAT_MULTIPLES;
      const preference = Math.exp(
        -0.5 * (Math.log2(bpm / PREFERRED_BPM) / PREFERENCE_OCTAVES) ** 2,
      );
      if (score * preference > best.weighted) best = { bpm, weighted: score * preference };
    }
    // Pulse clarity on the unsmoothed autocorrelation: its highest value within a frame of each
    // beat multiple, so a metronome reads 1 however its period falls between frames.
    const period = (60 * this.#framesPerSecond) / best.bpm;
    let clarity = 0;
    for (let m = 1; m <= BEAT_MULTIPLES; m++) {
      const lag = Math.round(m * period);
      const peak = Math.max(covariance[lag - 1], covariance[lag], covariance[lag + 1]);
      clarity += peak / covariance[0] / BEAT_MULTIPLES;
    }
    return {
      bpm: Math.round(best.bpm * 100) / 100,
      confidence: Math.min(1, Math.max(0, clarity)),
    };
  }

  #push(value: number): void {
    const t = this.#count;
    const ring = this.#ring;
    const size = ring.length;
    ring[t % size] = value;
    const lags = Math.min(t, this.#maxLag);
    for (let lag = 0; lag <= lags; lag++) {
      this.#products[lag] += value * ring[(t - lag) % size];
    }
    if (t < this.#head.length) this.#head[t] = value;
    this.#sum += value;
    this.#count = t + 1;
  }
}
