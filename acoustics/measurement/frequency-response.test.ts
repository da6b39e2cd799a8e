import { describe, expect, it } from "vitest";
import { frequencyResponse } from "./frequency-response.ts";
import { filterSections, magnitude, octaveFilter } from "./octave-filters.ts";

const RATE = 48_000;

describe("frequencyResponse", () => {
  it("reads an impulse as flat at 0 dB from 20 Hz to 20 kHz", () => {
    const delta = new Float64Array(4800);
    delta[10] = 1;
    const response = frequencyResponse(delta, RATE);
    expect(response.frequencies[0]).toBe(20);
    expect(response.frequencies.at(-1)).toBeGreaterThan(19_000);
    for (const level of response.db) expect(Math.abs(level)).toBeLessThan(1e-9);
  });

  it("reads an octave filter's response at its mid-band as 0 dB and its edges at -3 dB", () => {
    const filter = octaveFilter(1000, RATE);
    const impulse = new Float64Array(RATE);
    impulse[0] = 1;
    const response = frequencyResponse(filterSections(filter.sections, impulse), RATE, {
      smoothingOctaves: 1 / 48,
    });
    const at = (hz: number) => {
      const i = response.frequencies.reduce(
        (best, f, j) => (Math.abs(f - hz) < Math.abs(response.frequencies[best] - hz) ? j : best),
        0,
      );
      return response.db[i];
    };
    expect(Math.abs(at(1000))).toBeLessThan(0.1);
    // IEC 61260-1: a Butterworth band's edges lie 3 dB down (here read from the design itself).
    const edge =
      20 *
      Math.log10(
        filter.sections.reduce((g, s) => g * magnitude(s, (2 * Math.PI * filter.lowHz) / RATE), 1),
      );
    expect(edge).toBeCloseTo(-3.01, 2);
    expect(at(4000)).toBeLessThan(-30);
  });
});
