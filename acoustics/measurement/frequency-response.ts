/**
 * The magnitude response of an impulse response, smoothed to a fraction of an octave as room
 * measurement tools show it (1/6 octave by default), on points 1/12 octave apart.
 */
import { powerOfTwoAtLeast, realSpectrum } from "./real-fft.ts";

export interface FrequencyResponse {
  frequencies: number[];
  db: number[];
  smoothingOctaves: number;
}

export function frequencyResponse(
  samples: Float64Array,
  sampleRate: number,
  options: { fromHz?: number; toHz?: number; smoothingOctaves?: number } = {},
): FrequencyResponse {
  const fromHz = options.fromHz ?? 20;
  const toHz = Math.min(options.toHz ?? 20_000, 0.45 * sampleRate);
  const smoothing = options.smoothingOctaves ?? 1 / 6;
  const size = powerOfTwoAtLeast(samples.length);
  const spectrum = realSpectrum(samples, size);
  const bins = size / 2 + 1;
  // Power prefix sums make each smoothing window one subtraction.
  const prefix = new Float64Array(bins + 1);
  for (let k = 0; k < bins; k++) {
    prefix[k + 1] = prefix[k] + spectrum[2 * k] ** 2 + spectrum[2 * k + 1] ** 2;
  }
  const frequencies: number[] = [];
  const db: number[] = [];
  const binHz = sampleRate / size;
  for (let f = fromHz; f <= toHz * 1.0001; f *= 2 ** (1 / 12)) {
    const lo = Math.max(0, Math.floor((f * 2 ** (-smoothing / 2)) / binHz));
    const hi = Math.min(bins - 1, Math.max(lo, Math.ceil((f * 2 ** (smoothing / 2)) / binHz)));
    const power = (prefix[hi + 1] - prefix[lo]) / (hi - lo + 1);
    frequencies.push(f);
    db.push(10 * Math.log10(power + 1e-300));
  }
  return { frequencies, db, smoothingOctaves: smoothing };
}
