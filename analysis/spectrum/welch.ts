/**
 * The long-term average spectrum of a track by Welch's method (Welch 1967, IEEE Trans. Audio
 * Electroacoust. AU-15): Hann-windowed segments with 50 % overlap, their periodograms averaged.
 * It streams: memory is one segment per analysed signal, and any chunking gives the same result.
 *
 * Two scalings of the same average come out:
 * - `power`: mean square per bin (Heinzel, Rüdiger & Schilling 2002, "Spectrum and spectral
 *   density estimation by the DFT", §9: the power spectrum divided by Σw²). The bins of a band
 *   add up to the band's mean square, so band energies and their shares are sums.
 * - `db`: dBFS where a sine reads its amplitude: a full-scale sine centred on a bin reads 0 dB
 *   (Heinzel §9, linear spectrum scaled by Σw, the Hann window's coherent gain). A sine between
 *   two bins reads up to 1.42 dB low (Hann scalloping loss, Harris 1978 table 1).
 *   db = 10·log10(2·ENBW·power), ENBW = N·Σw²/(Σw)² = 1.5 bins for Hann.
 * A segment not filled by the end of the stream is left out, as Welch's method does.
 */
import { FrameCutter } from "./frame-cutter.ts";
import { HannFft } from "./hann-fft.ts";

type Samples = ArrayLike<number>;

export interface WelchOptions {
  sampleRate: number;
  channels: number;
  /** Segment length, a power of two; 8192 by default (5.9 Hz bins at 48 kHz, 171 ms). */
  fftSize?: number;
  /** Also average each channel on its own, besides the mono fold-down. */
  perChannel?: boolean;
}

export interface ChannelSpectrum {
  power: number[];
  db: number[];
}

export interface AveragedSpectrum extends ChannelSpectrum {
  sampleRate: number;
  fftSize: number;
  /** Segments averaged; 0 when the stream was shorter than one segment (then all −Infinity dB). */
  segments: number;
  /** Bin centres in Hz, DC to Nyquist. */
  frequencies: number[];
  /** One spectrum per channel when asked for with `perChannel`, else null. */
  channels: ChannelSpectrum[] | null;
}

export const DEFAULT_FFT_SIZE = 8192;

class Periodogram {
  readonly cutter: FrameCutter;
  readonly sums: Float64Array;
  readonly #fft: HannFft;
  readonly #powers: Float64Array;
  segments = 0;

  constructor(fft: HannFft) {
    this.#fft = fft;
    this.cutter = new FrameCutter(fft.size, fft.size / 2);
    this.sums = new Float64Array(fft.bins);
    this.#powers = new Float64Array(fft.bins);
  }

  add(channels: readonly Samples[], offset: number, frames: number): void {
    this.cutter.add(channels, offset, frames, (frame) => {
      this.#fft.powers(frame, this.#powers);
      for (let k = 0; k < this.sums.length; k++) this.sums[k] += this.#powers[k];
      this.segments++;
    });
  }

  spectrum(): ChannelSpectrum {
    const fft = this.#fft;
    const last = fft.bins - 1;
    const enbw = (fft.size * fft.windowSquareSum) / fft.windowSum ** 2;
    const power: number[] = [];
    const db: number[] = [];
    for (let k = 0; k <= last; k++) {
      // One-sided: every bin but DC and Nyquist also holds its negative-frequency twin.
      const sides = k === 0 || k === last ? 1 : 2;
      const p =
        this.segments === 0
          ? 0
          : (sides * this.sums[k]) / (this.segments * fft.size * fft.windowSquareSum);
      power.push(p);
      db.push(10 * Math.log10(2 * enbw * p));
    }
    return { power, db };
  }
}

export class WelchSpectrum {
  readonly sampleRate: number;
  readonly fftSize: number;
  readonly #channelCount: number;
  readonly #mono: Periodogram;
  readonly #perChannel: Periodogram[];

  constructor(options: WelchOptions) {
    this.sampleRate = options.sampleRate;
    this.fftSize = options.fftSize ?? DEFAULT_FFT_SIZE;
    this.#channelCount = options.channels;
    const fft = new HannFft(this.fftSize);
    this.#mono = new Periodogram(fft);
    this.#perChannel = options.perChannel
      ? Array.from({ length: options.channels }, () => new Periodogram(fft))
      : [];
  }

  add(channels: readonly Samples[], offset: number, frames: number): void {
    const used = channels.slice(0, this.#channelCount);
    this.#mono.add(used, offset, frames);
    this.#perChannel.forEach((periodogram, c) => {
      periodogram.add([used[c]], offset, frames);
    });
  }

  spectrum(): AveragedSpectrum {
    const bins = this.fftSize / 2 + 1;
    return {
      sampleRate: this.sampleRate,
      fftSize: this.fftSize,
      segments: this.#mono.segments,
      frequencies: Array.from({ length: bins }, (_, k) => (k * this.sampleRate) / this.fftSize),
      ...this.#mono.spectrum(),
      channels: this.#perChannel.length > 0 ? this.#perChannel.map((p) => p.spectrum()) : null,
    };
  }
}

/** The averaged spectrum of a whole signal held in memory. */
export function welchSpectrum(
  channels: readonly Samples[],
  frames: number,
  options: Omit<WelchOptions, "channels">,
): AveragedSpectrum {
  const welch = new WelchSpectrum({ ...options, channels: channels.length });
  welch.add(channels, 0, frames);
  return welch.spectrum();
}
