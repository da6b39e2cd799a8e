import { FrameCutter } from "./frame-cutter.ts";
import { HannFft, powerOfTwoAtLeast } from "./hann-fft.ts";

type Samples = ArrayLike<number>;

/** γ of the log compression log(1 + γ·|X|), |X| scaled so a full-scale sine is 1 (Müller §6.1.2). */
const COMPRESSION = 100;

/** The lowest semitone band: A0, the piano's lowest note. */
const A0 = 27.5;

/**
 * Onset strength: the spectral flux of log-compressed magnitudes, half-wave rectified
 * (Müller 2015, "Fundamentals of Music Processing", §6.1.2), one value per hop. Value n
 * describes the frame starting at sample n·hop, whose centre is `centreSeconds(n)`.
 * The first frame has nothing before it, so its value is 0.
 *
 * With `semitones`, magnitudes are first summed into semitone bands from A0 up (the
 * filtered spectral flux of Böck, Krebs & Schedl 2012): a note then rises in one band
 * however its partials fall on the FFT bins, and the flux of low notes is not spread thin.
 */
export class SpectralFlux {
  readonly hop: number;
  readonly size: number;
  readonly #sampleRate: number;
  readonly #fft: HannFft;
  readonly #cutter: FrameCutter;
  readonly #powers: Float64Array;
  readonly #previous: Float64Array;
  readonly #magnitudeScale: number;
  /** The band of each FFT bin, and the summed magnitude of each band. */
  readonly #bandOf: Int32Array;
  readonly #bands: Float64Array;
  #frames = 0;

  /** `frameSeconds` is rounded up to a power-of-two frame; `hopSeconds` to whole samples. */
  constructor(
    sampleRate: number,
    frameSeconds: number,
    hopSeconds: number,
    options: { semitones?: boolean } = {},
  ) {
    this.#sampleRate = sampleRate;
    this.hop = Math.max(1, Math.round(sampleRate * hopSeconds));
    this.size = powerOfTwoAtLeast(sampleRate * frameSeconds);
    this.#fft = new HannFft(this.size);
    this.#cutter = new FrameCutter(this.size, Math.min(this.hop, this.size));
    this.#powers = new Float64Array(this.#fft.bins);
    this.#magnitudeScale = 2 / this.#fft.windowSum;
    const binHz = sampleRate / this.size;
    this.#bandOf = Int32Array.from({ length: this.#fft.bins }, (_, k) =>
      options.semitones ? Math.round(12 * Math.log2(Math.max(k * binHz, A0) / A0)) : k,
    );
    this.#bands = new Float64Array(this.#bandOf[this.#bandOf.length - 1] + 1);
    this.#previous = new Float64Array(this.#bands.length);
  }

  /** Feeds audio (channels are averaged) and calls `onValue` with each new flux value. */
  add(
    channels: readonly Samples[],
    offset: number,
    frames: number,
    onValue: (flux: number, index: number) => void,
  ): void {
    this.#cutter.add(channels, offset, frames, (frame) => {
      const p = this.#powers;
      const bands = this.#bands;
      this.#fft.powers(frame, p);
      bands.fill(0);
      for (let k = 0; k < p.length; k++) bands[this.#bandOf[k]] += Math.sqrt(p[k]);
      let flux = 0;
      for (let b = 0; b < bands.length; b++) {
        const level = Math.log1p(COMPRESSION * this.#magnitudeScale * bands[b]);
        const rise = level - this.#previous[b];
        if (rise > 0) flux += rise;
        this.#previous[b] = level;
      }
      const index = this.#frames++;
      onValue(index === 0 ? 0 : flux, index);
    });
  }

  centreSeconds(index: number): number {
    return (index * this.hop + this.size / 2) / this.#sampleRate;
  }
}
