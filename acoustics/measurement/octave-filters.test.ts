import { describe, expect, it } from "vitest";
import { magnitude, octaveFilter } from "./octave-filters.ts";

const RATE = 48_000;
const gainDb = (nominal: number, hz: number) => {
  const f = octaveFilter(nominal, RATE);
  return (
    20 * Math.log10(f.sections.reduce((g, s) => g * magnitude(s, (2 * Math.PI * hz) / RATE), 1))
  );
};

describe("octave filters (IEC 61260-1)", () => {
  it("centres the bands on base-10 mid-band frequencies: 125.89 Hz for 125, 3981 Hz for 4 kHz", () => {
    expect(octaveFilter(125, RATE).midHz).toBeCloseTo(125.893, 3);
    expect(octaveFilter(4000, RATE).midHz).toBeCloseTo(3981.07, 2);
    expect(octaveFilter(1000, RATE).lowHz).toBeCloseTo(707.946, 3);
  });

  it("passes 0 dB at mid-band and -3.01 dB at both edges, as a Butterworth band-pass does", () => {
    for (const nominal of [125, 1000, 4000]) {
      const f = octaveFilter(nominal, RATE);
      expect(gainDb(nominal, f.midHz)).toBeCloseTo(0, 9);
      expect(gainDb(nominal, f.lowHz)).toBeCloseTo(-3.0103, 3);
      expect(gainDb(nominal, f.highHz)).toBeCloseTo(-3.0103, 3);
    }
  });

  it("attenuates two octaves away as SciPy's butter(3, band) does: -43.57 dB below the 125 Hz band", () => {
    // scipy.signal.butter(3, [89.13, 177.83], "bandpass", fs=48000) reads -43.5653 dB at fm/4.
    expect(gainDb(125, octaveFilter(125, RATE).midHz / 4)).toBeCloseTo(-43.5653, 2);
  });
});
