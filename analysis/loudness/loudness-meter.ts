import { LoudnessWindows, loudnessOf } from "../../engine/dsp/loudness/loudness-windows.ts";
import { TruePeakDetector } from "../../engine/dsp/true-peak.ts";
import { ControlRoomError } from "../../music/errors.ts";
import { toDb } from "../levels.ts";
import { integratedLoudness, LoudnessHistogram, loudnessRange } from "./gating.ts";

/**
 * A loudness meter for whole programmes: ITU-R BS.1770-5 integrated loudness and true
 * peak, EBU Tech 3341 momentary and short-term maxima, EBU Tech 3342 loudness range.
 * It takes the audio in pieces of any size and gives the same numbers however it is cut.
 * Memory does not grow with the programme's length, except for the optional series.
 */

export interface LoudnessReport {
  integratedLufs: number;
  loudnessRangeLu: number;
  truePeakDbtp: number;
  truePeakDbtpPerChannel: number[];
  samplePeakDbfs: number;
  samplePeakDbfsPerChannel: number[];
  /** Over the complete 400 ms windows; −Infinity when the programme is shorter. */
  maxMomentaryLufs: number;
  /** Over the complete 3 s windows; −Infinity when the programme is shorter. */
  maxShortTermLufs: number;
  /** RMS of every sample of every channel pooled, unweighted, as `sox stats` reports it. */
  rmsDbfs: number;
  /** Σ L·R / √(Σ L² · Σ R²) over the programme; null unless stereo with signal in both channels. */
  correlation: number | null;
  durationSeconds: number;
  sampleRate: number;
  channels: number;
}

/** Values per hop (10 ms or less, see hopGrid), for plotting. */
export interface LoudnessSeries {
  hopSeconds: number;
  /** LUFS at the end of each hop; before a window has filled, the time before the start counts as silence. */
  momentary: Float32Array;
  shortTerm: Float32Array;
  /** dBTP of the highest channel within each hop (the interpolator runs 5 frames behind). */
  truePeak: Float32Array;
}

export interface LoudnessMeterOptions {
  sampleRate: number;
  channels: number;
  /** WAVE_FORMAT_EXTENSIBLE dwChannelMask: which channel is the LFE and which are surrounds. */
  channelMask?: number | null;
  /** Keep momentary, short-term and true peak per hop for series(). */
  keepSeries?: boolean;
}

export class LoudnessMeter {
  readonly sampleRate: number;
  readonly channels: number;
  readonly #windows: LoudnessWindows;
  readonly #truePeak = new TruePeakDetector();
  readonly #blocks = new LoudnessHistogram();
  readonly #shortTermValues = new LoudnessHistogram();
  /** Peaks folded in at every hop end; the detector holds those of the current hop. */
  readonly #truePeaks: Float64Array;
  readonly #samplePeaks: Float64Array;
  readonly #squares: Float64Array;
  readonly #pendingSquares: Float64Array;
  #product = 0;
  #frames = 0;
  #maxMomentary = 0;
  #maxShortTerm = 0;
  readonly #series: SeriesBuilder | null;

  constructor(options: LoudnessMeterOptions) {
    const { sampleRate, channels } = options;
    this.#windows = new LoudnessWindows(sampleRate, channels, options.channelMask ?? null);
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.#truePeak.prepare(sampleRate, channels);
    this.#truePeaks = new Float64Array(channels);
    this.#samplePeaks = new Float64Array(channels);
    this.#squares = new Float64Array(channels);
    this.#pendingSquares = new Float64Array(channels);
    this.#series = options.keepSeries ? new SeriesBuilder() : null;
  }

  /**
   * Measures frames [offset, offset + frames) of each channel. A NaN or infinite sample is
   * an error (E_AUDIO_NOT_FINITE, naming its channel and frame) raised before anything of
   * this call is taken in: a file holding one is damaged, and there is no loudness to give it.
   */
  add(channels: ArrayLike<number>[], offset: number, frames: number): void {
    this.#checkBlock(channels, offset, frames);
    this.#addLevels(channels, offset, frames);
    const windows = this.#windows;
    for (let done = 0; done < frames; ) {
      const n = Math.min(frames - done, windows.framesToHopEnd);
      this.#truePeak.process(channels, offset + done, n);
      if (windows.feed(channels, offset + done, n)) this.#endHop();
      done += n;
    }
    this.#frames += frames;
  }

  report(): LoudnessReport {
    const truePeaks: number[] = [];
    const samplePeaks: number[] = [];
    for (let c = 0; c < this.channels; c++) {
      truePeaks.push(Math.max(this.#truePeaks[c], this.#truePeak.peakAtEnd(c)));
      samplePeaks.push(Math.max(this.#samplePeaks[c], this.#truePeak.samplePeak(c)));
    }
    const samples = this.#frames * this.channels;
    const squares = this.#squares.reduce((sum, s) => sum + s, 0);
    let correlation: number | null = null;
    if (this.channels === 2 && this.#squares[0] > 0 && this.#squares[1] > 0) {
      correlation = this.#product / Math.sqrt(this.#squares[0] * this.#squares[1]);
    }
    return {
      integratedLufs: integratedLoudness(this.#blocks),
      loudnessRangeLu: loudnessRange(this.#shortTermValues),
      truePeakDbtp: toDb(Math.max(0, ...truePeaks)),
      truePeakDbtpPerChannel: truePeaks.map(toDb),
      samplePeakDbfs: toDb(Math.max(0, ...samplePeaks)),
      samplePeakDbfsPerChannel: samplePeaks.map(toDb),
      maxMomentaryLufs: loudnessOf(this.#maxMomentary),
      maxShortTermLufs: loudnessOf(this.#maxShortTerm),
      rmsDbfs: samples > 0 ? 10 * Math.log10(squares / samples) : Number.NEGATIVE_INFINITY,
      correlation,
      durationSeconds: this.#frames / this.sampleRate,
      sampleRate: this.sampleRate,
      channels: this.channels,
    };
  }

  series(): LoudnessSeries | null {
    if (this.#series === null) return null;
    return this.#series.build(this.#windows.grid.hopFrames / this.sampleRate);
  }

  /** Every hop: momentary and short-term values, gating blocks every 100 ms, peaks. */
  #endHop(): void {
    const windows = this.#windows;
    const { stepHops, momentaryHops, shortTermHops } = windows.grid;
    const hops = windows.hops;
    const onStep = hops % stepHops === 0;
    const momentary = windows.meanEnergy(momentaryHops);
    const shortTerm = windows.meanEnergy(shortTermHops);
    if (hops >= momentaryHops) {
      if (momentary > this.#maxMomentary) this.#maxMomentary = momentary;
      // BS.1770-5 §2.8: 400 ms blocks overlapping by 75 %, one ending every 100 ms.
      if (onStep) this.#blocks.add(momentary);
    }
    if (hops >= shortTermHops) {
      if (shortTerm > this.#maxShortTerm) this.#maxShortTerm = shortTerm;
      // Tech 3342 §3: short-term values at 10 Hz feed the loudness range.
      if (onStep) this.#shortTermValues.add(shortTerm);
    }
    let hopPeak = 0;
    for (let c = 0; c < this.channels; c++) {
      const peak = this.#truePeak.peak(c);
      if (peak > hopPeak) hopPeak = peak;
      if (peak > this.#truePeaks[c]) this.#truePeaks[c] = peak;
      const samplePeak = this.#truePeak.samplePeak(c);
      if (samplePeak > this.#samplePeaks[c]) this.#samplePeaks[c] = samplePeak;
    }
    this.#truePeak.resetPeak();
    this.#series?.push(momentary, shortTerm, hopPeak);
  }

  /**
   * Sums for RMS and correlation, which also prove every sample finite before any state
   * moves. They run on from the totals sample by sample, so block cuts change no bit.
   */
  #addLevels(channels: ArrayLike<number>[], offset: number, frames: number): void {
    const end = offset + frames;
    const sums = this.#pendingSquares;
    for (let c = 0; c < this.channels; c++) {
      const x = channels[c];
      let sum = this.#squares[c];
      for (let i = offset; i < end; i++) sum += x[i] * x[i];
      sums[c] = sum;
    }
    let product = this.#product;
    if (this.channels === 2) {
      const left = channels[0];
      const right = channels[1];
      for (let i = offset; i < end; i++) product += left[i] * right[i];
    }
    // A sum stays finite unless a sample is NaN or ±Infinity (or so large its square overflows).
    if (!Number.isFinite(sums.reduce((a, b) => a + b, product))) {
      this.#throwNotFinite(channels, offset, frames);
    }
    this.#squares.set(sums);
    this.#product = product;
  }

  #throwNotFinite(channels: ArrayLike<number>[], offset: number, frames: number): never {
    for (let i = offset; i < offset + frames; i++) {
      for (let c = 0; c < this.channels; c++) {
        const x = channels[c][i];
        if (Number.isFinite(x * x)) continue;
        const frame = this.#frames + i - offset;
        throw new ControlRoomError(
          "E_AUDIO_NOT_FINITE",
          `channel ${c + 1} holds ${x} at frame ${frame} (${(frame / this.sampleRate).toFixed(3)} s); loudness needs finite samples`,
          "audio",
        );
      }
    }
    // Every sample finite, yet their squares summed past the largest double.
    throw new ControlRoomError(
      "E_AUDIO_NOT_FINITE",
      `frames ${this.#frames}–${this.#frames + frames} hold samples so large that their energy is not a finite number`,
      "audio",
    );
  }

  #checkBlock(channels: ArrayLike<number>[], offset: number, frames: number): void {
    const valid =
      Number.isInteger(offset) &&
      Number.isInteger(frames) &&
      offset >= 0 &&
      frames >= 0 &&
      channels.length >= this.channels &&
      channels.slice(0, this.channels).every((x) => x.length >= offset + frames);
    if (!valid) {
      throw new ControlRoomError(
        "E_LOUDNESS_INPUT",
        `the meter was given frames ${offset}–${offset + frames} of ${channels.length} channels; it needs ${this.channels} channels holding those frames`,
        "channels",
      );
    }
  }
}

/** Per-hop values in arrays that double as they fill; the one part of the meter that grows. */
class SeriesBuilder {
  #momentary = new Float32Array(1024);
  #shortTerm = new Float32Array(1024);
  #truePeak = new Float32Array(1024);
  #length = 0;

  push(momentary: number, shortTerm: number, truePeak: number): void {
    if (this.#length === this.#momentary.length) {
      this.#momentary = grow(this.#momentary);
      this.#shortTerm = grow(this.#shortTerm);
      this.#truePeak = grow(this.#truePeak);
    }
    this.#momentary[this.#length] = loudnessOf(momentary);
    this.#shortTerm[this.#length] = loudnessOf(shortTerm);
    this.#truePeak[this.#length] = toDb(truePeak);
    this.#length++;
  }

  build(hopSeconds: number): LoudnessSeries {
    return {
      hopSeconds,
      momentary: this.#momentary.slice(0, this.#length),
      shortTerm: this.#shortTerm.slice(0, this.#length),
      truePeak: this.#truePeak.slice(0, this.#length),
    };
  }
}

function grow(values: Float32Array): Float32Array<ArrayBuffer> {
  const bigger = new Float32Array(values.length * 2);
  bigger.set(values);
  return bigger;
}
