import { describe, expect, it } from "vitest";
import WaveformData from "waveform-data";
import { encodePcm } from "../formats/wav/pcm.ts";
import { wavHeader } from "../formats/wav/writer.ts";
import { isControlRoomError } from "../music/errors.ts";
import { PEAK_LEVELS, wavPeaks } from "./peaks.ts";

/** A 24-bit stereo WAV: silence on the left, a 0.5 spike at frame 70 000 on the right. */
function stereoWav(frames: number): Uint8Array {
  const format = { encoding: "int" as const, bitsPerSample: 24 };
  const left = new Float64Array(frames);
  const right = new Float64Array(frames);
  right[70_000] = 0.5;
  const header = wavHeader({ ...format, channels: 2, sampleRate: 48_000, frames });
  const data = new Uint8Array(frames * 6);
  encodePcm([left, right], 0, frames, format, data);
  const file = new Uint8Array(header.byteLength + data.byteLength);
  file.set(header);
  file.set(data, header.byteLength);
  return file;
}

describe("waveform peaks of a stored WAV file", () => {
  it("measures every frame, across the decoder's 65 536-frame steps", () => {
    const dat = wavPeaks(stereoWav(100_000), "audio/spike.wav", PEAK_LEVELS[0]);
    const waveform = WaveformData.create(dat.buffer as ArrayBuffer);
    expect(waveform.sample_rate).toBe(48_000);
    expect(waveform.channels).toBe(2);
    expect(waveform.length).toBe(Math.ceil(100_000 / 256));
    const pixel = Math.floor(70_000 / 256);
    // 0.5 in 24 bits, then in 16: within one 16-bit step of 16 384.
    expect(Math.abs(waveform.channel(1).max_sample(pixel) - 16_384)).toBeLessThanOrEqual(1);
    expect(waveform.channel(1).max_sample(pixel - 1)).toBe(0);
    expect(
      waveform
        .channel(0)
        .max_array()
        .every((v) => v === 0),
    ).toBe(true);
  });

  it("refuses a file that is not WAV, naming it", () => {
    try {
      wavPeaks(new TextEncoder().encode("ID3 not a wave file"), "audio/song.mp3", 256);
      expect.unreachable();
    } catch (error) {
      expect(isControlRoomError(error) && error.code).toBe("E_PEAKS_UNSUPPORTED");
      expect((error as Error).message).toContain("audio/song.mp3");
    }
  });
});
