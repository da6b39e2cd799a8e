import { describe, expect, it } from "vitest";
import { PPQ, TempoMap } from "./tempo-map.ts";

const steady = new TempoMap({
  changes: [{ tick: 0, bpm: 120 }],
  timeSignatures: [{ tick: 0, numerator: 4, denominator: 4 }],
});

const changing = new TempoMap({
  changes: [
    { tick: 0, bpm: 120 },
    { tick: 4 * 4 * PPQ, bpm: 90 },
    { tick: 8 * 4 * PPQ, bpm: 140.5 },
  ],
  timeSignatures: [
    { tick: 0, numerator: 4, denominator: 4 },
    { tick: 8 * 4 * PPQ, numerator: 7, denominator: 8 },
  ],
});

describe("TempoMap", () => {
  it("places one quarter note at 120 BPM at 0.5 s and 24 000 frames at 48 kHz", () => {
    expect(steady.ticksToSeconds(PPQ)).toBe(0.5);
    expect(steady.ticksToFrames(PPQ, 48_000)).toBe(24_000);
    expect(steady.framesToTicks(24_000, 48_000)).toBe(PPQ);
  });

  it("sums the segments exactly across tempo changes", () => {
    // 4 bars at 120 (8 s) then 4 bars at 90 (16 × 2/3 s = 10.666… s)
    expect(changing.ticksToSeconds(8 * 4 * PPQ)).toBeCloseTo(8 + 16 * (60 / 90), 12);
    expect(changing.bpmAt(5 * 4 * PPQ)).toBe(90);
    const t = 9 * 4 * PPQ + 123;
    expect(changing.secondsToTicks(changing.ticksToSeconds(t))).toBeCloseTo(t, 9);
  });

  it("round-trips ticks, seconds and frames at 44.1, 48 and 96 kHz", () => {
    for (const rate of [44_100, 48_000, 96_000]) {
      for (const tick of [0, 1, 959, 15_360, 30_719, 30_720, 61_441, 200_000]) {
        const frames = changing.ticksToFrames(tick, rate);
        expect(changing.framesToTicks(frames, rate)).toBeCloseTo(tick, 8);
      }
    }
  });

  it("counts bars and beats through a change of meter", () => {
    expect(changing.tickToBarPosition(0)).toEqual({ bar: 1, beat: 1, tick: 0 });
    expect(changing.tickToBarPosition(4 * PPQ + 480)).toEqual({ bar: 2, beat: 1, tick: 480 });
    // Bar 9 starts the 7/8; an eighth is 480 ticks.
    const bar9 = 8 * 4 * PPQ;
    expect(changing.tickToBarPosition(bar9 + 7 * 480 + 480)).toEqual({ bar: 10, beat: 2, tick: 0 });
    expect(changing.barPositionToTick({ bar: 10, beat: 2, tick: 0 })).toBe(bar9 + 8 * 480);
  });

  it("refuses a tempo map that does not start at tick 0", () => {
    expect(
      () =>
        new TempoMap({
          changes: [{ tick: 10, bpm: 100 }],
          timeSignatures: [{ tick: 0, numerator: 4, denominator: 4 }],
        }),
    ).toThrow(/tick 0/);
  });
});
