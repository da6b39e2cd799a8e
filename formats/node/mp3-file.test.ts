import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { probeStream } from "../../test/support/peers.ts";
import { Mp3FileWriter } from "./mp3-file.ts";

const dir = mkdtempSync(join(tmpdir(), "mp3-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sine(
  frames: number,
  sampleRate: number,
  frequency: number,
  amplitude: number,
): Float64Array {
  return Float64Array.from(
    { length: frames },
    (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate),
  );
}

describe("Mp3FileWriter", () => {
  for (const [channels, sampleRate] of [
    [2, 44_100],
    [1, 48_000],
  ]) {
    it(`writes a 320 kbps CBR MP3 at ${sampleRate} Hz in ${channels} channel(s) that ffmpeg decodes`, async () => {
      const path = join(dir, `song-${channels}-${sampleRate}.mp3`);
      const frames = sampleRate;
      const input = Array.from({ length: channels }, (_, c) =>
        sine(frames, sampleRate, 440 * (c + 1), 0.5),
      );
      const writer = Mp3FileWriter.open(path, { channels, sampleRate });
      for (let at = 0; at < frames; at += 5000)
        writer.write(input, at, Math.min(5000, frames - at));
      await writer.commit();

      execFileSync("ffmpeg", ["-v", "error", "-i", path, "-f", "null", "-"]);
      expect(probeStream(path)).toMatchObject({
        codec_name: "mp3",
        sample_rate: String(sampleRate),
        channels: String(channels),
        bit_rate: "320000",
      });
      // The decoded tone keeps its level: a 0.5 sine has an RMS of 0.5/√2 (−9.03 dBFS).
      const raw = execFileSync("ffmpeg", [
        "-v",
        "error",
        "-i",
        path,
        "-af",
        "pan=mono|c0=c0",
        "-f",
        "f64le",
        "-",
      ]);
      const decoded = new Float64Array(raw.buffer, raw.byteOffset, raw.length / 8);
      // LAME adds an encoder delay and pads the last frame: about one to two MP3 frames.
      expect(decoded.length - frames).toBeGreaterThanOrEqual(0);
      expect(decoded.length - frames).toBeLessThan(3 * 1152);
      const middle = decoded.subarray(4000, frames - 4000);
      const rms = Math.sqrt(middle.reduce((sum, x) => sum + x * x, 0) / middle.length);
      expect(20 * Math.log10(rms)).toBeCloseTo(-9.03, 1);
    });
  }

  it("refuses sample rates other than 44.1 and 48 kHz, listing the ones it supports", () => {
    expect(() =>
      Mp3FileWriter.open(join(dir, "hires.mp3"), { channels: 2, sampleRate: 96_000 }),
    ).toThrow(
      expect.objectContaining({
        code: "E_MP3_SAMPLE_RATE",
        message:
          "hires.mp3: MP3 export supports 44100 and 48000 Hz, not 96000 Hz; resample the mix or export WAV or FLAC",
      }),
    );
    expect(readdirSync(dir)).not.toContain("hires.mp3");
  });

  it("refuses more than two channels and bit rates MPEG-1 Layer III does not have", () => {
    expect(() =>
      Mp3FileWriter.open(join(dir, "surround.mp3"), { channels: 6, sampleRate: 48_000 }),
    ).toThrow(expect.objectContaining({ code: "E_MP3_CHANNELS" }));
    expect(() =>
      Mp3FileWriter.open(join(dir, "odd.mp3"), { channels: 2, sampleRate: 48_000, kbps: 300 }),
    ).toThrow(expect.objectContaining({ code: "E_MP3_BIT_RATE" }));
  });

  it("leaves an existing file with its bytes when aborted", async () => {
    const folder = mkdtempSync(join(dir, "abort-"));
    const path = join(folder, "single.mp3");
    writeFileSync(path, "released");
    const writer = Mp3FileWriter.open(path, { channels: 2, sampleRate: 44_100 });
    writer.write([sine(10_000, 44_100, 440, 0.5), sine(10_000, 44_100, 440, 0.5)], 0, 10_000);
    await writer.abort();
    expect(readFileSync(path, "utf8")).toBe("released");
    expect(readdirSync(folder)).toEqual(["single.mp3"]);
  });
});
