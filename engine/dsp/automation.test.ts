import { describe, expect, it } from "vitest";
import { ControlRoomError } from "../../music/errors.ts";
import { type AutomationPoint, AutomationReader, validateAutomationPoints } from "./automation.ts";
import { SmoothedParam } from "./smoothed-param.ts";

const FS = 48_000;

function render(param: SmoothedParam, frames: number, block: number, start = 0): Float64Array {
  const out = new Float64Array(frames);
  for (let at = 0; at < frames; at += block) {
    const n = Math.min(block, frames - at);
    param.fill(start + at, n);
    for (let i = 0; i < n; i++) out[at + i] = param.values[i];
    if (param.isConstant) for (let i = 0; i < n; i++) expect(param.values[i]).toBe(param.value);
  }
  return out;
}

describe("automation lanes", () => {
  const ramp: AutomationPoint[] = [
    { frame: 1000, value: -12, curve: "linear" },
    { frame: 2000, value: 0, curve: "hold" },
    { frame: 2500, value: -6, curve: "hold" },
  ];

  it("lands a linear ramp on its exact frames", () => {
    const lane = new AutomationReader(ramp);
    expect(lane.valueAt(999)).toBe(-12);
    expect(lane.valueAt(1000)).toBe(-12);
    expect(lane.valueAt(1250)).toBe(-9);
    expect(lane.valueAt(1500)).toBe(-6);
    expect(lane.valueAt(1999)).toBeCloseTo(-0.012, 12);
    expect(lane.valueAt(2000)).toBe(0);
  });

  it("lands a hold step on its exact frame and holds the last value after the end", () => {
    const lane = new AutomationReader(ramp);
    expect(lane.valueAt(2499)).toBe(0);
    expect(lane.valueAt(2500)).toBe(-6);
    expect(lane.valueAt(1e9)).toBe(-6);
  });

  it("holds the first value before the first point", () => {
    const lane = new AutomationReader(ramp);
    expect(lane.valueAt(0)).toBe(-12);
  });

  it("steps at the first whole frame after a fractional hold point", () => {
    const lane = new AutomationReader([
      { frame: 0, value: 1, curve: "hold" },
      { frame: 100.5, value: 2, curve: "hold" },
    ]);
    expect(lane.valueAt(100)).toBe(1);
    expect(lane.valueAt(101)).toBe(2);
  });

  it("fills a block with the same values as point evaluation, whatever the block size", () => {
    const lane = new AutomationReader(ramp);
    const out = new Float64Array(3000);
    for (const block of [1, 37, 64, 512, 3000]) {
      for (let at = 0; at < 3000; at += block) {
        const n = Math.min(block, 3000 - at);
        const buf = new Float64Array(n);
        lane.fill(buf, at, n);
        out.set(buf, at);
      }
      for (let f = 0; f < 3000; f++) expect(out[f]).toBe(lane.valueAt(f));
    }
  });

  it("reports a block as constant only when no frame of it moves", () => {
    const lane = new AutomationReader(ramp);
    const constantOver = (start: number, frames: number) =>
      lane.isConstantOver(start, frames) ? lane.constantValue : Number.NaN;
    expect(constantOver(0, 1000)).toBe(-12);
    expect(constantOver(990, 20)).toBeNaN();
    expect(constantOver(2000, 500)).toBe(0);
    expect(constantOver(2000, 501)).toBeNaN();
    expect(constantOver(2500, 10_000)).toBe(-6);
  });

  it("rejects points out of order with E_AUTOMATION_ORDER", () => {
    const bad: AutomationPoint[] = [
      { frame: 10, value: 0, curve: "linear" },
      { frame: 5, value: 1, curve: "linear" },
    ];
    try {
      validateAutomationPoints("faderDb", bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ControlRoomError);
      expect((error as ControlRoomError).code).toBe("E_AUTOMATION_ORDER");
    }
  });
});

describe("smoothed parameters", () => {
  it("ramps a live change linearly over 20 ms from the next block and ends exactly on target", () => {
    const param = new SmoothedParam(0);
    param.prepare(FS, 128);
    param.fill(0, 128);
    param.setTarget(1);
    const out = render(param, 2048, 128, 128);
    const rampFrames = 0.02 * FS;
    expect(out[0]).toBe(0);
    expect(out[rampFrames / 2]).toBe(0.5);
    expect(out[rampFrames - 1]).toBeCloseTo(1 - 1 / rampFrames, 12);
    expect(out[rampFrames]).toBe(1);
    expect(out[2047]).toBe(1);
    for (let i = 1; i < out.length; i++) {
      expect(out[i] - out[i - 1]).toBeLessThanOrEqual(1 / rampFrames + 1e-12);
    }
  });

  it("takes a change made before the first block at once: nothing has been heard yet", () => {
    const param = new SmoothedParam(0);
    param.prepare(FS, 64);
    param.setTarget(1);
    param.fill(0, 64);
    expect(param.isConstant).toBe(true);
    expect(param.value).toBe(1);
  });

  it("gives the same values in blocks of 64 and of 512", () => {
    const make = () => {
      const p = new SmoothedParam(-6);
      p.prepare(FS, 512);
      return p;
    };
    const a = make();
    const b = make();
    render(a, 1024, 64);
    render(b, 1024, 512);
    a.setTarget(3);
    b.setTarget(3);
    expect(render(a, 4096, 64, 1024)).toEqual(render(b, 4096, 512, 1024));
  });

  it("is constant and exactly its value when nothing moves", () => {
    const param = new SmoothedParam(0.1 + 0.2);
    param.prepare(FS, 64);
    param.fill(12345, 64);
    expect(param.isConstant).toBe(true);
    expect(param.value).toBe(0.1 + 0.2);
    expect(param.values[63]).toBe(0.1 + 0.2);
  });

  it("follows its automation lane sample-accurately", () => {
    const param = new SmoothedParam(5);
    param.prepare(FS, 64);
    param.setLane([
      { frame: 100, value: 0, curve: "linear" },
      { frame: 200, value: 1, curve: "hold" },
    ]);
    const out = render(param, 256, 64);
    expect(out[0]).toBe(0);
    expect(out[150]).toBe(0.5);
    expect(out[200]).toBe(1);
    param.setLane(null);
    param.fill(256, 64);
    expect(param.value).toBe(5);
  });
});
