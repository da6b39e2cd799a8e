import { describe, expect, it } from "vitest";
import {
  Biquad,
  type BiquadState,
  BUTTERWORTH4_Q,
  biquadMagnitudeDb,
  biquadStep,
  highPassCoefficients,
  highShelfCoefficients,
  lowPassCoefficients,
  lowShelfCoefficients,
  peakingCoefficients,
} from "./biquad.ts";

const FS = 48_000;

/** |H(e^jω)| in dB by direct complex evaluation, as an independent check of the φ form. */
function directMagnitudeDb(
  c: { b0: number; b1: number; b2: number; a1: number; a2: number },
  f: number,
): number {
  const w = (2 * Math.PI * f) / FS;
  const nr = c.b0 + c.b1 * Math.cos(w) + c.b2 * Math.cos(2 * w);
  const ni = -(c.b1 * Math.sin(w) + c.b2 * Math.sin(2 * w));
  const dr = 1 + c.a1 * Math.cos(w) + c.a2 * Math.cos(2 * w);
  const di = -(c.a1 * Math.sin(w) + c.a2 * Math.sin(2 * w));
  return 10 * Math.log10((nr * nr + ni * ni) / (dr * dr + di * di));
}

describe("RBJ cookbook coefficients", () => {
  it("gives a peaking EQ exactly its gain at f0, within 1e-9 dB", () => {
    for (const gainDb of [-24, -6, -0.5, 0.5, 3, 12, 30]) {
      for (const q of [0.1, Math.SQRT1_2, 2, 10]) {
        for (const f0 of [40, 1000, 15_000]) {
          const c = peakingCoefficients(FS, f0, q, gainDb);
          expect(Math.abs(biquadMagnitudeDb(c, f0, FS) - gainDb)).toBeLessThan(1e-9);
        }
      }
    }
  });

  it("gives a shelf half its gain at f0 and its full gain far from it", () => {
    const low = lowShelfCoefficients(FS, 200, Math.SQRT1_2, 9);
    expect(biquadMagnitudeDb(low, 200, FS)).toBeCloseTo(4.5, 9);
    expect(biquadMagnitudeDb(low, 5, FS)).toBeCloseTo(9, 2);
    expect(biquadMagnitudeDb(low, 20_000, FS)).toBeCloseTo(0, 2);
    const high = highShelfCoefficients(FS, 4000, Math.SQRT1_2, -6);
    expect(biquadMagnitudeDb(high, 4000, FS)).toBeCloseTo(-3, 9);
    expect(biquadMagnitudeDb(high, 23_900, FS)).toBeCloseTo(-6, 2);
    expect(biquadMagnitudeDb(high, 20, FS)).toBeCloseTo(0, 2);
  });

  it("places a 2nd-order Butterworth corner at −3.01 dB", () => {
    expect(biquadMagnitudeDb(lowPassCoefficients(FS, 1000, Math.SQRT1_2), 1000, FS)).toBeCloseTo(
      -3.0103,
      4,
    );
    expect(biquadMagnitudeDb(highPassCoefficients(FS, 80, Math.SQRT1_2), 80, FS)).toBeCloseTo(
      -3.0103,
      4,
    );
  });

  it("uses the 4th-order Butterworth section Qs 0.54119610 and 1.3065630", () => {
    expect(BUTTERWORTH4_Q[0]).toBeCloseTo(0.5411961, 7);
    expect(BUTTERWORTH4_Q[1]).toBeCloseTo(1.306563, 7);
  });

  it("evaluates |H| like the direct complex sum Σ b_k e^−jωk / Σ a_k e^−jωk", () => {
    const designs = [
      lowPassCoefficients(FS, 2000, 0.9),
      highPassCoefficients(FS, 150, 1.3),
      peakingCoefficients(FS, 800, 3, -8),
      lowShelfCoefficients(FS, 100, 0.5, 6),
      highShelfCoefficients(FS, 8000, 1, 4),
    ];
    for (const c of designs) {
      for (const f of [30, 300, 3000, 15_000]) {
        expect(Math.abs(biquadMagnitudeDb(c, f, FS) - directMagnitudeDb(c, f))).toBeLessThan(1e-6);
      }
    }
  });

  it("writes into a given object instead of allocating", () => {
    const target = new Biquad();
    const result = peakingCoefficients(FS, 1000, 1, 6, target);
    expect(result).toBe(target);
    expect(target.b0).not.toBe(1);
  });
});

describe("transposed direct form II", () => {
  it("steps sample by sample exactly as the stereo block loop filters", () => {
    const c = peakingCoefficients(FS, 500, 2, 9);
    const stereo = new Biquad();
    peakingCoefficients(FS, 500, 2, 9, stereo);
    const left = new Float64Array(256);
    const right = new Float64Array(256);
    for (let i = 0; i < 256; i++) {
      left[i] = Math.sin(i * 0.1);
      right[i] = i === 0 ? 1 : 0;
    }
    const stateL: BiquadState = { z1: 0, z2: 0 };
    const stateR: BiquadState = { z1: 0, z2: 0 };
    const expectL = left.map((x) => biquadStep(c, stateL, x));
    const expectR = right.map((x) => biquadStep(c, stateR, x));
    stereo.process(left, right, 0, 100);
    stereo.process(left, right, 100, 256);
    expect(left).toEqual(expectL);
    expect(right).toEqual(expectR);
  });
});
