import { describe, expect, it } from "vitest";
import { deconvolveSweep } from "./deconvolve.ts";
import { inverseRealSpectrum, powerOfTwoAtLeast, realSpectrum } from "./real-fft.ts";
import { exponentialSweep } from "./sweep.ts";
import { noisyDecay } from "./test-signals.ts";

const RATE = 48_000;

/** Linear convolution by FFT, as a room would apply it to the sweep. */
function convolve(a: Float64Array, b: Float64Array): Float64Array {
  const size = powerOfTwoAtLeast(a.length + b.length);
  const A = realSpectrum(a, size);
  const B = realSpectrum(b, size);
  const C = new Float64Array(size + 2);
  for (let k = 0; k <= size / 2; k++) {
    C[2 * k] = A[2 * k] * B[2 * k] - A[2 * k + 1] * B[2 * k + 1];
    C[2 * k + 1] = A[2 * k] * B[2 * k + 1] + A[2 * k + 1] * B[2 * k];
  }
  return inverseRealSpectrum(C, size).slice(0, a.length + b.length - 1);
}

describe("the exponential sweep", () => {
  it("sweeps from f1 to f2 in the time asked, as Farina's formula says", () => {
    const sweep = exponentialSweep({
      sampleRate: RATE,
      seconds: 2,
      fromHz: 20,
      toHz: 20_000,
      silenceSeconds: 1,
    });
    expect(sweep.samples.length).toBe(3 * RATE);
    expect(sweep.sweepFrames).toBe(2 * RATE);
    let peak = 0;
    for (const v of sweep.samples) peak = Math.max(peak, Math.abs(v));
    expect(20 * Math.log10(peak)).toBeCloseTo(-6, 1);
    expect(sweep.samples.subarray(2 * RATE).every((v) => v === 0)).toBe(true);
  });

  it("refuses a sweep past Nyquist, backwards or too short", () => {
    expect(() =>
      exponentialSweep({ sampleRate: RATE, seconds: 10, fromHz: 20, toHz: 30_000 }),
    ).toThrow(/cannot end at 30000 Hz/);
    expect(() =>
      exponentialSweep({ sampleRate: RATE, seconds: 10, fromHz: 2000, toHz: 200 }),
    ).toThrow(/from 2000 to 200 Hz/);
    expect(() =>
      exponentialSweep({ sampleRate: RATE, seconds: 0.1, fromHz: 20, toHz: 20_000 }),
    ).toThrow(/0.1 s/);
  });
});

describe("deconvolveSweep", () => {
  it("gives back a known impulse response from its convolution with the sweep, error below -60 dB", () => {
    const sweep = exponentialSweep({
      sampleRate: RATE,
      seconds: 5,
      fromHz: 20,
      toHz: 20_000,
      silenceSeconds: 1,
    });
    // A room inside the sweep's range (a measurement knows nothing outside it): a decay
    // band-limited to 100 Hz – 8 kHz, 50 ms after the start, so the band-pass's ringing fits.
    const known = noisyDecay({
      rt60: 0.4,
      noiseDb: -300,
      seconds: 0.6,
      sampleRate: RATE,
      seed: 11,
      delaySeconds: 0.05,
    });
    const bandLimited = bandPass(known, 100, 8000);
    const recording = convolve(sweep.samples, bandLimited).slice(0, sweep.samples.length);
    const ir = deconvolveSweep(recording, sweep.samples, {
      sampleRate: RATE,
      fromHz: 20,
      toHz: 20_000,
      sweepFrames: sweep.sweepFrames,
    });
    let error = 0;
    let energy = 0;
    for (let i = 0; i < bandLimited.length; i++) {
      error += (ir.samples[i] - bandLimited[i]) ** 2;
      energy += bandLimited[i] ** 2;
    }
    expect(10 * Math.log10(error / energy)).toBeLessThan(-60);
  });

  it("refuses a recording that stops before the room has decayed", () => {
    const sweep = exponentialSweep({
      sampleRate: RATE,
      seconds: 2,
      fromHz: 20,
      toHz: 20_000,
      silenceSeconds: 0,
    });
    expect(() =>
      deconvolveSweep(sweep.samples, sweep.samples, {
        sampleRate: RATE,
        fromHz: 20,
        toHz: 20_000,
        sweepFrames: sweep.sweepFrames,
        recordingName: "take1.wav",
      }),
    ).toThrow(
      /take1.wav is 2.00 s long; the sweep alone lasts 2.00 s, and the room's decay needs at least 0.3 s more/,
    );
  });
});

/** A smooth band-pass in the frequency domain (raised-cosine skirts an octave wide). */
function bandPass(x: Float64Array, lowHz: number, highHz: number): Float64Array {
  const size = powerOfTwoAtLeast(x.length * 2);
  const X = realSpectrum(x, size);
  for (let k = 0; k <= size / 2; k++) {
    const f = (k * RATE) / size;
    let g = 1;
    if (f < lowHz)
      g = f < lowHz / 2 ? 0 : 0.5 - 0.5 * Math.cos(Math.PI * Math.log2(f / (lowHz / 2)));
    if (f > highHz) g = f > highHz * 2 ? 0 : 0.5 + 0.5 * Math.cos(Math.PI * Math.log2(f / highHz));
    X[2 * k] *= g;
    X[2 * k + 1] *= g;
  }
  return inverseRealSpectrum(X, size).slice(0, x.length);
}
