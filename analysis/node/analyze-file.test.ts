import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAudioFileWriter } from "../../formats/node/open-writer.ts";
import { smoothedSpectrum } from "../spectrum/smoothed-spectrum.ts";
import { chordSequence, kickTrack } from "../spectrum/test-signals.ts";
import { welchSpectrum } from "../spectrum/welch.ts";
import { analyzeFile } from "./analyze-file.ts";

const dir = mkdtempSync(join(tmpdir(), "analyze-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rate = 48_000;
const seconds = 24;
/** A kick at 120 BPM under I–IV–V–I in C major, the chords panned a little left. */
const song = (() => {
  const kick = kickTrack(120, seconds, rate);
  const chords = chordSequence(
    Array.from({ length: 4 }, () => [
      [48, 60, 64, 67],
      [53, 57, 60, 65],
      [55, 59, 62, 67],
      [48, 60, 64, 67],
    ]).flat(),
    seconds / 16,
    rate,
  );
  return [
    kick.map((k, i) => 0.5 * k + 1.2 * chords[i]),
    kick.map((k, i) => 0.5 * k + 0.8 * chords[i]),
  ];
})();

async function write(name: string, format: "wav" | "flac"): Promise<string> {
  const path = join(dir, name);
  const writer = await openAudioFileWriter(path, {
    format,
    bitDepth: format === "wav" ? "32f" : 24,
    sampleRate: rate,
    channels: 2,
  });
  await writer.write(song, 0, song[0].length);
  await writer.commit();
  return path;
}

describe("analyzeFile", () => {
  let wav: string;
  let flac: string;
  beforeAll(async () => {
    wav = await write("song.wav", "wav");
    flac = await write("song.flac", "flac");
  });

  it("measures loudness, spectrum, bands, crest factor, key and tempo of a WAV in one pass", async () => {
    const analysis = await analyzeFile(wav);
    expect(analysis.codec).toBe("wav");
    expect(analysis.loudness.durationSeconds).toBe(seconds);
    expect(Number.isFinite(analysis.loudness.integratedLufs)).toBe(true);
    expect(analysis.crestFactorDb).toBeCloseTo(
      analysis.loudness.samplePeakDbfs - analysis.loudness.rmsDbfs,
      12,
    );
    expect(analysis.tonalBalance).toHaveLength(4);
    expect(analysis.octaveBands).toHaveLength(10);
    expect(analysis.key?.name).toBe("C major");
    expect(Math.abs((analysis.tempo?.bpm ?? 0) - 120)).toBeLessThanOrEqual(1);
  });

  it("streams the WAV in blocks yet gives the spectrum of the whole signal at once", async () => {
    const analysis = await analyzeFile(wav);
    const whole = smoothedSpectrum(welchSpectrum(song, song[0].length, { sampleRate: rate }));
    expect(analysis.spectrum.frequencies).toEqual(whole.frequencies);
    expect(analysis.spectrum.db).toEqual(whole.db);
  });

  it("reads FLAC through the decoder and finds the same key and tempo", async () => {
    const analysis = await analyzeFile(flac);
    expect(analysis.codec).toBe("flac");
    expect(analysis.key?.name).toBe("C major");
    expect(Math.abs((analysis.tempo?.bpm ?? 0) - 120)).toBeLessThanOrEqual(1);
    const fromWav = await analyzeFile(wav);
    expect(analysis.loudness.integratedLufs).toBeCloseTo(fromWav.loudness.integratedLufs, 2);
  });

  it("reports progress up to the whole file", async () => {
    const calls: [number, number][] = [];
    await analyzeFile(wav, { onProgress: (done, total) => calls.push([done, total]) });
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.at(-1)).toEqual([rate * seconds, rate * seconds]);
    for (let i = 1; i < calls.length; i++) expect(calls[i][0]).toBeGreaterThan(calls[i - 1][0]);
  });

  it("rejects a file that is not audio, and a missing file, naming it", async () => {
    const text = join(dir, "notes.wav");
    writeFileSync(text, "these are not samples");
    await expect(analyzeFile(text)).rejects.toMatchObject({
      code: "E_AUDIO_UNSUPPORTED",
      subject: "notes.wav",
    });
    await expect(analyzeFile(join(dir, "gone.wav"))).rejects.toMatchObject({
      code: "E_FILE_NOT_FOUND",
    });
  });
});
