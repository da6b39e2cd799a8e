import { execFileSync } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measureLoudnessFile } from "../analysis/node/measure-file.ts";
import { renderProject } from "../engine/node/render-project.ts";
import { generateDemoSong } from "../examples/demo-song/generate.ts";
import { ffmpegLoudness, haveFfmpeg } from "./support/peers.ts";
import { tempDir } from "./support/projects.ts";

/**
 * Our meter beside ffmpeg's ebur128 filter (libavfilter's EBU R128 meter) on real music:
 * the demo song rendered at three rates, one transcoded to MP3, and one given loud and
 * quiet halves and transcoded to FLAC so the loudness range has something to measure.
 */

if (!haveFfmpeg) console.log("ffmpeg comparison skipped: no ffmpeg on the PATH");

describe.skipIf(!haveFfmpeg)("agreement with ffmpeg's ebur128 on the demo song", () => {
  let dir: string;
  const files: Record<string, string> = {};

  beforeAll(async () => {
    dir = await tempDir("controlroom-loudness-");
    const project = await generateDemoSong(dir);
    for (const rate of [44_100, 48_000, 96_000]) {
      const output = path.join(dir, `mix-${rate}.wav`);
      await renderProject(dir, project, {
        output,
        format: "wav",
        bitDepth: "32f",
        sampleRate: rate,
      });
      files[`${rate / 1000} kHz WAV`] = output;
    }
    const ffmpeg = (args: string[]) => execFileSync("ffmpeg", ["-v", "error", "-y", ...args]);
    files["44.1 kHz MP3 (LAME 256 kbit/s)"] = path.join(dir, "mix.mp3");
    ffmpeg([
      "-i",
      files["44.1 kHz WAV"],
      "-c:a",
      "libmp3lame",
      "-b:a",
      "256k",
      files["44.1 kHz MP3 (LAME 256 kbit/s)"],
    ]);
    // The first 16 s 12 dB down: a quiet verse and a loud chorus.
    files["48 kHz FLAC, quiet first half"] = path.join(dir, "dynamic.flac");
    ffmpeg([
      "-i",
      files["48 kHz WAV"],
      "-af",
      "volume='if(lt(t,16),0.25,1)':eval=frame",
      "-c:a",
      "flac",
      "-sample_fmt",
      "s32",
      files["48 kHz FLAC, quiet first half"],
    ]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    "44.1 kHz WAV",
    "48 kHz WAV",
    "96 kHz WAV",
    "44.1 kHz MP3 (LAME 256 kbit/s)",
    "48 kHz FLAC, quiet first half",
  ])(
    "%s: integrated loudness within 0.1 LU and loudness range within 0.5 LU of ffmpeg",
    async (name) => {
      const file = files[name];
      const ours = (await measureLoudnessFile(file)).report;
      const theirs = ffmpegLoudness(file);
      expect(Math.abs(ours.integratedLufs - theirs.integratedLufs)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(ours.loudnessRangeLu - theirs.loudnessRangeLu)).toBeLessThanOrEqual(0.5);
      if (name.includes("quiet first half")) expect(ours.loudnessRangeLu).toBeGreaterThan(8);
    },
  );
});
