import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { probeStream } from "../../test/support/peers.ts";
import { parseWavHeader } from "./header.ts";
import { encodePcm, type SampleFormat } from "./pcm.ts";
import { type WavHeaderFields, wavHeader } from "./writer.ts";

const dir = mkdtempSync(join(tmpdir(), "wav-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fields(format: SampleFormat, channels: number, frames = 100): WavHeaderFields {
  return { ...format, channels, sampleRate: 48_000, frames };
}

/** A whole file: header plus `frames` frames of a ramp, so readers have real samples to decode. */
function file(header: WavHeaderFields): Uint8Array {
  const head = wavHeader(header);
  const ramp = Array.from({ length: header.channels }, (_, c) =>
    Float64Array.from({ length: header.frames }, (_, i) => ((i % 64) - 32 + c) / 64),
  );
  const data = new Uint8Array(header.frames * header.channels * (header.bitsPerSample / 8));
  encodePcm(ramp, 0, header.frames, header, data);
  const bytes = new Uint8Array(head.length + data.length + (data.length & 1));
  bytes.set(head);
  bytes.set(data, head.length);
  return bytes;
}

function ffprobe(bytes: Uint8Array, name: string): Record<string, string> {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return probeStream(path);
}

describe("wavHeader", () => {
  it("writes the canonical 44-byte PCM header for 16-bit stereo", () => {
    const header = wavHeader(fields({ encoding: "int", bitsPerSample: 16 }, 2, 100));
    expect(header.length).toBe(44);
    const view = new DataView(header.buffer);
    expect(String.fromCharCode(...header.subarray(0, 4), ...header.subarray(8, 16))).toBe(
      "RIFFWAVEfmt ",
    );
    expect(view.getUint32(4, true)).toBe(36 + 400);
    expect(view.getUint16(20, true)).toBe(1);
    expect(view.getUint32(40, true)).toBe(400);
  });

  it("uses WAVE_FORMAT_EXTENSIBLE for more than 16 bits or more than two channels", () => {
    for (const [format, channels, mask] of [
      [{ encoding: "int", bitsPerSample: 24 }, 2, 0x3],
      [{ encoding: "int", bitsPerSample: 16 }, 6, 0x3f],
      [{ encoding: "float", bitsPerSample: 32 }, 8, 0x63f],
    ] as const) {
      const bytes = file(fields(format, channels));
      expect(new DataView(bytes.buffer).getUint16(20, true)).toBe(0xfffe);
      expect(parseWavHeader(bytes, bytes.length, "x.wav")).toMatchObject({
        ...format,
        channels,
        channelMask: mask,
        frames: 100,
      });
    }
  });

  it("writes the channel mask it is given", () => {
    const bytes = file({
      ...fields({ encoding: "int", bitsPerSample: 24 }, 6),
      channelMask: 0x60f,
    });
    expect(parseWavHeader(bytes, bytes.length, "x.wav").channelMask).toBe(0x60f);
  });

  it("writes stereo float as plain format 3 with a fact chunk", () => {
    const bytes = file(fields({ encoding: "float", bitsPerSample: 64 }, 2, 7));
    const view = new DataView(bytes.buffer);
    expect(view.getUint16(20, true)).toBe(3);
    expect(String.fromCharCode(...bytes.subarray(38, 42))).toBe("fact");
    expect(view.getUint32(46, true)).toBe(7);
    expect(parseWavHeader(bytes, bytes.length, "x.wav")).toMatchObject({
      encoding: "float",
      bitsPerSample: 64,
      frames: 7,
    });
  });

  it("pads odd-sized data to an even RIFF size", () => {
    const header = wavHeader(fields({ encoding: "int", bitsPerSample: 24 }, 1, 3));
    expect(new DataView(header.buffer).getUint32(4, true)).toBe(header.length - 8 + 9 + 1);
  });

  it("keeps its length whatever the frame count, so it can be rewritten in place", () => {
    const format = { encoding: "int", bitsPerSample: 24 } as const;
    expect(wavHeader(fields(format, 2, 0)).length).toBe(
      wavHeader(fields(format, 2, 123_456)).length,
    );
  });

  it("refuses data beyond the 4 GiB a RIFF size can describe", () => {
    expect(() => wavHeader(fields({ encoding: "float", bitsPerSample: 64 }, 8, 2 ** 26))).toThrow(
      expect.objectContaining({ code: "E_WAV_TOO_LARGE" }),
    );
  });

  it("is read by ffmpeg as the right codec, rate, channels and length for every layout", () => {
    for (const [format, channels, codec] of [
      [{ encoding: "int", bitsPerSample: 8 }, 1, "pcm_u8"],
      [{ encoding: "int", bitsPerSample: 16 }, 2, "pcm_s16le"],
      [{ encoding: "int", bitsPerSample: 24 }, 2, "pcm_s24le"],
      [{ encoding: "int", bitsPerSample: 32 }, 6, "pcm_s32le"],
      [{ encoding: "float", bitsPerSample: 32 }, 2, "pcm_f32le"],
      [{ encoding: "float", bitsPerSample: 32 }, 6, "pcm_f32le"],
      [{ encoding: "float", bitsPerSample: 64 }, 1, "pcm_f64le"],
    ] as const) {
      const stream = ffprobe(file(fields(format, channels, 4801)), `${codec}-${channels}.wav`);
      expect(stream).toMatchObject({
        codec_name: codec,
        sample_rate: "48000",
        channels: String(channels),
        duration_ts: "4801",
      });
    }
  });
});
