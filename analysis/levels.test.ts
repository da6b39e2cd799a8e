import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WavFileReader, WavFileWriter } from "../formats/node/wav-file.ts";
import { LevelMeter, measureLevels, toDb } from "./levels.ts";

const dir = mkdtempSync(join(tmpdir(), "levels-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `sox stats` rows as numbers: { "Pk lev dB": [overall, left, right], … }. */
function soxStats(path: string): Record<string, number[]> {
  // sox prints its statistics on stderr.
  const result = spawnSync("sox", [path, "-n", "stats"], { encoding: "utf8" }).stderr;
  const rows: Record<string, number[]> = {};
  for (const line of result.split("\n")) {
    const match = /^(Pk lev dB|RMS lev dB)\s+(.*)$/.exec(line);
    if (match) rows[match[1]] = match[2].trim().split(/\s+/).map(Number);
  }
  return rows;
}

describe("levels", () => {
  it("agree with sox stats on Pk lev dB and RMS lev dB within 0.01 dB, per channel and overall", async () => {
    const rate = 48_000;
    const frames = rate * 2;
    const mix = [
      Float64Array.from(
        { length: frames },
        (_, i) =>
          0.5 * Math.sin((2 * Math.PI * 440 * i) / rate) +
          0.2 * Math.sin((2 * Math.PI * 3150 * i) / rate),
      ),
      Float64Array.from(
        { length: frames },
        (_, i) =>
          0.3 * Math.sin((2 * Math.PI * 97 * i) / rate) +
          0.05 * Math.sin((2 * Math.PI * 12_000 * i) / rate),
      ),
    ];
    const path = join(dir, "mix.wav");
    const writer = WavFileWriter.open(path, {
      channels: 2,
      sampleRate: rate,
      encoding: "float",
      bitsPerSample: 32,
    });
    writer.write(mix, 0, frames);
    await writer.commit();

    // Measure what is in the file (float32), as sox does.
    const reader = WavFileReader.open(path);
    const samples = [new Float64Array(frames), new Float64Array(frames)];
    reader.readFrames(0, frames, samples);
    reader.close();

    const sox = soxStats(path);
    // Fed in uneven pieces, as a render feeds it.
    const meter = new LevelMeter(2);
    for (let at = 0; at < frames; at += 7_001) meter.add(samples, at, Math.min(7_001, frames - at));
    const levels = meter.levels();
    const ours = {
      "Pk lev dB": [levels.overallPeakDb, ...levels.peakDb],
      "RMS lev dB": [levels.overallRmsDb, ...levels.rmsDb],
    };
    for (const row of ["Pk lev dB", "RMS lev dB"] as const) {
      expect(sox[row]).toHaveLength(3);
      sox[row].forEach((db, i) => {
        expect(Math.abs(ours[row][i] - db)).toBeLessThanOrEqual(0.01);
      });
    }
  });

  it("reads a full-scale sine as 0 dBFS peak and −3.01 dBFS RMS", () => {
    const sine = Float64Array.from({ length: 4800 }, (_, i) =>
      Math.sin((2 * Math.PI * i) / 48 + 0.25),
    );
    const levels = measureLevels([sine], 4800);
    expect(levels.overallPeakDb).toBeCloseTo(0, 2);
    expect(levels.overallRmsDb).toBeCloseTo(-3.0103, 4);
  });

  it("pools every sample of every channel for the combined RMS, and takes the largest peak", () => {
    const loud = new Float32Array(10).fill(-0.5);
    const silent = new Float32Array(10);
    expect(measureLevels([loud, silent], 10)).toEqual({
      peakDb: [toDb(0.5), Number.NEGATIVE_INFINITY],
      rmsDb: [toDb(0.5), Number.NEGATIVE_INFINITY],
      overallPeakDb: toDb(0.5),
      overallRmsDb: toDb(Math.sqrt(0.125)),
    });
  });

  it("measures only the first `frames` frames", () => {
    const x = Float64Array.of(0.1, 0.1, 0.9);
    expect(measureLevels([x], 2).overallPeakDb).toBe(toDb(0.1));
    expect(measureLevels([x], 2).overallRmsDb).toBeCloseTo(toDb(0.1), 12);
  });

  it("reads silence as −Infinity dBFS", () => {
    expect(measureLevels([new Float64Array(8)], 8).overallRmsDb).toBe(Number.NEGATIVE_INFINITY);
  });
});
