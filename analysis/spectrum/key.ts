/**
 * Musical key: a chromagram from spectral peaks, matched against key profiles.
 *
 * Chroma follows the harmonic pitch class profile (Gómez 2006, "Tonal description of music
 * audio signals", PhD thesis, UPF): per frame, the spectral peaks between 100 Hz and
 * 5 kHz, their frequencies refined by parabolic interpolation of the log magnitude (Smith &
 * Serra 1987), each adding its magnitude to the two nearest pitch classes with a cos² weight
 * 4/3 semitone wide (magnitude rather than power, which lets the root and fifth of every chord
 * drown the third that tells major from minor); every frame is normalised to its strongest class, so a quiet verse counts
 * as much as a loud chorus. Tuning is taken as A = 440 Hz.
 *
 * The key is the best Pearson correlation between the summed chroma and the 24 rotations of
 * the Krumhansl–Kessler probe-tone profiles (Krumhansl & Kessler 1982, Psychological Review
 * 89(4)): the Krumhansl–Schmuckler algorithm (Krumhansl 1990, "Cognitive Foundations of
 * Musical Pitch", ch. 4).
 */
import { FrameCutter } from "./frame-cutter.ts";
import { HannFft, powerOfTwoAtLeast } from "./hann-fft.ts";

type Samples = ArrayLike<number>;

export type KeyMode = "major" | "minor";

export interface KeyEstimate {
  /** "A minor", "F# minor", "Eb major". */
  name: string;
  tonic: string;
  mode: KeyMode;
  /** Pearson correlation of the chroma with the key's profile, −1 … 1. */
  correlation: number;
  /** The key that correlated next best: the one to try when this one sounds wrong. */
  runnerUp: string;
  /**
   * The margin over the runner-up, relative to the best correlation: 0 when two keys fit
   * equally (often a major key and its relative minor), 1 when nothing else fits at all.
   */
  confidence: number;
}

const MAJOR_PROFILE = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const MINOR_PROFILE = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

/** Spelled as key signatures usually are: flats for Db, Eb, Ab, Bb; F# major over Gb. */
const MAJOR_TONICS = ["C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];
const MINOR_TONICS = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B"];

const LOWEST_HZ = 100;
const HIGHEST_HZ = 5000;
/** Peaks more than 60 dB below a frame's strongest are noise and leakage, not notes. */
const PEAK_FLOOR = 1e-6;
/** Frames below about −100 dBFS are silence and add nothing. */
const SILENT_FRAME_POWER = 1e-10;
/** Gómez's weighting window: a peak feeds pitch classes within 2/3 semitone of it. */
const HALF_WIDTH_SEMITONES = 2 / 3;

export interface KeyDetectorOptions {
  sampleRate: number;
}

export class KeyDetector {
  readonly #sampleRate: number;
  readonly #fft: HannFft;
  readonly #cutter: FrameCutter;
  readonly #powers: Float64Array;
  readonly #frameChroma = new Float64Array(12);
  readonly #chroma = new Float64Array(12);

  constructor(options: KeyDetectorOptions) {
    this.#sampleRate = options.sampleRate;
    // About 170 ms: bins of 5.9 Hz at 48 kHz, narrower than a semitone from 100 Hz up.
    const size = powerOfTwoAtLeast(options.sampleRate * 0.17);
    this.#fft = new HannFft(size);
    this.#cutter = new FrameCutter(size, size / 2);
    this.#powers = new Float64Array(this.#fft.bins);
  }

  add(channels: readonly Samples[], offset: number, frames: number): void {
    this.#cutter.add(channels, offset, frames, (frame) => this.#analyse(frame));
  }

  /** The summed chroma, C first; each frame contributed at most 1 per class. */
  chroma(): number[] {
    return [...this.#chroma];
  }

  key(): KeyEstimate | null {
    return keyFromChroma(this.#chroma);
  }

  #analyse(frame: Float64Array): void {
    const p = this.#powers;
    this.#fft.powers(frame, p);
    const binHz = this.#sampleRate / this.#fft.size;
    const low = Math.max(1, Math.ceil(LOWEST_HZ / binHz));
    const high = Math.min(p.length - 2, Math.floor(HIGHEST_HZ / binHz));
    let strongest = 0;
    let total = 0;
    for (let k = low; k <= high; k++) {
      if (p[k] > strongest) strongest = p[k];
      total += p[k];
    }
    // Σw² normalises the frame's power to mean square, so the silence floor is in dBFS.
    if (total / (this.#fft.size * this.#fft.windowSquareSum) < SILENT_FRAME_POWER) return;
    const chroma = this.#frameChroma.fill(0);
    for (let k = low; k <= high; k++) {
      if (!(p[k] > p[k - 1] && p[k] >= p[k + 1] && p[k] > strongest * PEAK_FLOOR)) continue;
      // Parabola through the log powers of the peak and its neighbours (Smith & Serra 1987).
      const a = Math.log(p[k - 1] + Number.MIN_VALUE);
      const b = Math.log(p[k]);
      const c = Math.log(p[k + 1] + Number.MIN_VALUE);
      const offset = (0.5 * (a - c)) / (a - 2 * b + c);
      const frequency = (k + offset) * binHz;
      const semitones = 12 * Math.log2(frequency / 440) + 9;
      const below = Math.floor(semitones);
      for (const pitch of [below, below + 1]) {
        const distance = Math.abs(semitones - pitch);
        if (distance >= HALF_WIDTH_SEMITONES) continue;
        const weight = Math.cos((Math.PI / 2) * (distance / HALF_WIDTH_SEMITONES)) ** 2;
        chroma[((pitch % 12) + 12) % 12] += weight * Math.sqrt(p[k]);
      }
    }
    const max = Math.max(...chroma);
    if (max === 0) return;
    for (let c = 0; c < 12; c++) this.#chroma[c] += chroma[c] / max;
  }
}

/** The best-fitting key for a 12-class chroma (C first), or null for a flat or empty chroma. */
export function keyFromChroma(chroma: ArrayLike<number>): KeyEstimate | null {
  const candidates: { tonic: string; mode: KeyMode; correlation: number }[] = [];
  for (let tonic = 0; tonic < 12; tonic++) {
    for (const mode of ["major", "minor"] as const) {
      const profile = mode === "major" ? MAJOR_PROFILE : MINOR_PROFILE;
      const rotated = Array.from({ length: 12 }, (_, c) => profile[(c - tonic + 12) % 12]);
      const correlation = pearson(chroma, rotated);
      if (Number.isNaN(correlation)) return null;
      const names = mode === "major" ? MAJOR_TONICS : MINOR_TONICS;
      candidates.push({ tonic: names[tonic], mode, correlation });
    }
  }
  candidates.sort((x, y) => y.correlation - x.correlation);
  const [best, second] = candidates;
  const confidence =
    best.correlation > 0
      ? Math.min(1, (best.correlation - second.correlation) / best.correlation)
      : 0;
  return {
    name: `${best.tonic} ${best.mode}`,
    tonic: best.tonic,
    mode: best.mode,
    correlation: best.correlation,
    runnerUp: `${second.tonic} ${second.mode}`,
    confidence,
  };
}

/** NaN when either side has no variance (silence, or every class equal). */
function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}
