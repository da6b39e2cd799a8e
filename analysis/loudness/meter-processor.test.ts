import { describe, expect, it } from "vitest";
import { LoudnessMeterProcessor } from "../../engine/dsp/loudness/meter-processor.ts";
import { LoudnessMeter } from "./loudness-meter.ts";

/** Deterministic noise whose level steps every second, so the windows have something to follow. */
function programme(frames: number, seed: number): Float64Array {
  const out = new Float64Array(frames);
  let state = seed >>> 0;
  for (let i = 0; i < frames; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const level = 0.05 + 0.3 * (Math.floor(i / 48_000) % 3);
    out[i] = level * ((state / 2 ** 32) * 2 - 1);
  }
  return out;
}

/** The processor's readings after each block, and the hop count each was taken at. */
function run(left: Float64Array, right: Float64Array, block: number) {
  const processor = new LoudnessMeterProcessor();
  processor.prepare(48_000, 2, block);
  const readings: { frames: number; momentary: number; shortTerm: number; truePeak: number }[] = [];
  const l = new Float64Array(block);
  const r = new Float64Array(block);
  for (let at = 0; at < left.length; at += block) {
    const n = Math.min(block, left.length - at);
    l.set(left.subarray(at, at + n));
    r.set(right.subarray(at, at + n));
    processor.process(l, r, n);
    readings.push({
      frames: at + n,
      momentary: processor.momentaryLufs,
      shortTerm: processor.shortTermLufs,
      truePeak: processor.truePeakDbtp,
    });
  }
  return readings;
}

describe("LoudnessMeterProcessor", () => {
  // 6.4 s: a whole number of blocks of 64 and of 512.
  const left = programme(512 * 600, 1);
  const right = programme(512 * 600, 2);

  it("reads the momentary and short-term loudness LoudnessMeter gives for the same signal, at every hop", () => {
    const meter = new LoudnessMeter({ sampleRate: 48_000, channels: 2, keepSeries: true });
    meter.add([left, right], 0, left.length);
    const series = meter.series()!;
    for (const reading of run(left, right, 480)) {
      const hop = reading.frames / 480 - 1;
      expect(reading.momentary).toBeCloseTo(series.momentary[hop], 4);
      expect(reading.shortTerm).toBeCloseTo(series.shortTerm[hop], 4);
    }
    expect(run(left, right, 480).at(-1)!.truePeak).toBeCloseTo(meter.report().truePeakDbtp, 3);
  });

  it("gives the same numbers in blocks of 64 and of 512 frames", () => {
    const at64 = run(left, right, 64);
    const at512 = run(left, right, 512);
    // Both have processed 32 768 frames after every 512th and 64th block respectively.
    for (let i = 0; i < at512.length; i++) {
      const a = at512[i];
      const b = at64[i * 8 + 7];
      expect(b.frames).toBe(a.frames);
      expect(b.momentary).toBe(a.momentary);
      expect(b.shortTerm).toBe(a.shortTerm);
    }
    // The true peak lags 5 frames behind the blocks, so compare where both have run out.
    expect(at64.at(-1)!.truePeak).toBe(at512.at(-1)!.truePeak);
  });

  it("holds the true peak until it is reset", () => {
    const processor = new LoudnessMeterProcessor();
    processor.prepare(48_000, 1, 512);
    const loud = Float64Array.from(
      { length: 4096 },
      (_, i) => 0.5 * Math.sin((2 * Math.PI * 100 * i) / 48_000),
    );
    processor.process(loud, loud, 4096);
    const held = processor.truePeakDbtp;
    // Within the Annex filter's ripple of the sine's −6.02 dBFS crest.
    expect(Math.abs(held - -6.02)).toBeLessThan(0.05);
    processor.process(new Float64Array(512), loud, 512);
    expect(processor.truePeakDbtp).toBe(held);
    processor.resetTruePeak();
    expect(processor.truePeakDbtp).toBe(Number.NEGATIVE_INFINITY);
  });

  it("gets over a NaN block: that hop counts as silence and the meter reads normally afterwards", () => {
    const clean = run(left, right, 512);
    const broken = right.slice();
    broken[100_000] = Number.NaN;
    const recovered = run(left, broken, 512);
    // 3 s after the bad hop both windows have forgotten it, short of the filters' decay.
    const last = recovered.at(-1)!;
    expect(Number.isFinite(last.momentary)).toBe(true);
    expect(last.momentary).toBeCloseTo(clean.at(-1)!.momentary, 3);
    expect(last.shortTerm).toBeCloseTo(clean.at(-1)!.shortTerm, 1);
  });

  it("refuses anything but mono or stereo when prepared", () => {
    expect(() => new LoudnessMeterProcessor().prepare(48_000, 6, 512)).toThrow(
      expect.objectContaining({ code: "E_LOUDNESS_CHANNELS" }),
    );
  });
});
