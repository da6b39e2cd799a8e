import { describe, expect, it } from "vitest";
import {
  flacPromisedSamples,
  mpegFrameAt,
  mpegPromisedSamples,
  startsMpegStream,
} from "./stream-headers.ts";

describe("MPEG audio frame headers", () => {
  it("read version, layer, rate and the frame length of ISO/IEC 11172-3 §2.4.3.1", () => {
    // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding, joint stereo: 144·128000/44100 = 417.
    expect(mpegFrameAt(new Uint8Array([0xff, 0xfb, 0x90, 0x64]), 0)).toEqual({
      length: 417,
      sampleRate: 44_100,
      samples: 1152,
      channels: 2,
      version: 1,
      layer: 3,
    });
    // The same with the padding bit: one byte more. Mono (channel mode 11).
    expect(mpegFrameAt(new Uint8Array([0xff, 0xfb, 0x92, 0xc4]), 0)).toMatchObject({
      length: 418,
      channels: 1,
    });
    // MPEG-2 Layer III, 64 kbit/s, 22.05 kHz: 72·64000/22050 = 208.
    expect(mpegFrameAt(new Uint8Array([0xff, 0xf3, 0x80, 0x00]), 0)).toMatchObject({
      length: 208,
      sampleRate: 22_050,
      samples: 576,
      version: 2,
    });
    // Layer I, 32 kbit/s at 32 kHz: 4·(12·32000/32000) = 48.
    expect(mpegFrameAt(new Uint8Array([0xff, 0xff, 0x18, 0x00]), 0)).toMatchObject({
      length: 48,
      layer: 1,
    });
  });

  it("refuse reserved versions, layers, bitrates and rates, and ADTS", () => {
    for (const header of [
      [0xff, 0xeb, 0x90, 0x64], // version 01, reserved
      [0xff, 0xf9, 0x90, 0x64], // layer 00: ADTS AAC
      [0xff, 0xfb, 0xf0, 0x64], // bitrate index 15
      [0xff, 0xfb, 0x9c, 0x64], // sample rate index 3
      [0xfe, 0xfb, 0x90, 0x64], // no sync
    ]) {
      expect(mpegFrameAt(new Uint8Array(header), 0)).toBeNull();
    }
    expect(mpegFrameAt(new Uint8Array([0xff, 0xfb]), 0)).toBeNull();
  });

  it("call it a stream only when the next frame's header follows the first", () => {
    const stream = new Uint8Array(417 * 2);
    stream.set([0xff, 0xfb, 0x90, 0x64], 0);
    stream.set([0xff, 0xfb, 0x90, 0x64], 417);
    expect(startsMpegStream(stream, 0)).toBe(true);
    stream[417] = 0;
    expect(startsMpegStream(stream, 0)).toBe(false);
    // A file of a single frame has nothing to follow it.
    expect(startsMpegStream(stream.subarray(0, 417), 0)).toBe(true);
  });

  it("read the frame count of a Xing or Info tag after the side information", () => {
    const frame = new Uint8Array(417);
    frame.set([0xff, 0xfb, 0x90, 0x64], 0);
    frame.set([...Buffer.from("Info"), 0, 0, 0, 0x0f, 0, 0, 0x01, 0x00], 4 + 32);
    expect(mpegPromisedSamples(frame, 0)).toBe(256 * 1152);
    frame[4 + 32 + 7] = 0x0e; // no frame-count flag
    expect(mpegPromisedSamples(frame, 0)).toBeNull();
  });
});

describe("FLAC STREAMINFO", () => {
  it("reads the 36-bit sample count, and 0 as unknown", () => {
    const head = new Uint8Array(42);
    head.set([...Buffer.from("fLaC"), 0x80, 0, 0, 34]);
    // Bits 108–143 of STREAMINFO: 4 low bits of byte 13, then bytes 14–17.
    head[8 + 13] = 0x01;
    head.set([0x00, 0x00, 0x10, 0x00], 8 + 14);
    expect(flacPromisedSamples(head)).toBe(2 ** 32 + 4096);
    head[8 + 13] = 0;
    head.set([0, 0, 0, 0], 8 + 14);
    expect(flacPromisedSamples(head)).toBeNull();
  });
});
