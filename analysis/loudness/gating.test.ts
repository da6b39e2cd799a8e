import { describe, expect, it } from "vitest";
import { integratedLoudness, LoudnessHistogram, loudnessRange } from "./gating.ts";

const energyOf = (lufs: number) => 10 ** ((lufs + 0.691) / 10);
const loudnessOf = (energy: number) => -0.691 + 10 * Math.log10(energy);
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** BS.1770-5 §2.8 on a list of block loudnesses, as the text states it. */
function exactIntegrated(blocks: number[]): number {
  const absolute = blocks.filter((l) => l > -70);
  const gate = loudnessOf(mean(absolute.map(energyOf))) - 10;
  return loudnessOf(mean(absolute.filter((l) => l > gate).map(energyOf)));
}

/** EBU Tech 3342 §3 on a list of short-term loudnesses, percentiles as its reference code. */
function exactRange(values: number[]): number {
  const absolute = values.filter((l) => l > -70);
  const gate = loudnessOf(mean(absolute.map(energyOf))) - 20;
  const sorted = absolute.filter((l) => l > gate).sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.round((sorted.length - 1) * p)];
  return at(0.95) - at(0.1);
}

/** A programme's worth of block loudnesses: quiet passages, loud ones, and silence. */
function programme(count: number, seed: number): number[] {
  let state = seed;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return Array.from({ length: count }, () => {
    const r = random();
    if (r < 0.05) return -120;
    if (r < 0.4) return -45 + 15 * random();
    return -28 + 12 * random();
  });
}

function histogramOf(values: number[]): LoudnessHistogram {
  const histogram = new LoudnessHistogram();
  for (const l of values) histogram.add(energyOf(l));
  return histogram;
}

describe("gating from a 0.001 LU histogram", () => {
  it.each([1, 2, 3])(
    "gives integrated loudness within 0.001 LU of the block list (BS.1770-5 §2.8), seed %i",
    (seed) => {
      const blocks = programme(20_000, seed);
      expect(
        Math.abs(integratedLoudness(histogramOf(blocks)) - exactIntegrated(blocks)),
      ).toBeLessThan(0.001);
    },
  );

  it.each([1, 2, 3])(
    "gives loudness range within 0.001 LU of the value list (Tech 3342 §3), seed %i",
    (seed) => {
      const values = programme(20_000, seed);
      expect(Math.abs(loudnessRange(histogramOf(values)) - exactRange(values))).toBeLessThan(0.001);
    },
  );

  it("drops blocks at or below −70 LKFS, the absolute gate", () => {
    expect(integratedLoudness(histogramOf([-70, -70.5, -90]))).toBe(Number.NEGATIVE_INFINITY);
    expect(integratedLoudness(histogramOf([-69.99]))).toBeCloseTo(-69.99, 9);
  });

  it("reads silence as −Infinity LUFS and a range of 0 LU", () => {
    const empty = new LoudnessHistogram();
    empty.add(0);
    expect(integratedLoudness(empty)).toBe(Number.NEGATIVE_INFINITY);
    expect(loudnessRange(empty)).toBe(0);
  });

  it("keeps energies exact in a bin: one steady level reads back to 1e-9", () => {
    expect(integratedLoudness(histogramOf(Array(1000).fill(-23.4567)))).toBeCloseTo(-23.4567, 9);
  });
});
