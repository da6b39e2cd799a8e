import { describe, expect, it } from "vitest";
import { compareToReference, type LoudnessSummary, type TrackAnalysis } from "./compare.ts";
import { crestFactorDb } from "./spectrum/crest-factor.ts";
import { smoothedSpectrum } from "./spectrum/smoothed-spectrum.ts";
import { sine } from "./spectrum/test-signals.ts";
import { octaveBands, tonalBalance } from "./spectrum/tonal-balance.ts";
import { welchSpectrum } from "./spectrum/welch.ts";

const rate = 48_000;

/** Equal-amplitude sines at 100 Hz, 1 kHz, 4 kHz and 12 kHz, each scaled by its gain. */
function analyse(
  gains: [number, number, number, number],
  loudness: LoudnessSummary,
): TrackAnalysis {
  const frames = rate * 2;
  const parts = [100, 1000, 4000, 12_000].map((hz, i) => sine(0.2 * gains[i], hz, frames, rate));
  const mix = Float64Array.from({ length: frames }, (_, n) => parts.reduce((s, p) => s + p[n], 0));
  const averaged = welchSpectrum([mix], frames, { sampleRate: rate });
  return {
    loudness,
    spectrum: smoothedSpectrum(averaged),
    tonalBalance: tonalBalance(averaged),
    octaveBands: octaveBands(averaged),
    crestFactorDb: crestFactorDb(loudness.samplePeakDbfs, loudness.rmsDbfs),
  };
}

const master: LoudnessSummary = {
  integratedLufs: -9,
  loudnessRangeLu: 4,
  truePeakDbtp: -0.8,
  samplePeakDbfs: -1,
  rmsDbfs: -9.5,
};
const dynamicMix: LoudnessSummary = {
  integratedLufs: -16,
  loudnessRangeLu: 9,
  truePeakDbtp: -2.5,
  samplePeakDbfs: -3,
  rmsDbfs: -17,
};

describe("comparison with a reference", () => {
  it("reads a mix against itself as no difference anywhere", () => {
    const track = analyse([1, 1, 1, 1], master);
    const same = compareToReference(track, track);
    expect(same.loudnessDifferenceLu).toBe(0);
    expect(same.crestFactorDifferenceDb).toBe(0);
    for (const band of [...same.bands, ...same.octaves]) expect(band.differenceDb).toBe(0);
  });

  it("shows a dull mix 6 dB down in the highs against a bright reference", () => {
    const comparison = compareToReference(
      analyse([1, 1, 1, 0.5], master),
      analyse([1, 1, 1, 1], master),
    );
    const highs = comparison.bands[3];
    expect(highs.label).toBe("Highs (> 8 kHz)");
    // Halving one of four equal sines: −6.02 dB for it, and the other three gain their share.
    const expected = 10 * Math.log10(0.25 / 3.25) - 10 * Math.log10(1 / 4);
    expect(highs.differenceDb).toBeCloseTo(expected, 2);
    expect(comparison.bands[0].differenceDb).toBeCloseTo(10 * Math.log10(4 / 3.25), 2);
    const octave16k = comparison.octaves.find((o) => o.label === "16 kHz");
    expect(octave16k?.differenceDb).toBeCloseTo(expected, 2);
  });

  it("compares band shares, not levels, so a quieter track with the same balance matches", () => {
    const comparison = compareToReference(
      analyse([0.25, 0.25, 0.25, 0.25], dynamicMix),
      analyse([1, 1, 1, 1], master),
    );
    for (const band of comparison.bands) expect(band.differenceDb).toBeCloseTo(0, 6);
  });

  it("reports integrated loudness, loudness range and crest factor as mix minus reference", () => {
    const comparison = compareToReference(
      analyse([1, 1, 1, 1], dynamicMix),
      analyse([1, 1, 1, 1], master),
    );
    expect(comparison.loudnessDifferenceLu).toBe(-7);
    expect(comparison.loudnessRangeDifferenceLu).toBe(5);
    expect(comparison.crestFactorDifferenceDb).toBeCloseTo(14 - 8.5, 9);
    expect(comparison.truePeakDifferenceDb).toBeCloseTo(-1.7, 9);
  });

  it("reads silence against silence as no difference, and sound against silence as infinite", () => {
    const silent = analyse([0, 0, 0, 0], master);
    const both = compareToReference(silent, silent);
    for (const band of [...both.bands, ...both.octaves]) expect(band.differenceDb).toBe(0);
    const against = compareToReference(analyse([1, 1, 1, 1], master), silent);
    expect(against.bands[1].differenceDb).toBe(Number.POSITIVE_INFINITY);
  });
});
