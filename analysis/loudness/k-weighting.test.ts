import { describe, expect, it } from "vitest";
import { biquadMagnitudeDb } from "../../engine/dsp/biquad.ts";
import { kWeighting } from "../../engine/dsp/loudness/k-weighting.ts";
import { isControlRoomError } from "../../music/errors.ts";
import { LoudnessMeter } from "./loudness-meter.ts";

/** Integrated loudness of a sine lasting `seconds`, in each listed channel of a stereo pair. */
function sineLoudness(rate: number, hz: number, dbfs: number, inChannels: 1 | 2): number {
  const frames = rate * 5;
  const amplitude = 10 ** (dbfs / 20);
  const tone = Float64Array.from(
    { length: frames },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate),
  );
  const meter = new LoudnessMeter({ sampleRate: rate, channels: 2 });
  meter.add([tone, inChannels === 2 ? tone : new Float64Array(frames)], 0, frames);
  return meter.report().integratedLufs;
}

describe("K-weighting (ITU-R BS.1770-5 §2.1)", () => {
  it("matches the 48 kHz coefficients of BS.1770-5 Tables 1 and 2 to 1e-10", () => {
    const { shelf, highPass } = kWeighting(48_000);
    const table = {
      shelf: {
        b0: 1.53512485958697,
        b1: -2.69169618940638,
        b2: 1.19839281085285,
        a1: -1.69065929318241,
        a2: 0.73248077421585,
      },
      highPass: { b0: 1, b1: -2, b2: 1, a1: -1.99004745483398, a2: 0.99007225036621 },
    };
    for (const key of ["b0", "b1", "b2", "a1", "a2"] as const) {
      expect(Math.abs(shelf[key] - table.shelf[key])).toBeLessThan(1e-10);
      expect(Math.abs(highPass[key] - table.highPass[key])).toBeLessThan(1e-10);
    }
  });

  it("reads a 0 dBFS 997 Hz sine in one front channel as −3.01 LKFS (BS.1770-5 §2.1)", () => {
    expect(Math.abs(sineLoudness(48_000, 997, 0, 1) - -3.01)).toBeLessThan(0.01);
  });

  it.each([44_100, 48_000, 96_000])(
    "reads a −23 dBFS 1 kHz tone in both channels as −23.0 ±0.05 LUFS at %i Hz",
    (rate) => {
      expect(Math.abs(sineLoudness(rate, 1000, -23, 2) - -23)).toBeLessThan(0.05);
    },
  );

  it.each([8000, 384_000])(
    "computes stable filters at %i Hz that keep 1 kHz within 0.1 dB of 48 kHz",
    (rate) => {
      const { shelf, highPass } = kWeighting(rate);
      const reference = kWeighting(48_000);
      const gain = (k: typeof shelf, h: typeof highPass, fs: number) =>
        biquadMagnitudeDb(k, 1000, fs) + biquadMagnitudeDb(h, 1000, fs);
      expect(
        Math.abs(gain(shelf, highPass, rate) - gain(reference.shelf, reference.highPass, 48_000)),
      ).toBeLessThan(0.1);
      // Stable: both poles inside the unit circle (|a2| < 1, |a1| < 1 + a2).
      for (const c of [shelf, highPass]) {
        expect(Math.abs(c.a2)).toBeLessThan(1);
        expect(Math.abs(c.a1)).toBeLessThan(1 + c.a2);
      }
    },
  );

  it("refuses a rate outside 8–384 kHz with E_LOUDNESS_SAMPLE_RATE", () => {
    for (const rate of [4000, 768_000, Number.NaN]) {
      try {
        kWeighting(rate);
        expect.unreachable();
      } catch (error) {
        expect(isControlRoomError(error) && error.code).toBe("E_LOUDNESS_SAMPLE_RATE");
      }
    }
  });
});
