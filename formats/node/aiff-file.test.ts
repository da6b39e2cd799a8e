import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { haveFfmpeg } from "../../test/support/peers.ts";
import { decodeToWav } from "./audio-import.ts";
import { decodeAudioFile } from "./decode-file.ts";
import { probeAudioFile } from "./probe-audio.ts";
import { WavFileReader } from "./wav-file.ts";

if (!haveFfmpeg) console.log("AIFF file tests skipped: no ffmpeg on the PATH to write AIFF files");

const dir = mkdtempSync(join(tmpdir(), "aiff-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Half a second of a different tone per channel, written by ffmpeg with `codec`. */
function ffmpegAiff(name: string, codec: string, channels = 2): string {
  const path = join(dir, name);
  const tones = Array.from({ length: channels }, (_, c) => `0.5*sin(2*PI*${440 + 110 * c}*t)`);
  execFileSync("ffmpeg", [
    ...["-v", "error", "-y", "-f", "lavfi", "-i", `aevalsrc=${tones.join("|")}:s=44100:d=0.5`],
    ...["-c:a", codec, path],
  ]);
  return path;
}

/** ffmpeg's own decode of a file, per channel. */
function ffmpegDecode(path: string, channels: number): Float32Array[] {
  const raw = execFileSync("ffmpeg", ["-v", "error", "-i", path, "-f", "f32le", "-"], {
    maxBuffer: 1 << 26,
  });
  const all = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  return Array.from({ length: channels }, (_, c) => all.filter((_, i) => i % channels === c));
}

describe.skipIf(!haveFfmpeg)("AIFF files written by ffmpeg", () => {
  it.each([
    ["16-bit AIFF", "pcm_s16be", "take16.aiff"],
    ["24-bit AIFF", "pcm_s24be", "take24.aif"],
    ["32-bit AIFF", "pcm_s32be", "take32.aiff"],
    ["AIFF-C sowt", "pcm_s16le", "sowt.aifc"],
    ["AIFF-C fl32", "pcm_f32be", "float.aifc"],
  ])("decodes %s sample for sample as ffmpeg does", async (_, codec, name) => {
    const path = ffmpegAiff(name, codec);
    const decoded = await decodeAudioFile(path);
    expect(decoded).toMatchObject({ codec: "aiff", sampleRate: 44_100 });
    expect(decoded.channels).toHaveLength(2);
    const reference = ffmpegDecode(path, 2);
    for (let c = 0; c < 2; c++) expect([...decoded.channels[c]]).toEqual([...reference[c]]);
    expect(await probeAudioFile(path)).toEqual({
      codec: "aiff",
      sampleRate: 44_100,
      channels: 2,
      frames: 22_050,
      durationSeconds: 0.5,
    });
  });

  it("converts an AIFF to a WAV the engine streams, with the same frames", async () => {
    const path = ffmpegAiff("mono.aiff", "pcm_s24be", 1);
    const wav = await decodeToWav(path, dir);
    const reader = WavFileReader.open(wav);
    expect(reader.info).toMatchObject({ sampleRate: 44_100, channels: 1, frames: 22_050 });
    const samples = [new Float32Array(22_050)];
    reader.readFrames(0, 22_050, samples, 0);
    reader.close();
    expect([...samples[0]]).toEqual([...ffmpegDecode(path, 1)[0]]);
  });

  it("refuses a truncated AIFF when it is probed, decoded or converted", async () => {
    const whole = readFileSync(ffmpegAiff("whole.aiff", "pcm_s16be"));
    const cut = join(dir, "cut.aiff");
    writeFileSync(cut, whole.subarray(0, whole.length - 1000));
    const truncated = expect.objectContaining({
      code: "E_AIFF_TRUNCATED",
      message: `cut.aiff ends at byte ${whole.length - 1000}, the header promises ${whole.length}`,
    });
    await expect(probeAudioFile(cut)).rejects.toThrow(truncated);
    await expect(decodeAudioFile(cut)).rejects.toThrow(truncated);
    await expect(decodeToWav(cut, dir)).rejects.toThrow(truncated);
  });
});
