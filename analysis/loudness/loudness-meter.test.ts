import { describe, expect, it } from "vitest";
import { hopGrid } from "../../engine/dsp/loudness/loudness-windows.ts";
import { LoudnessMeter, type LoudnessReport } from "./loudness-meter.ts";

/** Deterministic noise in [−amplitude, amplitude). */
function noise(frames: number, amplitude: number, seed: number): Float64Array {
  const out = new Float64Array(frames);
  let state = seed >>> 0;
  for (let i = 0; i < frames; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = amplitude * ((state / 2 ** 32) * 2 - 1);
  }
  return out;
}

function sine(frames: number, rate: number, hz: number, dbfs: number): Float64Array {
  const amplitude = 10 ** (dbfs / 20);
  return Float64Array.from(
    { length: frames },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate),
  );
}

function measure(
  channels: Float64Array[],
  rate = 48_000,
  blockFrames = channels[0].length,
): LoudnessReport {
  const meter = new LoudnessMeter({ sampleRate: rate, channels: channels.length });
  for (let at = 0; at < channels[0].length; at += blockFrames) {
    meter.add(channels, at, Math.min(blockFrames, channels[0].length - at));
  }
  return meter.report();
}

function thrown(action: () => void): { code?: string; message?: string } {
  try {
    action();
  } catch (error) {
    return error as { code?: string; message?: string };
  }
  throw new Error("expected an error");
}

describe("hop grid", () => {
  it.each([
    [48_000, 480, 10],
    [44_100, 441, 10],
    [96_000, 960, 10],
    [8000, 80, 10],
    [384_000, 3840, 10],
    // 100 ms is 2205 frames: 15 hops of 147 frames (6.7 ms).
    [22_050, 147, 15],
  ])(
    "cuts %i Hz into hops of %i frames, %i to the 100 ms gating step, so every window is exact",
    (rate, hop, step) => {
      const grid = hopGrid(rate);
      expect(grid).toEqual({
        hopFrames: hop,
        stepHops: step,
        momentaryHops: 4 * step,
        shortTermHops: 30 * step,
      });
      expect(grid.hopFrames * grid.stepHops).toBe(rate / 10);
      expect(grid.hopFrames / rate).toBeLessThanOrEqual(0.01);
    },
  );

  it("approximates the windows at 11 025 Hz, where 100 ms is not whole frames, within 0.3 %", () => {
    const grid = hopGrid(11_025);
    expect(grid.hopFrames).toBe(110);
    expect(Math.abs((grid.hopFrames * grid.momentaryHops) / 11_025 - 0.4) / 0.4).toBeLessThan(
      0.003,
    );
  });
});

describe("LoudnessMeter", () => {
  it("gives the same report however the audio is cut into blocks", () => {
    const left = noise(48_000 * 7, 0.3, 1);
    const right = noise(48_000 * 7, 0.2, 2);
    const whole = measure([left, right]);
    for (const block of [1000, 4096, 48_001])
      expect(measure([left, right], 48_000, block)).toEqual(whole);
  });

  it("reads digital silence as −Infinity everywhere, a range of 0 LU and no correlation, never NaN", () => {
    const silence = new Float64Array(48_000 * 5);
    const report = measure([silence, silence]);
    for (const key of [
      "integratedLufs",
      "truePeakDbtp",
      "samplePeakDbfs",
      "maxMomentaryLufs",
      "maxShortTermLufs",
      "rmsDbfs",
    ] as const) {
      expect(report[key]).toBe(Number.NEGATIVE_INFINITY);
    }
    expect(report.truePeakDbtpPerChannel).toEqual([
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
    expect(report.loudnessRangeLu).toBe(0);
    expect(report.correlation).toBeNull();
  });

  it("reads 10 ms of audio with peaks and RMS but −Infinity where no full 400 ms block or 3 s window exists", () => {
    const tone = sine(480, 48_000, 1000, -6);
    const report = measure([tone, tone]);
    expect(report.integratedLufs).toBe(Number.NEGATIVE_INFINITY);
    expect(report.maxMomentaryLufs).toBe(Number.NEGATIVE_INFINITY);
    expect(report.maxShortTermLufs).toBe(Number.NEGATIVE_INFINITY);
    expect(report.loudnessRangeLu).toBe(0);
    expect(report.samplePeakDbfs).toBeCloseTo(-6, 2);
    expect(report.truePeakDbtp).toBeGreaterThanOrEqual(report.samplePeakDbfs);
    expect(report.rmsDbfs).toBeCloseTo(-6 - 3.0103, 3);
    expect(report.durationSeconds).toBe(0.01);
  });

  it("reads nothing at all as silence", () => {
    const report = new LoudnessMeter({ sampleRate: 48_000, channels: 1 }).report();
    expect(report.integratedLufs).toBe(Number.NEGATIVE_INFINITY);
    expect(report.rmsDbfs).toBe(Number.NEGATIVE_INFINITY);
    expect(report.durationSeconds).toBe(0);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    "refuses a %f sample with E_AUDIO_NOT_FINITE naming its channel and frame, and takes in nothing of that block",
    (bad) => {
      const left = noise(48_000 * 4, 0.3, 3);
      const right = noise(48_000 * 4, 0.3, 4);
      const poisoned = right.slice(48_000, 96_000);
      poisoned[1234] = bad;
      const meter = new LoudnessMeter({ sampleRate: 48_000, channels: 2 });
      meter.add([left, right], 0, 48_000);
      const error = thrown(() => meter.add([left.subarray(48_000, 96_000), poisoned], 0, 48_000));
      expect(error.code).toBe("E_AUDIO_NOT_FINITE");
      expect(error.message).toContain("channel 2");
      expect(error.message).toContain("frame 49234");
      // The meter goes on as if the bad block had never been offered.
      meter.add([left, right], 48_000, 48_000 * 3);
      expect(meter.report()).toEqual(measure([left, right]));
    },
  );

  it("refuses a block with too few channels or frames with E_LOUDNESS_INPUT", () => {
    const meter = new LoudnessMeter({ sampleRate: 48_000, channels: 2 });
    expect(thrown(() => meter.add([new Float64Array(10)], 0, 10)).code).toBe("E_LOUDNESS_INPUT");
    expect(thrown(() => meter.add([new Float64Array(10), new Float64Array(5)], 0, 10)).code).toBe(
      "E_LOUDNESS_INPUT",
    );
  });

  it("leaves the LFE of 5.1 out of the loudness but not out of the peaks (BS.1770-5 Table 3)", () => {
    const frames = 48_000 * 4;
    const tone = sine(frames, 48_000, 1000, -20);
    const silent = new Float64Array(frames);
    const lfe = sine(frames, 48_000, 60, -1);
    const without = measure([tone, tone, silent, silent, silent, silent]);
    const withLfe = measure([tone, tone, silent, lfe, silent, silent]);
    expect(withLfe.integratedLufs).toBe(without.integratedLufs);
    expect(withLfe.truePeakDbtp).toBeGreaterThan(-1.5);
  });

  it("gives the correlation of a stereo pair: +1 for mono, −1 for opposite polarity, about 0 for independent noise", () => {
    const a = noise(48_000, 0.5, 5);
    const b = noise(48_000, 0.5, 6);
    expect(measure([a, a]).correlation).toBeCloseTo(1, 12);
    expect(measure([a, a.map((x) => -x)]).correlation).toBeCloseTo(-1, 12);
    expect(Math.abs(measure([a, b]).correlation ?? 1)).toBeLessThan(0.02);
    expect(measure([a]).correlation).toBeNull();
  });

  it("keeps momentary, short-term and true peak per 10 ms hop only when asked", () => {
    const tone = sine(48_000 * 5, 48_000, 1000, -23);
    const plain = new LoudnessMeter({ sampleRate: 48_000, channels: 2 });
    plain.add([tone, tone], 0, tone.length);
    expect(plain.series()).toBeNull();
    const meter = new LoudnessMeter({ sampleRate: 48_000, channels: 2, keepSeries: true });
    meter.add([tone, tone], 0, tone.length);
    const series = meter.series()!;
    const report = meter.report();
    expect(series.hopSeconds).toBe(0.01);
    expect(series.momentary.length).toBe(500);
    // Full windows read the tone; before a window fills, the time before the start is silence.
    expect(Math.abs(series.momentary[39] - -23)).toBeLessThan(0.05);
    expect(series.momentary[19]).toBeLessThan(-25.9);
    expect(Math.abs(series.shortTerm[299] - -23)).toBeLessThan(0.05);
    expect(Math.max(...series.momentary.subarray(39))).toBeCloseTo(report.maxMomentaryLufs, 4);
    expect(Math.max(...series.truePeak)).toBeCloseTo(report.truePeakDbtp, 4);
  });

  it("finds the maximum momentary loudness of a 400 ms burst at any offset within 0.06 LU, hopping 10 ms", () => {
    for (const offset of [0, 37, 240, 479]) {
      const frames = 48_000 * 2;
      const x = new Float64Array(frames);
      x.set(sine(19_200, 48_000, 1000, -20), 24_000 + offset);
      expect(Math.abs(measure([x, x]).maxMomentaryLufs - -20)).toBeLessThan(0.06);
    }
  });
});
