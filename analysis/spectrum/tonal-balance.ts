/**
 * Where a track's energy sits: four broad bands (lows, low mids, high mids, highs) and the ten
 * octave bands of IEC 61260-1 from 31.5 Hz to 16 kHz, taken from the averaged spectrum.
 *
 * Each band's level is the sum of the mean-square power of the bins whose centres fall inside
 * it, in dBFS as levels.ts reports RMS (a full-scale sine reads −3.01 dB). Its share is that
 * power relative to the whole spectrum above DC, so shares compare tracks of any loudness.
 */
import type { AveragedSpectrum } from "./welch.ts";

export interface Band {
  label: string;
  /** Lower edge, inclusive, Hz. */
  lowHz: number;
  /** Upper edge, exclusive, Hz. */
  highHz: number;
}

export interface BandEnergy extends Band {
  /** Mean-square power of the band, dBFS (full-scale sine = −3.01 dB). */
  levelDb: number;
  /** The band's power relative to the total above DC, dB (0 dB: all energy is in this band). */
  shareDb: number;
}

export const BROAD_BANDS: readonly Band[] = [
  { label: "Lows (< 250 Hz)", lowHz: 0, highHz: 250 },
  { label: "Low mids (250 Hz–2 kHz)", lowHz: 250, highHz: 2000 },
  { label: "High mids (2–8 kHz)", lowHz: 2000, highHz: 8000 },
  { label: "Highs (> 8 kHz)", lowHz: 8000, highHz: Number.POSITIVE_INFINITY },
];

/**
 * Octave bands labelled by their nominal midband frequencies (IEC 61260-1:2014, ISO 266). The
 * exact midbands are the base-2 series 1000·2^k Hz, and the edges lie half an octave either side.
 */
export const OCTAVE_BANDS: readonly Band[] = [
  "31.5 Hz",
  "63 Hz",
  "125 Hz",
  "250 Hz",
  "500 Hz",
  "1 kHz",
  "2 kHz",
  "4 kHz",
  "8 kHz",
  "16 kHz",
].map((label, i) => {
  const centre = 1000 * 2 ** (i - 5);
  return { label, lowHz: centre * 2 ** -0.5, highHz: centre * 2 ** 0.5 };
});

export function bandEnergies(
  spectrum: Pick<AveragedSpectrum, "frequencies" | "power">,
  bands: readonly Band[],
): BandEnergy[] {
  const { frequencies, power } = spectrum;
  let total = 0;
  for (let k = 1; k < power.length; k++) total += power[k];
  return bands.map((band) => {
    let sum = 0;
    // Bin 0 is DC: an offset, not sound, so no band counts it.
    for (let k = 1; k < power.length; k++) {
      const f = frequencies[k];
      if (f >= band.lowHz && f < band.highHz) sum += power[k];
    }
    return {
      ...band,
      levelDb: 10 * Math.log10(sum),
      shareDb: total > 0 ? 10 * Math.log10(sum / total) : Number.NEGATIVE_INFINITY,
    };
  });
}

/** Energy in the four broad bands: < 250 Hz, 250 Hz–2 kHz, 2–8 kHz and > 8 kHz. */
export function tonalBalance(
  spectrum: Pick<AveragedSpectrum, "frequencies" | "power">,
): BandEnergy[] {
  return bandEnergies(spectrum, BROAD_BANDS);
}

/** Energy in the octave bands 31.5 Hz … 16 kHz. */
export function octaveBands(
  spectrum: Pick<AveragedSpectrum, "frequencies" | "power">,
): BandEnergy[] {
  return bandEnergies(spectrum, OCTAVE_BANDS);
}
