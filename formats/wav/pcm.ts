import { ControlRoomError } from "../../music/errors.ts";

/**
 * Interleaved little-endian PCM ⇄ planar float samples, as WAV stores them (RIFF is
 * little-endian; 8-bit PCM is offset binary, wider PCM is two's complement).
 *
 * Integer codes map to floats by exactly 1/2^(bits−1), so full scale is −1 … 1 − 1 LSB and
 * every 24-bit code is exact in a Float32Array; the writers rely on the same scale to put
 * dithered codes back into the file unchanged.
 */

export type SampleEncoding = "int" | "float";

export interface SampleFormat {
  encoding: SampleEncoding;
  bitsPerSample: number;
}

export type SampleBuffers = Float64Array[] | Float32Array[];

export function bytesPerFrame(format: SampleFormat, channels: number): number {
  return (format.bitsPerSample >> 3) * channels;
}

/** Every sample format we read and write: 8/16/24/32-bit integer, 32/64-bit float. */
export const SAMPLE_FORMATS: readonly SampleFormat[] = [
  { encoding: "int", bitsPerSample: 8 },
  { encoding: "int", bitsPerSample: 16 },
  { encoding: "int", bitsPerSample: 24 },
  { encoding: "int", bitsPerSample: 32 },
  { encoding: "float", bitsPerSample: 32 },
  { encoding: "float", bitsPerSample: 64 },
];

/**
 * Decodes `frames` interleaved frames from the start of `bytes` into `out[c][outOffset …]`.
 * The number of channels is `format.channels`; `out` must hold at least that many.
 */
export function decodePcm(
  bytes: Uint8Array,
  format: SampleFormat & { channels: number },
  frames: number,
  out: SampleBuffers,
  outOffset: number,
): void {
  const channels = format.channels;
  const bits = format.bitsPerSample;
  const width = bits >> 3;
  const stride = width * channels;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let c = 0; c < channels; c++) {
    const dst = out[c];
    const end = outOffset + frames;
    let p = c * width;
    if (format.encoding === "float" && bits === 32) {
      for (let i = outOffset; i < end; i++, p += stride) dst[i] = view.getFloat32(p, true);
    } else if (format.encoding === "float" && bits === 64) {
      for (let i = outOffset; i < end; i++, p += stride) dst[i] = view.getFloat64(p, true);
    } else if (format.encoding === "int" && bits === 16) {
      const scale = 2 ** -15;
      for (let i = outOffset; i < end; i++, p += stride) {
        dst[i] = (((bytes[p] | (bytes[p + 1] << 8)) << 16) >> 16) * scale;
      }
    } else if (format.encoding === "int" && bits === 24) {
      const scale = 2 ** -23;
      for (let i = outOffset; i < end; i++, p += stride) {
        dst[i] = (((bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16)) << 8) >> 8) * scale;
      }
    } else if (format.encoding === "int" && bits === 32) {
      const scale = 2 ** -31;
      for (let i = outOffset; i < end; i++, p += stride) {
        dst[i] =
          (bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24)) * scale;
      }
    } else if (format.encoding === "int" && bits === 8) {
      for (let i = outOffset; i < end; i++, p += stride) dst[i] = (bytes[p] - 128) * 2 ** -7;
    } else {
      throw unsupported(format);
    }
  }
}

/**
 * Encodes `channels[c][offset …]` as interleaved PCM into `bytesOut` and returns the number
 * of bytes written. Integer targets expect already-quantized input (see formats/dither.ts):
 * samples are rounded to the nearest code and clipped to the code range, never dithered.
 */
export function encodePcm(
  channels: SampleBuffers,
  offset: number,
  frames: number,
  target: SampleFormat,
  bytesOut: Uint8Array,
): number {
  const bits = target.bitsPerSample;
  const width = bits >> 3;
  const stride = width * channels.length;
  const view = new DataView(bytesOut.buffer, bytesOut.byteOffset, bytesOut.byteLength);
  for (let c = 0; c < channels.length; c++) {
    const src = channels[c];
    const end = offset + frames;
    let p = c * width;
    if (target.encoding === "float" && bits === 32) {
      for (let i = offset; i < end; i++, p += stride) view.setFloat32(p, src[i], true);
    } else if (target.encoding === "float" && bits === 64) {
      for (let i = offset; i < end; i++, p += stride) view.setFloat64(p, src[i], true);
    } else if (target.encoding === "int" && bits === 16) {
      for (let i = offset; i < end; i++, p += stride) {
        let v = Math.round(src[i] * 32768);
        if (v > 32767) v = 32767;
        else if (v < -32768) v = -32768;
        bytesOut[p] = v;
        bytesOut[p + 1] = v >> 8;
      }
    } else if (target.encoding === "int" && bits === 24) {
      for (let i = offset; i < end; i++, p += stride) {
        let v = Math.round(src[i] * 8388608);
        if (v > 8388607) v = 8388607;
        else if (v < -8388608) v = -8388608;
        bytesOut[p] = v;
        bytesOut[p + 1] = v >> 8;
        bytesOut[p + 2] = v >> 16;
      }
    } else if (target.encoding === "int" && bits === 32) {
      for (let i = offset; i < end; i++, p += stride) {
        let v = Math.round(src[i] * 2147483648);
        if (v > 2147483647) v = 2147483647;
        else if (v < -2147483648) v = -2147483648;
        bytesOut[p] = v;
        bytesOut[p + 1] = v >> 8;
        bytesOut[p + 2] = v >> 16;
        bytesOut[p + 3] = v >> 24;
      }
    } else if (target.encoding === "int" && bits === 8) {
      for (let i = offset; i < end; i++, p += stride) {
        let v = Math.round(src[i] * 128);
        if (v > 127) v = 127;
        else if (v < -128) v = -128;
        bytesOut[p] = v + 128;
      }
    } else {
      throw unsupported(target);
    }
  }
  return frames * stride;
}

function unsupported(format: SampleFormat): ControlRoomError {
  return new ControlRoomError(
    "E_PCM_FORMAT",
    `${format.bitsPerSample}-bit ${format.encoding} samples are not a PCM format Control Room handles; use 8, 16, 24 or 32-bit int, or 32 or 64-bit float`,
  );
}
