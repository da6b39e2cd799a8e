import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "vitest";

/**
 * The tools we check our files against, run as a person would run them.
 */

/** ffprobe's view of a file's first audio stream, as flat key=value pairs. */
export function probeStream(path: string): Record<string, string> {
  const out = execFileSync("ffprobe", ["-v", "error", "-show_streams", "-of", "flat=s=_", path], {
    encoding: "utf8",
  });
  return Object.fromEntries(
    out
      .trim()
      .split("\n")
      .map((line) => line.replace(/^streams_stream_0_/, "").split("="))
      .map(([key, value]) => [key, value.replace(/^"|"$/g, "")]),
  );
}

export const haveFfmpeg = spawnSync("ffmpeg", ["-version"]).status === 0;

export interface FfmpegLoudness {
  integratedLufs: number;
  loudnessRangeLu: number;
  /** ebur128=peak=true: the file resampled to 192 kHz by libswresample. */
  truePeakDbtp: number;
}

/**
 * ffmpeg's ebur128 filter on a file. Its Summary prints I and LRA to 0.1; its per-frame
 * metadata carries the same values to 0.001 (the true peak as a linear value to 0.001), and
 * the last frame's are the programme's. Both are read, and must agree.
 */
export function ffmpegLoudness(file: string): FfmpegLoudness {
  const dir = mkdtempSync(path.join(tmpdir(), "controlroom-ebur128-"));
  const metadata = path.join(dir, "r128.txt");
  try {
    const run = spawnSync(
      "ffmpeg",
      [
        "-nostats",
        "-i",
        file,
        "-af",
        `ebur128=peak=true:metadata=1,ametadata=mode=print:file=${metadata}`,
        "-f",
        "null",
        "-",
      ],
      { encoding: "utf8" },
    );
    expect(run.status).toBe(0);
    const summary = run.stderr.split("Summary:")[1];
    const summaryValue = (label: string) =>
      Number(new RegExp(`${label}:\\s+(-?[\\d.]+)`).exec(summary)![1]);
    const lines = readFileSync(metadata, "utf8").trim().split("\n");
    const lastValue = (key: string) =>
      Number(lines.findLast((line) => line.startsWith(`lavfi.r128.${key}=`))!.split("=")[1]);
    const integratedLufs = lastValue("I");
    const loudnessRangeLu = lastValue("LRA");
    expect(Math.abs(summaryValue("I") - integratedLufs)).toBeLessThanOrEqual(0.05 + 1e-9);
    expect(Math.abs(summaryValue("LRA") - loudnessRangeLu)).toBeLessThanOrEqual(0.05 + 1e-9);
    return {
      integratedLufs,
      loudnessRangeLu,
      truePeakDbtp: 20 * Math.log10(lastValue("true_peak")),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
