/**
 * Word-length reduction from float to N-bit integer codes.
 *
 * TPDF dither adds the sum of two independent uniform ±0.5 LSB values (a triangular density
 * spanning ±1 LSB) before rounding. That makes the first and second moments of the total error
 * independent of the signal, so requantization leaves a steady noise floor of 0.5 LSB RMS
 * (−96.3 dBFS at 16 bits) instead of distortion that follows the music (Lipshitz, Wannamaker
 * & Vanderkooy, "Quantization and Dither: A Theoretical Survey", JAES 40(5), 1992).
 *
 * The noise comes from a seeded mulberry32 generator, so an export is reproducible bit for bit.
 */

export type DitherMode = "tpdf" | "none";

/** Output codes: `Float64Array` holds them as integer-valued doubles. */
export type IntegerCodes = Int32Array | Int16Array | Float64Array;

export class Quantizer {
  readonly bits: number;
  readonly dither: DitherMode;
  #state: number;

  /** `bits` is the target word length (8–24); codes span −2^(bits−1) … 2^(bits−1) − 1. */
  constructor(bits: number, dither: DitherMode = "tpdf", seed = 0x2545f491) {
    this.bits = bits;
    this.dither = dither;
    this.#state = seed | 0;
  }

  /**
   * Writes the integer code of `input[offset + i]` (full scale ±1) to `output[outputOffset + i]`
   * for `frames` samples, clipping at the code range. Never allocates.
   */
  quantize(
    input: Float64Array | Float32Array,
    offset: number,
    frames: number,
    output: IntegerCodes,
    outputOffset = 0,
  ): void {
    const scale = 2 ** (this.bits - 1);
    const max = scale - 1;
    const min = -scale;
    const tpdf = this.dither === "tpdf";
    for (let i = 0; i < frames; i++) {
      let x = input[offset + i] * scale;
      if (tpdf) x += this.#uniform() + this.#uniform() - 1;
      let v = Math.round(x);
      if (v > max) v = max;
      else if (v < min) v = min;
      output[outputOffset + i] = v;
    }
  }

  /** mulberry32 (Tommy Ettinger, public domain): uniform in [0, 1). */
  #uniform(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
