import { basename } from "node:path";
import { type DecodedCodec, decodeAudioFile } from "../../formats/node/decode-file.ts";
import { WavFileReader } from "../../formats/node/wav-file.ts";
import { ControlRoomError, isControlRoomError } from "../../music/errors.ts";
import {
  LoudnessMeter,
  type LoudnessMeterOptions,
  type LoudnessReport,
  type LoudnessSeries,
} from "../loudness/loudness-meter.ts";

export interface MeasureLoudnessOptions {
  /** Keep momentary, short-term and true peak per hop, for a plot. */
  keepSeries?: boolean;
  /** Called after each block with the frames measured and the frames in the file. */
  onProgress?: (done: number, total: number) => void;
}

export interface MeasuredLoudness {
  report: LoudnessReport;
  series: LoudnessSeries | null;
  codec: DecodedCodec;
}

/** 64 Ki frames: big enough that per-block costs vanish, small enough to stay in cache. */
const BLOCK_FRAMES = 1 << 16;

/**
 * Measures the loudness of an audio file (BS.1770-5, EBU R128). A WAV file streams from
 * disk block by block, in constant memory, with its WAVE_FORMAT_EXTENSIBLE channel mask
 * telling the LFE and the surrounds apart. MP3, FLAC, Ogg Vorbis and Opus are decoded
 * whole by decodeAudioFile. The format is told by the file's first bytes: the WAV reader
 * checks for RIFF/RF64/BW64 WAVE, and anything else goes to decodeAudioFile, which knows
 * the other signatures.
 */
export async function measureLoudnessFile(
  path: string,
  options: MeasureLoudnessOptions = {},
): Promise<MeasuredLoudness> {
  const fileName = basename(path);
  let reader: WavFileReader | null = null;
  try {
    reader = WavFileReader.open(path);
  } catch (error) {
    if (!isControlRoomError(error) || error.code !== "E_WAV_NOT_WAVE") throw error;
  }
  try {
    if (reader !== null) return measureWav(reader, fileName, options);
    const decoded = await decodeAudioFile(path);
    const frames = decoded.channels[0]?.length ?? 0;
    const meter = openMeter(fileName, {
      sampleRate: decoded.sampleRate,
      channels: decoded.channels.length,
      keepSeries: options.keepSeries,
    });
    for (let done = 0; done < frames; ) {
      const n = Math.min(BLOCK_FRAMES, frames - done);
      addBlock(meter, fileName, decoded.channels, done, n);
      done += n;
      options.onProgress?.(done, frames);
    }
    return { report: meter.report(), series: meter.series(), codec: decoded.codec };
  } finally {
    reader?.close();
  }
}

function measureWav(
  reader: WavFileReader,
  fileName: string,
  options: MeasureLoudnessOptions,
): MeasuredLoudness {
  const { sampleRate, channels, channelMask, frames } = reader.info;
  const meter = openMeter(fileName, {
    sampleRate,
    channels,
    channelMask,
    keepSeries: options.keepSeries,
  });
  const block = Array.from(
    { length: channels },
    () => new Float64Array(Math.min(BLOCK_FRAMES, frames)),
  );
  for (let done = 0; done < frames; ) {
    const n = Math.min(BLOCK_FRAMES, frames - done);
    reader.readFrames(done, n, block, 0);
    addBlock(meter, fileName, block, 0, n);
    done += n;
    options.onProgress?.(done, frames);
  }
  return { report: meter.report(), series: meter.series(), codec: "wav" };
}

function openMeter(fileName: string, options: LoudnessMeterOptions): LoudnessMeter {
  try {
    return new LoudnessMeter(options);
  } catch (error) {
    throw inFile(error, fileName);
  }
}

function addBlock(
  meter: LoudnessMeter,
  fileName: string,
  channels: ArrayLike<number>[],
  offset: number,
  frames: number,
): void {
  try {
    meter.add(channels, offset, frames);
  } catch (error) {
    throw inFile(error, fileName);
  }
}

/** The meter's errors name a channel count or a frame; say which file they are about. */
function inFile(error: unknown, fileName: string): unknown {
  if (!isControlRoomError(error)) return error;
  return new ControlRoomError(error.code, `${fileName}: ${error.message}`, fileName);
}
