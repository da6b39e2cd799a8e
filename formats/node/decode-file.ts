import { open, readFile } from "node:fs/promises";
import { basename } from "node:path";
import decode from "audio-decode";
import { ControlRoomError } from "../../music/errors.ts";
import { isAiffStart } from "../aiff/header.ts";
import {
  flacPromisedSamples,
  mpegPromisedSamples,
  mpegStreamCutAt,
  startsMpegStream,
} from "../stream-headers.ts";
import { AiffFileReader } from "./aiff-file.ts";
import { fileError } from "./pending-file.ts";
import { WavFileReader } from "./wav-file.ts";

export type DecodedCodec = "wav" | "aiff" | "mp3" | "flac" | "vorbis" | "opus";

export interface DecodedAudio {
  sampleRate: number;
  channels: Float32Array[];
  codec: DecodedCodec;
}

/**
 * Enough for every signature below, an Ogg page header with its segment table, and the
 * longest MPEG audio frame (1728 bytes) with the header of the next.
 */
const SNIFF_BYTES = 4096;

/**
 * Decodes a whole audio file into memory, for imports and previews of compressed files.
 * The codec is told from the file's first bytes, never from its extension.
 */
export async function decodeAudioFile(path: string): Promise<DecodedAudio> {
  const fileName = basename(path);
  const codec = await sniffCodec(path, fileName);
  if (codec === null) {
    throw new ControlRoomError(
      "E_AUDIO_UNSUPPORTED",
      `${fileName} is not an audio file Control Room can read; it reads WAV, AIFF, MP3, FLAC, Ogg Vorbis and Opus`,
      fileName,
    );
  }
  if (codec === "wav") return decodeWav(path);
  if (codec === "aiff") return decodeAiff(path);

  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw fileError(error, "E_FILE_READ", fileName, "cannot be read");
  }
  const formatDecoder = {
    mp3: decode.mp3,
    flac: decode.flac,
    vorbis: decode.oga,
    opus: decode.opus,
  }[codec];
  let parts: Float32Array[][];
  let sampleRate: number;
  try {
    const decoder = await formatDecoder();
    const body = await decoder(bytes);
    const tail = await decoder();
    parts = [body.channelData, tail.channelData].filter((part) => part.length > 0);
    sampleRate = body.sampleRate || tail.sampleRate;
  } catch (error) {
    throw new ControlRoomError(
      "E_AUDIO_DECODE",
      `${fileName} looks like ${codec} but could not be decoded: ${(error as Error).message}`,
      fileName,
    );
  }
  if (parts.length === 0) {
    throw new ControlRoomError(
      "E_AUDIO_DECODE",
      `${fileName} looks like ${codec} but holds no audio that could be decoded`,
      fileName,
    );
  }
  const channels = concatenate(parts);
  checkComplete(fileName, codec, bytes, sampleRate, channels[0].length);
  if (codec === "mp3") return { sampleRate, channels: mp3Channels(bytes, channels), codec };
  return { sampleRate, channels, codec };
}

/**
 * The decoders stop quietly where a file is cut short; the length its header promises
 * (FLAC's STREAMINFO, an MP3's Xing or Info tag) tells a truncated file from a short one.
 * An MP3 decodes a little longer or shorter than its frames (encoder delay and padding,
 * a frame or two), so only a shortfall beyond that counts.
 */
function checkComplete(
  fileName: string,
  codec: DecodedCodec,
  bytes: Uint8Array,
  sampleRate: number,
  frames: number,
): void {
  const promised =
    codec === "flac"
      ? flacPromisedSamples(bytes)
      : codec === "mp3"
        ? mpegPromisedSamples(bytes, id3TagLength(bytes))
        : null;
  if (promised === null) {
    // Without a length tag (lamejs writes none), a file cut inside a frame still shows it.
    const cut = codec === "mp3" ? mpegStreamCutAt(bytes, id3TagLength(bytes)) : null;
    if (cut === null) return;
    throw new ControlRoomError(
      "E_AUDIO_TRUNCATED",
      `${fileName} is cut short: it ends at byte ${cut.endsAt}, inside an MPEG frame that runs to byte ${cut.needs}`,
      fileName,
    );
  }
  const slack = codec === "mp3" ? MP3_SLACK_FRAMES : 0;
  if (frames + slack >= promised) return;
  const seconds = (n: number) => (n / sampleRate).toFixed(2);
  throw new ControlRoomError(
    "E_AUDIO_TRUNCATED",
    `${fileName} is cut short: it decodes to ${seconds(frames)} s of the ${seconds(promised)} s its header promises`,
    fileName,
  );
}

/** Encoder delay and padding, and the tag frame itself: under 3 MPEG-1 frames. */
const MP3_SLACK_FRAMES = 3 * 1152;

/**
 * audio-decode folds an MP3 whose two channels are identical into one, because its decoder
 * also turns mono into such a pair; the frame header's channel mode (ISO/IEC 11172-3
 * §2.4.2.3, 11 = single channel) says which the file really is.
 */
function mp3Channels(bytes: Uint8Array, decoded: Float32Array[]): Float32Array[] {
  const mono = bytes[id3TagLength(bytes) + 3] >> 6 === 3;
  if (mono) return decoded.slice(0, 1);
  return decoded.length === 1 ? [decoded[0], decoded[0].slice()] : decoded;
}

function decodeWav(path: string): DecodedAudio {
  const reader = WavFileReader.open(path);
  try {
    const { channels, frames, sampleRate } = reader.info;
    const out = Array.from({ length: channels }, () => new Float32Array(frames));
    reader.readFrames(0, frames, out, 0);
    return { sampleRate, channels: out, codec: "wav" };
  } finally {
    reader.close();
  }
}

function decodeAiff(path: string): DecodedAudio {
  const reader = AiffFileReader.open(path);
  try {
    const { channels, frames, sampleRate } = reader.info;
    const out = Array.from({ length: channels }, () => new Float32Array(frames));
    reader.readFrames(0, frames, out, 0);
    return { sampleRate, channels: out, codec: "aiff" };
  } finally {
    reader.close();
  }
}

/**
 * Whether a file is RIFF/RF64/BW64 WAVE, told from its first bytes, never its name: the one
 * test every reader uses to choose between streaming a WAV and decoding the file whole.
 */
export async function isWavFile(path: string): Promise<boolean> {
  return (await sniffCodec(path, basename(path))) === "wav";
}

/** The codec a file's first bytes show, or null when it is none Control Room reads. */
export async function audioCodecOf(path: string): Promise<DecodedCodec | null> {
  return sniffCodec(path, basename(path));
}

async function sniffCodec(path: string, fileName: string): Promise<DecodedCodec | null> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw fileError(error, "E_FILE_READ", fileName, "cannot be opened");
  }
  try {
    const head = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    const codec = codecFromSignature(head.subarray(0, bytesRead));
    if (codec !== "id3") return codec;
    // Tags with cover art run to megabytes: read just the frames after the tag.
    const frames = new Uint8Array(SNIFF_BYTES);
    const { bytesRead: frameBytes } = await handle.read(frames, 0, SNIFF_BYTES, id3TagLength(head));
    return startsMpegStream(frames.subarray(0, frameBytes), 0) ? "mp3" : null;
  } finally {
    await handle.close();
  }
}

/**
 * Bytes taken by an ID3v2 tag at the start, 0 if there is none (id3.org, ID3v2.4 §3.1): a
 * 10-byte header with a synchsafe size, then an optional 10-byte footer.
 */
function id3TagLength(b: Uint8Array): number {
  if (String.fromCharCode(b[0], b[1], b[2]) !== "ID3") return 0;
  const size = (b[6] << 21) | (b[7] << 14) | (b[8] << 7) | b[9];
  return 10 + size + (b[5] & 0x10 ? 10 : 0);
}

function codecFromSignature(b: Uint8Array): DecodedCodec | "id3" | null {
  const text = (at: number, length: number) => String.fromCharCode(...b.subarray(at, at + length));
  if (
    (text(0, 4) === "RIFF" || text(0, 4) === "RF64" || text(0, 4) === "BW64") &&
    text(8, 4) === "WAVE"
  ) {
    return "wav";
  }
  if (isAiffStart(b)) return "aiff";
  if (text(0, 4) === "fLaC") return "flac";
  if (text(0, 3) === "ID3") return "id3";
  if (startsMpegStream(b, 0)) return "mp3";
  if (text(0, 4) === "OggS" && b.length >= 27) {
    // RFC 3533 §6: the first packet starts after the 27-byte page header and its segment table;
    // Vorbis I spec §4.2.1 and RFC 7845 §5.1 give that packet's signature.
    const packet = 27 + b[26];
    if (text(packet, 7) === "\x01vorbis") return "vorbis";
    if (text(packet, 8) === "OpusHead") return "opus";
  }
  return null;
}

function concatenate(parts: Float32Array[][]): Float32Array[] {
  if (parts.length === 1) return parts[0];
  const channels = parts[0].length;
  const frames = parts.reduce((sum, part) => sum + part[0].length, 0);
  return Array.from({ length: channels }, (_, c) => {
    const out = new Float32Array(frames);
    let at = 0;
    for (const part of parts) {
      out.set(part[c % part.length], at);
      at += part[0].length;
    }
    return out;
  });
}
