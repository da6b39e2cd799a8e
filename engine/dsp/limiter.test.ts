import { describe, expect, it } from "vitest";
import { LimiterProcessor, type LimiterSettings } from "./limiter.ts";
import { TruePeakDetector } from "./true-peak.ts";

const FS = 48_000;

/** Deterministic uniform noise in [−1, 1) (a 32-bit LCG), so failures reproduce. */
function noise(frames: number, seed: number): Float64Array {
  const out = new Float64Array(frames);
  let s = seed >>> 0;
  for (let i = 0; i < frames; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function run(
  limiter: { process(l: Float64Array, r: Float64Array, n: number): void },
  left: Float64Array,
  right: Float64Array,
  block: number,
): [Float64Array, Float64Array] {
  const outL = new Float64Array(left.length);
  const outR = new Float64Array(right.length);
  const l = new Float64Array(block);
  const r = new Float64Array(block);
  for (let at = 0; at < left.length; at += block) {
    const n = Math.min(block, left.length - at);
    l.set(left.subarray(at, at + n));
    r.set(right.subarray(at, at + n));
    limiter.process(l, r, n);
    outL.set(l.subarray(0, n), at);
    outR.set(r.subarray(0, n), at);
  }
  return [outL, outR];
}

/** Index of the first sample that differs by so much as a bit, or −1. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

function limiter(overrides: Partial<LimiterSettings> = {}): LimiterProcessor {
  const l = new LimiterProcessor({
    enabled: true,
    ceilingDb: -1,
    lookaheadMs: 5,
    releaseMs: 100,
    ...overrides,
  });
  l.prepare(FS, 512);
  return l;
}

/** Noise at 4× full scale with isolated single-sample spikes up to +30 dBFS. */
function loudProgramme(frames: number, seed: number): Float64Array {
  const x = noise(frames, seed);
  for (let i = 0; i < frames; i++) x[i] *= 4 * (0.25 + 0.75 * Math.abs(Math.sin(i / 9000)));
  for (let i = 997; i < frames; i += 4801) x[i] = (i % 2 === 0 ? 1 : -1) * 31.6;
  return x;
}

describe("look-ahead limiter", () => {
  it("keeps every output sample at or below the ceiling on loud noise with transients", () => {
    for (const [ceilingDb, lookaheadMs, releaseMs] of [
      [-1, 5, 100],
      [-0.1, 0.1, 1],
      [-12, 20, 2000],
    ]) {
      const lim = limiter({ ceilingDb, lookaheadMs, releaseMs });
      const ceiling = 10 ** (ceilingDb / 20);
      const [outL, outR] = run(lim, loudProgramme(FS * 4, 1), loudProgramme(FS * 4, 2), 512);
      let peak = 0;
      for (let i = 0; i < outL.length; i++)
        peak = Math.max(peak, Math.abs(outL[i]), Math.abs(outR[i]));
      expect(peak).toBeLessThanOrEqual(ceiling);
      // It limits rather than mutes: the loud programme still reaches near the ceiling.
      expect(peak).toBeGreaterThan(ceiling * 0.9);
    }
  });

  it("links the channels: a peak on the left lowers the right by the same gain", () => {
    const lim = limiter();
    const left = new Float64Array(4800);
    const right = new Float64Array(4800).fill(0.5);
    left[2000] = 4;
    const [, outR] = run(lim, left, right, 512);
    const lag = lim.latencyFrames;
    expect(Math.min(...outR.subarray(lag))).toBeLessThan(0.5 * 0.9);
  });

  it("passes a signal below the ceiling through exactly, delayed by latencyFrames", () => {
    const lim = limiter();
    expect(lim.latencyFrames).toBe(240);
    const left = noise(FS, 3).map((x) => 0.89 * x);
    const right = noise(FS, 4).map((x) => 0.5 * x);
    const [outL, outR] = run(lim, left, right, 333);
    const lag = lim.latencyFrames;
    for (let i = 0; i < lag; i++) expect(outL[i]).toBe(0);
    expect(firstDifference(outL.subarray(lag), left.subarray(0, left.length - lag))).toBe(-1);
    expect(firstDifference(outR.subarray(lag), right.subarray(0, right.length - lag))).toBe(-1);
  });

  it("returns to bit-exact transparency after the release", () => {
    const lim = limiter({ releaseMs: 10 });
    const frames = FS;
    const left = noise(frames, 5).map((x) => 0.3 * x);
    left[1000] = 3;
    const [outL] = run(lim, left, new Float64Array(frames), 512);
    const lag = lim.latencyFrames;
    const later = FS / 2;
    expect(firstDifference(outL.subarray(later), left.subarray(later - lag, frames - lag))).toBe(
      -1,
    );
    expect(lim.gainReductionDb).toBe(0);
  });

  it("gives identical output in blocks of 64, 512 and 37", () => {
    const left = loudProgramme(FS * 2, 6);
    const right = loudProgramme(FS * 2, 7);
    const a = run(limiter(), left, right, 64);
    const b = run(limiter(), left, right, 512);
    const c = run(limiter(), left, right, 37);
    expect(firstDifference(a[0], b[0])).toBe(-1);
    expect(firstDifference(a[1], b[1])).toBe(-1);
    expect(firstDifference(c[0], b[0])).toBe(-1);
  });

  it("still delays by latencyFrames when disabled, so switching it keeps alignment", () => {
    const lim = limiter({ enabled: false });
    const left = loudProgramme(4096, 8);
    const [outL] = run(lim, left, new Float64Array(4096), 100);
    expect(firstDifference(outL.subarray(240), left.subarray(0, 4096 - 240))).toBe(-1);
  });

  describe("in true-peak mode", () => {
    /** Output true peak in dBTP, by the BS.1770 Annex 2 meter, over both channels. */
    function truePeakDb(left: Float64Array, right: Float64Array, sampleRate = FS): number {
      const meter = new TruePeakDetector();
      meter.prepare(sampleRate, 2);
      meter.process([left, right], 0, left.length);
      return 20 * Math.log10(Math.max(meter.peakAtEnd(0), meter.peakAtEnd(1)));
    }

    /**
     * A quarter-rate sine sampled 45° off its crests: every sample is 0.707 of the true peak,
     * so a sample-peak limiter lets the waveform between the samples 3 dB over its ceiling.
     */
    function interSampleProgramme(frames: number, seed: number): Float64Array {
      const x = loudProgramme(frames, seed);
      for (let i = 0; i < frames; i++) {
        if (Math.floor(i / 6000) % 2 === 1) x[i] = 2 * Math.sin((Math.PI / 2) * i + Math.PI / 4);
      }
      return x;
    }

    it("holds the true peak at the ceiling where the sample-peak mode lets it through", () => {
      for (const [ceilingDb, sampleRate] of [
        [-1, 48_000],
        [-2, 44_100],
        [-0.5, 96_000],
      ]) {
        const left = interSampleProgramme(sampleRate * 2, 11);
        const right = interSampleProgramme(sampleRate * 2, 12);
        const samplePeak = new LimiterProcessor({ ...settings(ceilingDb), truePeak: false });
        const truePeak = new LimiterProcessor({ ...settings(ceilingDb), truePeak: true });
        samplePeak.prepare(sampleRate, 512);
        truePeak.prepare(sampleRate, 512);
        const over = run(samplePeak, left, right, 512);
        const held = run(truePeak, left, right, 512);
        expect(truePeakDb(...over, sampleRate)).toBeGreaterThan(ceilingDb + 2.5);
        expect(truePeakDb(...held, sampleRate)).toBeLessThanOrEqual(ceilingDb + 0.01);
        expect(truePeakDb(...held, sampleRate)).toBeGreaterThan(ceilingDb - 0.5);
      }
    });

    it("adds the detector's delay to latencyFrames and passes quiet audio through exactly", () => {
      const lim = limiter({ truePeak: true });
      expect(lim.latencyFrames).toBe(240 + 32);
      const left = noise(4096, 13).map((x) => 0.5 * x);
      const [outL] = run(lim, left, new Float64Array(4096), 100);
      expect(firstDifference(outL.subarray(272), left.subarray(0, 4096 - 272))).toBe(-1);
    });

    it("gives identical output in blocks of 64 and 37", () => {
      const left = interSampleProgramme(FS, 14);
      const right = interSampleProgramme(FS, 15);
      const a = run(limiter({ truePeak: true }), left, right, 64);
      const b = run(limiter({ truePeak: true }), left, right, 37);
      expect(firstDifference(a[0], b[0])).toBe(-1);
      expect(firstDifference(a[1], b[1])).toBe(-1);
    });
  });
});

function settings(ceilingDb: number): LimiterSettings {
  return { enabled: true, ceilingDb, lookaheadMs: 5, releaseMs: 100 };
}
