/**
 * Reverberation time from a room's surfaces (Kuttruff, Room Acoustics, §5.1–5.3), per
 * octave band. Air absorption is left out: below 4 kHz in a room of studio size it changes
 * T60 by less than the spread of published absorption coefficients.
 */
import { type BandValues, bandValues } from "./bands.ts";
import { SPEED_OF_SOUND } from "./room-dimensions.ts";

export interface AbsorbingSurface {
  name: string;
  areaM2: number;
  absorption: BandValues;
}

/** Sabine's constant 24·ln10/c (≈ 0.161 s/m at 343 m/s), in s/m. */
export function sabineConstant(speedOfSound = SPEED_OF_SOUND): number {
  return (24 * Math.LN10) / speedOfSound;
}

/** A = Σ Sᵢ·αᵢ per band, m² (metric sabins). */
export function equivalentAbsorptionArea(surfaces: readonly AbsorbingSurface[]): BandValues {
  return bandValues((_, b) => surfaces.reduce((sum, s) => sum + s.areaM2 * s.absorption[b], 0));
}

export function totalArea(surfaces: readonly AbsorbingSurface[]): number {
  return surfaces.reduce((sum, s) => sum + s.areaM2, 0);
}

/** Sabine: T = (24·ln10/c)·V / A. */
export function sabineRt60(volumeM3: number, surfaces: readonly AbsorbingSurface[]): BandValues {
  const k = sabineConstant();
  const a = equivalentAbsorptionArea(surfaces);
  return bandValues((_, b) => (k * volumeM3) / a[b]);
}

/**
 * Eyring: Sabine with the mean absorption ᾱ = A/S replaced by −ln(1 − ᾱ), closer for rooms as
 * absorbent as control rooms (ᾱ above about 0.2), where Sabine reads long.
 */
export function eyringRt60(volumeM3: number, surfaces: readonly AbsorbingSurface[]): BandValues {
  const k = sabineConstant();
  const s = totalArea(surfaces);
  const a = equivalentAbsorptionArea(surfaces);
  return bandValues((_, b) => {
    const mean = Math.min(a[b] / s, 0.99);
    return (k * volumeM3) / (-s * Math.log(1 - mean));
  });
}
