import { describe, expect, it } from "vitest";
import { checkAllPlatforms, checkPlatform, meetsProfile } from "./platform-check.ts";
import { DELIVERY_PROFILES, deliveryProfile, deliveryProfiles } from "./profiles.ts";

describe("delivery profiles", () => {
  it("give every platform of the reference its target, ceiling, rate, depth and format", () => {
    const expected: [string, number | null, number][] = [
      ["spotify", -14, -1],
      ["apple", -16, -1],
      ["youtube", -14, -1],
      ["amazon", -14, -2],
      ["tidal", -14, -1],
      ["deezer", -15, -1],
      ["aes", -16, -1],
      ["ebu-r128", -23, -1],
      ["cd", -12, -1],
      ["archive", null, -1],
    ];
    expect(DELIVERY_PROFILES.map((p) => [p.id, p.targetLufs, p.truePeakCeilingDbtp])).toEqual(
      expected,
    );
    const cd = deliveryProfile("CD");
    expect([cd.sampleRate, cd.bitDepth, cd.format]).toEqual([44_100, 16, "wav"]);
    const archive = deliveryProfile("archive");
    expect([archive.sampleRate, archive.bitDepth, archive.format]).toEqual([96_000, 24, "flac"]);
    for (const p of DELIVERY_PROFILES) {
      // Spotify's file requirements hold for every streaming master: ≥ 44.1 kHz, ≥ 16-bit.
      expect(p.sampleRate).toBeGreaterThanOrEqual(44_100);
      expect(p.source.length).toBeGreaterThan(0);
    }
  });

  it("reads a list, or all, and names the known ones when one is unknown", () => {
    expect(deliveryProfiles("spotify, apple").map((p) => p.id)).toEqual(["spotify", "apple"]);
    expect(deliveryProfiles("all")).toHaveLength(DELIVERY_PROFILES.length);
    expect(() => deliveryProfiles("spotify,napster")).toThrow(
      /"napster" is not a delivery profile; choose from spotify, apple/,
    );
  });
});

describe("what each platform does to a master", () => {
  it("turns a loud master down by the difference: the penalty", () => {
    const check = checkPlatform(
      { integratedLufs: -9.2, truePeakDbtp: -0.5 },
      deliveryProfile("spotify"),
    );
    expect(check.playbackGainDb).toBeCloseTo(-4.8, 12);
    expect(check.penaltyDb).toBeCloseTo(4.8, 12);
    // Louder than −14 LUFS, Spotify advises −2 dBTP.
    expect(check.truePeakOverCeiling).toBe(true);
    expect(check.clipsAfterGain).toBe(false);
  });

  it("raises a quiet master only where the platform turns quiet tracks up, and flags the clip", () => {
    const quiet = { integratedLufs: -20, truePeakDbtp: -3 };
    const spotify = checkPlatform(quiet, deliveryProfile("spotify"));
    expect(spotify.playbackGainDb).toBe(6);
    expect(spotify.penaltyDb).toBe(0);
    expect(spotify.clipsAfterGain).toBe(true);
    const tidal = checkPlatform(quiet, deliveryProfile("tidal"));
    expect(tidal.playbackGainDb).toBe(0);
    expect(tidal.clipsAfterGain).toBe(false);
  });

  it("leaves silence alone and lists only the streaming platforms, which normalise at playback", () => {
    const checks = checkAllPlatforms({
      integratedLufs: Number.NEGATIVE_INFINITY,
      truePeakDbtp: Number.NEGATIVE_INFINITY,
    });
    expect(checks.map((c) => c.profile)).toEqual([
      "spotify",
      "apple",
      "youtube",
      "amazon",
      "tidal",
      "deezer",
      "aes",
    ]);
    for (const c of checks) {
      expect(c.playbackGainDb).toBe(0);
      expect(c.penaltyDb).toBe(0);
      expect(c.truePeakOverCeiling).toBe(false);
    }
  });

  it("passes a master inside its tolerance and under its ceiling, and says why one fails", () => {
    const apple = deliveryProfile("apple");
    expect(meetsProfile({ integratedLufs: -16.29, truePeakDbtp: -1 }, apple)).toEqual({
      pass: true,
      reasons: [],
    });
    const verdict = meetsProfile({ integratedLufs: -15.5, truePeakDbtp: -0.8 }, apple);
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons).toEqual([
      "integrated loudness -15.5 LUFS is 0.5 LU from the -16 LUFS target",
      "true peak -0.80 dBTP is above the -1 dBTP ceiling",
    ]);
    expect(
      meetsProfile({ integratedLufs: Number.NEGATIVE_INFINITY, truePeakDbtp: -50 }, apple).pass,
    ).toBe(false);
  });
});
