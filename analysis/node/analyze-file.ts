import { type DecodedCodec, decodeAudioFile, isWavFile } from "../../formats/node/decode-file.ts";
import { WavFileReader } from "../../formats/node/wav-file.ts";
import type { TrackAnalysis } from "../compare.ts";
import { LoudnessMeter, type LoudnessReport } from "../loudness/loudness-meter.ts";
import { crestFactorDb } from "../spectrum/crest-factor.ts";
import { KeyDetector } from "../spectrum/key.ts";
import { smoothedSpectrum } from "../spectrum/smoothed-spectrum.ts";
import { TempoDetector } from "../spectrum/tempo.ts";
import { octaveBands, tonalBalance } from "../spectrum/tonal-balance.ts";
import { WelchSpectrum } from "../spectrum/welch.ts";

export interface AnalyzeFileOptions {
  /** Called after every block with frames done and frames in the file. */
  onProgress?: (doneFrames: number, totalFrames: number) => void;
}

export interface FileAnalysis extends TrackAnalysis {
  loudness: LoudnessReport;
  codec: DecodedCodec;
}

/** 64 Ki frames: per-block overhead vanishes, and a stereo block of doubles is 1 MiB. */
const BLOCK_FRAMES = 65_536;

interface Sink {
  add(channels: Float64Array[] | Float32Array[], offset: number, frames: number): void;
}

/**
 * Everything a comparison needs from one audio file, in one pass: loudness (BS.1770-5, EBU
 * R128), the averaged spectrum and its bands, crest factor, key and tempo. WAV streams from
 * disk in blocks, so memory stays constant however long the file; MP3, FLAC, Ogg Vorbis and
 * Opus are decoded whole first (formats/node/decode-file.ts) and then measured the same way.
 */
export async function analyzeFile(
  path: string,
  options: AnalyzeFileOptions = {},
): Promise<FileAnalysis> {
  if (await isWavFile(path)) {
    const reader = WavFileReader.open(path);
    try {
      const { channels, sampleRate, frames, channelMask } = reader.info;
      const buffers = Array.from({ length: channels }, () => new Float64Array(BLOCK_FRAMES));
      return await measure("wav", sampleRate, channels, channelMask, frames, options, (at, n) => {
        reader.readFrames(at, n, buffers);
        return buffers;
      });
    } finally {
      reader.close();
    }
  }
  const decoded = await decodeAudioFile(path);
  const frames = decoded.channels[0]?.length ?? 0;
  return measure(
    decoded.codec,
    decoded.sampleRate,
    decoded.channels.length,
    null,
    frames,
    options,
    (at, n) => decoded.channels.map((channel) => channel.subarray(at, at + n)),
  );
}

async function measure(
  codec: DecodedCodec,
  sampleRate: number,
  channels: number,
  channelMask: number | null,
  frames: number,
  options: AnalyzeFileOptions,
  read: (at: number, frames: number) => Float64Array[] | Float32Array[],
): Promise<FileAnalysis> {
  const welch = new WelchSpectrum({ sampleRate, channels });
  const loudness = new LoudnessMeter({ sampleRate, channels, channelMask });
  const key = new KeyDetector({ sampleRate });
  const tempo = new TempoDetector({ sampleRate });
  const sinks: Sink[] = [welch, loudness, key, tempo];
  for (let at = 0; at < frames; at += BLOCK_FRAMES) {
    const n = Math.min(BLOCK_FRAMES, frames - at);
    const block = read(at, n);
    for (const sink of sinks) sink.add(block, 0, n);
    options.onProgress?.(at + n, frames);
    // Let a progress bar draw: its timer runs on the event loop this loop would otherwise hold.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const report = loudness.report();
  const averaged = welch.spectrum();
  return {
    codec,
    loudness: report,
    spectrum: smoothedSpectrum(averaged),
    tonalBalance: tonalBalance(averaged),
    octaveBands: octaveBands(averaged),
    crestFactorDb: crestFactorDb(report.samplePeakDbfs, report.rmsDbfs),
    key: key.key(),
    tempo: tempo.tempo(),
  };
}
