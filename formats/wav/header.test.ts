import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type ByteSource, parseWavHeader, readWavHeader } from "./header.ts";

const dir = mkdtempSync(join(tmpdir(), "wav-header-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A WAV made by ffmpeg from a 0.05 s sine, with the given output options. */
function ffmpegWav(name: string, ...options: string[]): Uint8Array {
  const path = join(dir, name);
  execFileSync("ffmpeg", [
    "-v",
    "error",
    "-y",
    "-f",
    "lavfi",
    "-i",
    "sine=f=440:d=0.05",
    ...options,
    path,
  ]);
  return readFileSync(path);
}

function parse(bytes: Uint8Array, name = "take.wav") {
  return parseWavHeader(bytes, bytes.length, name);
}

function expectError(fn: () => unknown, code: string, ...parts: string[]) {
  let error: unknown;
  try {
    fn();
  } catch (caught) {
    error = caught;
  }
  expect(error).toMatchObject({ code });
  for (const part of parts) expect((error as Error).message).toContain(part);
}

interface FmtFields {
  tag?: number;
  channels?: number;
  sampleRate?: number;
  bits?: number;
  blockAlign?: number;
  byteRate?: number;
}

function fmt({
  tag = 1,
  channels = 2,
  sampleRate = 48_000,
  bits = 16,
  ...rest
}: FmtFields = {}): Uint8Array {
  const blockAlign = rest.blockAlign ?? channels * (bits / 8);
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint16(0, tag, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, sampleRate, true);
  v.setUint32(8, rest.byteRate ?? sampleRate * blockAlign, true);
  v.setUint16(12, blockAlign, true);
  v.setUint16(14, bits, true);
  return b;
}

/** A RIFF file of the given chunks, each padded to an even size; `sizes` overrides size fields. */
function riff(
  chunks: [string, Uint8Array][],
  sizes: Record<string, number> = {},
  form = "WAVE",
): Uint8Array {
  const parts: number[] = [...ascii(form)];
  for (const [id, body] of chunks) {
    const size = sizes[id] ?? body.length;
    parts.push(
      ...ascii(id),
      size & 0xff,
      (size >>> 8) & 0xff,
      (size >>> 16) & 0xff,
      size >>> 24,
      ...body,
    );
    if (body.length & 1) parts.push(0);
  }
  const total = parts.length;
  return Uint8Array.from([
    ...ascii("RIFF"),
    total & 0xff,
    (total >>> 8) & 0xff,
    (total >>> 16) & 0xff,
    total >>> 24,
    ...parts,
  ]);
}

function ascii(s: string): number[] {
  return Array.from(s, (ch) => ch.charCodeAt(0));
}

describe("parseWavHeader", () => {
  it("reads a 16-bit PCM file written by ffmpeg, skipping its LIST chunk", () => {
    const bytes = ffmpegWav("s16.wav", "-c:a", "pcm_s16le");
    expect(parse(bytes)).toEqual({
      encoding: "int",
      bitsPerSample: 16,
      channels: 1,
      sampleRate: 44_100,
      channelMask: null,
      dataOffset: 78,
      dataBytes: 4410,
      frames: 2205,
      blockAlign: 2,
    });
  });

  it("reads a 24-bit WAVE_FORMAT_EXTENSIBLE file written by ffmpeg", () => {
    const info = parse(ffmpegWav("s24.wav", "-ac", "2", "-c:a", "pcm_s24le"));
    expect(info).toMatchObject({
      encoding: "int",
      bitsPerSample: 24,
      channels: 2,
      channelMask: 0x3,
      frames: 2205,
      blockAlign: 6,
    });
  });

  it("reads the 5.1 channel mask of a 6-channel extensible file written by ffmpeg", () => {
    const info = parse(ffmpegWav("s24x6.wav", "-ac", "6", "-c:a", "pcm_s24le"));
    expect(info).toMatchObject({ channels: 6, channelMask: 0x3f, blockAlign: 18, frames: 2205 });
  });

  it("reads 32-bit float from ffmpeg's extensible header and 64-bit float from a plain format 3 header", () => {
    expect(parse(ffmpegWav("f32.wav", "-c:a", "pcm_f32le"))).toMatchObject({
      encoding: "float",
      bitsPerSample: 32,
      frames: 2205,
    });
    const plain = riff([
      ["fmt ", fmt({ tag: 3, bits: 64 })],
      ["data", new Uint8Array(16 * 10)],
    ]);
    expect(parse(plain)).toMatchObject({
      encoding: "float",
      bitsPerSample: 64,
      channels: 2,
      channelMask: null,
      frames: 10,
    });
  });

  it("reads an RF64 file written by ffmpeg -rf64 always, taking the data size from ds64", () => {
    const bytes = ffmpegWav("rf64.wav", "-c:a", "pcm_s16le", "-rf64", "always");
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe("RF64");
    expect(parse(bytes)).toMatchObject({ frames: 2205, dataBytes: 4410 });
  });

  it("reads a data size of 0xFFFFFFFF, as ffmpeg writes to a pipe, as audio up to the end of the file", () => {
    const bytes = execFileSync("ffmpeg", [
      "-v",
      "error",
      "-f",
      "lavfi",
      "-i",
      "sine=d=0.05",
      "-c:a",
      "pcm_s16le",
      "-f",
      "wav",
      "-",
    ]);
    const info = parse(bytes);
    expect(info.dataBytes).toBe(bytes.length - info.dataOffset);
    expect(info.frames).toBe(2205);
  });

  it("counts whole frames only when the data ends in a partial frame", () => {
    const info = parse(
      riff([
        ["fmt ", fmt({ bits: 24 })],
        ["data", new Uint8Array(6 * 5 + 4)],
      ]),
    );
    expect(info).toMatchObject({ dataBytes: 34, frames: 5 });
  });

  it("finds a fmt chunk after the data chunk and steps over odd-sized chunks and their pad byte", () => {
    const info = parse(
      riff([
        ["bext", new Uint8Array(3)],
        ["data", new Uint8Array(40)],
        ["fmt ", fmt()],
      ]),
    );
    expect(info).toMatchObject({ dataOffset: 12 + 8 + 4 + 8, frames: 10 });
  });

  it("steps over a 1 GiB chunk by its size, reading only the few header bytes it needs", () => {
    const head = riff([["fmt ", fmt()]]);
    const junkSize = 2 ** 30;
    const dataAt = head.length + 8 + junkSize;
    const size = dataAt + 8 + 400;
    let bytesRead = 0;
    const source: ByteSource = {
      size,
      read(offset, length) {
        bytesRead += length;
        const out = new Uint8Array(length);
        const put = (at: number, bytes: number[]) => {
          bytes.forEach((b, i) => {
            if (at + i >= offset && at + i < offset + length) out[at + i - offset] = b;
          });
        };
        put(0, Array.from(head));
        put(head.length, [...ascii("JUNK"), 0, 0, 0, 0x40]);
        put(dataAt, [...ascii("data"), 0x90, 0x01, 0, 0]);
        return out;
      },
    };
    expect(readWavHeader(source, "long.wav")).toMatchObject({
      dataOffset: dataAt + 8,
      frames: 100,
    });
    expect(bytesRead).toBeLessThan(100);
  });

  describe("rejects", () => {
    it("an empty file", () => {
      expectError(
        () => parse(new Uint8Array(0), "empty.wav"),
        "E_WAV_NOT_WAVE",
        "empty.wav is empty",
      );
    });

    it("a text file named .wav", () => {
      const text = new TextEncoder().encode("hello, this is not audio\n");
      expectError(
        () => parse(text, "notes.wav"),
        "E_WAV_NOT_WAVE",
        "notes.wav is not a WAV file",
        '"hell"',
      );
    });

    it("a RIFF file of another form type", () => {
      expectError(
        () => parse(riff([], {}, "AVI "), "clip.wav"),
        "E_WAV_NOT_WAVE",
        'clip.wav is a RIFF "AVI " file',
      );
    });

    it("a file cut inside the RIFF header as truncated", () => {
      expectError(
        () => parse(Uint8Array.from(ascii("RIFF\x10\x00")), "cut.wav"),
        "E_WAV_TRUNCATED",
        "cut.wav ends at byte 6",
      );
    });

    it("a data chunk larger than the file as truncated, with both byte counts", () => {
      const bytes = riff(
        [
          ["fmt ", fmt()],
          ["data", new Uint8Array(100)],
        ],
        { data: 1_764_000 },
      );
      expectError(
        () => parse(bytes, "vocals.wav"),
        "E_WAV_TRUNCATED",
        "vocals.wav ends at byte 144, the header promises 1764044",
      );
    });

    it("a chunk whose size runs past the end of the file", () => {
      const bytes = riff(
        [
          ["fmt ", fmt()],
          ["LIST", new Uint8Array(10)],
          ["data", new Uint8Array(4)],
        ],
        { LIST: 5000 },
      );
      expectError(
        () => parse(bytes, "x.wav"),
        "E_WAV_HEADER",
        'x.wav: the "LIST" chunk at byte 36 says it is 5000 bytes long',
      );
    });

    it("an nBlockAlign that does not match channels × bytes per sample", () => {
      const bytes = riff([
        ["fmt ", fmt({ blockAlign: 3 })],
        ["data", new Uint8Array(12)],
      ]);
      expectError(
        () => parse(bytes, "x.wav"),
        "E_WAV_HEADER",
        "x.wav: nBlockAlign is 3",
        "take 4 bytes",
      );
    });

    it("an nAvgBytesPerSec that does not match the rate and frame size", () => {
      const bytes = riff([
        ["fmt ", fmt({ byteRate: 1000 })],
        ["data", new Uint8Array(12)],
      ]);
      expectError(
        () => parse(bytes, "x.wav"),
        "E_WAV_HEADER",
        "x.wav: nAvgBytesPerSec is 1000",
        "192000",
      );
    });

    it("a fmt chunk shorter than 16 bytes", () => {
      const bytes = riff([
        ["fmt ", fmt().subarray(0, 14)],
        ["data", new Uint8Array(4)],
      ]);
      expectError(
        () => parse(bytes, "x.wav"),
        "E_WAV_HEADER",
        'x.wav: the "fmt " chunk is 14 bytes',
      );
    });

    it("a WAVE_FORMAT_EXTENSIBLE fmt chunk without its extension", () => {
      const bytes = riff([
        ["fmt ", fmt({ tag: 0xfffe })],
        ["data", new Uint8Array(4)],
      ]);
      expectError(
        () => parse(bytes, "x.wav"),
        "E_WAV_HEADER",
        "WAVE_FORMAT_EXTENSIBLE but is 16 bytes",
      );
    });

    it("a file without a fmt chunk or without a data chunk", () => {
      expectError(
        () => parse(riff([["data", new Uint8Array(4)]]), "a.wav"),
        "E_WAV_HEADER",
        'a.wav has no "fmt " chunk',
      );
      expectError(
        () => parse(riff([["fmt ", fmt()]]), "b.wav"),
        "E_WAV_HEADER",
        'b.wav has no "data" chunk',
      );
    });

    it("bytes that are not a chunk id where a chunk should start", () => {
      const bytes = riff([
        ["fmt ", fmt()],
        ["data", new Uint8Array(4)],
      ]);
      bytes[36] = 0;
      expectError(
        () => parse(bytes, "x.wav"),
        "E_WAV_HEADER",
        "x.wav: byte 36 should start a chunk",
      );
    });

    for (const [codec, name, tag] of [
      ["adpcm_ms", "Microsoft ADPCM", "0x0002"],
      ["pcm_mulaw", "µ-law", "0x0007"],
      ["pcm_alaw", "A-law", "0x0006"],
      ["libmp3lame", "MP3", "0x0055"],
    ]) {
      it(`a ${name} WAV made by ffmpeg -c:a ${codec}, naming the codec`, () => {
        const bytes = ffmpegWav(`${codec}.wav`, "-c:a", codec);
        expectError(
          () => parse(bytes, `${codec}.wav`),
          "E_WAV_UNSUPPORTED_CODEC",
          `${codec}.wav is encoded as ${name} (format tag ${tag})`,
        );
      });
    }

    it("bit depths, channel counts and sample rates outside what Control Room reads", () => {
      const data: [string, Uint8Array] = ["data", new Uint8Array(36)];
      expectError(
        () => parse(riff([["fmt ", fmt({ bits: 12, blockAlign: 4 })], data]), "a.wav"),
        "E_WAV_UNSUPPORTED_FORMAT",
        "a.wav stores 12-bit PCM",
      );
      expectError(
        () => parse(riff([["fmt ", fmt({ channels: 9 })], data]), "b.wav"),
        "E_WAV_UNSUPPORTED_FORMAT",
        "b.wav has 9 channels",
      );
      expectError(
        () => parse(riff([["fmt ", fmt({ sampleRate: 4000 })], data]), "c.wav"),
        "E_WAV_UNSUPPORTED_FORMAT",
        "4000 Hz",
      );
    });
  });
});
