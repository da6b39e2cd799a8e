/**
 * Crest factor: the ratio of peak to RMS level (the IEC 60050-103 definition), in dB, as
 * `sox stats` reports "Crest factor" but in decibels. A sine reads 3.01 dB, a square wave 0 dB;
 * a heavily limited master reads less than a dynamic mix. Silence has none: NaN.
 */
export function crestFactorDb(peakDbfs: number, rmsDbfs: number): number {
  if (rmsDbfs === Number.NEGATIVE_INFINITY) return Number.NaN;
  return peakDbfs - rmsDbfs;
}
