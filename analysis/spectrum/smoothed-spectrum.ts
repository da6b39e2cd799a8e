/**
 * The averaged spectrum on a fixed fractional-octave grid, for display and for comparing two
 * tracks. Linear FFT bins depend on the sample rate (5.4 Hz at 44.1 kHz, 5.9 Hz at 48 kHz); the
 * grid does not, so a mix and a reference line up point for point whatever their rates.
 *
 * Grid points are the exact base-2 fractional-octave midbands of IEC 61260-1:2014,
 * 1000·2^(k/n) Hz, from 20 Hz to 20 kHz. Each point is the power mean of the bins inside its
 * 1/n-octave band (fractional-octave smoothing); where a band is narrower than one bin, the
 * power is interpolated between the two neighbouring bins instead. Points above Nyquist read
 * −Infinity, so both series always have the same length.
 *
 * The dB scale stays the averaged spectrum's, on which a sine reads its amplitude at any rate.
 * Broadband sound reads per bin, so the same sound reads 0.37 dB lower at 44.1 kHz than at
 * 48 kHz (bins of 5.4 against 5.9 Hz at 8192 points); band levels (tonal-balance.ts) do not.
 */
import type { AveragedSpectrum } from "./welch.ts";

export interface SmoothedSpectrum {
  /** Grid points per octave (24: 1/24-octave smoothing). */
  pointsPerOctave: number;
  frequencies: number[];
  /** dBFS on the averaged spectrum's scale, power-averaged over each point's band. */
  db: number[];
}

const LOWEST_HZ = 20;
const HIGHEST_HZ = 20_000;

export function smoothedSpectrum(
  spectrum: Pick<AveragedSpectrum, "frequencies" | "db" | "sampleRate" | "fftSize">,
  pointsPerOctave = 24,
): SmoothedSpectrum {
  const n = pointsPerOctave;
  const binHz = spectrum.sampleRate / spectrum.fftSize;
  const nyquist = spectrum.sampleRate / 2;
  const linear = spectrum.db.map((db) => 10 ** (db / 10));
  const last = linear.length - 1;
  const frequencies: number[] = [];
  const db: number[] = [];
  const first = Math.ceil(n * Math.log2(LOWEST_HZ / 1000));
  const end = Math.floor(n * Math.log2(HIGHEST_HZ / 1000));
  for (let k = first; k <= end; k++) {
    const centre = 1000 * 2 ** (k / n);
    frequencies.push(centre);
    if (centre > nyquist) {
      db.push(Number.NEGATIVE_INFINITY);
      continue;
    }
    const lowBin = Math.ceil((centre * 2 ** (-1 / (2 * n))) / binHz);
    const highBin = Math.min(last, Math.ceil((centre * 2 ** (1 / (2 * n))) / binHz) - 1);
    let power: number;
    if (highBin >= lowBin) {
      let sum = 0;
      for (let b = lowBin; b <= highBin; b++) sum += linear[b];
      power = sum / (highBin - lowBin + 1);
    } else {
      const position = centre / binHz;
      const below = Math.min(last - 1, Math.floor(position));
      const fraction = position - below;
      power = linear[below] * (1 - fraction) + linear[below + 1] * fraction;
    }
    db.push(10 * Math.log10(power));
  }
  return { pointsPerOctave: n, frequencies, db };
}
