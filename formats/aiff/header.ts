import { ControlRoomError } from "../../music/errors.ts";
import type { ByteSource } from "../wav/header.ts";

/**
 * Reads the header of an AIFF or AIFF-C file (Apple, "Audio Interchange File Format 1.3",
 * 1989; "AIFF-C", draft of 1991): a FORM of chunks, big-endian, whose COMM chunk says the
 * channels, frames, bit depth, rate and (AIFF-C) compression, and whose SSND chunk holds the
 * samples. Like the WAV reader it asks its ByteSource for a few bytes at a time and seeks
 * over the chunks it does not need, so a large take is checked without reading its audio.
 *
 * Supported: uncompressed AIFF (`NONE`) at 8, 16, 24 and 32 bits; AIFF-C `sowt`
 * (little-endian integer, 16/24/32 bits, as macOS writes it), `fl32` and `fl64` (IEEE
 * float). Anything else (µ-law, A-law, IMA ADPCM, MACE…) is refused with E_AIFF_UNSUPPORTED.
 */

export type AiffSampleEncoding = "int" | "float";

export interface AiffInfo {
  form: "AIFF" | "AIFC";
  /** The AIFF-C compression type (`NONE` for plain AIFF). */
  compression: string;
  channels: number;
  sampleRate: number;
  frames: number;
  bitsPerSample: number;
  encoding: AiffSampleEncoding;
  littleEndian: boolean;
  /** Byte offset of the first sample frame. */
  dataOffset: number;
  /** Bytes of the samples the header promises: frames × channels × bytes per sample. */
  dataBytes: number;
}

const MIN_SAMPLE_RATE = 8000;
const MAX_SAMPLE_RATE = 384_000;
const MAX_CHANNELS = 8;
const MAX_CHUNKS = 1000;

/** AIFF-C compression types we decode → how their samples are stored. */
const COMPRESSIONS: Record<
  string,
  { encoding: AiffSampleEncoding; littleEndian: boolean; bits?: number[] }
> = {
  NONE: { encoding: "int", littleEndian: false, bits: [8, 16, 24, 32] },
  twos: { encoding: "int", littleEndian: false, bits: [8, 16, 24, 32] },
  sowt: { encoding: "int", littleEndian: true, bits: [16, 24, 32] },
  fl32: { encoding: "float", littleEndian: false, bits: [32] },
  FL32: { encoding: "float", littleEndian: false, bits: [32] },
  fl64: { encoding: "float", littleEndian: false, bits: [64] },
  FL64: { encoding: "float", littleEndian: false, bits: [64] },
};

/** Whether bytes start like an AIFF or AIFF-C file: "FORM", a size, then "AIFF" or "AIFC". */
export function isAiffStart(b: Uint8Array): boolean {
  if (b.length < 12) return false;
  return fourCC(b, 0) === "FORM" && (fourCC(b, 8) === "AIFF" || fourCC(b, 8) === "AIFC");
}

export function readAiffHeader(source: ByteSource, fileName: string): AiffInfo {
  const size = source.size;
  const head = source.read(0, 12);
  if (head.length < 12) {
    if (fourCC(head, 0).startsWith("FORM".slice(0, head.length)) && head.length > 0) {
      throw truncated(fileName, size, 12);
    }
    throw notAiff(fileName, `${fileName} is not an AIFF file: it is ${size} bytes long`);
  }
  if (!isAiffStart(head)) {
    throw notAiff(
      fileName,
      `${fileName} is not an AIFF file: an AIFF file starts with "FORM" and "AIFF" or "AIFC"`,
    );
  }
  const form = fourCC(head, 8) as "AIFF" | "AIFC";
  // The FORM's size counts everything after its first 8 bytes: a file shorter than that was cut.
  const formEnd = 8 + readU32(head, 4);
  if (formEnd > size) throw truncated(fileName, size, formEnd);

  let comm: Omit<AiffInfo, "dataOffset" | "dataBytes" | "form"> | null = null;
  let ssnd: { body: number; size: number } | null = null;
  let pos = 12;
  for (let n = 0; pos + 8 <= formEnd && n < MAX_CHUNKS; n++) {
    const header = source.read(pos, 8);
    if (header.length < 8) break;
    const id = fourCC(header, 0);
    const chunkSize = readU32(header, 4);
    const body = pos + 8;
    if (body + chunkSize > formEnd) {
      if (id === "SSND") throw truncated(fileName, size, body + chunkSize);
      throw headerError(
        fileName,
        `${fileName}: the "${id}" chunk at byte ${pos} says it is ${chunkSize} bytes long, which runs past the end of the file at byte ${formEnd}`,
      );
    }
    if (id === "COMM")
      comm = parseComm(source.read(body, Math.min(chunkSize, 300)), form, fileName);
    if (id === "SSND") ssnd = { body, size: chunkSize };
    // IFF chunks are word-aligned: an odd-sized chunk is followed by one pad byte.
    pos = body + chunkSize + (chunkSize & 1);
  }
  if (comm === null) throw headerError(fileName, `${fileName} has no "COMM" chunk`);
  const dataBytes = comm.frames * comm.channels * (comm.bitsPerSample >> 3);
  if (ssnd === null) {
    if (comm.frames === 0) return { form, ...comm, dataOffset: formEnd, dataBytes: 0 };
    throw headerError(fileName, `${fileName} has no "SSND" chunk for its ${comm.frames} frames`);
  }
  if (ssnd.size < 8) throw headerError(fileName, `${fileName}: its "SSND" chunk is too short`);
  // SSND starts with an offset to the first sample (for block alignment) and a block size.
  const offset = readU32(source.read(ssnd.body, 4), 0);
  const dataOffset = ssnd.body + 8 + offset;
  if (dataOffset + dataBytes > ssnd.body + ssnd.size) {
    throw truncated(fileName, ssnd.body + ssnd.size, dataOffset + dataBytes);
  }
  return { form, ...comm, dataOffset, dataBytes };
}

function parseComm(
  b: Uint8Array,
  form: "AIFF" | "AIFC",
  fileName: string,
): Omit<AiffInfo, "dataOffset" | "dataBytes" | "form"> {
  if (b.length < 18 || (form === "AIFC" && b.length < 22)) {
    throw headerError(fileName, `${fileName}: its "COMM" chunk is too short`);
  }
  const channels = (b[0] << 8) | b[1];
  const frames = readU32(b, 2);
  const bitsPerSample = (b[6] << 8) | b[7];
  const sampleRate = extendedToNumber(b, 8);
  const compression = form === "AIFC" ? fourCC(b, 18) : "NONE";
  const layout = COMPRESSIONS[compression];
  if (layout === undefined) {
    const name = form === "AIFC" && b.length > 22 ? pascalString(b, 22) : "";
    throw unsupported(
      fileName,
      `${fileName} is AIFF-C compressed as "${compression}"${name ? ` (${name})` : ""}; Control Room reads uncompressed AIFF and AIFF-C "sowt", "fl32" and "fl64"`,
    );
  }
  if (channels < 1 || channels > MAX_CHANNELS) {
    throw unsupported(
      fileName,
      `${fileName} has ${channels} channels; 1 to ${MAX_CHANNELS} are read`,
    );
  }
  // Plain AIFF rounds an odd width up to whole bytes (a 20-bit file is stored as 24).
  const stored = Math.ceil(bitsPerSample / 8) * 8;
  const bits = layout.encoding === "float" ? layout.bits![0] : stored;
  if (layout.bits && !layout.bits.includes(bits)) {
    throw unsupported(
      fileName,
      `${fileName} has ${bitsPerSample}-bit samples as "${compression}"; ${layout.bits.join(", ")} bits are read`,
    );
  }
  if (!(sampleRate >= MIN_SAMPLE_RATE && sampleRate <= MAX_SAMPLE_RATE)) {
    throw unsupported(
      fileName,
      `${fileName} says its sample rate is ${sampleRate} Hz; ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE} Hz are read`,
    );
  }
  return {
    compression,
    channels,
    sampleRate: Math.round(sampleRate),
    frames,
    bitsPerSample: bits,
    encoding: layout.encoding,
    littleEndian: layout.littleEndian,
  };
}

/**
 * The 80-bit IEEE 754 extended number AIFF stores its rate in (Apple SANE): a sign and
 * 15-bit exponent, then a 64-bit mantissa with an explicit integer bit.
 */
export function extendedToNumber(b: Uint8Array, at: number): number {
  const sign = b[at] & 0x80 ? -1 : 1;
  const exponent = ((b[at] & 0x7f) << 8) | b[at + 1];
  const high = readU32(b, at + 2);
  const low = readU32(b, at + 6);
  if (exponent === 0 && high === 0 && low === 0) return 0;
  if (exponent === 0x7fff) return Number.NaN;
  return sign * (high * 2 ** 32 + low) * 2 ** (exponent - 16383 - 63);
}

/**
 * Decodes `frames` interleaved frames at the start of `bytes` into `out[c][outOffset …]`, at
 * the same scale as WAV PCM (integer codes × 1/2^(bits−1)).
 */
export function decodeAiffSamples(
  bytes: Uint8Array,
  info: Pick<AiffInfo, "channels" | "bitsPerSample" | "encoding" | "littleEndian">,
  frames: number,
  out: Float32Array[] | Float64Array[],
  outOffset: number,
): void {
  const { channels, bitsPerSample: bits, encoding, littleEndian } = info;
  const width = bits >> 3;
  const stride = width * channels;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const scale = 2 ** -(bits - 1);
  for (let c = 0; c < channels; c++) {
    const dst = out[c];
    const end = outOffset + frames;
    let p = c * width;
    if (encoding === "float" && bits === 32) {
      for (let i = outOffset; i < end; i++, p += stride) dst[i] = view.getFloat32(p, littleEndian);
    } else if (encoding === "float") {
      for (let i = outOffset; i < end; i++, p += stride) dst[i] = view.getFloat64(p, littleEndian);
    } else if (bits === 8) {
      for (let i = outOffset; i < end; i++, p += stride) dst[i] = view.getInt8(p) * scale;
    } else if (bits === 16) {
      for (let i = outOffset; i < end; i++, p += stride)
        dst[i] = view.getInt16(p, littleEndian) * scale;
    } else if (bits === 24) {
      for (let i = outOffset; i < end; i++, p += stride) {
        const value = littleEndian
          ? (bytes[p + 2] << 16) | (bytes[p + 1] << 8) | bytes[p]
          : (bytes[p] << 16) | (bytes[p + 1] << 8) | bytes[p + 2];
        dst[i] = ((value << 8) >> 8) * scale;
      }
    } else {
      for (let i = outOffset; i < end; i++, p += stride)
        dst[i] = view.getInt32(p, littleEndian) * scale;
    }
  }
}

function fourCC(b: Uint8Array, at: number): string {
  return String.fromCharCode(...b.subarray(at, at + 4));
}

function readU32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function pascalString(b: Uint8Array, at: number): string {
  const length = b[at];
  return String.fromCharCode(...b.subarray(at + 1, Math.min(b.length, at + 1 + length)));
}

function notAiff(fileName: string, message: string): ControlRoomError {
  return new ControlRoomError("E_AIFF_NOT_AIFF", message, fileName);
}

function headerError(fileName: string, message: string): ControlRoomError {
  return new ControlRoomError("E_AIFF_HEADER", message, fileName);
}

function unsupported(fileName: string, message: string): ControlRoomError {
  return new ControlRoomError("E_AIFF_UNSUPPORTED", message, fileName);
}

function truncated(fileName: string, size: number, promised: number): ControlRoomError {
  return new ControlRoomError(
    "E_AIFF_TRUNCATED",
    `${fileName} ends at byte ${size}, the header promises ${promised}`,
    fileName,
  );
}
