import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measureLoudnessFile } from "../analysis/node/measure-file.ts";
import { masterToProfile } from "../engine/node/master.ts";
import { decodeAudioFile } from "../formats/node/decode-file.ts";
import { openAudioFileWriter } from "../formats/node/open-writer.ts";
import { DELIVERY_PROFILES, type DeliveryProfile } from "../production/delivery/profiles.ts";
import { ffmpegLoudness, haveFfmpeg, probeStream } from "./support/peers.ts";
import { noise, tempDir } from "./support/projects.ts";

/**
 * Every delivery profile mastered from one mix, each master checked by our meter and by
 * ffmpeg's ebur128=peak=true. The mix is made to be hard to master: partials up to 21 kHz
 * (inter-sample peaks that a meter-grade interpolator misses), kick transients with a
 * high crest factor, and a last second at −130 dBFS, below half a 16-bit step, where only
 * dither leaves anything in a 16-bit file.
 */

const RATE = 48_000;
const SECONDS = 8;
const QUIET_FROM = (SECONDS - 1) * RATE;

function mix(): Float64Array[] {
  const frames = SECONDS * RATE;
  const hats = [noise(frames, 1, 3), noise(frames, 1, 4)];
  return [0, 1].map((channel) => {
    const out = new Float64Array(frames);
    for (let i = 0; i < QUIET_FROM; i++) {
      const t = i / RATE;
      const beat = t % 0.5;
      // A bright chord: sawtooth partials of 220 and 277 Hz up to 21 kHz, pumping each beat.
      let chord = 0;
      for (const f0 of [220, 277.18]) {
        for (let k = 1; k * f0 < 21_000; k++) {
          chord += Math.sin(2 * Math.PI * k * f0 * t + channel * k) / k;
        }
      }
      chord *= 0.08 * (0.6 + 0.4 * Math.exp(-beat * 6));
      const kick =
        0.9 *
        Math.exp(-beat * 18) *
        Math.sin(2 * Math.PI * 55 * beat * (1 + 2 * Math.exp(-beat * 40)));
      const hat = (t % 0.25 < 0.03 ? 0.25 : 0) * (hats[channel][i] - (hats[channel][i - 1] ?? 0));
      out[i] = chord + kick + hat;
    }
    for (let i = QUIET_FROM; i < frames; i++)
      out[i] = 10 ** (-130 / 20) * Math.sin((2 * Math.PI * 1000 * i) / RATE);
    return out;
  });
}

let dir: string;
let input: string;

beforeAll(async () => {
  dir = await tempDir("controlroom-master-");
  input = path.join(dir, "mix.wav");
  const channels = mix();
  const writer = await openAudioFileWriter(input, {
    format: "wav",
    bitDepth: "32f",
    sampleRate: RATE,
    channels: 2,
  });
  await writer.write(channels, 0, channels[0].length);
  await writer.commit();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("mastering to each delivery profile", () => {
  it.each(DELIVERY_PROFILES.map((p) => [p.id, p] as [string, DeliveryProfile]))(
    "%s: lands on its loudness target and under its true-peak ceiling, in its own format",
    async (id, profile) => {
      const output = path.join(dir, `${id}.${profile.format}`);
      const report = await masterToProfile(input, profile, output);
      expect(report.pass, report.reasons.join("; ")).toBe(true);

      const ours = (await measureLoudnessFile(output)).report;
      if (profile.targetLufs !== null) {
        expect(Math.abs(ours.integratedLufs - profile.targetLufs)).toBeLessThanOrEqual(0.3);
      }
      expect(ours.truePeakDbtp).toBeLessThanOrEqual(profile.truePeakCeilingDbtp);
      expect(report.loudness.integratedLufs).toBe(ours.integratedLufs);

      const stream = probeStream(output);
      expect(Number(stream.sample_rate)).toBe(profile.sampleRate);
      expect(Number(stream.channels)).toBe(2);
      expect(stream.codec_name).toBe(
        profile.format === "flac" ? "flac" : profile.bitDepth === 16 ? "pcm_s16le" : "pcm_s24le",
      );
      if (profile.format === "flac") {
        expect(Number(stream.bits_per_raw_sample)).toBe(profile.bitDepth);
      }

      if (haveFfmpeg) {
        const theirs = ffmpegLoudness(output);
        if (profile.targetLufs !== null) {
          expect(Math.abs(theirs.integratedLufs - profile.targetLufs)).toBeLessThanOrEqual(0.3);
        }
        expect(theirs.truePeakDbtp).toBeLessThanOrEqual(profile.truePeakCeilingDbtp);
      } else {
        console.log(`${id}: ffmpeg's ebur128 check skipped: no ffmpeg on the PATH`);
      }

      // The last second is −130 dBFS: rounding alone leaves 16-bit codes at zero there, TPDF
      // dither leaves about one in four at ±1 step.
      if (profile.bitDepth === 16) {
        const decoded = await decodeAudioFile(output);
        const quiet = decoded.channels[0].subarray(
          Math.round((QUIET_FROM / RATE + 0.1) * profile.sampleRate),
        );
        const step = 1 / 32768;
        let nonZero = 0;
        for (const x of quiet) {
          expect(Math.abs(x)).toBeLessThanOrEqual(2 * step);
          if (x !== 0) nonZero++;
        }
        expect(nonZero / quiet.length).toBeGreaterThan(0.15);
        expect(nonZero / quiet.length).toBeLessThan(0.35);
      }
    },
    180_000,
  );
});
