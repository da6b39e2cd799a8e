import { loudnessOf } from "../../engine/dsp/loudness/loudness-windows.ts";

/**
 * Gated loudness from a histogram instead of a list of blocks, so a meter's memory does not
 * grow with the length of the programme.
 *
 * Each bin is 0.001 LU wide and holds how many blocks fell in it and the sum of their
 * energies. Means over the bins are therefore exact; only where a gate falls inside a bin
 * is the bin taken or left whole (by its mean loudness), and a percentile is read as the
 * mean loudness of its bin. Integrated loudness is thus exact for gates moved by at most
 * 0.001 LU, and loudness range is within 0.001 LU of its exact value.
 */

/** BS.1770-5 §2.8: blocks at or below −70 LKFS are gated out before anything else. */
export const ABSOLUTE_GATE_LUFS = -70;
const BIN_LU = 0.001;
/** Blocks above this (no real programme gets near) share the top bin; their energy stays exact. */
const TOP_LUFS = 30;
const BINS = Math.round((TOP_LUFS - ABSOLUTE_GATE_LUFS) / BIN_LU);

export class LoudnessHistogram {
  readonly #counts = new Uint32Array(BINS);
  readonly #energies = new Float64Array(BINS);

  /** Adds a block by its mean weighted square; one at or below the absolute gate is dropped. */
  add(energy: number): void {
    const loudness = loudnessOf(energy);
    if (!(loudness > ABSOLUTE_GATE_LUFS)) return;
    const bin = Math.min(BINS - 1, Math.floor((loudness - ABSOLUTE_GATE_LUFS) / BIN_LU));
    this.#counts[bin]++;
    this.#energies[bin] += energy;
  }

  /**
   * The blocks above a relative gate `gateLu` below the loudness of all blocks (which have
   * passed the absolute gate already): the first bin taken, how many blocks and their energy.
   */
  gated(gateLu: number): { fromBin: number; count: number; energy: number } {
    const counts = this.#counts;
    const energies = this.#energies;
    let count = 0;
    let energy = 0;
    for (let bin = 0; bin < BINS; bin++) {
      count += counts[bin];
      energy += energies[bin];
    }
    if (count === 0) return { fromBin: BINS, count: 0, energy: 0 };
    const gate = loudnessOf(energy / count) - gateLu;
    const gateBin = Math.floor((gate - ABSOLUTE_GATE_LUFS) / BIN_LU);
    let fromBin = Math.min(BINS - 1, Math.max(0, gateBin + 1));
    if (gateBin >= 0 && gateBin < fromBin && counts[gateBin] > 0) {
      // The gate is strict ("above", BS.1770-5 §2.8); the bin's blocks go with their mean.
      if (loudnessOf(energies[gateBin] / counts[gateBin]) > gate) fromBin = gateBin;
    }
    count = 0;
    energy = 0;
    for (let bin = fromBin; bin < BINS; bin++) {
      count += counts[bin];
      energy += energies[bin];
    }
    return { fromBin, count, energy };
  }

  /** Loudness of the blocks with sorted index `index` (0-based) counting from `fromBin`. */
  valueAt(fromBin: number, index: number): number {
    let seen = 0;
    for (let bin = fromBin; bin < BINS; bin++) {
      seen += this.#counts[bin];
      if (seen > index) return loudnessOf(this.#energies[bin] / this.#counts[bin]);
    }
    return Number.NEGATIVE_INFINITY;
  }
}

/**
 * Integrated loudness, BS.1770-5 §2.8: the mean of the 400 ms blocks above −70 LKFS and
 * above −10 LU relative to those; −Infinity when no block passes.
 */
export function integratedLoudness(blocks: LoudnessHistogram): number {
  const { count, energy } = blocks.gated(10);
  return count === 0 ? Number.NEGATIVE_INFINITY : loudnessOf(energy / count);
}

/**
 * Loudness range, EBU Tech 3342 §3: short-term values above −70 LUFS and −20 LU relative,
 * then the 95th minus the 10th percentile, each the sorted value at index
 * round((n − 1)·p) as Tech 3342's reference code takes it. 0 LU when no value passes,
 * as libebur128 and ffmpeg report it.
 */
export function loudnessRange(shortTerm: LoudnessHistogram): number {
  const { fromBin, count } = shortTerm.gated(20);
  if (count === 0) return 0;
  const low = shortTerm.valueAt(fromBin, Math.round((count - 1) * 0.1));
  const high = shortTerm.valueAt(fromBin, Math.round((count - 1) * 0.95));
  return high - low;
}
