import { describe, expect, it } from "vitest";
import { OnsetDetector } from "./onsets.ts";

const RATE = 48_000;

/** Plucked notes (decaying harmonic tones) at the given times, each still ringing when the next starts. */
function plucks(times: number[], seconds: number): Float64Array {
  const out = new Float64Array(seconds * RATE);
  times.forEach((t, i) => {
    const f0 = 196 * 2 ** (((i * 5) % 24) / 12);
    const level = 0.15 + (0.1 * ((i * 7) % 5)) / 4;
    const start = Math.round(t * RATE);
    for (let n = start; n < out.length; n++) {
      const s = (n - start) / RATE;
      const envelope = level * Math.exp(-s * 4) * Math.min(1, s * 1000);
      if (s > 0.01 && envelope < 1e-5) break;
      for (let h = 1; h <= 6; h++) out[n] += (envelope / h) * Math.sin(2 * Math.PI * f0 * h * s);
    }
  });
  return out;
}

describe("onset detector", () => {
  it("finds every plucked note within 15 ms, and hardly anything else", () => {
    const times: number[] = [];
    for (let t = 0.3, i = 0; t < 9.5; i++) {
      times.push(t);
      t += 0.09 + ((i * 37) % 11) * 0.04;
    }
    const detector = new OnsetDetector(RATE);
    const signal = plucks(times, 10);
    for (let at = 0; at < signal.length; at += 4096) {
      detector.add([signal], at, Math.min(4096, signal.length - at));
    }
    const found = detector.onsets();
    for (const t of times) {
      const nearest = Math.min(...found.map((f) => Math.abs(f - t)));
      expect(nearest, `note at ${t.toFixed(3)} s`).toBeLessThan(0.015);
    }
    // Two notes ringing together beat; at most one in twenty such beats may read as a note.
    expect(found.length).toBeLessThanOrEqual(Math.ceil(times.length * 1.05));
  });
});
