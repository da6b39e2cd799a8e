import { describe, expect, it } from "vitest";
import { DelayLine } from "./delay-line.ts";

describe("delay line", () => {
  it("delays both channels by whole frames, bit for bit, across blocks", () => {
    const delay = new DelayLine(100);
    delay.prepare(48_000, 64);
    const left = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i * 0.37));
    const right = Float64Array.from({ length: 1000 }, (_, i) => Math.cos(i * 0.11));
    const outL = new Float64Array(1000);
    const outR = new Float64Array(1000);
    const l = new Float64Array(64);
    const r = new Float64Array(64);
    for (let at = 0; at < 1000; at += 64) {
      const n = Math.min(64, 1000 - at);
      l.set(left.subarray(at, at + n));
      r.set(right.subarray(at, at + n));
      delay.process(l, r, n);
      outL.set(l.subarray(0, n), at);
      outR.set(r.subarray(0, n), at);
    }
    expect(outL.subarray(0, 100)).toEqual(new Float64Array(100));
    expect(outL.subarray(100)).toEqual(left.subarray(0, 900));
    expect(outR.subarray(100)).toEqual(right.subarray(0, 900));
  });

  it("passes audio untouched with a delay of zero", () => {
    const delay = new DelayLine(0);
    delay.prepare(48_000, 8);
    const l = Float64Array.of(1, 2, 3);
    const r = Float64Array.of(4, 5, 6);
    delay.process(l, r, 3);
    expect([...l, ...r]).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
