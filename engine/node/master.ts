import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LoudnessReport } from "../../analysis/loudness/loudness-meter.ts";
import { measureLoudnessFile } from "../../analysis/node/measure-file.ts";
import { WavFileReader } from "../../formats/node/wav-file.ts";
import { Project, SCHEMA_VERSION } from "../../music/project.ts";
import { neutralStrip } from "../../music/strip.ts";
import {
  checkAllPlatforms,
  meetsProfile,
  type PlatformCheck,
} from "../../production/delivery/platform-check.ts";
import type { DeliveryProfile } from "../../production/delivery/profiles.ts";
import { renderProject } from "./render-project.ts";

/** Headroom under the profile's ceiling for the limiter, so the written file measures under it. */
const CEILING_MARGIN_DB = 0.15;
/** The loudness loop stops when the limited master is this close to its target. */
const CONVERGED_LU = 0.05;
const MAX_PASSES = 8;
/** One track and the master: a worker thread would only add the hand-over. */
const SINGLE_THREAD = 0;
/**
 * The most gain pushed into the limiter beyond what the target alone asks: past it a
 * master is crushed, not louder, and it is reported as missing its target instead.
 */
const MAX_LIMITING_DB = 12;
/** The least loudness a dB of gain is taken to buy, so a step never runs away. */
const MIN_SLOPE = 0.1;

export interface MasterReport {
  profile: string;
  name: string;
  output: string;
  format: DeliveryProfile["format"];
  sampleRate: number;
  bitDepth: number;
  /** Gain applied before the limiter. */
  gainDb: number;
  /** Loudness passes it took to land on the target. */
  passes: number;
  /** Measured on the written file by our BS.1770 meter. */
  loudness: LoudnessReport;
  pass: boolean;
  reasons: string[];
  platforms: PlatformCheck[];
}

/**
 * Masters a stereo WAV to a delivery profile: gain to the loudness target, conversion to
 * the profile's rate, a true-peak look-ahead limiter under its ceiling, dither and encoding.
 * It runs the engine itself: the input plays as one clip on a neutral track whose trim is
 * the gain, and the master limiter works in true-peak mode. Limiting lowers loudness, so
 * the gain is corrected and the chain run again until it lands on the target.
 */
export async function masterToProfile(
  input: string,
  profile: DeliveryProfile,
  output: string,
  onProgress?: (fraction: number) => void,
): Promise<MasterReport> {
  const work = await mkdtemp(path.join(tmpdir(), "controlroom-master-"));
  try {
    const reader = WavFileReader.open(input);
    const { sampleRate, channels, frames } = reader.info;
    reader.close();
    await mkdir(path.join(work, "audio"));
    await symlink(path.resolve(input), path.join(work, "audio", "input.wav"));
    const project = (trimDb: number) =>
      Project.parse({
        schemaVersion: SCHEMA_VERSION,
        song: { title: profile.name, sampleRate: profile.sampleRate },
        sources: [{ id: "input", file: "audio/input.wav", sampleRate, channels, frames }],
        tracks: [
          {
            id: "mix",
            name: "Mix",
            kind: "audio",
            strip: { ...neutralStrip(), panLaw: "0dB", trimDb },
            clips: [{ id: "mix", sourceId: "input", startTick: 0, lengthFrames: frames }],
          },
        ],
        master: {
          strip: { ...neutralStrip(), panLaw: "0dB" },
          limiter: {
            enabled: true,
            truePeak: true,
            ceilingDb: profile.truePeakCeilingDbtp - CEILING_MARGIN_DB,
            lookaheadMs: 5,
            releaseMs: 150,
          },
        },
      });
    const fraction = (pass: number) => (done: number, total: number) =>
      onProgress?.((pass + done / total) / (MAX_PASSES + 1));

    let gainDb = 0;
    let passes = 0;
    if (profile.targetLufs !== null) {
      const target = profile.targetLufs;
      const original = await measureLoudnessFile(input);
      // Secant steps on loudness(gain): without limiting the slope is 1 dB per dB; the harder
      // the limiter works, the less loudness each dB of gain buys.
      let previous: { gainDb: number; lufs: number } | null = null;
      let slope = 1;
      gainDb = clampTrim(target - original.report.integratedLufs);
      const mostGainDb = clampTrim(gainDb + MAX_LIMITING_DB);
      for (; passes < MAX_PASSES; passes++) {
        const trial = await renderProject(work, project(gainDb), {
          output: null,
          format: "wav",
          bitDepth: "32f",
          measureLoudness: true,
          threads: SINGLE_THREAD,
          onProgress: fraction(passes),
        });
        const lufs = trial.loudness?.integratedLufs ?? Number.NEGATIVE_INFINITY;
        const off = target - lufs;
        if (!Number.isFinite(off) || Math.abs(off) <= CONVERGED_LU) break;
        if (previous && gainDb !== previous.gainDb) {
          slope = Math.min(
            1,
            Math.max(MIN_SLOPE, (lufs - previous.lufs) / (gainDb - previous.gainDb)),
          );
        }
        previous = { gainDb, lufs };
        gainDb = Math.min(mostGainDb, clampTrim(gainDb + off / slope));
        if (gainDb === previous.gainDb) break;
      }
    }
    await renderProject(work, project(gainDb), {
      output,
      format: profile.format,
      bitDepth: profile.bitDepth,
      threads: SINGLE_THREAD,
      onProgress: fraction(MAX_PASSES),
    });
    const { report } = await measureLoudnessFile(output);
    const measured = { integratedLufs: report.integratedLufs, truePeakDbtp: report.truePeakDbtp };
    const verdict = meetsProfile(measured, profile);
    onProgress?.(1);
    return {
      profile: profile.id,
      name: profile.name,
      output,
      format: profile.format,
      sampleRate: profile.sampleRate,
      bitDepth: profile.bitDepth,
      gainDb,
      passes: passes + 1,
      loudness: report,
      pass: verdict.pass,
      reasons: verdict.reasons,
      platforms: checkAllPlatforms(measured),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The trim range of a channel strip; a mix more than 48 dB off its target is not a master. */
function clampTrim(db: number): number {
  return Math.max(-48, Math.min(48, db));
}
