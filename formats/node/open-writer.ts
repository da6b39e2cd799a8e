import { basename } from "node:path";
import { ControlRoomError } from "../../music/errors.ts";
import type { AudioFileWriter } from "../audio-file-writer.ts";
import type { DitherMode } from "../dither.ts";
import { FlacFileWriter } from "./flac-file.ts";
import { Mp3FileWriter } from "./mp3-file.ts";
import { WavFileWriter } from "./wav-file.ts";

export type OutputFormat = "wav" | "flac" | "mp3";
/** Integer bits, or "32f"/"64f" for IEEE float. */
export type OutputBitDepth = 16 | 24 | 32 | "32f" | "64f";

export interface AudioFileWriterOptions {
  format: OutputFormat;
  bitDepth: OutputBitDepth;
  sampleRate: number;
  channels: number;
  /** TPDF by default; "none" only for material already on the target's integer grid. */
  dither?: DitherMode;
  /** Seed of the dither noise; the same seed and input give the same file. */
  seed?: number;
  /** MP3 constant bit rate in kbit/s (320 unless asked otherwise). */
  kbps?: number;
}

const FORMATS: readonly OutputFormat[] = ["wav", "flac", "mp3"];
const BIT_DEPTHS: readonly OutputBitDepth[] = [16, 24, 32, "32f", "64f"];
const MIN_SAMPLE_RATE = 8000;
const MAX_SAMPLE_RATE = 384_000;
const MAX_CHANNELS = 8;

/**
 * Opens a writer for an export. The combination of format, bit depth, rate and channels is
 * checked here, before anything is created on disk.
 */
export async function openAudioFileWriter(
  path: string,
  options: AudioFileWriterOptions,
): Promise<AudioFileWriter> {
  const fileName = basename(path);
  const { format, bitDepth, sampleRate, channels, dither, seed } = options;
  const fail = (code: string, message: string) =>
    new ControlRoomError(code, `${fileName}: ${message}`, fileName);
  if (!FORMATS.includes(format)) {
    throw fail("E_EXPORT_FORMAT", `"${format}" is not an export format; use ${FORMATS.join(", ")}`);
  }
  if (!BIT_DEPTHS.includes(bitDepth)) {
    throw fail(
      "E_EXPORT_BIT_DEPTH",
      `${JSON.stringify(bitDepth)} is not a bit depth; use 16, 24, 32 (integer), "32f" or "64f" (float)`,
    );
  }
  if (!Number.isInteger(channels) || channels < 1 || channels > MAX_CHANNELS) {
    throw fail(
      "E_EXPORT_CHANNELS",
      `${channels} channels asked for; exports have 1 to ${MAX_CHANNELS}`,
    );
  }
  if (
    !Number.isInteger(sampleRate) ||
    sampleRate < MIN_SAMPLE_RATE ||
    sampleRate > MAX_SAMPLE_RATE
  ) {
    throw fail(
      "E_EXPORT_SAMPLE_RATE",
      `${sampleRate} Hz asked for; exports run at ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE} Hz`,
    );
  }

  switch (format) {
    case "wav": {
      const float = bitDepth === "32f" || bitDepth === "64f";
      return WavFileWriter.open(path, {
        channels,
        sampleRate,
        encoding: float ? "float" : "int",
        bitsPerSample: float ? Number.parseInt(bitDepth, 10) : bitDepth,
        dither,
        seed,
      });
    }
    case "flac":
      if (bitDepth !== 16 && bitDepth !== 24) {
        throw fail(
          "E_EXPORT_BIT_DEPTH",
          `FLAC export is 16 or 24-bit, not ${describeDepth(bitDepth)}`,
        );
      }
      return FlacFileWriter.open(path, {
        channels,
        sampleRate,
        bitsPerSample: bitDepth,
        dither,
        seed,
      });
    case "mp3":
      if (bitDepth !== 16) {
        throw fail(
          "E_EXPORT_BIT_DEPTH",
          `MP3 is encoded from 16-bit samples; ask for bit depth 16, not ${describeDepth(bitDepth)}`,
        );
      }
      return Mp3FileWriter.open(path, { channels, sampleRate, kbps: options.kbps, dither, seed });
  }
}

function describeDepth(bitDepth: OutputBitDepth): string {
  return typeof bitDepth === "number" ? `${bitDepth}-bit` : `${bitDepth.slice(0, 2)}-bit float`;
}
