import { ControlRoomError } from "../../music/errors.ts";
import { bytesPerFrame, type SampleFormat } from "./pcm.ts";

/**
 * Builds the bytes in front of the samples of a WAV file. The length depends only on the
 * format, never on `frames`, so a streaming writer can write a placeholder first and rewrite
 * it in place once the frame count is known.
 */

export interface WavHeaderFields extends SampleFormat {
  channels: number;
  sampleRate: number;
  frames: number;
  /** Speaker positions (dwChannelMask); defaults to ffmpeg's layout for the channel count. */
  channelMask?: number;
}

/**
 * ffmpeg's default layouts (mono, stereo, 2.1, 4.0, 5.0, 5.1, 6.1, 7.1), so a file we write
 * and one ffmpeg writes with the same channel count describe the same speakers.
 */
const DEFAULT_CHANNEL_MASKS = [0, 0x4, 0x3, 0xb, 0x107, 0x37, 0x3f, 0x70f, 0x63f];

/** A RIFF chunk size is 32 bits; bigger files would need RF64 (EBU Tech 3306). */
const MAX_RIFF_SIZE = 0xffffffff;

export function wavHeader(fields: WavHeaderFields): Uint8Array {
  const { channels, sampleRate, encoding, bitsPerSample, frames } = fields;
  const blockAlign = bytesPerFrame(fields, channels);
  const dataBytes = frames * blockAlign;
  // Microsoft, "Multiple Channel Audio Data and WAVE Files": use WAVE_FORMAT_EXTENSIBLE for
  // more than two channels or more than 16 bits per sample. Stereo float keeps the plain
  // format 3 header, which every reader of float WAV understands.
  const extensible = channels > 2 || (encoding === "int" && bitsPerSample > 16);
  // Every format other than PCM needs a "fact" chunk with the frame count (RIFF spec 1991).
  const fact = encoding === "float";
  const fmtSize = extensible ? 40 : encoding === "float" ? 18 : 16;
  const length = 12 + 8 + fmtSize + (fact ? 12 : 0) + 8;
  const riffSize = length - 8 + dataBytes + (dataBytes & 1);
  if (riffSize > MAX_RIFF_SIZE) {
    throw new ControlRoomError(
      "E_WAV_TOO_LARGE",
      `${frames} frames of ${channels}-channel ${bitsPerSample}-bit audio take ${dataBytes} bytes, more than the 4 GiB a WAV file can hold; export FLAC or split the file`,
    );
  }

  const bytes = new Uint8Array(length);
  const view = new DataView(bytes.buffer);
  let p = 0;
  const id = (s: string) => {
    for (let i = 0; i < 4; i++) bytes[p++] = s.charCodeAt(i);
  };
  const u16 = (v: number) => {
    view.setUint16(p, v, true);
    p += 2;
  };
  const u32 = (v: number) => {
    view.setUint32(p, v, true);
    p += 4;
  };

  const formatCode = encoding === "float" ? 3 : 1;
  id("RIFF");
  u32(riffSize);
  id("WAVE");
  id("fmt ");
  u32(fmtSize);
  u16(extensible ? 0xfffe : formatCode);
  u16(channels);
  u32(sampleRate);
  u32(sampleRate * blockAlign);
  u16(blockAlign);
  u16(bitsPerSample);
  if (extensible) {
    u16(22);
    u16(bitsPerSample);
    u32(fields.channelMask ?? DEFAULT_CHANNEL_MASKS[channels] ?? 0);
    // KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: {0000000X-0000-0010-8000-00AA00389B71}
    u16(formatCode);
    for (const byte of [0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71]) {
      bytes[p++] = byte;
    }
  } else if (encoding === "float") {
    u16(0);
  }
  if (fact) {
    id("fact");
    u32(4);
    u32(frames);
  }
  id("data");
  u32(dataBytes);
  return bytes;
}
