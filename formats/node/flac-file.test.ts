import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Quantizer } from "../dither.ts";
import { FlacFileWriter } from "./flac-file.ts";
import { channelSeed } from "./wav-file.ts";

const dir = mkdtempSync(join(tmpdir(), "flac-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tones(channels: number, frames: number, sampleRate: number): Float64Array[] {
  return Array.from({ length: channels }, (_, c) =>
    Float64Array.from(
      { length: frames },
      (_, i) => 0.8 * Math.sin((2 * Math.PI * 300 * (c + 1) * i) / sampleRate),
    ),
  );
}

/** On the 24-bit grid, so the codes are known without dither. */
function onGrid(channels: Float64Array[]): Float64Array[] {
  return channels.map((x) => x.map((v) => Math.round(v * 2 ** 23) / 2 ** 23 + 0));
}

/** Interleaved integer codes as ffmpeg decodes them. */
function ffmpegCodes(path: string, bits: 16 | 24): Int32Array {
  const raw = execFileSync("ffmpeg", ["-v", "error", "-i", path, "-f", "s32le", "-"], {
    maxBuffer: 1 << 28,
  });
  return new Int32Array(raw.buffer, raw.byteOffset, raw.length / 4).map((x) => x >> (32 - bits));
}

function interleavedCodes(channels: Float64Array[], bits: number): Int32Array {
  const frames = channels[0].length;
  const out = new Int32Array(frames * channels.length);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels.length; c++)
      out[i * channels.length + c] = Math.round(channels[c][i] * 2 ** (bits - 1));
  }
  return out;
}

async function writeFlac(
  path: string,
  input: Float64Array[],
  sampleRate: number,
  bitsPerSample: 16 | 24,
  dither: "tpdf" | "none",
  seed?: number,
) {
  const writer = await FlacFileWriter.open(path, {
    channels: input.length,
    sampleRate,
    bitsPerSample,
    dither,
    seed,
  });
  const frames = input[0].length;
  for (let at = 0; at < frames; at += 3000) writer.write(input, at, Math.min(3000, frames - at));
  await writer.commit();
}

describe("FlacFileWriter", () => {
  it("writes 24-bit FLAC that ffmpeg decodes to exactly the codes written, in 2 and 6 channels", async () => {
    for (const [channels, sampleRate] of [
      [2, 48_000],
      [6, 96_000],
    ]) {
      const path = join(dir, `exact-${channels}.flac`);
      const input = onGrid(tones(channels, 10_000, sampleRate));
      await writeFlac(path, input, sampleRate, 24, "none");
      expect(() =>
        execFileSync("ffmpeg", ["-v", "error", "-i", path, "-f", "null", "-"]),
      ).not.toThrow();
      expect(ffmpegCodes(path, 24)).toEqual(interleavedCodes(input, 24));
    }
  });

  it("stores the TPDF-dithered 16-bit codes unchanged, reproducible from the seed", async () => {
    const path = join(dir, "dithered-16.flac");
    const input = tones(2, 20_000, 44_100);
    await writeFlac(path, input, 44_100, 16, "tpdf", 1234);
    const expected = input.map((x, c) => {
      const codes = new Float64Array(x.length);
      new Quantizer(16, "tpdf", channelSeed(1234, c)).quantize(x, 0, x.length, codes);
      return codes.map((v) => v / 32768);
    });
    expect(ffmpegCodes(path, 16)).toEqual(interleavedCodes(expected, 16));
  });

  it("fills STREAMINFO with the total sample count and the MD5 of the audio (RFC 9639 §8.2)", async () => {
    const path = join(dir, "streaminfo.flac");
    await writeFlac(path, tones(2, 12_345, 48_000), 48_000, 24, "tpdf");
    const bytes = readFileSync(path);
    const info = bytes.subarray(8, 42);
    const total = (info[13] & 0x0f) * 2 ** 32 + info.readUInt32BE(14);
    expect(total).toBe(12_345);
    // The MD5 covers the samples as signed little-endian, interleaved, 3 bytes each at 24 bits.
    const pcm = execFileSync("ffmpeg", ["-v", "error", "-i", path, "-f", "s24le", "-"]);
    expect(info.subarray(18, 34).toString("hex")).toBe(createHash("md5").update(pcm).digest("hex"));
    const probe = execFileSync("ffprobe", [
      "-v",
      "error",
      "-show_entries",
      "stream=duration_ts,bits_per_raw_sample",
      "-of",
      "csv=p=0",
      path,
    ]);
    expect(probe.toString().trim()).toBe("12345,24");
  });

  it("leaves an existing file with its bytes when aborted", async () => {
    const folder = mkdtempSync(join(dir, "abort-"));
    const path = join(folder, "master.flac");
    writeFileSync(path, "approved");
    const writer = await FlacFileWriter.open(path, {
      channels: 2,
      sampleRate: 48_000,
      bitsPerSample: 24,
    });
    writer.write(tones(2, 50_000, 48_000), 0, 50_000);
    await writer.abort();
    expect(readFileSync(path, "utf8")).toBe("approved");
    expect(readdirSync(folder)).toEqual(["master.flac"]);
  });

  it("refuses a block with the wrong number of channels, naming the file", async () => {
    const writer = await FlacFileWriter.open(join(dir, "shape.flac"), {
      channels: 2,
      sampleRate: 48_000,
      bitsPerSample: 16,
    });
    expect(() => writer.write(tones(1, 10, 48_000), 0, 10)).toThrow(
      expect.objectContaining({
        code: "E_WRITER_CHANNELS",
        message: "shape.flac has 2 channels, but a block of 1 was written",
      }),
    );
    await writer.abort();
  });
});
