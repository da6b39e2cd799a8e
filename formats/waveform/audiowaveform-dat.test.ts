import { describe, expect, it } from "vitest";
import WaveformData from "waveform-data";
import { coarserDat, PeaksBuilder } from "./audiowaveform-dat.ts";

describe("audiowaveform .dat peaks (version 2)", () => {
  it("writes the 24-byte header audiowaveform writes", () => {
    const builder = new PeaksBuilder(48_000, 2, 256);
    builder.add([new Float32Array(1000), new Float32Array(1000)], 0, 1000);
    const dat = builder.finish();
    const view = new DataView(dat.buffer);
    expect(view.getInt32(0, true)).toBe(2);
    expect(view.getUint32(4, true)).toBe(0); // 16-bit values
    expect(view.getInt32(8, true)).toBe(48_000);
    expect(view.getInt32(12, true)).toBe(256);
    expect(view.getUint32(16, true)).toBe(4); // 1000 frames: 3 whole pixels and a part
    expect(view.getInt32(20, true)).toBe(2);
    expect(dat.byteLength).toBe(24 + 4 * 2 * 2 * 2);
  });

  it("holds each pixel's minimum and maximum per channel, read back by waveform-data", () => {
    const left = new Float32Array(512);
    const right = new Float32Array(512);
    left[10] = 0.5;
    left[20] = -0.25;
    right[300] = -1;
    right[400] = 1;
    const builder = new PeaksBuilder(44_100, 2, 256);
    // Fed in uneven blocks, as a file is read.
    builder.add([left, right], 0, 100);
    builder.add([left, right], 100, 412);
    const dat = builder.finish();
    const waveform = WaveformData.create(dat.buffer as ArrayBuffer);
    expect(waveform.channels).toBe(2);
    expect(waveform.length).toBe(2);
    expect(waveform.scale).toBe(256);
    expect(waveform.sample_rate).toBe(44_100);
    expect(waveform.channel(0).max_sample(0)).toBe(Math.round(0.5 * 32767));
    expect(waveform.channel(0).min_sample(0)).toBe(Math.round(-0.25 * 32767));
    expect(waveform.channel(1).min_sample(1)).toBe(-32767);
    expect(waveform.channel(1).max_sample(1)).toBe(32767);
    expect(waveform.channel(1).max_sample(0)).toBe(0);
  });

  it("derives a coarser level equal to measuring at that scale", () => {
    const samples = new Float32Array(10_000);
    for (let i = 0; i < samples.length; i++) samples[i] = Math.sin(i * 0.013) * (i / 10_000);
    const fine = new PeaksBuilder(48_000, 1, 64);
    fine.add([samples], 0, samples.length);
    const direct = new PeaksBuilder(48_000, 1, 512);
    direct.add([samples], 0, samples.length);
    expect(coarserDat(fine.finish(), 8)).toEqual(direct.finish());
  });
});
