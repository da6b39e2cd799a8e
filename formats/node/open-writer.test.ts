import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type AudioFileWriterOptions, openAudioFileWriter } from "./open-writer.ts";
import { WavFileReader } from "./wav-file.ts";

const dir = mkdtempSync(join(tmpdir(), "open-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RATE = 48_000;

function sine(frames: number, frequency: number, amplitude: number): Float64Array {
  return Float64Array.from(
    { length: frames },
    (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / RATE),
  );
}

async function exportSine(
  name: string,
  options: Omit<AudioFileWriterOptions, "sampleRate" | "channels">,
  input: Float64Array,
) {
  const path = join(dir, name);
  const writer = await openAudioFileWriter(path, { ...options, sampleRate: RATE, channels: 1 });
  await writer.write([input], 0, input.length);
  await writer.commit();
  return path;
}

function readMono(path: string): Float64Array {
  const reader = WavFileReader.open(path);
  const out = new Float64Array(reader.info.frames);
  reader.readFrames(0, reader.info.frames, [out]);
  reader.close();
  return out;
}

/**
 * Share of the error's energy at DC and the harmonics of 1 kHz (including Nyquist), from the DFT
 * of one second at 48 kHz: 1 for an error that repeats with the tone, about 49/48000 for white noise.
 */
function harmonicEnergyShare(error: Float64Array): number {
  const n = error.length;
  let total = 0;
  for (const e of error) total += e * e;
  let harmonic = 0;
  for (let k = 0; k <= 24; k++) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < n; i++) {
      const phase = (2 * Math.PI * ((k * 1000 * i) % RATE)) / RATE;
      re += error[i] * Math.cos(phase);
      im -= error[i] * Math.sin(phase);
    }
    harmonic += ((k === 0 || k === 24 ? 1 : 2) * (re * re + im * im)) / n;
  }
  return harmonic / total;
}

function correlation(a: Float64Array, b: Float64Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

function rmsDb(x: Float64Array): number {
  return 10 * Math.log10(x.reduce((sum, v) => sum + v * v, 0) / x.length);
}

describe("openAudioFileWriter", () => {
  it("dithers a 16-bit export: a −60 dBFS sine's error is 0.5 LSB RMS (−96.3 dBFS), white and uncorrelated", async () => {
    const input = sine(RATE, 1000, 10 ** (-60 / 20));
    const error = (path: string) => readMono(path).map((x, i) => x - input[i]);

    const dithered = error(
      await exportSine("dithered.wav", { format: "wav", bitDepth: 16 }, input),
    );
    // TPDF: rounding (1/12 LSB²) plus the dither itself (2/12 LSB²) gives 1/4 LSB², 20·log10(2^-16).
    expect(rmsDb(dithered)).toBeGreaterThan(-96.33 - 0.5);
    expect(rmsDb(dithered)).toBeLessThan(-96.33 + 0.5);
    expect(Math.abs(correlation(dithered, input))).toBeLessThan(0.01);
    expect(harmonicEnergyShare(dithered)).toBeLessThan(0.01);

    // The same measurement tells plain rounding apart: about 1/√12 LSB (−101.1 dBFS; −100.0 for
    // this tone, whose 48 values per period do not spread the error evenly), all of it
    // distortion at the tone's harmonics.
    const rounded = error(
      await exportSine("rounded.wav", { format: "wav", bitDepth: 16, dither: "none" }, input),
    );
    expect(rmsDb(rounded)).toBeLessThan(-99.5);
    expect(harmonicEnergyShare(rounded)).toBeGreaterThan(0.99);
  });

  for (const [format, bitDepth, codec] of [
    ["wav", 16, "pcm_s16le"],
    ["wav", 24, "pcm_s24le"],
    ["wav", 32, "pcm_s32le"],
    ["wav", "32f", "pcm_f32le"],
    ["wav", "64f", "pcm_f64le"],
    ["flac", 16, "flac"],
    ["flac", 24, "flac"],
    ["mp3", 16, "mp3"],
  ] as const) {
    it(`opens ${format} at ${bitDepth} bits and writes a file ffmpeg decodes as ${codec}`, async () => {
      const path = await exportSine(
        `tone-${bitDepth}.${format}`,
        { format, bitDepth },
        sine(RATE / 4, 440, 0.5),
      );
      execFileSync("ffmpeg", ["-v", "error", "-i", path, "-f", "null", "-"]);
      const probe = execFileSync("ffprobe", [
        "-v",
        "error",
        "-show_entries",
        "stream=codec_name,sample_rate,channels",
        "-of",
        "csv=p=0",
        path,
      ]);
      expect(probe.toString().trim()).toBe(`${codec},48000,1`);
    });
  }

  describe("refuses, before creating anything", () => {
    const cases: [string, Partial<AudioFileWriterOptions>, string, string][] = [
      [
        "master.flac",
        { format: "flac", bitDepth: "32f" },
        "E_EXPORT_BIT_DEPTH",
        "master.flac: FLAC export is 16 or 24-bit, not 32-bit float",
      ],
      [
        "master.flac",
        { format: "flac", bitDepth: 32 },
        "E_EXPORT_BIT_DEPTH",
        "master.flac: FLAC export is 16 or 24-bit, not 32-bit",
      ],
      [
        "single.mp3",
        { format: "mp3", bitDepth: 24 },
        "E_EXPORT_BIT_DEPTH",
        "single.mp3: MP3 is encoded from 16-bit samples; ask for bit depth 16, not 24-bit",
      ],
      [
        "single.mp3",
        { format: "mp3", sampleRate: 96_000 },
        "E_MP3_SAMPLE_RATE",
        "single.mp3: MP3 export supports 44100 and 48000 Hz",
      ],
      ["mix.wav", { bitDepth: 20 as 16 }, "E_EXPORT_BIT_DEPTH", "mix.wav: 20 is not a bit depth"],
      [
        "mix.ogg",
        { format: "ogg" as "wav" },
        "E_EXPORT_FORMAT",
        'mix.ogg: "ogg" is not an export format',
      ],
      [
        "mix.wav",
        { channels: 0 },
        "E_EXPORT_CHANNELS",
        "mix.wav: 0 channels asked for; exports have 1 to 8",
      ],
      ["mix.wav", { channels: 9 }, "E_EXPORT_CHANNELS", "mix.wav: 9 channels"],
      [
        "mix.wav",
        { sampleRate: 4000 },
        "E_EXPORT_SAMPLE_RATE",
        "mix.wav: 4000 Hz asked for; exports run at 8000 to 384000 Hz",
      ],
      ["mix.wav", { sampleRate: 44_100.5 }, "E_EXPORT_SAMPLE_RATE", "mix.wav: 44100.5 Hz"],
    ];
    for (const [name, change, code, message] of cases) {
      it(`${JSON.stringify(change)} with ${code}`, async () => {
        const folder = mkdtempSync(join(dir, "refused-"));
        const options: AudioFileWriterOptions = {
          format: "wav",
          bitDepth: 16,
          sampleRate: 48_000,
          channels: 2,
          ...change,
        };
        await expect(openAudioFileWriter(join(folder, name), options)).rejects.toMatchObject({
          code,
          message: expect.stringContaining(message),
        });
        expect(readdirSync(folder)).toEqual([]);
      });
    }
  });
});
