import { describe, expect, it } from "vitest";
import type { ByteSource } from "../wav/header.ts";
import { decodeAiffSamples, extendedToNumber, readAiffHeader } from "./header.ts";

/** 44 100 as the 80-bit extended number AIFF stores rates in: 0x400E AC44 0000 0000 0000. */
const RATE_44100 = [0x40, 0x0e, 0xac, 0x44, 0, 0, 0, 0, 0, 0];

function chunk(id: string, body: number[]): number[] {
  const size = body.length;
  const pad = size & 1 ? [0] : [];
  return [...ascii(id), ...u32(size), ...body, ...pad];
}
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const u16 = (n: number) => [(n >> 8) & 255, n & 255];

/** An AIFF (or AIFF-C with `compression`) of `frames` frames of `samples` bytes. */
function aiff(options: {
  channels: number;
  frames: number;
  bits: number;
  samples: number[];
  compression?: string;
}): Uint8Array {
  const comm = [
    ...u16(options.channels),
    ...u32(options.frames),
    ...u16(options.bits),
    ...RATE_44100,
  ];
  const chunks = options.compression
    ? [
        ...chunk("FVER", u32(0xa2805140)),
        ...chunk("COMM", [...comm, ...ascii(options.compression), 0, 0]),
      ]
    : chunk("COMM", comm);
  const body = [...chunks, ...chunk("SSND", [...u32(0), ...u32(0), ...options.samples])];
  const form = options.compression ? "AIFC" : "AIFF";
  return Uint8Array.from([...ascii("FORM"), ...u32(body.length + 4), ...ascii(form), ...body]);
}

const source = (bytes: Uint8Array): ByteSource => ({
  size: bytes.length,
  read: (offset, length) => bytes.subarray(offset, offset + length),
});

describe("the AIFF header", () => {
  it("reads 44 100 Hz from its 80-bit extended form", () => {
    expect(extendedToNumber(Uint8Array.from(RATE_44100), 0)).toBe(44_100);
  });

  it("reads a 16-bit stereo AIFF: rate, channels, frames and where the samples start", () => {
    const bytes = aiff({
      channels: 2,
      frames: 2,
      bits: 16,
      samples: [0x40, 0, 0xc0, 0, 0, 1, 0xff, 0xff],
    });
    const info = readAiffHeader(source(bytes), "take.aif");
    expect(info).toMatchObject({
      form: "AIFF",
      channels: 2,
      frames: 2,
      sampleRate: 44_100,
      bitsPerSample: 16,
    });
    const out = [new Float32Array(2), new Float32Array(2)];
    decodeAiffSamples(bytes.subarray(info.dataOffset), info, 2, out, 0);
    expect([...out[0]]).toEqual([0.5, 2 ** -15]);
    expect([...out[1]]).toEqual([-0.5, -(2 ** -15)]);
  });

  it("reads big-endian 24-bit and little-endian sowt samples at the WAV scale", () => {
    const be = aiff({ channels: 1, frames: 1, bits: 24, samples: [0x80, 0, 0] });
    const le = aiff({ channels: 1, frames: 1, bits: 16, samples: [0, 0xc0], compression: "sowt" });
    for (const [bytes, expected] of [
      [be, -1],
      [le, -0.5],
    ] as const) {
      const info = readAiffHeader(source(bytes), "x.aif");
      const out = [new Float32Array(1)];
      decodeAiffSamples(bytes.subarray(info.dataOffset), info, 1, out, 0);
      expect(out[0][0]).toBe(expected);
    }
  });

  it("refuses a file cut short, saying where it ends and what the header promises", () => {
    const bytes = aiff({ channels: 1, frames: 4, bits: 16, samples: [0, 1, 0, 2, 0, 3, 0, 4] });
    const cut = bytes.subarray(0, bytes.length - 3);
    expect(() => readAiffHeader(source(cut), "cut.aif")).toThrow(
      expect.objectContaining({
        code: "E_AIFF_TRUNCATED",
        message: `cut.aif ends at byte ${cut.length}, the header promises ${bytes.length}`,
      }),
    );
  });

  it("refuses compression it does not decode, naming it", () => {
    const bytes = aiff({ channels: 1, frames: 1, bits: 16, samples: [0, 0], compression: "ulaw" });
    expect(() => readAiffHeader(source(bytes), "law.aifc")).toThrow(
      expect.objectContaining({
        code: "E_AIFF_UNSUPPORTED",
        message: expect.stringContaining('"ulaw"'),
      }),
    );
  });

  it("refuses a file that is not AIFF", () => {
    expect(() => readAiffHeader(source(new Uint8Array(64)), "zero.aif")).toThrow(
      expect.objectContaining({ code: "E_AIFF_NOT_AIFF" }),
    );
  });
});
