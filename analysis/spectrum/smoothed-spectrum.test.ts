import { describe, expect, it } from "vitest";
import { smoothedSpectrum } from "./smoothed-spectrum.ts";
import { noise, sine } from "./test-signals.ts";
import { welchSpectrum } from "./welch.ts";

describe("smoothed spectrum", () => {
  it("puts tracks at 44.1 and 48 kHz on the same 1/24-octave grid from 20 Hz to 20 kHz", () => {
    const a = smoothedSpectrum(welchSpectrum([noise(44_100)], 44_100, { sampleRate: 44_100 }));
    const b = smoothedSpectrum(welchSpectrum([noise(48_000)], 48_000, { sampleRate: 48_000 }));
    expect(a.frequencies).toEqual(b.frequencies);
    expect(a.frequencies[0]).toBeGreaterThanOrEqual(20);
    expect(a.frequencies.at(-1)).toBeLessThanOrEqual(20_000);
    expect(a.frequencies.find((f) => Math.abs(f - 1000) < 1e-9)).toBe(1000);
    expect(a.frequencies[24] / a.frequencies[0]).toBeCloseTo(2, 12);
  });

  it("reads white noise of the same variance alike at both rates, within the estimate's scatter", () => {
    const at = (rate: number) =>
      smoothedSpectrum(welchSpectrum([noise(rate * 20)], rate * 20, { sampleRate: rate }));
    const a = at(44_100);
    const b = at(48_000);
    const differences = a.db.map((db, i) => db - b.db[i]);
    const mean = differences.reduce((x, y) => x + y, 0) / differences.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(Math.max(...differences.map(Math.abs))).toBeLessThan(1.5);
  });

  it("averages a sine's power over the bins of its band: 1.5 bins of Hann leakage over 5 bins at 1 kHz", () => {
    const s = smoothedSpectrum(
      welchSpectrum([sine(1, 1000, 96_000, 48_000)], 96_000, { sampleRate: 48_000 }),
    );
    // The 1/24-octave band around 1 kHz (985.7–1014.5 Hz) holds bins 169–173 at 48 kHz.
    expect(s.db[s.frequencies.indexOf(1000)]).toBeCloseTo(10 * Math.log10(1.5 / 5), 1);
  });

  it("reads −Infinity above Nyquist", () => {
    const s = smoothedSpectrum(welchSpectrum([noise(32_000)], 32_000, { sampleRate: 32_000 }));
    expect(
      s.db
        .filter((_, i) => s.frequencies[i] > 16_000)
        .every((db) => db === Number.NEGATIVE_INFINITY),
    ).toBe(true);
    expect(s.db.filter((_, i) => s.frequencies[i] < 16_000).every(Number.isFinite)).toBe(true);
  });
});
