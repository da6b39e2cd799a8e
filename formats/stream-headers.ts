/**
 * What the headers of compressed files promise, read without decoding: enough to tell an
 * MP3 from random bytes that happen to start with a sync word, and a file cut short from a
 * complete one. Pure; the decoder in formats/node/decode-file.ts holds them to it.
 */

export interface MpegFrame {
  /** Bytes in this frame, header included; null for free-format streams. */
  length: number | null;
  sampleRate: number;
  /** Samples per channel the frame decodes to. */
  samples: number;
  channels: 1 | 2;
  /** 1 for MPEG-1, 2 for MPEG-2, 2.5 for MPEG-2.5. */
  version: 1 | 2 | 2.5;
  layer: 1 | 2 | 3;
}

/** ISO/IEC 11172-3 Table 2.4.2.3 and 13818-3 Table 2.4.2.3, kbit/s by index 1–14. */
const BITRATES: Record<string, number[]> = {
  "1-1": [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  "1-2": [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  "1-3": [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  "2-1": [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  "2-2": [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  "2-3": [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES = {
  1: [44_100, 48_000, 32_000],
  2: [22_050, 24_000, 16_000],
  2.5: [11_025, 12_000, 8_000],
};

/**
 * The MPEG audio frame header at `at` (ISO/IEC 11172-3 §2.4.1.3): 11 sync bits, then a
 * version, layer, bitrate and sample rate that are not reserved (which is also how ADTS AAC,
 * layer 00, is told apart). null if there is none.
 */
export function mpegFrameAt(b: Uint8Array, at: number): MpegFrame | null {
  if (at < 0 || at + 4 > b.length) return null;
  const b1 = b[at + 1];
  const b2 = b[at + 2];
  if (b[at] !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const sampleRate = SAMPLE_RATES[version][rateIndex];
  const padding = (b2 >> 1) & 1;
  const samples = layer === 1 ? 384 : layer === 3 && version !== 1 ? 576 : 1152;
  let length: number | null = null;
  if (bitrateIndex !== 0) {
    const bitrate = 1000 * BITRATES[`${version === 1 ? 1 : 2}-${layer}`][bitrateIndex - 1];
    length =
      layer === 1
        ? 4 * (Math.floor((12 * bitrate) / sampleRate) + padding)
        : Math.floor(((samples / 8) * bitrate) / sampleRate) + padding;
  }
  const channels = b[at + 3] >> 6 === 3 ? 1 : 2;
  return { length, sampleRate, samples, channels, version, layer };
}

/**
 * Whether an MPEG audio stream starts at `at`: a frame header, and where the file goes on
 * past that frame, another header right after it, as a real stream has. Random bytes that
 * begin with a sync word almost never pass the second test.
 */
export function startsMpegStream(b: Uint8Array, at: number): boolean {
  const first = mpegFrameAt(b, at);
  if (!first) return false;
  if (first.length === null || at + first.length + 4 > b.length) return true;
  const next = mpegFrameAt(b, at + first.length);
  return (
    next !== null &&
    next.version === first.version &&
    next.layer === first.layer &&
    next.sampleRate === first.sampleRate
  );
}

/**
 * Where an MPEG audio stream without a length tag was cut inside a frame: walks the frames
 * from `at` by their lengths, and answers the byte the last frame needs to reach when the
 * file ends before it, else null. A file cut exactly between frames is whole audio, only
 * shorter; what follows the last frame (an ID3v1 or APE tag) ends the walk.
 */
export function mpegStreamCutAt(
  b: Uint8Array,
  at: number,
): { endsAt: number; needs: number } | null {
  let pos = at;
  for (;;) {
    const frame = mpegFrameAt(b, pos);
    if (frame === null || frame.length === null) return null;
    if (pos + frame.length > b.length) return { endsAt: b.length, needs: pos + frame.length };
    if (pos + frame.length === b.length) return null;
    pos += frame.length;
  }
}

/**
 * Samples per channel an MP3 promises in its Xing or Info header (the LAME/Xing VBR tag in
 * the first frame, after the side information), or null when it has none.
 */
export function mpegPromisedSamples(b: Uint8Array, at: number): number | null {
  const frame = mpegFrameAt(b, at);
  if (frame?.layer !== 3) return null;
  const sideInfo =
    frame.version === 1 ? (frame.channels === 1 ? 17 : 32) : frame.channels === 1 ? 9 : 17;
  const tag = at + 4 + sideInfo;
  if (tag + 12 > b.length) return null;
  const name = String.fromCharCode(b[tag], b[tag + 1], b[tag + 2], b[tag + 3]);
  if (name !== "Xing" && name !== "Info") return null;
  const flags = readU32(b, tag + 4);
  if ((flags & 1) === 0) return null;
  return readU32(b, tag + 8) * frame.samples;
}

/**
 * Samples per channel a FLAC file's STREAMINFO promises (RFC 9639 §8.2: 36 bits after the
 * sample rate, channels and bit depth), or null when it says 0, "unknown".
 */
export function flacPromisedSamples(b: Uint8Array): number | null {
  // "fLaC", a 4-byte metadata block header, then STREAMINFO; the count is its bits 108–143.
  const info = 8;
  if (b.length < info + 18) return null;
  const total = (b[info + 13] & 0x0f) * 2 ** 32 + readU32(b, info + 14);
  return total === 0 ? null : total;
}

function readU32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}
