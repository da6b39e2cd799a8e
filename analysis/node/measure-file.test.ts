import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openAudioFileWriter } from "../../formats/node/open-writer.ts";
import { WavFileWriter } from "../../formats/node/wav-file.ts";
import { LoudnessMeter } from "../loudness/loudness-meter.ts";
import { measureLoudnessFile } from "./measure-file.ts";

const dir = mkdtempSync(join(tmpdir(), "measure-loudness-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sine(frames: number, rate: number, hz: number, dbfs: number): Float64Array {
  const amplitude = 10 ** (dbfs / 20);
  return Float64Array.from(
    { length: frames },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate),
  );
}

async function writeWav(
  name: string,
  channels: Float64Array[],
  options: { rate?: number; channelMask?: number; bits?: 32 | 64 } = {},
): Promise<string> {
  const path = join(dir, name);
  const writer = WavFileWriter.open(path, {
    channels: channels.length,
    sampleRate: options.rate ?? 48_000,
    encoding: "float",
    bitsPerSample: options.bits ?? 32,
    channelMask: options.channelMask,
  });
  writer.write(channels, 0, channels[0].length);
  await writer.commit();
  return path;
}

/** A copy of a WAV file whose "fmt " chunk claims another channel count. */
function withChannelCount(source: string, name: string, channels: number): string {
  const bytes = readFileSync(source);
  const fmt = bytes.indexOf("fmt ");
  bytes.writeUInt16LE(channels, fmt + 10);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function rejection(
  promise: Promise<unknown>,
): Promise<{ code?: string; message?: string; subject?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message?: string; subject?: string };
  }
  throw new Error("expected the measurement to fail");
}

describe("measureLoudnessFile", () => {
  const tone = sine(48_000 * 4, 48_000, 1000, -20);
  const other = sine(48_000 * 4, 48_000, 440, -26);

  it("streams a WAV file in blocks to the numbers the meter gives for the whole signal, reporting progress", async () => {
    const path = await writeWav("stereo.wav", [tone, other], { bits: 64 });
    const progress: number[] = [];
    const measured = await measureLoudnessFile(path, {
      keepSeries: true,
      onProgress: (done, total) => {
        expect(total).toBe(tone.length);
        progress.push(done);
      },
    });
    const meter = new LoudnessMeter({ sampleRate: 48_000, channels: 2 });
    meter.add([tone, other], 0, tone.length);
    expect(measured.codec).toBe("wav");
    expect(measured.report).toEqual(meter.report());
    expect(measured.series?.momentary.length).toBe(400);
    expect(progress.at(-1)).toBe(tone.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it("leaves out the LFE that a WAVE_FORMAT_EXTENSIBLE mask names, wherever it sits", async () => {
    const silent = new Float64Array(tone.length);
    const lfe = sine(tone.length, 48_000, 50, -3);
    // 5.1 in the usual order (mask 0x60F: L R C LFE Ls Rs) and with the LFE moved last by its mask.
    const usual = await measureLoudnessFile(
      await writeWav("usual-5.1.wav", [tone, tone, silent, lfe, silent, silent], {
        channelMask: 0x60f,
      }),
    );
    const lfeLast = await measureLoudnessFile(
      await writeWav("lfe-last.wav", [tone, tone, silent, silent, silent, lfe], {
        channelMask: 0x60f,
      }),
    );
    const stereo = await measureLoudnessFile(await writeWav("stereo-tone.wav", [tone, tone]));
    expect(usual.report.integratedLufs).toBe(stereo.report.integratedLufs);
    // In the last slot with the same mask, the LFE tone is now read as a right surround.
    expect(lfeLast.report.integratedLufs).toBeGreaterThan(stereo.report.integratedLufs + 0.5);
  });

  it("decodes FLAC and MP3, told apart by their first bytes, to the WAV's loudness", async () => {
    const wav = await measureLoudnessFile(await writeWav("reference.wav", [tone, other]));
    for (const [format, bitDepth, tolerance] of [
      ["flac", 24, 0.001],
      ["mp3", 16, 0.05],
    ] as const) {
      // A misleading extension: the codec comes from the bytes.
      const path = join(dir, `encoded-${format}.audio`);
      const writer = await openAudioFileWriter(path, {
        format,
        bitDepth,
        sampleRate: 48_000,
        channels: 2,
      });
      await writer.write([tone, other], 0, tone.length);
      await writer.commit();
      const measured = await measureLoudnessFile(path);
      expect(measured.codec).toBe(format);
      expect(Math.abs(measured.report.integratedLufs - wav.report.integratedLufs)).toBeLessThan(
        tolerance,
      );
    }
  });

  it("reads a silent file as −Infinity LUFS and −Infinity dBTP", async () => {
    const silence = new Float64Array(48_000 * 2);
    const { report } = await measureLoudnessFile(await writeWav("silence.wav", [silence, silence]));
    expect(report.integratedLufs).toBe(Number.NEGATIVE_INFINITY);
    expect(report.maxMomentaryLufs).toBe(Number.NEGATIVE_INFINITY);
    expect(report.maxShortTermLufs).toBe(Number.NEGATIVE_INFINITY);
    expect(report.truePeakDbtp).toBe(Number.NEGATIVE_INFINITY);
    expect(report.samplePeakDbfs).toBe(Number.NEGATIVE_INFINITY);
    expect(report.loudnessRangeLu).toBe(0);
  });

  it("reads a 10 ms file: peaks, and −Infinity where no full block exists", async () => {
    const short = sine(480, 48_000, 1000, -10);
    const { report } = await measureLoudnessFile(await writeWav("10ms.wav", [short, short]));
    expect(report.durationSeconds).toBe(0.01);
    expect(report.integratedLufs).toBe(Number.NEGATIVE_INFINITY);
    expect(report.maxMomentaryLufs).toBe(Number.NEGATIVE_INFINITY);
    expect(Math.abs(report.samplePeakDbfs - -10)).toBeLessThan(0.01);
  });

  it.each([
    ["NaN", Number.NaN],
    ["+Infinity", Number.POSITIVE_INFINITY],
    ["-Infinity", Number.NEGATIVE_INFINITY],
  ])(
    "refuses a float WAV holding %s with E_AUDIO_NOT_FINITE naming the file and the frame",
    async (label, bad) => {
      const broken = tone.slice();
      broken[100_000] = bad;
      const path = await writeWav(`bad-${label}.wav`, [tone, broken]);
      const error = await rejection(measureLoudnessFile(path));
      expect(error.code).toBe("E_AUDIO_NOT_FINITE");
      expect(error.subject).toBe(`bad-${label}.wav`);
      expect(error.message).toContain(`bad-${label}.wav`);
      expect(error.message).toContain("channel 2");
      expect(error.message).toContain("frame 100000");
    },
  );

  it("refuses a WAV header claiming 0 channels or 32 channels with a clear error", async () => {
    const source = await writeWav("mono.wav", [tone]);
    const none = await rejection(measureLoudnessFile(withChannelCount(source, "zero.wav", 0)));
    expect(none.code).toBe("E_WAV_HEADER");
    expect(none.message).toContain("0 channels");
    const many = await rejection(measureLoudnessFile(withChannelCount(source, "many.wav", 32)));
    expect(many.code).toBe("E_WAV_UNSUPPORTED_FORMAT");
    expect(many.message).toContain("32 channels");
  });

  it("refuses a layout BS.1770 has no weights for with E_LOUDNESS_CHANNELS naming the file", async () => {
    const error = await rejection(
      measureLoudnessFile(await writeWav("three.wav", [tone, tone, tone])),
    );
    expect(error.code).toBe("E_LOUDNESS_CHANNELS");
    expect(error.subject).toBe("three.wav");
    expect(error.message).toContain("3 channels");
  });

  it("refuses a file that is not audio, and one that is not there", async () => {
    const text = join(dir, "notes.wav");
    writeFileSync(text, "mix notes: more bass");
    expect((await rejection(measureLoudnessFile(text))).code).toBe("E_AUDIO_UNSUPPORTED");
    expect((await rejection(measureLoudnessFile(join(dir, "missing.wav")))).code).toBe(
      "E_FILE_NOT_FOUND",
    );
  });
});
