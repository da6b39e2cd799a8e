import { ControlRoomError } from "../../../music/errors.ts";
import { TruePeakDetector } from "../true-peak.ts";
import { LoudnessWindows } from "./loudness-windows.ts";

/** The readings before anything is heard: −inf LUFS twice, a peak of 0 (−inf dBTP). */
const SILENCE = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, 0];

/**
 * The mixer's loudness meter: momentary and short-term loudness (EBU Tech 3341) and a
 * held true peak (BS.1770-5 Annex 2), by the same code as LoudnessMeter. prepare()
 * allocates; process() allocates nothing, never throws, and updates the readings at every
 * hop (10 ms or less), so they are the same whatever the block size.
 *
 * Until a window has filled, the time before the start counts as silence. A NaN or infinite
 * sample cannot stop the meter: the hop it falls in counts as silence and the K-weighting
 * starts again from rest; an infinite sample shows as an infinite true peak until reset.
 */
export class LoudnessMeterProcessor {
  /**
   * Momentary and short-term loudness (LUFS) and the held true peak (linear), kept in an
   * array: a double stored to a field or returned from a call may be boxed by V8, an
   * allocation on the audio thread. The getters are for the reader.
   */
  readonly #readings = new Float64Array(SILENCE);

  get momentaryLufs(): number {
    return this.#readings[0];
  }

  get shortTermLufs(): number {
    return this.#readings[1];
  }

  /** The highest true peak of any channel since prepare() or resetTruePeak(). */
  get truePeakDbtp(): number {
    return 20 * Math.log10(this.#readings[2]);
  }
  #windows: LoudnessWindows | null = null;
  readonly #truePeak = new TruePeakDetector();
  #inputs: ArrayLike<number>[] = [];

  /**
   * Mono or stereo. Nothing here scales with maxBlockFrames: the windows work in hops, and
   * a block of any size is cut at hop ends; it is taken for the shape every processor has.
   */
  prepare(sampleRate: number, channels: number, _maxBlockFrames: number): void {
    if (channels !== 1 && channels !== 2) {
      throw new ControlRoomError(
        "E_LOUDNESS_CHANNELS",
        `the mixer's loudness meter takes mono or stereo, not ${channels} channels`,
        "channels",
      );
    }
    this.#windows = new LoudnessWindows(sampleRate, channels);
    this.#truePeak.prepare(sampleRate, channels);
    this.#inputs =
      channels === 1 ? [new Float64Array(0)] : [new Float64Array(0), new Float64Array(0)];
    this.#readings.set(SILENCE);
  }

  /** Meters frames [0, frames) of left (and right, when stereo; ignored for mono). */
  process(left: ArrayLike<number>, right: ArrayLike<number>, frames: number): void {
    const windows = this.#windows;
    if (windows === null) return;
    const inputs = this.#inputs;
    inputs[0] = left;
    if (inputs.length === 2) inputs[1] = right;
    for (let done = 0; done < frames; ) {
      const n = Math.min(frames - done, windows.framesToHopEnd);
      this.#truePeak.process(inputs, done, n);
      if (windows.feed(inputs, done, n)) windows.readLoudness(this.#readings);
      done += n;
    }
    this.#truePeak.highestPeakInto(this.#readings, 2);
  }

  /** Peak-hold reset: the true peak starts again from the next block. */
  resetTruePeak(): void {
    this.#truePeak.resetPeak();
    this.#readings[2] = 0;
  }

  /** Back to the state after prepare(): silence heard, no peak held. */
  reset(): void {
    this.#windows?.reset();
    this.#truePeak.reset();
    this.#readings.set(SILENCE);
  }
}
