import { describe, expect, it } from "vitest";
import { decodePcm, encodePcm, SAMPLE_FORMATS, type SampleFormat } from "./pcm.ts";

const FORMATS = SAMPLE_FORMATS;

/** Values every format stores exactly: integer codes on the format's grid, or float32/64 values. */
function representable(format: SampleFormat, frames: number, seed: number): Float64Array {
  const out = new Float64Array(frames);
  let state = seed;
  for (let i = 0; i < frames; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) | 0;
    const u = (state >>> 0) / 2 ** 32;
    if (format.encoding === "int") {
      const scale = 2 ** (format.bitsPerSample - 1);
      out[i] = Math.floor(u * 2 * scale - scale) / scale;
    } else {
      out[i] = format.bitsPerSample === 32 ? Math.fround(u * 2 - 1) : u * 2 - 1;
    }
  }
  // The extremes of the range belong in every test.
  out[0] = -1;
  out[1] = format.encoding === "int" ? 1 - 2 ** (1 - format.bitsPerSample) : 1;
  return out;
}

describe("decodePcm / encodePcm", () => {
  for (const format of FORMATS) {
    it(`round trips ${format.bitsPerSample}-bit ${format.encoding} bit-exactly in 1, 2, 6 and 8 channels`, () => {
      for (const channels of [1, 2, 6, 8]) {
        const frames = 1000;
        const input = Array.from({ length: channels }, (_, c) =>
          representable(format, frames, c + 1),
        );
        const bytes = new Uint8Array(frames * channels * (format.bitsPerSample / 8));
        expect(encodePcm(input, 0, frames, format, bytes)).toBe(bytes.length);
        const out = Array.from({ length: channels }, () => new Float64Array(frames));
        decodePcm(bytes, { ...format, channels }, frames, out, 0);
        expect(out).toEqual(input);
      }
    });
  }

  it("decodes integer codes by exactly 1/2^(bits−1), so full scale is −1 … 1 − 1 LSB", () => {
    const decode = (bytes: number[], bitsPerSample: number) => {
      const out = [new Float64Array(1)];
      decodePcm(Uint8Array.from(bytes), { encoding: "int", bitsPerSample, channels: 1 }, 1, out, 0);
      return out[0][0];
    };
    expect(decode([0x00], 8)).toBe(-1);
    expect(decode([0x80], 8)).toBe(0);
    expect(decode([0xff], 8)).toBe(127 / 128);
    expect(decode([0x00, 0x80], 16)).toBe(-1);
    expect(decode([0xff, 0x7f], 16)).toBe(32767 / 32768);
    expect(decode([0x01, 0x00, 0x00], 24)).toBe(2 ** -23);
    expect(decode([0xff, 0xff, 0xff], 24)).toBe(-(2 ** -23));
    expect(decode([0xff, 0xff, 0x7f], 24)).toBe(8388607 / 8388608);
    expect(decode([0x00, 0x00, 0x00, 0x80], 32)).toBe(-1);
    expect(decode([0xff, 0xff, 0xff, 0x7f], 32)).toBe(2147483647 / 2147483648);
  });

  it("decodes 24-bit codes across the whole range exactly into a Float32Array", () => {
    const frames = 1 << 16;
    const bytes = new Uint8Array(frames * 3);
    const expected = new Float32Array(frames);
    for (let i = 0; i < frames; i++) {
      // Walk all 2^24 codes in steps of 256 with a varying low byte.
      const code = (i << 8) | (i & 0xff);
      bytes[3 * i] = code;
      bytes[3 * i + 1] = code >> 8;
      bytes[3 * i + 2] = code >> 16;
      expected[i] = ((code << 8) >> 8) / 8388608;
    }
    const out = [new Float32Array(frames)];
    decodePcm(bytes, { encoding: "int", bitsPerSample: 24, channels: 1 }, frames, out, 0);
    expect(out[0]).toEqual(expected);
  });

  it("decodes into the output at an offset and reads interleaved channels in order", () => {
    const bytes = Uint8Array.from([0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00]);
    const out = [new Float64Array(3), new Float64Array(3)];
    decodePcm(bytes, { encoding: "int", bitsPerSample: 16, channels: 2 }, 2, out, 1);
    expect(Array.from(out[0], (x) => x * 32768)).toEqual([0, 1, 3]);
    expect(Array.from(out[1], (x) => x * 32768)).toEqual([0, 2, 4]);
  });

  it("clips integer targets at the largest and smallest code instead of wrapping", () => {
    const bytes = new Uint8Array(6);
    encodePcm([Float64Array.of(1.5, -3)], 0, 2, { encoding: "int", bitsPerSample: 24 }, bytes);
    expect(Array.from(bytes)).toEqual([0xff, 0xff, 0x7f, 0x00, 0x00, 0x80]);
  });

  it("rounds samples that are not on the integer grid to the nearest code", () => {
    const bytes = new Uint8Array(4);
    encodePcm(
      [Float64Array.of(1.4 / 32768, -2.6 / 32768)],
      0,
      2,
      { encoding: "int", bitsPerSample: 16 },
      bytes,
    );
    expect(Array.from(bytes)).toEqual([0x01, 0x00, 0xfd, 0xff]);
  });

  it("encodes from an offset in the input", () => {
    const bytes = new Uint8Array(2);
    encodePcm([Float32Array.of(0.5, 0.25)], 1, 1, { encoding: "int", bitsPerSample: 16 }, bytes);
    expect(Array.from(bytes)).toEqual([0x00, 0x20]);
  });

  it("rejects a sample format it cannot code", () => {
    expect(() =>
      encodePcm(
        [new Float64Array(1)],
        0,
        1,
        { encoding: "float", bitsPerSample: 16 },
        new Uint8Array(2),
      ),
    ).toThrow(expect.objectContaining({ code: "E_PCM_FORMAT" }));
  });
});
