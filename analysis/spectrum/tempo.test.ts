import { describe, expect, it } from "vitest";
import { TempoDetector } from "./tempo.ts";
import { kickTrack, noise, rockBeat } from "./test-signals.ts";

function tempoOf(signal: Float32Array, sampleRate: number, chunk = 4096) {
  const detector = new TempoDetector({ sampleRate });
  for (let at = 0; at < signal.length; at += chunk) {
    detector.add([signal], at, Math.min(chunk, signal.length - at));
  }
  return detector.tempo();
}

describe("tempo estimation", () => {
  for (const sampleRate of [44_100, 48_000]) {
    it(`reads a kick on every beat at 100, 120 and 128 BPM within ±1 BPM at ${sampleRate} Hz`, () => {
      for (const bpm of [100, 120, 128]) {
        const tempo = tempoOf(kickTrack(bpm, 30, sampleRate), sampleRate);
        expect(Math.abs((tempo?.bpm ?? 0) - bpm)).toBeLessThanOrEqual(1);
        expect(tempo?.confidence).toBeGreaterThan(0.8);
      }
    });
  }

  it("reads a kick–snare–hi-hat rock beat at 120 BPM as 120, not its eighth notes or bars", () => {
    const tempo = tempoOf(rockBeat(120, 30, 48_000), 48_000);
    expect(Math.abs((tempo?.bpm ?? 0) - 120)).toBeLessThanOrEqual(1);
  });

  it("settles a half-or-double tie on the reading nearer 120 BPM: a kick at 174 reads 87", () => {
    const tempo = tempoOf(kickTrack(174, 30, 48_000), 48_000);
    expect(Math.abs((tempo?.bpm ?? 0) - 87)).toBeLessThanOrEqual(1);
  });

  it("gives the same answer however the stream is chunked", () => {
    const signal = kickTrack(128, 12, 44_100);
    const whole = tempoOf(signal, 44_100, signal.length);
    expect(tempoOf(signal, 44_100, 1)).toEqual(whole);
    expect(tempoOf(signal, 44_100, 777)).toEqual(whole);
  });

  it("has almost no confidence in noise", () => {
    expect(tempoOf(noise(48_000 * 20), 48_000)?.confidence).toBeLessThan(0.2);
  });

  it("has no tempo for silence or for less than six seconds", () => {
    expect(tempoOf(new Float32Array(48_000 * 20), 48_000)).toBeNull();
    expect(tempoOf(kickTrack(120, 5, 48_000), 48_000)).toBeNull();
  });
});
