/**
 * The octave bands rooms are described in: 125 Hz to 4 kHz, the six bands of ISO 3382-1 and of
 * published absorption coefficients (ISO 354 measures them there).
 */
export const OCTAVE_BANDS_HZ = [125, 250, 500, 1000, 2000, 4000] as const;

export type OctaveBand = (typeof OCTAVE_BANDS_HZ)[number];

/** One value per band of OCTAVE_BANDS_HZ, in that order. */
export type BandValues = readonly [number, number, number, number, number, number];

export function bandValues(f: (band: number, index: number) => number): BandValues {
  return OCTAVE_BANDS_HZ.map((band, i) => f(band, i)) as unknown as BandValues;
}

/** "125 Hz", "1 kHz": how engineers say a band. */
export function bandLabel(hz: number): string {
  return hz >= 1000 ? `${hz / 1000} kHz` : `${hz} Hz`;
}
