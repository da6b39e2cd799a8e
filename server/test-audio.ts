import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openAudioFileWriter } from "../formats/node/open-writer.ts";

/**
 * Audio files for the server's tests, made the way users' files are made: WAV, FLAC and MP3
 * by our own writers, Ogg Vorbis and AIFF by ffmpeg (we have no encoder for them), so a test
 * that needs those skips with a reason when ffmpeg is absent.
 */

export const haveFfmpeg = spawnSync("ffmpeg", ["-version"]).status === 0;

export type TestAudioFormat = "wav" | "flac" | "mp3" | "ogg" | "aiff";

export interface ToneOptions {
  seconds?: number;
  sampleRate?: number;
  channels?: number;
  frequency?: number;
}

/** A tone at half scale in `format`, as the bytes of a file. */
export async function toneFile(
  format: TestAudioFormat,
  options: ToneOptions = {},
): Promise<Buffer> {
  const { seconds = 1, sampleRate = 44_100, channels = 2, frequency = 440 } = options;
  const dir = await mkdtemp(path.join(tmpdir(), "controlroom-test-audio-"));
  const file = path.join(dir, `tone.${format}`);
  try {
    if (format === "ogg" || format === "aiff") {
      const tones = Array.from(
        { length: channels },
        (_, c) => `0.5*sin(2*PI*${frequency * (1 + c / 4)}*t)`,
      ).join("|");
      const codec = format === "ogg" ? ["-c:a", "libvorbis", "-q:a", "4"] : ["-c:a", "pcm_s24be"];
      const run = spawnSync("ffmpeg", [
        ...["-v", "error", "-y", "-f", "lavfi"],
        ...["-i", `aevalsrc=${tones}:s=${sampleRate}:d=${seconds}`, ...codec, file],
      ]);
      if (run.status !== 0) throw new Error(`ffmpeg could not write ${format}: ${run.stderr}`);
      return await readFile(file);
    }
    const frames = Math.round(seconds * sampleRate);
    const writer = await openAudioFileWriter(file, {
      format,
      bitDepth: 16,
      sampleRate,
      channels,
      seed: 1,
    });
    const samples = Array.from({ length: channels }, (_, c) =>
      Float32Array.from(
        { length: frames },
        (_, i) => 0.5 * Math.sin((2 * Math.PI * frequency * (1 + c / 4) * i) / sampleRate),
      ),
    );
    await writer.write(samples, 0, frames);
    await writer.commit();
    return await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The first `fraction` of a file's bytes: what a dropped connection or a full disk leaves. */
export function truncated(bytes: Buffer, fraction = 0.6): Buffer {
  return bytes.subarray(0, Math.floor(bytes.length * fraction));
}
