/**
 * The Hann-windowed real FFT every spectral analysis here is built on.
 *
 * The transform is fft.js (MIT, Fedor Indutny): a radix-4 FFT with a real-input path, pure
 * JavaScript with no dependencies, and the fastest of the JS FFTs in its own benchmarks. It
 * only takes power-of-two sizes, which is what the analyses use anyway.
 */
import FFT from "fft.js";
import { ControlRoomError } from "../../music/errors.ts";

/** The smallest power of two ≥ n: frame lengths that keep a duration at any sample rate. */
export function powerOfTwoAtLeast(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(4, n)));
}

export class HannFft {
  readonly size: number;
  /** Periodic Hann window (Harris 1978): its 50 %-overlapped copies sum to a constant. */
  readonly window: Float64Array;
  /** Σw: the coherent gain times N, which scales a bin back to a sine's amplitude. */
  readonly windowSum: number;
  /** Σw²: the incoherent power gain times N, which scales bins back to mean square. */
  readonly windowSquareSum: number;
  readonly #fft: FFT;
  readonly #input: Float64Array;
  readonly #output: number[];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 4 || (size & (size - 1)) !== 0) {
      throw new ControlRoomError(
        "E_FFT_SIZE",
        `an FFT size of ${size} was asked for; it must be a power of two, 4 or more`,
        "fftSize",
      );
    }
    this.size = size;
    this.window = Float64Array.from(
      { length: size },
      (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size),
    );
    this.windowSum = this.window.reduce((sum, w) => sum + w, 0);
    this.windowSquareSum = this.window.reduce((sum, w) => sum + w * w, 0);
    this.#fft = new FFT(size);
    this.#input = new Float64Array(size);
    this.#output = this.#fft.createComplexArray();
  }

  /** Number of bins from DC to Nyquist inclusive. */
  get bins(): number {
    return this.size / 2 + 1;
  }

  /** |X[k]|² of the windowed frame for k = 0 … size/2, into `out`. */
  powers(frame: ArrayLike<number>, out: Float64Array): void {
    const input = this.#input;
    const window = this.window;
    for (let i = 0; i < this.size; i++) input[i] = frame[i] * window[i];
    // realTransform fills bins 0 … size/2 (interleaved re, im); the upper half is left unset.
    this.#fft.realTransform(this.#output, input);
    const spectrum = this.#output;
    for (let k = 0; k < this.bins; k++) {
      const re = spectrum[2 * k];
      const im = spectrum[2 * k + 1];
      out[k] = re * re + im * im;
    }
  }
}
