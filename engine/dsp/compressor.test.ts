import { describe, expect, it } from "vitest";
import {
  CompressorProcessor,
  type CompressorSettings,
  compressorStaticCurveDb,
} from "./compressor.ts";

const FS = 48_000;
const LEVELS_DB = [-40, -32, -26, -22, -19, -16, -12, -8, -4, 0];
const db = (g: number) => 20 * Math.log10(g);

function settings(overrides: Partial<CompressorSettings>): CompressorSettings {
  return {
    thresholdDb: -20,
    ratio: 4,
    kneeDb: 0,
    attackMs: 1,
    releaseMs: 20,
    makeupDb: 0,
    detection: "peak",
    ...overrides,
  };
}

/** Runs a compressor over a stereo signal (same in both channels) in blocks of 256. */
function compress(
  comp: CompressorProcessor,
  signal: Float64Array,
  key: Float64Array | null = null,
): Float64Array {
  const block = 256;
  const left = new Float64Array(block);
  const right = new Float64Array(block);
  const keyBlock = new Float64Array(block);
  const out = new Float64Array(signal.length);
  for (let at = 0; at < signal.length; at += block) {
    const n = Math.min(block, signal.length - at);
    for (let i = 0; i < n; i++) {
      left[i] = signal[at + i];
      right[i] = signal[at + i];
      if (key !== null) keyBlock[i] = key[at + i];
    }
    comp.process(left, right, key === null ? null : keyBlock, null, n, at);
    out.set(left.subarray(0, n), at);
  }
  return out;
}

function prepared(s: CompressorSettings): CompressorProcessor {
  const comp = new CompressorProcessor(s);
  comp.prepare(FS, 256);
  return comp;
}

function constant(amplitude: number, frames: number): Float64Array {
  return new Float64Array(frames).fill(amplitude);
}

describe("compressor static curve (Giannoulis 2012 eq. 4)", () => {
  it("leaves levels below the knee unchanged and divides the excess above it by the ratio", () => {
    expect(compressorStaticCurveDb(-30, -20, 4, 0)).toBe(-30);
    expect(compressorStaticCurveDb(-20, -20, 4, 0)).toBe(-20);
    expect(compressorStaticCurveDb(0, -20, 4, 0)).toBeCloseTo(-15, 12);
    expect(compressorStaticCurveDb(0, -20, 100, 0)).toBeCloseTo(-19.8, 12);
  });

  it("joins both straight parts smoothly through a quadratic soft knee", () => {
    const t = -20;
    const w = 12;
    expect(compressorStaticCurveDb(t - w / 2, t, 4, w)).toBeCloseTo(t - w / 2, 12);
    expect(compressorStaticCurveDb(t + w / 2, t, 4, w)).toBeCloseTo(t + w / 2 / 4, 12);
    // Midway the quadratic gives x + (1/R − 1)(W/2)²/(2W) = x − (3/4)(36)/24.
    expect(compressorStaticCurveDb(t, t, 4, w)).toBeCloseTo(t - 1.125, 12);
  });
});

describe("compressor steady state", () => {
  for (const kneeDb of [0, 12]) {
    it(`holds the static-curve gain within 0.1 dB at 10 levels, peak detection, knee ${kneeDb} dB`, () => {
      for (const level of LEVELS_DB) {
        const comp = prepared(settings({ kneeDb }));
        const amplitude = 10 ** (level / 20);
        const out = compress(comp, constant(amplitude, FS / 2));
        const gainDb = db(out[out.length - 1] / amplitude);
        expect(
          Math.abs(gainDb - (compressorStaticCurveDb(level, -20, 4, kneeDb) - level)),
        ).toBeLessThan(0.1);
      }
    });

    it(`holds the static-curve gain within 0.1 dB at 10 levels, RMS detection of a sine, knee ${kneeDb} dB`, () => {
      for (const level of LEVELS_DB) {
        const comp = prepared(settings({ kneeDb, detection: "rms", attackMs: 5, releaseMs: 50 }));
        // level is the sine's RMS in dBFS.
        const amplitude = Math.SQRT2 * 10 ** (level / 20);
        const frames = FS;
        const signal = new Float64Array(frames);
        for (let i = 0; i < frames; i++)
          signal[i] = amplitude * Math.sin((2 * Math.PI * 1000 * i) / FS);
        const out = compress(comp, signal);
        // Compare output and input RMS over the last 100 ms (100 whole periods).
        let inPower = 0;
        let outPower = 0;
        for (let i = frames - FS / 10; i < frames; i++) {
          inPower += signal[i] * signal[i];
          outPower += out[i] * out[i];
        }
        const gainDb = 10 * Math.log10(outPower / inPower);
        expect(
          Math.abs(gainDb - (compressorStaticCurveDb(level, -20, 4, kneeDb) - level)),
        ).toBeLessThan(0.1);
      }
    });
  }

  it("adds makeup gain on top of the curve", () => {
    const comp = prepared(settings({ makeupDb: 6 }));
    const out = compress(comp, constant(1, FS / 4));
    expect(db(out[out.length - 1])).toBeCloseTo(-15 + 6, 9);
  });

  it("passes a signal below the knee bit for bit when makeup is 0 dB", () => {
    const comp = prepared(settings({ kneeDb: 6 }));
    const signal = new Float64Array(4096);
    for (let i = 0; i < signal.length; i++) signal[i] = 0.05 * Math.sin(i * 0.01);
    expect(compress(comp, signal)).toEqual(signal);
  });

  it("listens to the sidechain key instead of the signal when one is given", () => {
    const comp = prepared(settings({}));
    const quiet = 10 ** (-30 / 20);
    const out = compress(comp, constant(quiet, FS / 4), constant(1, FS / 4));
    // Key at 0 dBFS, threshold −20, ratio 4: −15 dB applied to the quiet signal.
    expect(db(out[out.length - 1] / quiet)).toBeCloseTo(-15, 9);
  });
});

describe("compressor timing", () => {
  /** Frames from the step until the gain reduction has covered 1 − 1/e of its change. */
  function timeConstantFrames(gainDb: Float64Array, step: number): number {
    const before = gainDb[step - 1];
    const after = gainDb[gainDb.length - 1];
    const mark = before + (1 - 1 / Math.E) * (after - before);
    for (let i = step; i < gainDb.length; i++) {
      if (after < before ? gainDb[i] <= mark : gainDb[i] >= mark) return i - step + 1;
    }
    return Number.POSITIVE_INFINITY;
  }

  for (const [attackMs, releaseMs] of [
    [10, 100],
    [1, 250],
    [30, 40],
  ]) {
    it(`reaches 1 − 1/e of a step's gain change after the attack ${attackMs} ms and release ${releaseMs} ms, within 5 %`, () => {
      const comp = prepared(settings({ attackMs, releaseMs }));
      const frames = 3 * FS;
      const step = FS;
      const drop = 2 * FS;
      const signal = new Float64Array(frames);
      for (let i = 0; i < frames; i++) signal[i] = i >= step && i < drop ? 1 : 0.01;
      const out = compress(comp, signal);
      const gain = out.map((y, i) => db(y / signal[i]));

      const attackFrames = timeConstantFrames(gain.subarray(0, drop), step);
      expect(Math.abs(attackFrames / ((attackMs / 1000) * FS) - 1)).toBeLessThan(0.05);
      const releaseFrames = timeConstantFrames(gain, drop);
      expect(Math.abs(releaseFrames / ((releaseMs / 1000) * FS) - 1)).toBeLessThan(0.05);
    });
  }
});
