import { describe, expect, it } from "vitest";
import {
  OVERSAMPLED_PEAK_LATENCY_FRAMES,
  OversampledPeakDetector,
  oversampledPeakFilter,
} from "./oversampled-peak.ts";
import { TruePeakDetector } from "./true-peak.ts";

const PHASES = 8;
const TAPS = 64;

/** The detector's highest reading over a whole signal, one channel. */
function detectorPeak(signal: Float64Array, sampleRate: number): number {
  const detector = new OversampledPeakDetector();
  detector.prepare(sampleRate, 1);
  let peak = 0;
  for (const x of signal) peak = Math.max(peak, detector.step(0, x));
  for (let i = 0; i < TAPS; i++) peak = Math.max(peak, detector.step(0, 0));
  return peak;
}

function annexPeak(signal: Float64Array, sampleRate: number): number {
  const meter = new TruePeakDetector();
  meter.prepare(sampleRate, 1);
  meter.process([signal], 0, signal.length);
  return meter.peakAtEnd(0);
}

const db = (x: number) => 20 * Math.log10(x);

/**
 * The highest reading of a steady tone away from its start and end, which ring, by this
 * detector and by the BS.1770 meter.
 */
function steadyPeaks(tone: Float64Array, sampleRate: number): { ours: number; annex: number } {
  const detector = new OversampledPeakDetector();
  const meter = new TruePeakDetector();
  detector.prepare(sampleRate, 1);
  meter.prepare(sampleRate, 1);
  let ours = 0;
  let annex = 0;
  tone.forEach((x, i) => {
    const reading = detector.step(0, x);
    const annexReading = meter.step(0, x);
    if (i >= 2 * TAPS) {
      ours = Math.max(ours, reading);
      annex = Math.max(annex, annexReading);
    }
  });
  return { ours, annex };
}

describe("oversampled peak detector", () => {
  it("has eight phases of 64 taps, each summing to 1, mirrored in pairs", () => {
    const filter = oversampledPeakFilter();
    expect(filter.length).toBe(PHASES * TAPS);
    for (let p = 0; p < PHASES; p++) {
      let sum = 0;
      for (let j = 0; j < TAPS; j++) {
        sum += filter[p * TAPS + j];
        expect(filter[p * TAPS + j]).toBeCloseTo(
          filter[(PHASES - 1 - p) * TAPS + TAPS - 1 - j],
          14,
        );
      }
      expect(sum).toBeCloseTo(1, 14);
    }
  });

  // Above, only the BS.1770 interpolator's passband ripple (up to +0.19 dB), which it takes in.
  it("reads a tone anywhere up to 0.47 of the rate within −0.11/+0.015 dB of its amplitude", () => {
    const rate = 48_000;
    for (const f of [0.02, 0.1, 0.25, 0.33, 0.4, 0.45, 0.47]) {
      for (let k = 0; k < 12; k++) {
        const phase = (2 * Math.PI * k) / 12 + 0.1;
        const tone = Float64Array.from({ length: 4096 }, (_, i) =>
          Math.sin(2 * Math.PI * f * i + phase),
        );
        const { ours, annex } = steadyPeaks(tone, rate);
        expect(db(ours)).toBeGreaterThan(-0.11);
        expect(db(ours)).toBeLessThan(Math.max(0.015, db(annex) + 1e-9));
      }
    }
  });

  it("reads a quarter-rate sine sampled between its crests at its true amplitude, not the samples'", () => {
    const tone = Float64Array.from({ length: 2048 }, (_, i) =>
      Math.sin((Math.PI / 2) * i + Math.PI / 4),
    );
    const { ours, annex } = steadyPeaks(tone, 44_100);
    expect(db(ours)).toBeGreaterThan(-0.01);
    expect(db(ours)).toBeLessThanOrEqual(Math.max(0.01, db(annex)));
    expect(Math.max(...tone.map(Math.abs))).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it("never reads below the BS.1770 meter, at 44.1, 48, 96 and 192 kHz", () => {
    for (const rate of [44_100, 48_000, 96_000, 192_000]) {
      let state = 12345;
      const signal = Float64Array.from({ length: 20_000 }, () => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state / 2 ** 31 - 1;
      });
      // Differentiated noise: most of its energy near Nyquist, where the meters differ most.
      for (let i = signal.length - 1; i > 0; i--) signal[i] = 0.5 * (signal[i] - signal[i - 1]);
      expect(detectorPeak(signal, rate)).toBeGreaterThanOrEqual(annexPeak(signal, rate));
    }
  });

  it("reports an impulse on the interval latencyFrames behind its input", () => {
    const detector = new OversampledPeakDetector();
    detector.prepare(48_000, 2);
    const readings: number[] = [];
    for (let n = 0; n < 100; n++) readings.push(detector.step(1, n === 10 ? 1 : 0));
    // The interval ending on the impulse is the first to hold it whole.
    expect(readings[10 + OVERSAMPLED_PEAK_LATENCY_FRAMES]).toBe(1);
    expect(Math.max(...readings.slice(0, 10 + OVERSAMPLED_PEAK_LATENCY_FRAMES))).toBeLessThan(0.8);
    expect(detector.step(0, 0)).toBe(0);
  });
});
