import { describe, expect, it } from "vitest";
import { ClipPlayer } from "./clip-player.ts";
import type { PlannedClip } from "./mix-plan.ts";
import { MemorySource } from "./source.ts";

/** Upward zero crossings per second over the middle of a signal: its frequency for a tone. */
function frequency(x: Float64Array, sampleRate: number): number {
  const from = Math.floor(x.length * 0.1);
  const to = Math.floor(x.length * 0.9);
  let first = -1;
  let last = -1;
  let count = 0;
  for (let i = from + 1; i < to; i++) {
    if (x[i - 1] < 0 && x[i] >= 0) {
      const at = i - 1 + x[i - 1] / (x[i - 1] - x[i]);
      if (first < 0) first = at;
      else count++;
      last = at;
    }
  }
  return (count * sampleRate) / (last - first);
}

function clip(frames: number, playbackRate: number): PlannedClip {
  return {
    id: "c",
    sourceId: "s",
    startFrame: 0,
    frames,
    offsetFrames: 0,
    playbackRate,
    gain: 1,
    fadeInFrames: 0,
    fadeInShape: "linear",
    fadeOutFrames: 0,
    fadeOutShape: "linear",
  };
}

describe("varispeed clips", () => {
  it.each([
    [48_000, 48_000, 2],
    [48_000, 48_000, 0.5],
    [44_100, 48_000, 1.25],
    [48_000, 44_100, 0.8],
  ])(
    "a 1 kHz tone recorded at %i Hz, rendered at %i Hz, played at ×%f sounds at rate × 1 kHz",
    (sourceRate, renderRate, rate) => {
      const seconds = 2;
      const tone = Float64Array.from({ length: seconds * sourceRate }, (_, i) =>
        Math.sin((2 * Math.PI * 1000 * i) / sourceRate),
      );
      const sources = new Map([["s", new MemorySource(sourceRate, [tone])]]);
      // The whole source, played faster or slower, lasts seconds / rate.
      const frames = Math.round((tone.length * renderRate) / (sourceRate * rate));
      const player = new ClipPlayer([clip(frames, rate)], sources, renderRate);
      player.prepare(512);
      const left = new Float64Array(frames);
      const right = new Float64Array(frames);
      const blockL = new Float64Array(512);
      const blockR = new Float64Array(512);
      for (let at = 0; at < frames; at += 512) {
        const n = Math.min(512, frames - at);
        player.render(blockL, blockR, at, n);
        left.set(blockL.subarray(0, n), at);
        right.set(blockR.subarray(0, n), at);
      }
      expect(frequency(left, renderRate)).toBeCloseTo(1000 * rate, 1);
      expect(right).toEqual(left);
      // The tone is whole to the end: no early silence from a wrong length.
      let tail = 0;
      for (let i = frames - 200; i < frames - 100; i++) tail = Math.max(tail, Math.abs(left[i]));
      expect(tail).toBeGreaterThan(0.9);
    },
  );
});
