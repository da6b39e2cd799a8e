import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SAMPLE_FORMATS, type SampleFormat } from "../wav/pcm.ts";
import { WavFileReader, WavFileWriter } from "./wav-file.ts";

const dir = mkdtempSync(join(tmpdir(), "wav-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ENCODINGS = SAMPLE_FORMATS;

function label(format: SampleFormat): string {
  return format.encoding === "int" ? `${format.bitsPerSample}-bit` : `${format.bitsPerSample}f`;
}

/** One sine per channel, put on the format's grid so that every sample is stored exactly. */
function signal(
  format: SampleFormat,
  channels: number,
  frames: number,
  sampleRate: number,
): Float64Array[] {
  return Array.from({ length: channels }, (_, c) =>
    Float64Array.from({ length: frames }, (_, i) => {
      const x = 0.9 * Math.sin((2 * Math.PI * (220 * (c + 1)) * i) / sampleRate);
      if (format.encoding === "float") return format.bitsPerSample === 32 ? Math.fround(x) : x;
      const scale = 2 ** (format.bitsPerSample - 1);
      // + 0 turns −0 into the 0 a decoded zero code gives.
      return Math.round(x * scale) / scale + 0;
    }),
  );
}

/** Every sample of a file as ffmpeg decodes it to 64-bit float, interleaved. */
function ffmpegSamples(path: string): Float64Array {
  const raw = execFileSync("ffmpeg", ["-v", "error", "-i", path, "-f", "f64le", "-"], {
    maxBuffer: 1 << 28,
  });
  return new Float64Array(raw.buffer, raw.byteOffset, raw.length / 8);
}

function interleave(channels: Float64Array[]): Float64Array {
  const frames = channels[0].length;
  const out = new Float64Array(frames * channels.length);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels.length; c++) out[i * channels.length + c] = channels[c][i];
  }
  return out;
}

function readAll(path: string): Float64Array[] {
  const reader = WavFileReader.open(path);
  try {
    const out = Array.from(
      { length: reader.info.channels },
      () => new Float64Array(reader.info.frames),
    );
    reader.readFrames(0, reader.info.frames, out);
    return out;
  } finally {
    reader.close();
  }
}

/** Writes in uneven blocks, the way a render loop hands them over. */
function writeWav(
  path: string,
  format: SampleFormat,
  channels: Float64Array[],
  sampleRate: number,
  dither: "tpdf" | "none" = "none",
) {
  const writer = WavFileWriter.open(path, {
    ...format,
    channels: channels.length,
    sampleRate,
    dither,
  });
  const frames = channels[0].length;
  for (let at = 0; at < frames; at += 1000) writer.write(channels, at, Math.min(1000, frames - at));
  return writer.commit();
}

function ffmpeg(...args: string[]): void {
  execFileSync("ffmpeg", ["-v", "error", "-y", ...args]);
}

/**
 * A 0.3 s, 96 kHz file made by ffmpeg with a different tone per channel: long enough that one
 * read spans several of the reader's buffers. Float files go above full scale, which they keep.
 */
function ffmpegWav(codec: string, channels: number): string {
  const path = join(dir, `ffmpeg-${codec}-${channels}.wav`);
  if (!existsSync(path)) {
    const gain = codec.startsWith("pcm_f") ? 1.5 : 0.9;
    const tones = Array.from(
      { length: channels },
      (_, c) => `${gain}*sin(2*PI*${200 * (c + 1)}*t)`,
    );
    ffmpeg("-f", "lavfi", "-i", `aevalsrc=${tones.join("|")}:s=96000:d=0.3`, "-c:a", codec, path);
  }
  return path;
}

async function caught(fn: () => unknown): Promise<Error & { code?: string }> {
  try {
    await fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error("expected an error");
}

describe("WavFileWriter and WavFileReader", () => {
  for (const format of ENCODINGS) {
    it(`round trip ${label(format)} in 1, 2, 6 and 8 channels at 44.1, 96 and 192 kHz bit-exactly`, async () => {
      for (const channels of [1, 2, 6, 8]) {
        for (const sampleRate of [44_100, 96_000, 192_000]) {
          const path = join(dir, `rt-${label(format)}-${channels}-${sampleRate}.wav`);
          const input = signal(format, channels, Math.round(sampleRate * 0.03), sampleRate);
          await writeWav(path, format, input, sampleRate);
          const reader = WavFileReader.open(path);
          expect(reader.info).toMatchObject({
            ...format,
            channels,
            sampleRate,
            frames: input[0].length,
          });
          reader.close();
          expect(readAll(path)).toEqual(input);
        }
      }
    });
  }

  it("TPDF-dithers a 24-bit write by default, moving on-grid samples by at most 1 LSB", async () => {
    const format = { encoding: "int", bitsPerSample: 24 } as const;
    const input = signal(format, 2, 4800, 48_000);
    const path = join(dir, "dithered-24.wav");
    await writeWav(path, format, input, 48_000, "tpdf");
    const output = readAll(path);
    let changed = 0;
    for (let c = 0; c < 2; c++) {
      for (let i = 0; i < 4800; i++) {
        const lsbs = (output[c][i] - input[c][i]) * 2 ** 23;
        expect(Math.abs(lsbs)).toBeLessThanOrEqual(1);
        if (lsbs !== 0) changed++;
      }
    }
    // Triangular ±1 LSB noise moves a quarter of on-grid samples (1/8 up, 1/8 down).
    expect(changed / 9600).toBeGreaterThan(0.2);
    expect(changed / 9600).toBeLessThan(0.3);
  });

  it("writes files ffmpeg decodes to exactly the samples written", async () => {
    for (const [format, channels] of [
      [ENCODINGS[0], 1],
      [ENCODINGS[1], 2],
      [ENCODINGS[2], 6],
      [ENCODINGS[3], 2],
      [ENCODINGS[4], 8],
      [ENCODINGS[5], 2],
    ] as const) {
      const path = join(dir, `ours-${label(format)}-${channels}.wav`);
      const input = signal(format, channels, 4410, 44_100);
      await writeWav(path, format, input, 44_100);
      expect(() => ffmpeg("-i", path, "-f", "null", "-")).not.toThrow();
      expect(ffmpegSamples(path)).toEqual(interleave(input));
    }
  });

  for (const [codec, channels] of [
    ["pcm_u8", 1],
    ["pcm_s16le", 2],
    ["pcm_s24le", 2],
    ["pcm_s32le", 2],
    ["pcm_f32le", 2],
    ["pcm_f64le", 2],
    ["pcm_s24le", 6],
  ] as const) {
    it(`reads a ${codec} ${channels}-channel file written by ffmpeg as the samples ffmpeg decodes`, () => {
      const path = ffmpegWav(codec, channels);
      expect(interleave(readAll(path))).toEqual(ffmpegSamples(path));
    });
  }

  it("reads a range in pieces, into an output offset, the same as in one read", () => {
    const path = ffmpegWav("pcm_s24le", 6);
    const whole = readAll(path);
    const reader = WavFileReader.open(path);
    const out = Array.from({ length: 6 }, () => new Float64Array(1100));
    reader.readFrames(5000, 600, out, 100);
    reader.readFrames(5600, 400, out, 700);
    reader.close();
    for (let c = 0; c < 6; c++) expect(out[c].subarray(100)).toEqual(whole[c].subarray(5000, 6000));
  });

  it("decodes straight into Float32Array outputs", () => {
    const path = ffmpegWav("pcm_s24le", 2);
    const reader = WavFileReader.open(path);
    const out = [new Float32Array(reader.info.frames), new Float32Array(reader.info.frames)];
    reader.readFrames(0, reader.info.frames, out);
    reader.close();
    expect(out.map((x) => Float64Array.from(x))).toEqual(readAll(path));
  });

  it("finds the audio after a 200 KB chunk, beyond the bytes read for the header", () => {
    const source = readFileSync(ffmpegWav("pcm_s16le", 2));
    const junk = new Uint8Array(8 + 200_000);
    junk.set([0x4a, 0x55, 0x4e, 0x4b, 0x40, 0x0d, 0x03, 0x00]); // "JUNK", 200000
    const path = join(dir, "big-junk.wav");
    writeFileSync(path, Buffer.concat([source.subarray(0, 12), junk, source.subarray(12)]));
    expect(readAll(path)).toEqual(readAll(ffmpegWav("pcm_s16le", 2)));
  });

  describe("reading outside the file", () => {
    const path = join(dir, "range.wav");

    it("is an error naming the file, not silence", async () => {
      await writeWav(path, ENCODINGS[1], signal(ENCODINGS[1], 2, 100, 48_000), 48_000);
      const reader = WavFileReader.open(path);
      const out = [new Float64Array(200), new Float64Array(200)];
      for (const [start, frames] of [
        [50, 51],
        [-1, 10],
        [0.5, 10],
        [100, 1],
      ]) {
        const error = await caught(() => reader.readFrames(start, frames, out));
        expect(error.code).toBe("E_WAV_RANGE");
        expect(error.message).toContain("range.wav, it has 100 frames");
      }
      expect((await caught(() => reader.readFrames(0, 100, [out[0]]))).code).toBe("E_WAV_RANGE");
      reader.readFrames(100, 0, out);
      reader.close();
      expect((await caught(() => reader.readFrames(0, 1, out))).code).toBe("E_WAV_CLOSED");
    });
  });

  describe("bad input", () => {
    it("reports a truncated file with the byte counts", async () => {
      const bytes = readFileSync(ffmpegWav("pcm_s16le", 2));
      const path = join(dir, "vocals.wav");
      writeFileSync(path, bytes.subarray(0, bytes.length - 1000));
      const error = await caught(() => WavFileReader.open(path));
      expect(error.code).toBe("E_WAV_TRUNCATED");
      expect(error.message).toBe(
        `vocals.wav ends at byte ${bytes.length - 1000}, the header promises ${bytes.length}`,
      );
    });

    it("reports header sizes that lie", async () => {
      const bytes = Buffer.from(readFileSync(ffmpegWav("pcm_s16le", 2)));
      bytes.writeUInt16LE(6, 32); // nBlockAlign: 2 channels × 2 bytes is 4
      const path = join(dir, "lying.wav");
      writeFileSync(path, bytes);
      const error = await caught(() => WavFileReader.open(path));
      expect(error.code).toBe("E_WAV_HEADER");
      expect(error.message).toContain("lying.wav: nBlockAlign is 6");
    });

    for (const codec of ["adpcm_ms", "pcm_mulaw"]) {
      it(`rejects ${codec} from ffmpeg as an unsupported codec`, async () => {
        const path = join(dir, `${codec}.wav`);
        ffmpeg("-f", "lavfi", "-i", "sine=d=0.1", "-c:a", codec, path);
        const error = await caught(() => WavFileReader.open(path));
        expect(error.code).toBe("E_WAV_UNSUPPORTED_CODEC");
        expect(error.message).toContain(`${codec}.wav is encoded as`);
      });
    }

    it("rejects a text file renamed .wav", async () => {
      const path = join(dir, "readme.wav");
      writeFileSync(path, "These are the lyrics of the second verse.\n");
      const error = await caught(() => WavFileReader.open(path));
      expect(error.code).toBe("E_WAV_NOT_WAVE");
      expect(error.message).toContain("readme.wav is not a WAV file");
    });

    it("rejects a zero-length file", async () => {
      const path = join(dir, "empty.wav");
      writeFileSync(path, "");
      const error = await caught(() => WavFileReader.open(path));
      expect(error.code).toBe("E_WAV_NOT_WAVE");
      expect(error.message).toBe("empty.wav is empty (0 bytes)");
    });

    it("reports a missing file", async () => {
      const error = await caught(() => WavFileReader.open(join(dir, "gone.wav")));
      expect(error.code).toBe("E_FILE_NOT_FOUND");
      expect(error.message).toBe("gone.wav does not exist");
    });
  });

  describe("writing", () => {
    const format = { encoding: "int", bitsPerSample: 24 } as const;

    it("works on a temporary file in the same folder and never touches the final path before commit", async () => {
      const folder = mkdtempSync(join(dir, "commit-"));
      const path = join(folder, "mix.wav");
      const writer = WavFileWriter.open(path, { ...format, channels: 2, sampleRate: 48_000 });
      writer.write(signal(format, 2, 100, 48_000), 0, 100);
      const names = readdirSync(folder);
      expect(names).toHaveLength(1);
      expect(names[0]).toMatch(new RegExp(`^\\.mix\\.wav\\.${process.pid}\\.[0-9a-f]+\\.tmp$`));
      expect(existsSync(path)).toBe(false);
      await writer.commit();
      expect(readdirSync(folder)).toEqual(["mix.wav"]);
    });

    it("leaves an existing file with its bytes when aborted, and removes the temporary file", async () => {
      const folder = mkdtempSync(join(dir, "abort-"));
      const path = join(folder, "master.wav");
      writeFileSync(path, "the approved master");
      const writer = WavFileWriter.open(path, { ...format, channels: 2, sampleRate: 48_000 });
      writer.write(signal(format, 2, 100, 48_000), 0, 100);
      await writer.abort();
      expect(readFileSync(path, "utf8")).toBe("the approved master");
      expect(readdirSync(folder)).toEqual(["master.wav"]);
    });

    it("replaces an existing file on commit, and abort afterwards changes nothing", async () => {
      const folder = mkdtempSync(join(dir, "replace-"));
      const path = join(folder, "master.wav");
      writeFileSync(path, "old");
      const input = signal(format, 2, 100, 48_000);
      await writeWav(path, format, input, 48_000);
      expect(readAll(path)).toEqual(input);
      const writer = WavFileWriter.open(path, { ...format, channels: 2, sampleRate: 48_000 });
      await writer.commit();
      await writer.abort();
      expect(readAll(path)).toEqual([new Float64Array(0), new Float64Array(0)]);
    });

    it("refuses writes after commit, and blocks of the wrong shape", async () => {
      const path = join(dir, "closed.wav");
      const writer = WavFileWriter.open(path, { ...format, channels: 2, sampleRate: 48_000 });
      const block = signal(format, 2, 10, 48_000);
      expect((await caught(() => writer.write([block[0]], 0, 10))).code).toBe("E_WRITER_CHANNELS");
      expect((await caught(() => writer.write(block, 5, 10))).code).toBe("E_WRITER_RANGE");
      await writer.commit();
      const error = await caught(() => writer.write(block, 0, 10));
      expect(error.code).toBe("E_WRITER_CLOSED");
      expect(error.message).toContain("closed.wav was already committed");
    });

    it("reports a folder that does not exist, naming the file", async () => {
      const error = await caught(() =>
        WavFileWriter.open(join(dir, "no-such-folder", "mix.wav"), {
          ...format,
          channels: 2,
          sampleRate: 48_000,
        }),
      );
      expect(error.code).toBe("E_FILE_WRITE");
      expect(error.message).toBe(
        "mix.wav cannot be created: the file or its folder does not exist",
      );
    });
  });
});
