import { describe, expect, it } from "vitest";
import { bandParameters, roomParameters } from "./room-parameters.ts";
import { noisyDecay } from "./test-signals.ts";

const RATE = 48_000;

describe("reverberation time from an impulse response (ISO 3382-1)", () => {
  it("reads T20, T30 and EDT of 1.00 s ± 0.01 from a synthetic decay of 60 dB per second", () => {
    // A pure exponential: the reference's "exactly 1.0 s" case.
    const ir = Float64Array.from({ length: 1.5 * RATE }, (_, n) => 10 ** ((-60 * n) / RATE / 20));
    const broadband = bandParameters(ir, RATE, "broadband");
    expect(Math.abs(broadband.t20.seconds! - 1)).toBeLessThan(0.01);
    expect(Math.abs(broadband.t30.seconds! - 1)).toBeLessThan(0.01);
    expect(Math.abs(broadband.edt.seconds! - 1)).toBeLessThan(0.01);
  });

  it("reads the same 1.00 s ± 0.01 from noise decaying 60 dB per second", () => {
    const ir = noisyDecay({ rt60: 1, noiseDb: -200, seconds: 1.5, sampleRate: RATE, seed: 7 });
    const broadband = bandParameters(ir, RATE, "broadband");
    expect(Math.abs(broadband.t20.seconds! - 1)).toBeLessThan(0.01);
    expect(Math.abs(broadband.t30.seconds! - 1)).toBeLessThan(0.01);
    expect(Math.abs(broadband.edt.seconds! - 1)).toBeLessThan(0.01 * 2);
  });

  const cases: [number, number][] = [];
  for (const rt of [0.2, 0.5, 1, 2, 3])
    for (const noise of [-40, -50, -60, -70, -80]) cases.push([rt, noise]);

  it.each(cases)(
    "reads T30 within 5 percent of %s s over a noise floor at %s dB, by Lundeby's method",
    (rt, noiseDb) => {
      const seconds = (rt * -noiseDb) / 60 + Math.max(0.5, rt * 0.6);
      const ir = noisyDecay({
        rt60: rt,
        noiseDb,
        seconds,
        sampleRate: RATE,
        seed: Math.round(rt * 100 - noiseDb),
      });
      const broadband = bandParameters(ir, RATE, "broadband");
      expect(broadband.t30.seconds).not.toBeNull();
      expect(Math.abs(broadband.t30.seconds! / rt - 1)).toBeLessThan(0.05);
      expect(broadband.noiseFloorDb).toBeGreaterThan(noiseDb - 3);
      expect(broadband.noiseFloorDb).toBeLessThan(noiseDb + 3);
    },
  );

  it("says how much decay T30 lacks above a noise floor 22 dB down", () => {
    const ir = noisyDecay({ rt60: 0.5, noiseDb: -22, seconds: 1.5, sampleRate: RATE, seed: 3 });
    const broadband = bandParameters(ir, RATE, "broadband");
    expect(broadband.t30.seconds).toBeNull();
    expect(broadband.t30.problems[0]).toMatch(
      /^T30 needs 35 dB of decay above the noise floor; this band has 2[0-3] dB$/,
    );
    expect(broadband.edt.seconds).not.toBeNull();
  });

  it("says when the response ends before the decay has fallen far enough for T30", () => {
    const ir = noisyDecay({ rt60: 2, noiseDb: -200, seconds: 0.6, sampleRate: RATE, seed: 4 });
    const broadband = bandParameters(ir, RATE, "broadband");
    expect(broadband.t30.seconds).toBeNull();
    expect(broadband.t30.problems[0]).toMatch(
      /T30 needs 35 dB of decay; the response ends 1\d dB below its peak in this band \(record longer after the sweep\)/,
    );
  });

  it("refuses a response shorter than a tenth of a second", () => {
    expect(() => roomParameters({ samples: new Float64Array(2000), sampleRate: RATE })).toThrow(
      /lasts 42 ms; reading a decay needs at least 100 ms/,
    );
  });
});
