import { describe, expect, it } from "vitest";
import { noise, sine } from "./test-signals.ts";
import { WelchSpectrum, welchSpectrum } from "./welch.ts";

const rate = 48_000;
const N = 8192;
/** A frequency on the centre of bin 171 (1001.95 Hz at 48 kHz). */
const binCentred = (171 * rate) / N;

function meanSquare(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  return sum / x.length;
}

describe("Welch averaged spectrum", () => {
  it("reads a full-scale sine centred on a bin at 0 dBFS", () => {
    const spectrum = welchSpectrum([sine(1, binCentred, rate * 2, rate)], rate * 2, {
      sampleRate: rate,
    });
    expect(spectrum.frequencies[171]).toBeCloseTo(binCentred, 9);
    expect(spectrum.db[171]).toBeCloseTo(0, 6);
    expect(Math.max(...spectrum.db)).toBe(spectrum.db[171]);
  });

  it("reads a −20 dBFS sine between two bins at most 1.42 dB low, the Hann scalloping loss", () => {
    const spectrum = welchSpectrum(
      [sine(0.1, binCentred + rate / N / 2, rate * 2, rate)],
      rate * 2,
      {
        sampleRate: rate,
      },
    );
    const peak = Math.max(...spectrum.db);
    expect(peak).toBeLessThanOrEqual(-20);
    expect(peak).toBeGreaterThanOrEqual(-20 - 1.43);
  });

  it("has bins that add up to the signal's mean square, for a sine and for noise", () => {
    for (const signal of [sine(0.5, 440, rate * 3, rate), noise(rate * 3)]) {
      const spectrum = welchSpectrum([signal], signal.length, { sampleRate: rate });
      const sum = spectrum.power.reduce((a, b) => a + b, 0);
      expect(sum / meanSquare(signal)).toBeCloseTo(1, 2);
    }
  });

  it("gives the same spectrum however the stream is chunked", () => {
    const signal = noise(rate);
    const whole = welchSpectrum([signal], signal.length, { sampleRate: rate });
    for (const chunk of [1, 997, 8192, 30_000]) {
      const welch = new WelchSpectrum({ sampleRate: rate, channels: 1 });
      for (let at = 0; at < signal.length; at += chunk) {
        welch.add([signal], at, Math.min(chunk, signal.length - at));
      }
      expect(welch.spectrum()).toEqual(whole);
    }
  });

  it("folds channels down to their mean, and keeps each channel when asked", () => {
    const left = sine(1, binCentred, rate, rate);
    const right = new Float64Array(rate);
    const spectrum = welchSpectrum([left, right], rate, { sampleRate: rate, perChannel: true });
    expect(spectrum.db[171]).toBeCloseTo(-6.0206, 3);
    expect(spectrum.channels?.[0].db[171]).toBeCloseTo(0, 6);
    expect(spectrum.channels?.[1].db[171]).toBe(Number.NEGATIVE_INFINITY);
    expect(welchSpectrum([left, right], rate, { sampleRate: rate }).channels).toBeNull();
  });

  it("averages segments of half-overlapping frames and leaves out the unfinished last one", () => {
    const frames = N * 3 + 100;
    const spectrum = welchSpectrum([noise(frames)], frames, { sampleRate: rate });
    expect(spectrum.segments).toBe(5);
    expect(spectrum.fftSize).toBe(N);
    expect(spectrum.frequencies).toHaveLength(N / 2 + 1);
    expect(spectrum.frequencies.at(-1)).toBe(rate / 2);
  });

  it("reads silence, and a stream shorter than one segment, as −Infinity dB", () => {
    const silent = welchSpectrum([new Float32Array(rate)], rate, { sampleRate: rate });
    expect(silent.db.every((db) => db === Number.NEGATIVE_INFINITY)).toBe(true);
    const short = welchSpectrum([noise(N - 1)], N - 1, { sampleRate: rate });
    expect(short.segments).toBe(0);
    expect(short.db.every((db) => db === Number.NEGATIVE_INFINITY)).toBe(true);
  });

  it("refuses a segment length that is not a power of two", () => {
    expect(() => new WelchSpectrum({ sampleRate: rate, channels: 1, fftSize: 6000 })).toThrow(
      expect.objectContaining({ code: "E_FFT_SIZE", subject: "fftSize" }),
    );
  });
});
