import { describe, expect, it } from "vitest";
import { Quantizer } from "./dither.ts";

function noise(frames: number, seed: number): Float64Array {
  const out = new Float64Array(frames);
  let state = seed;
  for (let i = 0; i < frames; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) | 0;
    out[i] = ((state >>> 0) / 2 ** 32) * 1.6 - 0.8;
  }
  return out;
}

describe("Quantizer", () => {
  it("gives the same codes for the same seed and different codes for another seed", () => {
    const input = noise(4096, 7);
    const a = new Int32Array(4096);
    const b = new Int32Array(4096);
    const c = new Int32Array(4096);
    new Quantizer(16, "tpdf", 42).quantize(input, 0, 4096, a);
    new Quantizer(16, "tpdf", 42).quantize(input, 0, 4096, b);
    new Quantizer(16, "tpdf", 43).quantize(input, 0, 4096, c);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it("adds TPDF noise: total error has zero mean and 0.5 LSB RMS (1/12 + 2/12 LSB²), below 1.5 LSB peak", () => {
    const frames = 200_000;
    const input = noise(frames, 3);
    const codes = new Float64Array(frames);
    new Quantizer(16).quantize(input, 0, frames, codes);
    let sum = 0;
    let squares = 0;
    let peak = 0;
    for (let i = 0; i < frames; i++) {
      const error = codes[i] - input[i] * 32768;
      sum += error;
      squares += error * error;
      peak = Math.max(peak, Math.abs(error));
    }
    expect(Math.abs(sum / frames)).toBeLessThan(0.01);
    expect(Math.sqrt(squares / frames)).toBeCloseTo(0.5, 2);
    expect(peak).toBeLessThan(1.5);
  });

  it("moves a sample already on the grid by one code with the triangular odds 1/8, 3/4, 1/8", () => {
    const frames = 200_000;
    const input = new Float64Array(frames).fill(1000 / 8_388_608);
    const codes = new Int32Array(frames);
    new Quantizer(24).quantize(input, 0, frames, codes);
    const counts = new Map<number, number>();
    for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([999, 1000, 1001]);
    expect(counts.get(999)! / frames).toBeCloseTo(0.125, 2);
    expect(counts.get(1000)! / frames).toBeCloseTo(0.75, 2);
    expect(counts.get(1001)! / frames).toBeCloseTo(0.125, 2);
  });

  it("rounds to the nearest code without noise when dither is none", () => {
    const codes = new Int16Array(3);
    new Quantizer(16, "none").quantize(Float64Array.of(1.4 / 32768, -2.6 / 32768, 0), 0, 3, codes);
    expect(Array.from(codes)).toEqual([1, -3, 0]);
  });

  it("clips at the code range of the word length", () => {
    const codes = new Int32Array(4);
    new Quantizer(24).quantize(Float32Array.of(1, 2, -1, -2), 0, 4, codes);
    expect(codes[0]).toBeGreaterThanOrEqual(8_388_606);
    expect(codes[1]).toBe(8_388_607);
    expect(codes[2]).toBeLessThanOrEqual(-8_388_607);
    expect(codes[3]).toBe(-8_388_608);
  });

  it("reads from an input offset and writes to an output offset", () => {
    const codes = new Int32Array(3);
    new Quantizer(16, "none").quantize(Float64Array.of(9, 0.5, 0.25), 1, 2, codes, 1);
    expect(Array.from(codes)).toEqual([0, 16384, 8192]);
  });
});
