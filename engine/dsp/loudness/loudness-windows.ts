import { channelWeights } from "./channel-weights.ts";
import { checkLoudnessRate, kWeighting } from "./k-weighting.ts";

/**
 * The part of a BS.1770 meter that runs per sample: K-weighting, squaring and the channel
 * weights (ITU-R BS.1770-5 §2), summed into hops of at most 10 ms. The momentary (400 ms)
 * and short-term (3 s) windows of EBU Tech 3341 §2.2 and the 400 ms gating blocks of
 * BS.1770-5 §2.8, which start every 100 ms, are whole numbers of hops, so every window is
 * the sum of its hops: exact, with no running sum to drift, and block-size independent.
 *
 * Both the file meter (LoudnessMeter) and the mixer's realtime meter run on this class.
 */

/** How a sample rate is cut into hops. */
export interface HopGrid {
  hopFrames: number;
  /** Hops per 100 ms: gating blocks and the loudness-range short-term values start this often. */
  stepHops: number;
  /** Hops per 400 ms: the momentary window and a gating block. */
  momentaryHops: number;
  /** Hops per 3 s: the short-term window. */
  shortTermHops: number;
}

/**
 * Where 100 ms is a whole number of frames (every rate divisible by 10), the hop is the
 * largest divisor of it not over 10 ms: 10 ms exactly at rates divisible by 100, 147 frames
 * (6.7 ms) at 22.05 kHz. Elsewhere (11.025 kHz) no hop makes the windows exact, and they
 * are 10, 40 and 300 hops of round(rate/100) frames, within 0.3 % of their durations.
 */
export function hopGrid(sampleRate: number): HopGrid {
  checkLoudnessRate(sampleRate);
  const stepFrames = sampleRate / 10;
  let hopFrames = Math.round(sampleRate / 100);
  let stepHops = 10;
  if (Number.isInteger(stepFrames)) {
    hopFrames = Math.floor(sampleRate / 100);
    while (stepFrames % hopFrames !== 0) hopFrames--;
    stepHops = stepFrames / hopFrames;
  }
  return { hopFrames, stepHops, momentaryHops: 4 * stepHops, shortTermHops: 30 * stepHops };
}

/** BS.1770-5 eq. (2): L = −0.691 + 10·log10(Σ Gᵢ·zᵢ); silence is −Infinity. */
export function loudnessOf(energy: number): number {
  return -0.691 + 10 * Math.log10(energy);
}

/**
 * Below this a filter state is flushed to zero at the end of a hop: a decaying tail that
 * small is ~−600 dBFS, and subnormal arithmetic on it costs ~100 cycles an operation.
 */
const DENORMAL_FLOOR = 1e-30;
/** Per channel: the last two inputs, shelf outputs and high-pass outputs. */
const STATES = 6;

export class LoudnessWindows {
  readonly grid: HopGrid;
  readonly channels: number;
  readonly #weights: number[];
  readonly #sb0: number;
  readonly #sb1: number;
  readonly #sb2: number;
  readonly #sa1: number;
  readonly #sa2: number;
  readonly #ha1: number;
  readonly #ha2: number;
  readonly #state: Float64Array;
  /** Weighted energy Σ Gᵢ·Σ yᵢ² of the last shortTermHops hops, a ring indexed by hop number. */
  readonly #hopEnergy: Float64Array;
  /**
   * Σ yᵢ² of the current hop per channel, summed sample after sample across calls, so the
   * result does not depend on where the blocks were cut, to the last bit.
   */
  readonly #channelEnergy: Float64Array;
  #hops = 0;
  #framesInHop = 0;

  constructor(sampleRate: number, channels: number, channelMask: number | null = null) {
    this.grid = hopGrid(sampleRate);
    this.#weights = channelWeights(channels, channelMask);
    this.channels = channels;
    const { shelf, highPass } = kWeighting(sampleRate);
    this.#sb0 = shelf.b0;
    this.#sb1 = shelf.b1;
    this.#sb2 = shelf.b2;
    this.#sa1 = shelf.a1;
    this.#sa2 = shelf.a2;
    this.#ha1 = highPass.a1;
    this.#ha2 = highPass.a2;
    this.#state = new Float64Array(STATES * channels);
    this.#hopEnergy = new Float64Array(this.grid.shortTermHops);
    this.#channelEnergy = new Float64Array(channels);
  }

  /** Hops completed so far. */
  get hops(): number {
    return this.#hops;
  }

  /** Frames left until the current hop completes. */
  get framesToHopEnd(): number {
    return this.grid.hopFrames - this.#framesInHop;
  }

  /**
   * Takes frames [offset, offset + frames) of every channel; `frames` must not pass the end
   * of the current hop (framesToHopEnd). Returns true when the frames complete a hop.
   *
   * A non-finite sample would leave the IIR filters NaN for good, so if a channel's energy is
   * no longer finite its filters restart from silence and its hop so far counts as silence.
   */
  feed(channels: ArrayLike<number>[], offset: number, frames: number): boolean {
    const sb0 = this.#sb0;
    const sb1 = this.#sb1;
    const sb2 = this.#sb2;
    const sa1 = this.#sa1;
    const sa2 = this.#sa2;
    const ha1 = this.#ha1;
    const ha2 = this.#ha2;
    const state = this.#state;
    const channelEnergy = this.#channelEnergy;
    const end = offset + frames;
    for (let c = 0; c < this.channels; c++) {
      const weight = this.#weights[c];
      // The LFE channel has no part in loudness (BS.1770-5 Table 3).
      if (weight === 0) continue;
      const x = channels[c];
      const at = c * STATES;
      let x1 = state[at];
      let x2 = state[at + 1];
      let y1 = state[at + 2];
      let y2 = state[at + 3];
      let z1 = state[at + 4];
      let z2 = state[at + 5];
      let sum = channelEnergy[c];
      for (let i = offset; i < end; i++) {
        const v = x[i];
        // Direct form I, the feedback of the previous output added last: the recursion
        // then waits on one multiply and one add per stage, the other terms run ahead.
        const y = sb0 * v + sb1 * x1 + sb2 * x2 - sa2 * y2 - sa1 * y1;
        const z = y - 2 * y1 + y2 - ha2 * z2 - ha1 * z1;
        x2 = x1;
        x1 = v;
        y2 = y1;
        y1 = y;
        z2 = z1;
        z1 = z;
        sum += z * z;
      }
      state[at] = x1;
      state[at + 1] = x2;
      state[at + 2] = y1;
      state[at + 3] = y2;
      state[at + 4] = z1;
      state[at + 5] = z2;
      if (!Number.isFinite(sum)) {
        state.fill(0, at, at + STATES);
        sum = 0;
      }
      channelEnergy[c] = sum;
    }
    this.#framesInHop += frames;
    if (this.#framesInHop < this.grid.hopFrames) return false;
    let energy = 0;
    for (let c = 0; c < this.channels; c++) energy += this.#weights[c] * channelEnergy[c];
    channelEnergy.fill(0);
    this.#hopEnergy[this.#hops % this.#hopEnergy.length] = energy;
    this.#hops++;
    this.#framesInHop = 0;
    for (let i = 0; i < state.length; i++) {
      if (Math.abs(state[i]) < DENORMAL_FLOOR) state[i] = 0;
    }
    return true;
  }

  /**
   * Mean weighted square over the last `hops` completed hops. Before that many hops have
   * passed, the time before the start counts as silence, as on a meter left running.
   */
  meanEnergy(hops: number): number {
    const ring = this.#hopEnergy;
    let sum = 0;
    let at = this.#hops % ring.length;
    for (let n = 0; n < hops; n++) {
      at = at === 0 ? ring.length - 1 : at - 1;
      sum += ring[at];
    }
    return sum / (hops * this.grid.hopFrames);
  }

  /** Momentary loudness (400 ms) as of the last completed hop, LUFS. */
  momentary(): number {
    return loudnessOf(this.meanEnergy(this.grid.momentaryHops));
  }

  /** Short-term loudness (3 s) as of the last completed hop, LUFS. */
  shortTerm(): number {
    return loudnessOf(this.meanEnergy(this.grid.shortTermHops));
  }

  /**
   * Writes momentary loudness to out[0] and short-term loudness to out[1], as momentary()
   * and shortTerm() return them. Nothing is returned: V8 boxes a double returned from a call
   * it does not inline, and a real-time meter reads these at every hop.
   */
  readLoudness(out: Float64Array): void {
    const ring = this.#hopEnergy;
    const { momentaryHops, shortTermHops, hopFrames } = this.grid;
    let momentary = 0;
    let shortTerm = 0;
    let at = this.#hops % ring.length;
    for (let n = 0; n < shortTermHops; n++) {
      at = at === 0 ? ring.length - 1 : at - 1;
      shortTerm += ring[at];
      if (n + 1 === momentaryHops) momentary = shortTerm;
    }
    out[0] = -0.691 + 10 * Math.log10(momentary / (momentaryHops * hopFrames));
    out[1] = -0.691 + 10 * Math.log10(shortTerm / (shortTermHops * hopFrames));
  }

  reset(): void {
    this.#state.fill(0);
    this.#hopEnergy.fill(0);
    this.#channelEnergy.fill(0);
    this.#hops = 0;
    this.#framesInHop = 0;
  }
}
