import { describe, expect, it } from "vitest";
import { noise, sine } from "./test-signals.ts";
import { BROAD_BANDS, OCTAVE_BANDS, octaveBands, tonalBalance } from "./tonal-balance.ts";
import { welchSpectrum } from "./welch.ts";

const rate = 48_000;

function spectrumOf(...signals: ArrayLike<number>[]) {
  const frames = signals[0].length;
  const mix = Float64Array.from({ length: frames }, (_, i) =>
    signals.reduce((sum, s) => sum + s[i], 0),
  );
  return welchSpectrum([mix], frames, { sampleRate: rate });
}

describe("tonal balance", () => {
  it("puts a full-scale 1 kHz sine in the low mids at −3.01 dBFS, all of the energy", () => {
    const bands = tonalBalance(spectrumOf(sine(1, 1000, rate * 2, rate)));
    expect(bands.map((b) => b.label)).toEqual(BROAD_BANDS.map((b) => b.label));
    expect(bands[1].levelDb).toBeCloseTo(-3.0103, 2);
    expect(bands[1].shareDb).toBeCloseTo(0, 2);
    for (const other of [bands[0], bands[2], bands[3]]) expect(other.shareDb).toBeLessThan(-100);
  });

  it("splits two equal sines in the lows and the highs half and half (−3 dB each)", () => {
    const bands = tonalBalance(
      spectrumOf(sine(0.5, 100, rate * 2, rate), sine(0.5, 10_000, rate * 2, rate)),
    );
    expect(bands[0].shareDb).toBeCloseTo(-3.0103, 2);
    expect(bands[3].shareDb).toBeCloseTo(-3.0103, 2);
    expect(bands[0].levelDb).toBeCloseTo(-9.0309, 2);
  });

  it("shares white noise out by bandwidth: highs 16/24 of the energy, lows 250/24 000", () => {
    const bands = tonalBalance(spectrumOf(noise(rate * 10)));
    expect(bands[0].shareDb).toBeCloseTo(10 * Math.log10(250 / 24_000), 0);
    expect(bands[3].shareDb).toBeCloseTo(10 * Math.log10(16 / 24), 1);
  });

  it("uses the octave bands 31.5 Hz … 16 kHz with edges half an octave either side of 1000·2^k", () => {
    expect(OCTAVE_BANDS.map((b) => b.label)).toEqual([
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
    ]);
    expect(OCTAVE_BANDS[0].lowHz).toBeCloseTo(22.097, 3);
    expect(OCTAVE_BANDS[0].highHz).toBeCloseTo(44.194, 3);
    expect(OCTAVE_BANDS[9].highHz).toBeCloseTo(22_627.4, 1);
    for (let i = 1; i < OCTAVE_BANDS.length; i++) {
      expect(OCTAVE_BANDS[i].lowHz).toBe(OCTAVE_BANDS[i - 1].highHz);
    }
  });

  it("puts a sine below an octave's lower edge into the octave beneath", () => {
    const at700 = octaveBands(spectrumOf(sine(0.5, 700, rate * 2, rate)));
    const loudest = at700.reduce((a, b) => (b.shareDb > a.shareDb ? b : a));
    expect(loudest.label).toBe("500 Hz");
    expect(loudest.shareDb).toBeGreaterThan(-0.1);
  });

  it("reads silence as −Infinity in every band", () => {
    const bands = octaveBands(spectrumOf(new Float32Array(rate)));
    expect(bands.every((b) => b.levelDb === Number.NEGATIVE_INFINITY)).toBe(true);
    expect(bands.every((b) => b.shareDb === Number.NEGATIVE_INFINITY)).toBe(true);
  });
});
