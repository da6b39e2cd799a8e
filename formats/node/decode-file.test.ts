import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeAudioFile } from "./decode-file.ts";

const dir = mkdtempSync(join(tmpdir(), "decode-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * One second of half-scale tones encoded by ffmpeg, a different one per channel unless `same`.
 */
function encode(
  name: string,
  sampleRate: number,
  channels: number,
  codec: readonly string[],
  same = false,
): string {
  const path = join(dir, name);
  const tones = Array.from(
    { length: channels },
    (_, c) => `0.5*sin(2*PI*${same ? 440 : 440 + 110 * c}*t)`,
  );
  execFileSync("ffmpeg", [
    ...[
      "-v",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      `aevalsrc=${tones.join("|")}:s=${sampleRate}:d=1`,
    ],
    ...codec,
    path,
  ]);
  return path;
}

/** The largest difference from ffmpeg's own decode of the file, over the frames both have. */
function differenceFromFfmpeg(path: string, channels: Float32Array[]): number {
  const raw = execFileSync("ffmpeg", ["-v", "error", "-i", path, "-f", "f32le", "-"], {
    maxBuffer: 1 << 26,
  });
  const reference = new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);
  const frames = Math.min(channels[0].length, reference.length / channels.length);
  let difference = 0;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels.length; c++) {
      difference = Math.max(
        difference,
        Math.abs(channels[c][i] - reference[i * channels.length + c]),
      );
    }
  }
  return difference;
}

describe("decodeAudioFile", () => {
  const cases = [
    // [file, codec, rate, channels, ffmpeg options, frames of priming/padding allowed]
    ["song.mp3", "mp3", 44_100, 2, ["-c:a", "libmp3lame", "-b:a", "192k"], 2 * 1152],
    ["voice.mp3", "mp3", 48_000, 1, ["-c:a", "libmp3lame"], 2 * 1152],
    ["song.flac", "flac", 96_000, 2, ["-c:a", "flac", "-sample_fmt", "s32"], 0],
    ["song.ogg", "vorbis", 44_100, 2, ["-c:a", "libvorbis"], 2048],
    ["song.opus", "opus", 48_000, 2, ["-c:a", "libopus"], 960],
    ["song.wav", "wav", 48_000, 6, ["-c:a", "pcm_s24le"], 0],
  ] as const;
  for (const [name, codec, sampleRate, channels, options, slack] of cases) {
    it(`decodes ${name} made by ffmpeg as ${codec}, ${sampleRate} Hz, ${channels} channel(s), 1 s long`, async () => {
      const path = encode(name, sampleRate, channels, options);
      const decoded = await decodeAudioFile(path);
      expect(decoded.codec).toBe(codec);
      expect(decoded.sampleRate).toBe(sampleRate);
      expect(decoded.channels).toHaveLength(channels);
      const frames = decoded.channels[0].length;
      expect(frames).toBeGreaterThanOrEqual(sampleRate - slack);
      expect(frames).toBeLessThanOrEqual(sampleRate + slack);
      // Decoders differ in float rounding only (libFLAC's float output is 1 ulp off ffmpeg's).
      expect(differenceFromFfmpeg(path, decoded.channels)).toBeLessThan(1e-5);
    });
  }

  it("keeps a stereo MP3 whose two channels are identical stereo", async () => {
    const path = encode("dual-mono.mp3", 44_100, 2, ["-c:a", "libmp3lame"], true);
    const decoded = await decodeAudioFile(path);
    expect(decoded.channels).toHaveLength(2);
    expect(decoded.channels[1]).toEqual(decoded.channels[0]);
  });

  it("tells the codec from the content, not the file name", async () => {
    const path = encode("actually-flac.mp3", 44_100, 1, ["-c:a", "flac", "-f", "flac"]);
    expect((await decodeAudioFile(path)).codec).toBe("flac");
  });

  it("reads past an ID3v2 tag in front of an MP3", async () => {
    const path = encode("tagged.mp3", 44_100, 2, [
      "-c:a",
      "libmp3lame",
      "-metadata",
      `comment=${"x".repeat(2000)}`,
    ]);
    expect((await decodeAudioFile(path)).codec).toBe("mp3");
  });

  it("refuses a file it cannot identify, naming it", async () => {
    const path = join(dir, "lyrics.mp3");
    writeFileSync(path, "Verse one, line one\n");
    await expect(decodeAudioFile(path)).rejects.toMatchObject({
      code: "E_AUDIO_UNSUPPORTED",
      message: expect.stringContaining("lyrics.mp3 is not an audio file Control Room can read"),
    });
  });

  it("refuses AAC in ADTS, whose sync word resembles MPEG audio", async () => {
    const path = encode("song.aac", 44_100, 2, ["-c:a", "aac", "-f", "adts"]);
    await expect(decodeAudioFile(path)).rejects.toMatchObject({ code: "E_AUDIO_UNSUPPORTED" });
  });

  it("reports a file that starts like FLAC but does not decode", async () => {
    const path = join(dir, "broken.flac");
    writeFileSync(path, Buffer.concat([Buffer.from("fLaC"), Buffer.alloc(4000, 0x5a)]));
    await expect(decodeAudioFile(path)).rejects.toMatchObject({
      code: "E_AUDIO_DECODE",
      message: expect.stringContaining("broken.flac looks like flac but"),
    });
  });

  it("reports a missing file", async () => {
    await expect(decodeAudioFile(join(dir, "gone.ogg"))).rejects.toMatchObject({
      code: "E_FILE_NOT_FOUND",
      message: "gone.ogg does not exist",
    });
  });

  it.each([
    ["cut.flac", ["-c:a", "flac"]],
    ["cut-cbr.mp3", ["-c:a", "libmp3lame", "-b:a", "192k"]],
    ["cut-vbr.mp3", ["-c:a", "libmp3lame", "-q:a", "2"]],
  ])("refuses %s cut short, by the length its header promises", async (name, codec) => {
    const whole = encode(`whole-${name}`, 44_100, 2, codec);
    const path = join(dir, name);
    const bytes = readFileSync(whole);
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    expect((await decodeAudioFile(whole)).channels[0].length).toBeGreaterThanOrEqual(44_100 - 1152);
    await expect(decodeAudioFile(path)).rejects.toMatchObject({
      code: "E_AUDIO_TRUNCATED",
      message: expect.stringMatching(
        new RegExp(
          `^${name.replace(".", "\\.")} is cut short: it decodes to 0\\.\\d+ s of the 1\\.0\\d s its header promises$`,
        ),
      ),
    });
  });

  it("refuses random bytes behind an MPEG sync word, which have no second frame", async () => {
    const path = join(dir, "noise.mp3");
    let state = 7;
    const random = Buffer.alloc(6000, 0).map(() => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state >>> 24;
    });
    writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), random]));
    await expect(decodeAudioFile(path)).rejects.toMatchObject({ code: "E_AUDIO_UNSUPPORTED" });
  });
});
